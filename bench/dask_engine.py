"""Benchmark: the person-level aggregates with DuckDB against Dask on a LocalCluster (issue 15 point 4).

From the files to the two aggregates a coverage report needs — distinct persons per community
in the last round (``count_tested``) and samples per site and day with the busiest hour
(``site_daily_load``) — each engine in a fresh child process:

- ``duckdb``: ``load_datasets`` then both aggregates, as every report runs them today;
- ``dask``: the same load, then a ``distributed.LocalCluster`` of ``--workers`` worker
  processes (started in the child: its start is timed apart), then both aggregates on the
  cluster, its workers reading the pack's Parquet file (nothing was set aside);
- ``dask-staged``: the same, with a ``staging`` folder: the clean view is first written as
  Parquet for the workers (timed apart), as for a CSV pack or one with rows set aside.

Printed per engine: wall seconds of each step, CPU seconds of the whole process tree (the
worker processes included) and its peak resident memory (sum over the tree, sampled every
20 ms); the two engines' answers must be identical (else the script exits non-zero).

    python bench/dask_engine.py [--pack DIR] [--repeat 3] [--workers 2]

Without ``--pack`` the city pack (~10 M sampling rows) is generated once into
``bench/out/city`` (outside git).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from coverage import ensure_city_pack  # noqa: E402  (bench/coverage.py, beside this file)


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of this process and its descendants, and their CPU seconds."""

    def __init__(self):
        super().__init__(daemon=True)
        self.me, self.peak, self._done = psutil.Process(), 0, threading.Event()
        self.cpu_of_children: dict[int, float] = {}

    def _tree(self):
        return [self.me, *self.me.children(recursive=True)]

    def run(self):
        while not self._done.is_set():
            total = 0
            for proc in self._tree():
                try:
                    total += proc.memory_info().rss
                    if proc.pid != self.me.pid:
                        times = proc.cpu_times()
                        self.cpu_of_children[proc.pid] = times.user + times.system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.02)

    def stop(self) -> tuple[int, float]:
        self._done.set()
        self.join()
        own = self.me.cpu_times()
        return self.peak, own.user + own.system + sum(self.cpu_of_children.values())


def digest(frame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()[:16]


def child(engine: str, pack: str, workers: int) -> None:
    """One engine once in this (fresh) process; prints a JSON line."""
    sampler = TreeSampler()
    sampler.start()
    began = time.perf_counter()
    steps = {}

    def step(name, work):
        start = time.perf_counter()
        value = work()
        steps[name] = time.perf_counter() - start
        return value

    from workbench.domains import coverage
    from workbench.intake import catalog
    from workbench.intake.datasets import load_datasets

    pk = catalog.open_pack(pack)
    data = step("load", lambda: load_datasets(pk, ["sampling", "areas", "testing_sites", "rounds"]))
    rows, sites = data["sampling"], data["testing_sites"]
    last = data["rounds"].sort_values("start").iloc[-1]
    cluster = staging = None
    if engine.startswith("dask"):
        import distributed

        from workbench.intake import person_engines
        from workbench.intake.person_engines import DaskEngine

        cluster = step("cluster start", lambda: distributed.LocalCluster(
            n_workers=workers, processes=True, dashboard_address=None))  # fmt: skip
        if engine == "dask-staged":
            staging = str(Path(pack).resolve() / f".staged-{os.getpid()}")
        rows = rows.with_engine(DaskEngine(cluster.scheduler_address, staging))
        files = step("stage clean rows", lambda: rows.engine.clean_files(rows))
        steps["partitions"] = len(rows.dask_frame(["area_id"]).to_delayed())
        steps["staged files"] = len(files)
    tested = step("count_tested", lambda: coverage.count_tested(rows, last["start"], last["end"]))
    load = step("site_daily_load", lambda: coverage.site_daily_load(rows, sites))
    if cluster is not None:
        person_engines.close_client(cluster.scheduler_address)
        cluster.close()
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
    wall = time.perf_counter() - began
    peak, cpu = sampler.stop()
    print(json.dumps({"engine": engine, "rows": len(rows), "wall": wall, "cpu": cpu,
                      "peak_mb": peak / 2**20, "steps": steps,
                      "answer": digest(tested) + digest(load), "areas": len(tested)}))  # fmt: skip


def run_child(engine: str, pack: Path, workers: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", engine, str(pack), str(workers)],
                         check=True, capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    pack = ensure_city_pack(args.pack)
    engines = ("duckdb", "dask", "dask-staged")
    runs = {e: [] for e in engines}
    for _ in range(args.repeat):  # rotated, so that a slow moment of the machine hits both
        for engine in engines:
            runs[engine].append(run_child(engine, pack, args.workers))
    answers = {r["answer"] for e in engines for r in runs[e]}
    if len(answers) != 1:
        sys.exit(f"the engines' answers differ: {sorted(answers)}")
    first = runs["duckdb"][0]
    print(f"pack {pack}: {first['rows']:,} sampling rows kept, {first['areas']:,} areas tested; "
          f"medians of {args.repeat}; Dask on a LocalCluster of {args.workers} worker processes")  # fmt: skip
    print(f"{'engine':<12}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}   steps (median wall s)")
    median = {}
    for engine in engines:
        keys = ("wall", "cpu", "peak_mb")
        median[engine] = {k: statistics.median(r[k] for r in runs[engine]) for k in keys}
        steps = {k: statistics.median(r["steps"][k] for r in runs[engine]) for k in runs[engine][0]["steps"]}
        shown = ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v:g}" for k, v in steps.items())
        m = median[engine]
        print(f"{engine:<12}{m['wall']:>9.2f}{m['cpu']:>9.2f}{m['peak_mb']:>10.0f}   {shown}")
    for key, name in (("wall", "wall time"), ("cpu", "CPU time"), ("peak_mb", "peak memory")):
        ratios = ", ".join(f"{e} ×{median[e][key] / median['duckdb'][key]:.2f}" for e in engines[1:])
        print(f"{name} against duckdb: {ratios}")
    print("answers identical:", answers.pop())


if __name__ == "__main__":
    main()
