"""Run every report of a schedule, unattended.

A schedule is a YAML file::

    name: daily
    reports:
      - notebook: testing_coverage          # a bare name under notebooks/, or a path
        parameters: {coverage_target: 0.95, lang: zh}
        scopes: [district, streets]         # optional; 'streets' = every street of the pack

Each (notebook, scope) pair is one run of :func:`workbench.report.run_report`; the files
are named ``NAME__SCOPE``, except for the ``district`` scope (and no scope), named ``NAME``.
Failed runs do not stop the batch; the index is updated once at the end.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workbench.catalog import open_pack
from workbench.errors import ReportError, WorkbenchError
from workbench.report import (
    RUNNER_PARAMETERS,
    RunResult,
    ensure_kernel,
    report_stem,
    resolve_date,
    resolve_notebook,
    run_report,
    update_index,
)

STREETS = "streets"


@dataclass(frozen=True)
class Job:
    """One run of a schedule: a notebook, its parameters and a scope (None: not passed)."""

    notebook: Path
    parameters: dict = field(default_factory=dict)
    scope: str | None = None

    @property
    def stem(self) -> str:
        return report_stem(self.notebook.stem, self.scope)


def read_yaml_mapping(path: str | os.PathLike, what: str = "YAML file") -> dict:
    """Read a YAML file whose top level is a mapping; a ReportError names the file otherwise."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ReportError(f"{what} {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ReportError(f"{what} {path} must hold a mapping at the top level")
    return data


def load_schedule(path: str | os.PathLike) -> list[dict]:
    """Return the checked report entries of a schedule: notebook (Path), parameters, scopes."""
    entries = read_yaml_mapping(path, "schedule").get("reports")
    if not isinstance(entries, list) or not entries:
        raise ReportError(f"schedule {path}: 'reports' must be a non-empty list")
    checked = []
    for number, entry in enumerate(entries, start=1):
        where = f"schedule {path}, report {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str):
            raise ReportError(f"{where}: expected a mapping with a 'notebook' name")
        parameters, scopes = entry.get("parameters") or {}, entry.get("scopes") or [None]
        unknown = set(entry) - {"notebook", "parameters", "scopes"}
        if unknown or not isinstance(parameters, dict) or not isinstance(scopes, list):
            raise ReportError(f"{where}: keys are notebook, parameters (a mapping) and scopes (a list)")
        if reserved := sorted(set(parameters) & set(RUNNER_PARAMETERS)):
            raise ReportError(f"{where}: {', '.join(reserved)} are set by the runner, not the schedule")
        checked.append({"notebook": resolve_notebook(entry["notebook"]), "parameters": parameters,
                        "scopes": [None if s is None else str(s) for s in scopes]})
    return checked


def list_streets(pack) -> list[str]:
    """Return the street ids of a pack's ``areas`` dataset, sorted."""
    from workbench.loading import load_datasets

    areas = load_datasets(pack, ["areas"])["areas"]
    return sorted(areas.loc[areas["level"] == "street", "area_id"].astype(str).unique())


def expand_jobs(entries: list[dict], pack) -> list[Job]:
    """Return one job per (report entry, scope), expanding ``streets`` over the pack's streets."""
    streets = list_streets(pack) if any(STREETS in e["scopes"] for e in entries) else []
    jobs = []
    for entry in entries:
        for scope in entry["scopes"]:
            for value in streets if scope == STREETS else [scope]:
                jobs.append(Job(entry["notebook"], dict(entry["parameters"]), value))
    stems = [job.stem for job in jobs]
    if twice := sorted({stem for stem in stems if stems.count(stem) > 1}):
        raise ReportError(f"the schedule runs {', '.join(twice)} more than once (same notebook and scope)")
    return jobs


def run_job(job: Job, **options) -> RunResult:
    """Run one job; any error becomes a failed result, so that the batch goes on."""
    try:
        return run_report(job.notebook, scope=job.scope, parameters=job.parameters, index=False, **options)
    except WorkbenchError as exc:
        return RunResult(job.stem, None, "failed", str(exc), 0.0)
    except Exception as exc:  # a bug or a full disk must not cost the other reports
        return RunResult(job.stem, None, "failed", f"{type(exc).__name__}: {exc}", 0.0)


def run_batch(
    schedule_path: str | os.PathLike,
    *,
    date=None,
    pack=None,
    jobs: int = 1,
    reports_dir: str | os.PathLike = "reports",
    runs_dir: str | os.PathLike = "runs",
    progress: bool = True,
) -> list[RunResult]:
    """Run every report of a schedule; failures are returned, not raised.

    Parameters
    ----------
    schedule_path : path
        The schedule YAML.
    date, pack : optional
        Report date and data pack for every run (defaults as in ``run_report``).
    jobs : int
        Runs at a time (each in its own kernel); 1 runs them one after another.
    reports_dir, runs_dir : path
        Output folders.
    progress : bool
        Show a bar on a terminal, else one line per finished report (on stderr).

    Returns
    -------
    list of RunResult
        In schedule order.
    """
    entries = load_schedule(schedule_path)
    opened = open_pack(pack)
    day = resolve_date(date, opened)
    todo = expand_jobs(entries, opened)
    if not todo:
        raise ReportError(f"schedule {schedule_path} expands to no run (does the pack list any street?)")
    ensure_kernel()
    options = {"date": day, "pack": opened, "reports_dir": reports_dir, "runs_dir": runs_dir}
    show = _progress_reporter(len(todo)) if progress else lambda result: None
    results: dict[int, RunResult] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo))), thread_name_prefix="workbench-run")
    try:
        futures = {pool.submit(run_job, job, **options): number for number, job in enumerate(todo)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            show(results[futures[future]])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on Ctrl-C: no new run, running ones end
        show(None)
        update_index(reports_dir)
    return [results[number] for number in range(len(todo))]


def _progress_reporter(total: int):
    """Return a callback that shows each finished result: a tqdm bar on a terminal, else a line."""
    done = 0
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="report", file=sys.stderr)

    def show(result: RunResult | None) -> None:
        nonlocal done
        if result is None:
            if bar is not None:
                bar.close()
            return
        done += 1
        line = f"[{done}/{total}] {result.stem} {result.status} {result.duration_s:.1f}s"
        if result.error:
            line += f": {result.error.splitlines()[0]}"
        if bar is None:
            print(line, file=sys.stderr, flush=True)
        else:
            bar.set_postfix_str(result.stem, refresh=False)
            bar.update()
            if not result.ok:
                bar.write(line, file=sys.stderr)

    return show
