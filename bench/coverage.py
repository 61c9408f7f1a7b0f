"""Benchmark: files to the per-community coverage table; the workbench against pandas, DuckDB, polars.

    python bench/coverage.py [--rows 10M,30M] [--repeat 3] [--pack DIR] [--skip-generate] [--json FILE]

Six methods, in one run, each in a fresh child process (interpreter start, imports and all):

(a) ``workbench``: the public path of ``notebooks/testing_coverage.ipynb``: ``open_pack``,
    ``load_report(pack, "testing_coverage")``, ``coverage.analyse_coverage(...)`` for the
    notebook's default round and scope; the community rows of ``result.table``. Whatever the
    package does on that path is measured (the child imports the ``workbench`` of this checkout),
    with an empty scan memory (``$WORKBENCH_SCAN_CACHE``): the door checks every row, as on the
    first morning a file is seen;
(a') ``workbench-remembered``: the same, the files' scans remembered by one earlier (unmeasured)
    run, as on every later morning (:mod:`workbench.intake.scan_memory`; a folder of daily
    files then scans only the new one);
(c') ``duckdb-checked``: DuckDB doing the door's checks first, in one pass over every row (blank,
    non-ASCII or spaced keys, missing or date-only stamps, unknown communities by anti-join),
    then (c)'s query: the same work as (a), without the workbench;
(b) ``pandas`` as an analyst writes it: ``read_parquet`` (``read_csv``) of the sampling file, filter
    the round, ``groupby("area_id")["person_key"].nunique()``, join the communities' population;
(c) ``duckdb``: one SQL query over the Parquet (CSV) file and ``areas.geojson``;
(d) ``polars``: a lazy scan, filter, ``n_unique`` per community, join, ``collect``.

The baselines take the round the notebook picks by default (the latest one started on or before
the pack's ``report_date``) and read the pack's files as the catalog names them (no column renames).
For every child, ``os.wait4`` gives its CPU seconds (user + sys) and peak resident memory
(``ru_maxrss``, the whole process); the wall time is taken around it. Each figure is the median of
``--repeat`` runs, the order of the methods rotated from one repeat to the next. Every method's
table must hold the same communities with the same distinct counts and populations; when they
differ the run says where and exits 1.

Packs (generated when missing, into ``bench/out/``, outside git): ``10M`` is ``workbench sample
--scale city`` (9.9 M rows), ``30M`` the same with ``--replicate 3`` (29.8 M), ``100M`` with
``--replicate 10`` (99.3 M; ``--rows 10M,30M,100M``). ``--pack DIR`` measures that pack alone.

Targets (issue 15): the workbench ≤ 1.2× DuckDB's CPU time and ≤ 1.5× its peak memory at 10 M
and 30 M rows, and ≥ 2.5× faster than pandas (pandas CPU ÷ workbench CPU).

One module because every child process runs this very file (``--child``), methods and all.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
CITY_ROWS = 9_934_659  # sampling rows of `workbench sample --scale city` (default seed)
METHODS = ("workbench", "workbench-remembered", "pandas", "duckdb", "duckdb-checked", "polars")
OURS = ("workbench", "workbench-remembered")
LABELS = {
    "workbench": "workbench (load_report + analyse_coverage)",
    "workbench-remembered": "workbench, scans remembered",
    "duckdb-checked": "DuckDB: the door's checks, then the query",
    "pandas": "pandas, as an analyst writes it",
    "duckdb": "DuckDB SQL on the files",
    "polars": "polars lazy scan",
}
TARGETS = {"duckdb_cpu": 1.2, "duckdb_peak": 1.5, "pandas_speedup": 2.5}


# --- the four methods (each runs alone in a child process) ----------------------------------

def run_workbench(pack: str, start: str, end: str) -> tuple[str, str, list]:
    """The notebook's path; returns the round it chose and its community rows."""
    from workbench.domains import coverage
    from workbench.intake.catalog import open_pack
    from workbench.intake.needs import load_report

    opened = open_pack(pack)
    day = opened.resolve_date(None)
    data = load_report(opened, "testing_coverage")
    result = coverage.analyse_coverage(data.sampling, data.areas, data.testing_sites, data.rounds,
                                       data.zones, day)
    table = result.table[result.table["level"] == "community"]
    rows = [(str(a), int(t), int(p)) for a, t, p in
            zip(table["area_id"], table["tested"], table["population"], strict=True)]
    return str(result.round["start"]), str(result.round["end"]), rows


