"""Benchmark: where the time of ``workbench batch`` goes, per report and in total, today against a baseline.

    python bench/batch.py [--schedule parameters/daily.yaml] [--pack data/sample] [--jobs 1]
                          [--repeat 1] [--baseline-ref REF] [--fresh-kernels-too] [--pdf] [--loop]

Runs ``workbench batch SCHEDULE --jobs J`` on the pack (``--pack bench/out/city``: the city pack,
``workbench sample --scale city``, whose ``streets`` fan out to 30 street reports) into a temporary
folder, as a child process, and prints:

- the batch's wall time and CPU time (user + system of the batch and of every kernel it started);
- per report, from the executed notebooks' papermill timings and the run records:
  **kernel** (papermill's start to the first cell: kernel start, connection, kernel_info),
  **imports** (the first cell of imports), **load** (the cell that reads the pack),
  **compute** (every other cell: figures, maps, tables, display), **stop** (last cell to the kernel
  shut down), **export** (the runner's own work: papermill setup, the executed notebook masked and
  kept, the HTML export, the JSON record), then the sum over reports and the batch's wall time
  beyond it (start-up and index, less what overlaps the runs: each report is published while the
  next executes, the data-quality page is written beside the first reports);
- with ``--pdf``, ``workbench pdf`` of every page, timed apart (headless chromium).

With ``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__`` in the tree, every kernel compiles
the workbench's modules from source (≈ 0.1–0.2 s of CPU per report); an installed wheel has them
compiled. ``--compiled`` compiles each tree first (``compileall``) to measure that case.

``--fresh-kernels-too`` runs this checkout a second time with ``--fresh-kernels`` (a kernel per
report, none kept warm between the runs of one notebook) and prints the ratios.

``--baseline-ref REF`` runs the same batch with the code of a git ref too (``git archive REF``
unpacked in a temporary folder, run with ``PYTHONPATH`` pointing there, its own notebooks and
schedule), alternating with today's code ``--repeat`` times; the round of least CPU of each is
kept (CPU is steadier than wall time on a shared machine) and the ratios printed. ``--loop``
adds the comparison of the "Scheduling" issue: a bash loop of ``papermill`` + ``jupyter
nbconvert`` calls against the batch with 1 and 2 jobs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STEPS = ("kernel", "imports", "load", "compute", "stop", "export")
CPU_STEPS = ("cpu_kernel", "cpu_imports", "cpu_load", "cpu_compute")
LOAD_CALLS = ("load_report(", "load_brief_data(", "load_datasets(", "from_pack(")


# ---------------------------------------------------------------- running a batch


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process of this one, and of theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: An IPython startup file for the kernels of a benchmarked batch: the kernel's CPU seconds at its
#: first cell, and each cell's, appended to ``$BENCH_CPU_LOG/PID.jsonl`` (cells named by a hash).
CPU_HOOK = """
def _bench_cpu_hook():
    import hashlib, json, os, time
    log = open(os.path.join(os.environ["BENCH_CPU_LOG"], f"{os.getpid()}.jsonl"), "a", buffering=1)
    began = []

    def before(info):
        if not began:
            log.write(json.dumps({"kernel": time.process_time()}) + "\\n")
        began[:] = [time.process_time(), hashlib.sha1(info.raw_cell.encode()).hexdigest()]

    def after(result):
        log.write(json.dumps({"cell": began[1], "cpu": time.process_time() - began[0]}) + "\\n")

    get_ipython().events.register("pre_run_cell", before)
    get_ipython().events.register("post_run_cell", after)


_bench_cpu_hook()
del _bench_cpu_hook
"""


def hooked_ipython_dir(folder: Path) -> Path:
    """An ``IPYTHONDIR`` whose default profile runs :data:`CPU_HOOK` at every kernel's start."""
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-bench-cpu.py").write_text(CPU_HOOK, encoding="utf-8")
    return folder


def run_batch(tree: Path, schedule: Path, pack: Path, jobs: int, out: Path, extra: tuple = ()) -> dict:
    """Run ``workbench batch`` with the code of ``tree`` into ``out``; return its wall and CPU seconds."""
    argv = [sys.executable, "-m", "workbench.cli", "batch", str(schedule), "--pack", str(pack),
            "--jobs", str(jobs), "--reports", str(out / "reports"), "--runs", str(out / "runs"), *extra]
    (out / "cpu").mkdir()
    env = {**os.environ, "PYTHONPATH": str(tree), "BENCH_CPU_LOG": str(out / "cpu"),
           "IPYTHONDIR": str(hooked_ipython_dir(out / "ipython"))}
    env.pop("WORKBENCH_CACHE", None)
    cpu, began = children_cpu(), time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=out)
    wall, cpu = time.perf_counter() - began, children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return {"wall": wall, "cpu": cpu, "reports": out / "reports", "runs": out / "runs",
            "cpu_logs": out / "cpu"}


