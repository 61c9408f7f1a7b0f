"""Run every report of a schedule, unattended: bounded in parallel, in time, and one batch at a time.

``run_batch`` reads the schedule (``workbench.runner.schedule``), takes the lock of the reports folder
and date (``workbench.runner.locking``; a second batch for them is refused), writes the pack's
data-quality page once (``reports/D/data_quality.html``: :func:`write_data_quality`, in a thread beside
the first reports), runs the jobs stage by stage, ``jobs`` at a time (the longest first, by their
last recorded duration), each in its own working directory and within its time limit, in a kernel
of its own or one the previous run of the same notebook left emptied
(``workbench.runner.warm_kernels``), each published while the next executes
(``workbench.runner.pipeline``); then optionally prunes old dates
(``workbench.runner.retention``) and rewrites the index once.
Failed runs do not stop the batch; they are returned, not raised. A run that crashes in the
runner itself (not in its notebook) is recorded as failed all the same (``reports/D/NAME.json``),
so it reaches the index.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from workbench.errors import Problem, ReportError
from workbench.intake.catalog import CATALOG_FILE, Pack, open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.person_rows import batch_cache
from workbench.intake.quality import quality_figures
from workbench.present.quality_page import PAGE_NAME, render_quality_page
from workbench.privacy import mask_personal, sample_of
from workbench.runner.execute import DEFAULT_TIMEOUT, ensure_kernel
from workbench.runner.locking import hold_batch_lock
from workbench.runner.pipeline import count_cpus, report_progress, run_jobs
from workbench.runner.records import make_record, output_path, write_atomic, write_record
from workbench.runner.report import RunResult, resolve_date, update_index
from workbench.runner.retention import check_keep_days, prune_reports
from workbench.runner.schedule import (
    LANGUAGES,
    Job,
    expand_jobs,
    load_schedule,
    schedule_language,
    served_jobs,
)
from workbench.runner.warm_kernels import WarmKernels


def bound_jobs(requested: int, runs: int) -> tuple[int, str | None]:
    """Return how many runs to do at a time, and a note when ``requested`` exceeds the CPUs.

    Every run is a kernel busy on one CPU; more runs at a time than CPUs only add memory and
    contention. Never more than ``runs`` either (silently: nothing is lost).
    """
    if requested < 1:
        raise ReportError(f"--jobs must be at least 1, got {requested}")
    cpus = count_cpus()
    note = f"--jobs {requested} reduced to {cpus}: one run per CPU" if requested > cpus else None
    return max(1, min(requested, cpus, runs)), note


def run_batch(
    schedule_path: str | os.PathLike,
    *,
    date=None,
    pack=None,
    jobs: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    keep_days: int | None = None,
    reports_dir: str | os.PathLike = "reports",
    runs_dir: str | os.PathLike = "runs",
    progress: bool = True,
    lang: str | None = None,
    only: Sequence[str] = (),
    fresh_kernels: bool = False,
) -> list[RunResult]:
    """Run every report of a schedule; failures are returned, not raised.

    Parameters
    ----------
    schedule_path : path
        The schedule YAML.
    date, pack : optional
        Report date and data pack for every run (defaults as in ``run_report``).
    jobs : int
        Runs at a time, at most one per CPU; 1 runs them one by one.
    timeout : float
        Seconds each run may take, unless its schedule entry sets ``timeout``.
    keep_days : int, optional
        After the runs, delete the dates older than this many days before the batch's date
        (``workbench.runner.retention.prune_reports``; a folder it cannot delete is a note).
    reports_dir, runs_dir : path
        Output folders.
    progress : bool
        Show a bar on a terminal, else one line per finished report (on stderr).
    lang : str, optional
        The index's language (zh or en); default the schedule's ``lang``, else the index's own.
    only : sequence of str, optional
        Run only these reports of the schedule (by name: ``daily_brief`` runs every language of it).
    fresh_kernels : bool
        Start a kernel for every run. By default the runs of one notebook (the district and
        street reports, their languages) reuse a kernel emptied between them, never after a
        failure (:mod:`workbench.runner.warm_kernels`).

    Returns
    -------
    list of RunResult
        In schedule order.

    Raises
    ------
    LockedError
        When another batch for the same reports folder and date is running; nothing was touched.
    ReportError
        When the schedule, the date or ``jobs`` is wrong; no report was run.
    """
    entries = load_schedule(schedule_path)
    if lang is not None and lang not in LANGUAGES:
        raise ReportError(f"the index's language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    lang = lang or schedule_language(schedule_path)
    opened = open_pack(pack)
    day = resolve_date(date, opened)
    todo, unserved = served_jobs(expand_jobs(entries, opened, only), opened)
    if not todo:
        lacking = ", ".join(sorted({name for names in unserved.values() for name in names}))
        why = f"the catalog lists no {lacking}" if lacking else "does the pack list any street?"
        raise ReportError(f"schedule {schedule_path} expands to no run ({why})")
    workers, note = bound_jobs(jobs, len(todo))
    if keep_days is not None:
        check_keep_days(keep_days)
    say = (lambda text: print(text, file=sys.stderr, flush=True)) if progress else (lambda text: None)
    with hold_batch_lock(reports_dir, day.isoformat()), batch_cache(runs_dir):
        for line in (note, f"{Path(schedule_path).name} {day}: {len(todo)} report(s), {workers} at a time",
                     *unserved_lines(unserved)):
            if line:
                say(line)
        ensure_kernel()
        languages = {job.parameters.get("lang") for job in todo} | {lang}
        quality = threading.Thread(target=write_batch_quality, name="workbench-data-quality",
                                   args=(opened, day.isoformat(), reports_dir, say),
                                   kwargs={"english": "en" in languages})
        quality.start()  # beside the first reports: it needs none of them, they need none of it
        kernels = None if fresh_kernels else WarmKernels(idle_limit=workers)
        options = {"date": day, "pack": opened, "reports_dir": reports_dir, "runs_dir": runs_dir,
                   "timeout": timeout, "kernels": kernels}
        results: list[RunResult] = []
        try:
            results = run_stages(todo, workers, options, progress, reports_dir)
            quality.join()
            if keep_days is not None:
                deleted, skipped = prune_reports(keep_days, reports_dir, runs_dir, spare=[day], as_of=day)
                for line in [f"pruned {path}" for path in deleted] + skipped:
                    say(line)
        finally:
            quality.join()
            if kernels is not None:
                kernels.close()
            update_index(reports_dir, unrecorded=[r for r in results if not r.ok and r.json_path is None],
                         lang=lang)
    return results


def unserved_lines(unserved: dict[str, tuple[str, ...]]) -> list[str]:
    """One line per set of datasets the catalog lacks, naming the reports not run for it."""
    by_missing: dict[tuple[str, ...], list[str]] = {}
    for stem, missing in unserved.items():
        by_missing.setdefault(missing, []).append(stem)
    return [f"not run, the catalog lists no {', '.join(missing)}: {', '.join(stems)}"
            for missing, stems in by_missing.items()]


# ---------------------------------------------------------------- the data-quality page


def survey_pack(pack: Pack) -> tuple[dict, dict, list[Problem]]:
    """Every dataset of ``pack`` loaded without raising: (frames, origins, problems).

    Whatever goes wrong ends as a problem of the pack, never a traceback (as ``validate``).
    """
    try:
        data = load_datasets(pack, strict=False)
    except Exception as exc:  # a reader's or a check's fault: the page says so
        found = sample_of(f"{type(exc).__name__}: {exc}", 160)
        return {}, {}, [Problem("pack", CATALOG_FILE, None, None, "a pack the workbench can read", found)]
    return dict(data), data.origins, data.warnings


def write_data_quality(pack: Pack, day: str, reports_dir: str | os.PathLike = "reports", *, lang: str = "zh",
                       survey: tuple[dict, dict, list[Problem]] | None = None, english: bool = False) -> Path:
    """Write ``reports/D/data_quality.html`` and its figures, ``data_quality.json`` (atomically).

    In English (``lang="en"``) they are ``data_quality_en.html`` and ``data_quality_en.json``, the
    page the English reports link to, beside (never over) the Chinese one. The JSON is a run
    record (``report`` data_quality or data_quality_en, status ok, the page's figures), so the
    index lists it like a report. ``survey`` is :func:`survey_pack`'s result when the caller has
    it already (``validate``); otherwise the pack is loaded here. ``english``: also the page in
    English from the same figures (the batch's, whose record stays the Chinese page's).
    """
    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    stem = PAGE_NAME if lang == "zh" else f"{PAGE_NAME}_{lang}"
    html = output_path(reports_dir, day, f"{stem}.html")
    frames, origins, problems = survey if survey is not None else survey_pack(pack)
    figures = quality_figures(pack, frames, origins, problems, day)
    write_atomic(html, render_quality_page(figures, pack, lang))
    if english and lang != "en":
        english_page = output_path(reports_dir, day, f"{PAGE_NAME}_en.html")
        write_atomic(english_page, render_quality_page(figures, pack, "en"))
    described = {"name": pack.name, "path": str(Path(pack.root).resolve()), "fingerprint": pack.fingerprint()}
    record = make_record(report=stem, day=day, scope=None, error=None, parameters={"lang": lang},
                         pack=described, figures=figures, warnings=[], started=started,
                         duration_s=time.perf_counter() - clock, html=f"{day}/{html.name}", notebook=None)
    write_record(output_path(reports_dir, day, f"{stem}.json"), record)
    return html


def write_batch_quality(pack: Pack, day: str, reports_dir: str | os.PathLike, say,
                        english: bool = False) -> None:
    """The batch's data-quality page, once before the reports; a failure is a line, never the batch's end."""
    try:
        say(f"{write_data_quality(pack, day, reports_dir, english=english)}")
    except Exception as exc:  # the reports matter more than this page
        say(f"{PAGE_NAME}.html not written: {mask_personal(f'{type(exc).__name__}: {exc}')}")


def order_longest_first(todo: list[Job], reports_dir: str | os.PathLike) -> list[int]:
    """Return the positions of ``todo``, the longest run first by its last recorded duration.

    With several runs at a time, a long run started last would finish alone; runs never recorded
    come first, in schedule order, as do runs of equal duration.
    """
    def last_duration(job: Job) -> float:
        for record in sorted(Path(reports_dir).glob(f"*/{glob.escape(job.stem)}.json"), reverse=True)[:1]:
            with suppress(OSError, ValueError, KeyError, TypeError):
                return float(json.loads(record.read_text(encoding="utf-8"))["duration_s"])
        return float("inf")

    durations = [last_duration(job) for job in todo]
    return sorted(range(len(todo)), key=lambda number: -durations[number])


def run_stages(todo: list[Job], workers: int, options: dict, progress: bool,
               reports_dir: str | os.PathLike) -> list[RunResult]:
    """Run the jobs stage by stage (a stage starts when every earlier one has finished).

    Returns the results in ``todo`` order. Within a stage, with several workers, the longest
    runs start first.
    """
    show = report_progress(len(todo)) if progress else None
    results: dict[int, RunResult] = {}
    try:
        stages = sorted({job.stage for job in todo})
        firsts = {stage: next(job for job in todo if job.stage == stage) for stage in stages}
        for stage, later in zip(stages, [*stages[1:], None], strict=True):
            numbers = [n for n, job in enumerate(todo) if job.stage == stage]
            jobs = [todo[n] for n in numbers]
            order = order_longest_first(jobs, reports_dir) if workers > 1 else None
            upcoming = firsts.get(later) if workers == 1 else None  # in schedule order: known
            done = run_jobs(jobs, workers, options, progress, order, show=show, upcoming=upcoming)
            results.update(zip(numbers, done, strict=True))
    finally:
        if show is not None:
            show(None)
    return [results[number] for number in range(len(todo))]