def run_pandas(files: dict, start: str, end: str) -> list:
    """Read everything, filter the round, count distinct persons, join the population."""
    import pandas as pd

    if files["sampling"].endswith(".csv"):
        sampling = pd.read_csv(files["sampling"], parse_dates=["sampled_at"])
    else:
        sampling = pd.read_parquet(files["sampling"])
    inside = sampling[(sampling["sampled_at"] >= pd.Timestamp(start))
                      & (sampling["sampled_at"] <= pd.Timestamp(end))]
    tested = inside.groupby("area_id")["person_key"].nunique().rename("tested")
    with open(files["areas"], encoding="utf-8") as f:
        areas = pd.DataFrame([feature["properties"] for feature in json.load(f)["features"]])
    table = areas[areas["level"] == "community"].join(tested, on="area_id")
    table["tested"] = table["tested"].fillna(0).astype("int64")
    table["coverage"] = table["tested"] / table["population"]
    return list(zip(table["area_id"], table["tested"], table["population"], strict=True))


#: The communities of ``areas.geojson`` (``$areas``) with their population, as DuckDB reads them.
COMMUNITIES_SQL = """features AS (
            SELECT unnest(features) AS f
            FROM read_json($areas, format = 'unstructured', maximum_object_size = 1073741824)),
        communities AS (
            SELECT f.properties.area_id AS area_id, f.properties.population AS population
            FROM features WHERE f.properties.level = 'community')"""


def run_duckdb(files: dict, start: str, end: str) -> list:
    """One SQL query over the sampling file and the areas GeoJSON."""
    import duckdb

    scan = "read_csv" if files["sampling"].endswith(".csv") else "read_parquet"
    sql = f"""
        WITH tested AS (
            SELECT area_id, count(DISTINCT person_key) AS tested FROM {scan}($sampling)
            WHERE sampled_at BETWEEN $start AND $end GROUP BY area_id),
        {COMMUNITIES_SQL}
        SELECT c.area_id, coalesce(t.tested, 0) AS tested, c.population,
               coalesce(t.tested, 0) / c.population AS coverage
        FROM communities c LEFT JOIN tested t USING (area_id)
    """
    params = {"sampling": files["sampling"], "areas": files["areas"],
              "start": dt.datetime.fromisoformat(start), "end": dt.datetime.fromisoformat(end)}
    rows = duckdb.connect().execute(sql, params).fetchall()
    return [(a, t, p) for a, t, p, _ in rows]


def run_duckdb_checked(files: dict, start: str, end: str) -> list:
    """The door's row checks in one SQL pass over every row, then :func:`run_duckdb`'s query."""
    import duckdb

    scan = "read_csv" if files["sampling"].endswith(".csv") else "read_parquet"
    checks = f"""
        WITH {COMMUNITIES_SQL}
        SELECT count(*) FILTER (WHERE person_key IS NULL OR person_key = ''
                                   OR strlen(person_key) <> length(person_key) OR contains(person_key, ' ')),
               count(*) FILTER (WHERE sampled_at IS NULL OR sampled_at = date_trunc('day', sampled_at)),
               count(*) FILTER (WHERE s.area_id IS NOT NULL AND c.area_id IS NULL)
        FROM {scan}($sampling) s LEFT JOIN communities c USING (area_id)
    """
    found = duckdb.connect().execute(checks, {"sampling": files["sampling"], "areas": files["areas"]})
    if any(found.fetchone()):
        raise SystemExit("duckdb-checked: the pack has rows the door corrects (it reads clean packs only)")
    return run_duckdb(files, start, end)


def run_polars(files: dict, start: str, end: str) -> list:
    """A lazy scan: filter, distinct persons per community, join the population, collect."""
    import polars as pl

    path = files["sampling"]
    scan = pl.scan_csv(path, try_parse_dates=True) if path.endswith(".csv") else pl.scan_parquet(path)
    tested = (scan.filter(pl.col("sampled_at").is_between(dt.datetime.fromisoformat(start),
                                                          dt.datetime.fromisoformat(end), closed="both"))
              .group_by("area_id").agg(pl.col("person_key").n_unique().alias("tested")))
    areas = (pl.read_json(files["areas"]).select(pl.col("features").explode())
             .select(pl.col("features").struct.field("properties")).unnest("properties").lazy())
    table = (areas.filter(pl.col("level") == "community").select("area_id", "population")
             .join(tested, on="area_id", how="left")
             .with_columns(pl.col("tested").fill_null(0))
             .with_columns((pl.col("tested") / pl.col("population")).alias("coverage"))
             .collect())
    return list(zip(table["area_id"], table["tested"], table["population"], strict=True))