def time_pdf(tree: Path, reports: Path) -> float:
    """Wall seconds of ``workbench pdf`` over every report page of a batch."""
    pages = sorted(str(p) for p in reports.glob("*/*.html") if p.stem != "data_quality")
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "workbench.cli", "pdf", *pages], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    if done.returncode != 0:
        print(f"  workbench pdf failed ({done.returncode}): {done.stderr[-500:]}")
    return time.perf_counter() - began


# ---------------------------------------------------------------- taking a batch apart


def classify_cell(cell) -> str:
    """Name the step a code cell of a report notebook does: imports, load or compute."""
    lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
    if lines and all(line.startswith(("import ", "from ", " ", ")")) for line in lines):
        return "imports"
    if any(call in cell.source for call in LOAD_CALLS):
        return "load"
    return "compute"


def seconds_between(start: str | None, end: str | None) -> float:
    """Seconds from one papermill ISO timestamp to another (0 when either is missing)."""
    if not start or not end:
        return 0.0
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()


def read_cpu_logs(folder: Path) -> list[dict]:
    """Each kernel's CPU log (:data:`CPU_HOOK`): ``{"kernel": s, "cells": [(hash, s), ...]}``."""
    logs = []
    for path in sorted(folder.glob("*.jsonl")):
        entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        logs.append({"kernel": next((e["kernel"] for e in entries if "kernel" in e), 0.0),
                     "cells": [(e["cell"], e["cpu"]) for e in entries if "cell" in e]})
    return logs


def find_run(cpu_logs: list[dict], hashes: list[str]) -> tuple[list[float], float]:
    """The CPU of each of a run's cells and of its kernel's start, from the kernels' logs.

    A kernel kept warm between runs of one notebook (``workbench.runner.warm_kernels``) logs
    several runs one after the other: the run is where its cells' hashes follow each other,
    and only the first run of a kernel paid for its start.
    """
    for log in cpu_logs:
        cells = log["cells"]
        for start in range(len(cells) - len(hashes) + 1):
            if all(cells[start + i][0] == h for i, h in enumerate(hashes)):
                found = [cpu for _, cpu in cells[start:start + len(hashes)]]
                return found, log["kernel"] if start == 0 else 0.0
    return [0.0] * len(hashes), 0.0


def split_report(notebook: Path, record: dict, cpu_logs: list[dict]) -> dict:
    """Wall and CPU seconds of each step of one executed report (see the module docstring).

    CPU is the kernel's (``cpu_*`` keys; the runner's export CPU is only known for the batch):
    the run of a log whose cells are this notebook's cells, the injected parameters included.
    """
    import hashlib

    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    timed = [c for c in nb.cells
             if c.cell_type == "code" and c.metadata.get("papermill", {}).get("start_time")]
    run = nb.metadata.papermill
    steps = dict.fromkeys(STEPS, 0.0) | dict.fromkeys(CPU_STEPS, 0.0)
    if not timed:
        return steps | {"export": record["duration_s"]}
    hashes = [hashlib.sha1(c.source.encode()).hexdigest() for c in timed]
    cell_cpu, steps["cpu_kernel"] = find_run(cpu_logs, hashes)
    steps["kernel"] = seconds_between(run.get("start_time"), timed[0].metadata.papermill["start_time"])
    steps["stop"] = seconds_between(timed[-1].metadata.papermill.get("end_time"), run.get("end_time"))
    imports_seen = False
    for cell, cpu in zip(timed, cell_cpu, strict=True):
        step = classify_cell(cell)
        if step == "imports" and imports_seen:
            step = "compute"  # a later cell of imports only: part of the work
        imports_seen |= step == "imports"
        steps[step] += cell.metadata.papermill.get("duration") or 0.0
        steps[f"cpu_{step}"] += cpu
    steps["export"] = record["duration_s"] - (run.get("duration") or 0.0)
    return steps


def split_batch(result: dict) -> dict[str, dict]:
    """Per report stem, the seconds of each step, from a finished batch's records and notebooks."""
    found, cpu_logs = {}, read_cpu_logs(result["cpu_logs"])
    for record_path in sorted(result["reports"].glob("*/*.json")):
        record = json.loads(record_path.read_text(encoding="utf-8"))
        notebook = result["runs"] / record_path.parent.name / f"{record_path.stem}.ipynb"
        if record.get("report") == "data_quality" or not notebook.is_file():
            continue
        if record.get("status") != "ok":
            print(f"  note: {record_path.stem} {record.get('status')}: {record.get('error')}")
        found[record_path.stem] = split_report(notebook, record, cpu_logs)
    return found


