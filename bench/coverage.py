"""Benchmark: distinct persons per community in a round, at city scale (~10 M sampling rows).

Compares ``workbench.domains.coverage.count_tested`` (DuckDB) with a plain pandas
``groupby().nunique()`` on the same frame, in the same run: once with pandas 3's default
Arrow-backed strings, once with the Python-object strings pandas 2 used by default. Each method
runs in a fresh child process that first loads the sampling columns from Parquet; we report
the compute time, the peak resident memory the computation adds on top of the loaded frame,
and the process's peak resident memory in all (frame included).

    python bench/coverage.py [--pack DIR] [--repeat 3]

Without ``--pack`` the city pack is generated once into ``bench/out/city`` (outside git).
Target (issue 2): ours ≥ 3× faster and < ½ the memory of the pandas baseline at 10 M rows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_bytes() -> int:
    """Current resident set size of this process, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class PeakSampler(threading.Thread):
    """Samples RSS every 5 ms until stopped; keeps the maximum."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self._done = rss_bytes(), threading.Event()

    def run(self):
        while not self._done.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.005)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return max(self.peak, rss_bytes())


def pandas_baseline(frame, start, end):
    inside = frame[(frame["sampled_at"] >= start) & (frame["sampled_at"] <= end)]
    return inside.groupby("area_id")["person_key"].nunique()


def ours(frame, start, end):
    from workbench.domains.coverage import count_tested

    return count_tested(frame, start, end).set_index("area_id")["tested"]


def child(method: str, parquet: str, start: str, end: str) -> None:
    """Run one method once in this (fresh) process and print a JSON line."""
    import pandas as pd

    frame = pd.read_parquet(parquet, columns=["person_key", "area_id", "sampled_at"])
    if method == "pandas-object":  # strings as pandas < 3 held them by default (Python objects)
        frame = frame.astype({"person_key": object, "area_id": object})
    import workbench.domains.coverage  # noqa: F401  (import cost is not part of the computation)

    before = rss_bytes()
    sampler = PeakSampler()
    sampler.start()
    began = time.perf_counter()
    compute = {"ours": ours, "pandas": pandas_baseline, "pandas-object": pandas_baseline}[method]
    result = compute(frame, pd.Timestamp(start), pd.Timestamp(end))
    seconds = time.perf_counter() - began
    peak = sampler.stop()
    print(json.dumps({"method": method, "rows": len(frame), "seconds": seconds,
                      "peak_extra_mb": (peak - before) / 2**20, "peak_total_mb": peak / 2**20,
                      "areas": int(len(result)),
                      "checksum": int(result.sum())}))


def run_child(method: str, parquet: Path, start: str, end: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", method, str(parquet), start, end],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_city_pack(pack: Path | None) -> Path:
    if pack is not None:
        return pack
    pack = ROOT / "bench" / "out" / "city"
    if not (pack / "catalog.yaml").exists():
        from workbench.sample import generate_pack

        print(f"generating the city pack into {pack} ...", flush=True)
        generate_pack(pack, scale="city")
    return pack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    import pandas as pd

    pack = ensure_city_pack(args.pack)
    rounds = pd.read_csv(pack / "rounds.csv", parse_dates=["start", "end"]).sort_values("start")
    last = rounds.iloc[-1]
    start, end = str(last["start"]), str(last["end"])
    parquet = pack / "sampling.parquet"
    print(f"pack {pack}  round {last['round_id']} [{start} .. {end}]")
    methods = ("ours", "pandas", "pandas-object")
    results = {m: [run_child(m, parquet, start, end) for _ in range(args.repeat)] for m in methods}
    best = {m: min(runs, key=lambda r: r["seconds"]) for m, runs in results.items()}
    if len({best[m]["checksum"] for m in methods}) != 1:
        sys.exit(f"results differ: {[best[m]['checksum'] for m in methods]}")
    print(f"rows {best['ours']['rows']:,}  areas {best['ours']['areas']}  repeat {args.repeat} (best shown)")
    print(f"{'method':<42}{'seconds':>10}{'peak extra MB':>16}{'peak total MB':>16}")
    labels = {"ours": "workbench (DuckDB)", "pandas": "pandas groupby-nunique (Arrow strings)",
              "pandas-object": "pandas groupby-nunique (object strings)"}
    for name in methods:
        row = best[name]
        print(f"{labels[name]:<42}{row['seconds']:>10.2f}{row['peak_extra_mb']:>16.0f}{row['peak_total_mb']:>16.0f}")
    for baseline in ("pandas", "pandas-object"):
        speed = best[baseline]["seconds"] / best["ours"]["seconds"]
        memory = best["ours"]["peak_extra_mb"] / max(best[baseline]["peak_extra_mb"], 1e-9)
        print(f"vs {labels[baseline]}: speed-up ×{speed:.1f} (target ≥ 3), "
              f"memory ratio {memory:.2f} (target < 0.5)")


if __name__ == "__main__":
    main()