def child(method: str, pack: str, start: str, end: str, out: str) -> None:
    """Run one method once in this (fresh) process; write its round and rows as JSON to ``out``."""
    if method in OURS:
        start, end, rows = run_workbench(pack, start, end)
    else:
        runner = {"pandas": run_pandas, "duckdb": run_duckdb, "duckdb-checked": run_duckdb_checked,
                  "polars": run_polars}[method]
        rows = runner(pack_files(Path(pack)), start, end)
    rows = sorted((str(a), int(t), int(p)) for a, t, p in rows)
    Path(out).write_text(json.dumps({"start": start, "end": end, "rows": rows}), encoding="utf-8")


# --- the pack: its files and the round of the notebook ----------------------------------------

def read_catalog(pack: Path) -> dict:
    import yaml

    return yaml.safe_load((pack / "catalog.yaml").read_text(encoding="utf-8"))


def pack_files(pack: Path) -> dict:
    """Paths of ``sampling``, ``areas`` and ``rounds`` as the catalog names them.

    Raises
    ------
    SystemExit
        When the catalog renames their columns (the baselines read contract names only).
    """
    datasets = read_catalog(pack)["datasets"]
    files = {}
    for name in ("sampling", "areas", "rounds"):
        entry = datasets[name] if isinstance(datasets[name], dict) else {"path": datasets[name]}
        if entry.get("columns"):
            sys.exit(f"{pack}: the baselines need {name} with contract column names (no `columns:`)")
        files[name] = str(pack / entry["path"])
    return files


def default_round(pack: Path) -> dict:
    """The round the notebook takes by default: the latest one started before the report date's end."""
    day_end = dt.datetime.fromisoformat(str(read_catalog(pack)["report_date"])) + dt.timedelta(days=1)
    with open(pack_files(pack)["rounds"], encoding="utf-8-sig", newline="") as f:
        rounds = [r for r in csv.DictReader(f) if dt.datetime.fromisoformat(r["start"]) < day_end]
    chosen = max(rounds, key=lambda r: dt.datetime.fromisoformat(r["start"]))
    return {"round_id": chosen["round_id"], "start": str(dt.datetime.fromisoformat(chosen["start"])),
            "end": str(dt.datetime.fromisoformat(chosen["end"]))}


def sampling_rows(pack: Path) -> int | None:
    """Rows of a Parquet sampling file (from its footer); None for CSV."""
    path = pack_files(pack)["sampling"]
    if path.endswith(".csv"):
        return None
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


# --- sizes and packs ------------------------------------------------------------------------------

def parse_rows(text: str) -> list[int]:
    """``"10M,30M"`` -> ``[10_000_000, 30_000_000]``; ``k`` and ``M`` suffixes, decimals allowed."""
    sizes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kKmM]?)", part)
        if not match:
            raise argparse.ArgumentTypeError(f"expected sizes like 10M,30M; got {part!r}")
        factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
        sizes.append(round(float(match.group(1)) * factor))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected sizes like 10M,30M; got {text!r}")
    return sizes


def copies_for(rows: int) -> int:
    """Copies of the city pack whose sampling rows are nearest ``rows`` (at least 1)."""
    return max(1, round(rows / CITY_ROWS))


def pack_dir(copies: int) -> Path:
    return OUT / ("city" if copies == 1 else f"city-x{copies}")