def report_kind(stem: str) -> str:
    """The report a stem belongs to: ``testing_coverage__S`` → ``testing_coverage (streets)``."""
    report, _, scope = stem.partition("__")
    return f"{report} (streets)" if scope else report


# ---------------------------------------------------------------- printing


def print_split(name: str, result: dict, split: dict[str, dict], jobs: int) -> None:
    """Print one batch's split: per kind of report (mean, count) and the sum over its reports."""
    kinds: dict[str, list[dict]] = {}
    for stem, steps in split.items():
        kinds.setdefault(report_kind(stem), []).append(steps)
    columns = (*STEPS, "total", *CPU_STEPS, "cpu_total")
    kernels_cpu = sum(r[s] for r in split.values() for s in CPU_STEPS)
    print(f"\n{name}: wall {result['wall']:.1f} s, CPU {result['cpu']:.1f} s (the batch's process "
          f"{result['cpu'] - kernels_cpu:.1f} s, its kernels {kernels_cpu:.1f} s), {len(split)} reports")
    print(f"  seconds per report (mean over n); wall: {', '.join(STEPS)}; the kernel's CPU: "
          f"{', '.join(s[4:] for s in CPU_STEPS)}")
    print(f"  {'report':28s} {'n':>3s}" + "".join(f"{c.replace('cpu_', 'c.'):>8s}" for c in columns))

    def row(rows: list[dict], fmt: str) -> str:
        values = [sum(r[s] for r in rows) / (len(rows) if fmt == "mean" else 1) for s in (*STEPS, *CPU_STEPS)]
        wall, cpu = values[:len(STEPS)], values[len(STEPS):]
        digits = 2 if fmt == "mean" else 1
        return "".join(f"{v:8.{digits}f}" for v in (*wall, sum(wall), *cpu, sum(cpu)))

    for kind, rows in sorted(kinds.items()):
        print(f"  {kind:28s} {len(rows):3d}" + row(rows, "mean"))
    print(f"  {'sum over reports':28s} {len(split):3d}" + row(list(split.values()), "sum"))
    wall = [sum(r[s] for r in split.values()) for s in STEPS]
    cpu = [sum(r[s] for r in split.values()) for s in CPU_STEPS]
    print(f"  {'share of the sum':32s}" + "".join(f"{v / max(sum(wall), 1e-9):8.0%}" for v in wall) + " " * 8
          + "".join(f"{v / max(sum(cpu), 1e-9):8.0%}" for v in cpu))
    if jobs == 1:
        print(f"  the batch beyond its reports (start-up, index; less the publications and the "
              f"data-quality page done beside the runs): wall − sum = {result['wall'] - sum(wall):.1f} s")
    if "pdf" in result:
        print(f"  workbench pdf of the {len(split)} pages: {result['pdf']:.1f} s")


def print_ratios(best: dict[str, dict], splits: dict[str, dict], before: str = "baseline") -> None:
    """Print ``before`` / today for the batch and for each step summed over reports."""
    base, now = best[before], best["today"]
    runs = f" ({len(splits[before])} and {len(splits['today'])} reports)"
    print(f"\n{before} / today: wall ×{base['wall'] / now['wall']:.2f}, CPU ×{base['cpu'] / now['cpu']:.2f}"
          + runs)
    for step in (*STEPS, *CPU_STEPS):
        b = sum(r[step] for r in splits[before].values())
        t = sum(r[step] for r in splits["today"].values())
        print(f"  {step:12s} {b:7.1f} s → {t:7.1f} s" + (f"  ×{b / t:.2f}" if t > 0 else ""))


# ---------------------------------------------------------------- the trees compared