def child_env() -> dict:
    """The environment of every child: this checkout's ``workbench`` first on the path."""
    path = os.environ.get("PYTHONPATH")
    return os.environ | {"PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}


def ensure_pack(copies: int, skip_generate: bool) -> Path:
    """The city pack with ``copies`` copies of every resident; generated in a child when missing."""
    pack = pack_dir(copies)
    if (pack / "catalog.yaml").exists():
        return pack
    command = [sys.executable, "-m", "workbench", "sample", "--scale", "city", "--out", str(pack)]
    command += ["--replicate", str(copies)] if copies > 1 else []
    if skip_generate:
        sys.exit(f"no pack at {pack} (--skip-generate); make it with: {' '.join(command[2:])}")
    print(f"generating {pack} ({copies * CITY_ROWS / 1e6:.0f} M rows) ...", flush=True)
    began = time.perf_counter()
    subprocess.run(command, check=True, env=child_env(), stdout=subprocess.DEVNULL)
    print(f"  done in {time.perf_counter() - began:.0f} s", flush=True)
    return pack


# --- measuring ------------------------------------------------------------------------------------

def scan_memory_env(method: str, work: Path, number: int) -> dict:
    """``$WORKBENCH_SCAN_CACHE`` of a run: empty for ``workbench``, primed for ``-remembered``."""
    folder = work / ("scans-remembered" if method == "workbench-remembered" else f"scans-{number}")
    return {"WORKBENCH_SCAN_CACHE": str(folder)}


def measure(method: str, pack: Path, chosen: dict, work: Path, number: int = 0) -> dict:
    """Run ``method`` in a fresh child; its CPU, wall time, peak RSS and figures.

    The child's ``ru_maxrss`` is at least this process's peak RSS (a vfork'd child inherits it until
    exec); this process stays small (about 0.1 GB, printed at the end) so that floor stays far below
    what any method needs.
    """
    out, log = work / f"{method}.json", work / f"{method}.log"
    command = [sys.executable, __file__, "--child", method, str(pack), chosen["start"], chosen["end"],
               str(out)]
    began = time.perf_counter()
    with open(log, "w", encoding="utf-8") as log_file:
        env = child_env() | scan_memory_env(method, work, number)
        proc = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{method} failed (exit {proc.returncode}):\n{log.read_text(encoding='utf-8')[-3000:]}")
    figures = json.loads(out.read_text(encoding="utf-8"))
    return {"method": method, "cpu_s": usage.ru_utime + usage.ru_stime, "wall_s": wall,
            "peak_gb": usage.ru_maxrss * 1024 / 1e9, "figures": figures}


def rotated(methods: tuple[str, ...], repeat: int) -> list[str]:
    """``repeat`` rounds of ``methods``, each round starting one method later."""
    return [methods[(i + j) % len(methods)] for i in range(repeat) for j in range(len(methods))]


def compare_figures(runs: list[dict]) -> list[str]:
    """Differences between the methods' figures (round and per-community rows); empty when equal."""
    first = runs[0]
    reference = first["figures"]
    problems = []
    for run in runs[1:]:
        fig = run["figures"]
        if (fig["start"], fig["end"]) != (reference["start"], reference["end"]):
            problems.append(f"{run['method']} took round [{fig['start']} .. {fig['end']}], "
                            f"{first['method']} [{reference['start']} .. {reference['end']}]")
        mine, theirs = {r[0]: r[1:] for r in fig["rows"]}, {r[0]: r[1:] for r in reference["rows"]}
        differ = sorted(a for a in mine.keys() | theirs.keys() if mine.get(a) != theirs.get(a))
        if differ:
            shown = ", ".join(f"{a}: {mine.get(a)} vs {theirs.get(a)}" for a in differ[:5])
            problems.append(f"{run['method']} and {first['method']} differ in {len(differ)} "
                            f"communities (tested, population): {shown}")
    return problems


def summarise(runs: list[dict]) -> dict:
    """Median CPU, wall and peak of each method."""
    return {m: {k: statistics.median(r[k] for r in runs if r["method"] == m)
                for k in ("cpu_s", "wall_s", "peak_gb")}
            for m in dict.fromkeys(r["method"] for r in runs)}


def report(pack: Path, chosen: dict, rows: int | None, repeat: int, runs: list[dict]) -> dict:
    """Print the table and the ratios of one pack; return its summary."""
    medians = summarise(runs)
    reference = runs[0]["figures"]["rows"]
    tested = sum(r[1] for r in reference)
    print(f"\npack {pack}: {rows or 0:,} sampling rows; round {chosen['round_id']} "
          f"[{chosen['start']} .. {chosen['end']}]; {len(reference):,} communities, {tested:,} tested; "
          f"median of {repeat}")
    print(f"  {'method':<44}{'CPU s':>9}{'wall s':>9}{'peak RSS GB':>13}")
    for method, m in medians.items():
        print(f"  {LABELS[method]:<44}{m['cpu_s']:>9.2f}{m['wall_s']:>9.2f}{m['peak_gb']:>13.2f}")
    for name in (m for m in OURS if m in medians):
        ours = medians[name]
        print(f"  {name + ' ÷ baseline':<44}{'CPU':>9}{'wall':>9}{'peak RSS':>13}   target (issue 15)")
        for method in (m for m in medians if m not in OURS):
            base = medians[method]
            cpu, wall, peak = (ours[k] / base[k] for k in ("cpu_s", "wall_s", "peak_gb"))
            print(f"  {'÷ ' + method:<44}{cpu:>8.2f}×{wall:>8.2f}×{peak:>12.2f}×   "
                  f"{target_text(method, cpu, peak)}")
    return {"pack": str(pack), "rows": rows, "round": chosen, "communities": len(reference),
            "tested": tested, "medians": medians}


def target_text(method: str, cpu: float, peak: float) -> str:
    """The issue's target against ``method`` and whether the ratios meet it."""
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    if method == "duckdb":
        return (f"CPU ≤ {TARGETS['duckdb_cpu']}× {verdict(cpu <= TARGETS['duckdb_cpu'])}, "
                f"peak ≤ {TARGETS['duckdb_peak']}× {verdict(peak <= TARGETS['duckdb_peak'])}")
    if method == "pandas":
        return (f"≥ {TARGETS['pandas_speedup']}× faster: {1 / cpu:.2f}× "
                f"{verdict(1 / cpu >= TARGETS['pandas_speedup'])}")
    return ""


def bench_pack(pack: Path, repeat: int, methods: tuple[str, ...]) -> dict:
    """Measure every method on ``pack``; exit 1 when their figures differ."""
    chosen, rows = default_round(pack), sampling_rows(pack)
    load_before, runs = os.getloadavg()[0], []
    with tempfile.TemporaryDirectory(prefix="bench-coverage-") as tmp:
        if "workbench-remembered" in methods:
            print("  priming the scan memory (one workbench run, not measured) ...", flush=True)
            measure("workbench-remembered", pack, chosen, Path(tmp))
        for i, method in enumerate(rotated(methods, repeat)):
            print(f"  [{i + 1}/{repeat * len(methods)}] {method} ...", end=" ", flush=True)
            run = measure(method, pack, chosen, Path(tmp), i)
            print(f"{run['cpu_s']:.1f} CPU s, {run['wall_s']:.1f} s, {run['peak_gb']:.2f} GB", flush=True)
            runs.append(run)
    problems = compare_figures(runs)
    if problems:
        sys.exit("figures differ:\n" + "\n".join(problems))
    summary = report(pack, chosen, rows, repeat, runs)
    load = (load_before, os.getloadavg()[0])
    print(f"  figures: equal across {len(runs)} runs of {len(methods)} methods; load average "
          f"{load[0]:.1f} before, {load[1]:.1f} after (above {os.cpu_count()}: others share the machine)")
    summary["load_average"] = load
    summary["runs"] = [{k: v for k, v in r.items() if k != "figures"} for r in runs]
    return summary


def print_overview(summaries: list[dict], methods: tuple[str, ...]) -> None:
    """One line per pack, as in issue 15: CPU seconds and peak GB of each method (medians)."""
    print("\noverview (median CPU s, peak RSS GB)")
    print(f"  {'sampling rows':>14}" + "".join(f"{m:>22}" for m in methods))
    for summary in summaries:
        cells = (f"{summary['medians'][m]['cpu_s']:.1f} s, {summary['medians'][m]['peak_gb']:.2f} GB"
                 for m in methods)
        print(f"  {summary['rows'] or 0:>14,}" + "".join(f"{c:>22}" for c in cells))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, help="measure this pack only (instead of --rows)")
    parser.add_argument("--rows", type=parse_rows, default=parse_rows("10M,30M"),
                        help="sampling rows of the city packs to measure (default 10M,30M; 100M too)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method (median shown)")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help=f"comma-separated subset of {','.join(METHODS)}")
    parser.add_argument("--skip-generate", action="store_true",
                        help="do not generate missing packs (exit instead)")
    parser.add_argument("--json", type=Path, default=OUT / "coverage.json",
                        help="where to write every run's figures (default bench/out/coverage.json)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.child:
        child(*args.child)
        return
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    if unknown := set(methods) - set(METHODS):
        sys.exit(f"unknown method(s) {sorted(unknown)}; expected some of {', '.join(METHODS)}")
    if args.repeat < 1:
        sys.exit("--repeat must be at least 1")
    packs = [args.pack] if args.pack else [ensure_pack(copies, args.skip_generate)
                                           for copies in dict.fromkeys(map(copies_for, args.rows))]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; methods {', '.join(methods)}")
    summaries = [bench_pack(pack, args.repeat, methods) for pack in packs]
    print_overview(summaries, methods)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summaries, indent=1), encoding="utf-8")
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
    print(f"\nevery run: {args.json} (peak RSS of this measuring process: {parent:.2f} GB)")


if __name__ == "__main__":
    main()