def unpack_ref(ref: str, into: Path) -> Path:
    """Unpack the files of git ``ref`` of this checkout into ``into`` (no worktree is registered)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True)
    if archive.returncode != 0:
        sys.exit(f"git archive {ref} failed: {archive.stderr.decode()[-500:]}")
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def schedule_in(tree: Path, schedule: Path) -> Path:
    """The schedule of ``tree``: the same file inside it when the schedule is part of this checkout."""
    try:
        return tree / schedule.resolve().relative_to(ROOT)
    except ValueError:
        return schedule


def compare_loop(schedule: Path, pack: Path, scratch: Path) -> None:
    """The "Scheduling" comparison: a bash loop of papermill + nbconvert CLIs against 1 and 2 jobs."""
    from workbench.intake.catalog import open_pack
    from workbench.runner.parameters import declared_parameters, runner_parameters
    from workbench.runner.report import resolve_date
    from workbench.runner.schedule import expand_jobs, load_schedule

    opened = open_pack(pack)
    day = resolve_date(None, opened).isoformat()
    lines = ["#!/bin/bash", "set -e", f"cd {shlex.quote(str(scratch))}"]
    for job in expand_jobs(load_schedule(schedule), opened):
        passed, _ = runner_parameters(declared_parameters(job.notebook), job.parameters, day=day,
                                      pack_root=str(Path(opened.root).resolve()), scope=job.scope)
        values = " ".join(f"-p {shlex.quote(k)} {shlex.quote(str(v))}" for k, v in passed.items())
        lines += [f"{BIN / 'papermill'} --no-progress-bar --log-level WARNING "
                  f"{shlex.quote(str(job.notebook))} {job.stem}.ipynb {values} -k workbench",
                  f"{BIN / 'jupyter'} nbconvert --log-level WARN --to html --no-input {job.stem}.ipynb"]
    (scratch / "loop.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cpu, began = children_cpu(), time.perf_counter()
    subprocess.run(["bash", str(scratch / "loop.sh")], check=True, capture_output=True)
    loop = {"wall": time.perf_counter() - began, "cpu": children_cpu() - cpu}
    batches = {jobs: run_batch(ROOT, schedule, pack, jobs, _fresh(scratch / f"loop-batch{jobs}"))
               for jobs in (1, 2)}
    print(f"\n(a) papermill + nbconvert CLI loop {loop['wall']:7.1f} s wall {loop['cpu']:7.1f} s CPU")
    for label, jobs in (("(b)", 1), ("(c)", 2)):
        print(f"{label} workbench batch --jobs {jobs}       {batches[jobs]['wall']:7.1f} s wall "
              f"{batches[jobs]['cpu']:7.1f} s CPU")
    print(f"(a)/(b) ×{loop['wall'] / batches[1]['wall']:.2f} (target ≥ 2), "
          f"(b)/(c) ×{batches[1]['wall'] / batches[2]['wall']:.2f} (target ≥ 1.7 on 2 cores)")


def _fresh(folder: Path) -> Path:
    folder.mkdir(parents=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedule", type=Path, default=ROOT / "parameters" / "daily.yaml")
    parser.add_argument("--pack", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="rounds (alternating trees); least CPU kept")
    parser.add_argument("--baseline-ref", metavar="REF", help="also run the code of this git ref")
    parser.add_argument("--pdf", action="store_true", help="also time workbench pdf of the pages")
    parser.add_argument("--loop", action="store_true", help="also compare a CLI loop (issue Scheduling)")
    parser.add_argument("--compiled", action="store_true", help="compile each tree's modules first")
    parser.add_argument("--fresh-kernels-too", action="store_true",
                        help="also run this checkout with --fresh-kernels (a kernel per report)")
    args = parser.parse_args()
    pack = args.pack.resolve()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{args.schedule.name} on {pack.name}, --jobs {args.jobs}; {cpus} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}; repeat {args.repeat} (the round of least CPU kept)",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        scratch = Path(scratch)
        trees = {"today": ROOT}
        if args.fresh_kernels_too:
            trees = {"fresh": ROOT, **trees}
        if args.baseline_ref:
            trees = {"baseline": unpack_ref(args.baseline_ref, scratch / "baseline-tree"), **trees}
        for tree in trees.values():
            package = tree / "workbench"
            if args.compiled:
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
            elif os.environ.get("PYTHONDONTWRITEBYTECODE") and not (package / "__pycache__").is_dir():
                print(f"  note: PYTHONDONTWRITEBYTECODE is set and {tree.name}/workbench has no __pycache__: "
                      "every kernel compiles the workbench from source (--compiled: as a wheel would be)")
        best: dict[str, dict] = {}
        splits: dict[str, dict] = {}
        for number in range(args.repeat):
            for name, tree in trees.items():
                out = _fresh(scratch / f"{name}-{number}")
                extra = ("--fresh-kernels",) if name == "fresh" else ()
                result = run_batch(tree, schedule_in(tree, args.schedule), pack, args.jobs, out, extra)
                print(f"  round {number + 1} {name:8s} wall {result['wall']:6.1f} s  "
                      f"CPU {result['cpu']:6.1f} s  load average {os.getloadavg()[0]:.1f}", flush=True)
                if name not in best or result["cpu"] < best[name]["cpu"]:  # CPU: steadier on a shared machine
                    best[name], splits[name] = result, split_batch(result)
                    if args.pdf:
                        result["pdf"] = time_pdf(tree, result["reports"])
        labels = {"baseline": f"baseline ({args.baseline_ref})", "today": "today (this checkout)",
                  "fresh": "fresh (this checkout, --fresh-kernels)"}
        for name in trees:
            print_split(labels[name], best[name], splits[name], args.jobs)
        for before in ("baseline", "fresh"):
            if before in trees:
                print_ratios(best, splits, before)
        if args.loop:
            compare_loop(args.schedule, pack, _fresh(scratch / "loop"))


if __name__ == "__main__":
    main()
