"""How a batch runs its jobs: executions ``jobs`` at a time, each published beside the next.

``run_jobs`` executes the jobs in threads (at most one per CPU, :func:`count_cpus`), hands each
executed report to one publishing thread (its notebook masked and kept, the HTML page, the
record: :meth:`workbench.runner.report.ExecutedReport.publish`) and takes the next job meanwhile;
with a CPU to spare it has the kernel of the next notebook started beside the run before it
(:func:`prepare_kernel`). Any failure of a job, in its notebook or in the runner, becomes a
failed, recorded run (:func:`record_crash`): the batch never loses a result. ``run_job`` is the
same for one job, without threads. Progress is a tqdm bar on a terminal, else one line per
report (:func:`report_progress`).
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ReportError, WorkbenchError, error_headline
from workbench.privacy import mask_personal
from workbench.runner.execute import DEFAULT_TIMEOUT, KERNEL_ARGUMENTS, ensure_kernel
from workbench.runner.records import make_record, output_path, write_record
from workbench.runner.report import ExecutedReport, RunResult, execute_report, resolve_notebook
from workbench.runner.schedule import Job
from workbench.runner.warm_kernels import WarmKernels


def count_cpus() -> int:
    """Return the CPUs this process may run on (its affinity where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def run_job(job: Job, timeout: float = DEFAULT_TIMEOUT, **options) -> RunResult:
    """Run one job (its own ``timeout`` wins over the batch's); any error becomes a failed, recorded run."""
    return publish_job(job, execute_job(job, timeout, **options), **options)


@dataclass(frozen=True)
class Crash:
    """A job whose execution crashed in the runner itself (not in its notebook)."""

    error: str
    started: dt.datetime
    duration_s: float


def execute_job(job: Job, timeout: float = DEFAULT_TIMEOUT, **options) -> ExecutedReport | Crash:
    """Execute one job's notebook (:func:`~workbench.runner.report.execute_report`), or its :class:`Crash`."""
    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    try:
        return execute_report(job.notebook, scope=job.scope, parameters=job.parameters, name=job.name,
                              timeout=job.timeout or timeout, **options)
    except WorkbenchError as exc:
        error = str(exc)
    except Exception as exc:  # a bug or a full disk must not cost the other reports
        error = f"{type(exc).__name__}: {exc}"
    return Crash(error, started, time.perf_counter() - clock)


def publish_job(job: Job, executed: ExecutedReport | Crash, **options) -> RunResult:
    """Publish an executed job (page, record); a crash, here or before, becomes a failed, recorded run."""
    if isinstance(executed, Crash):
        return record_crash(job, executed.error, executed.started, executed.duration_s, **options)
    clock = time.perf_counter()
    try:
        return executed.publish(index=False)
    except WorkbenchError as exc:
        error = str(exc)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    return record_crash(job, error, executed.started, executed.elapsed_s + time.perf_counter() - clock,
                        **options)


def record_crash(job: Job, error: str, started: dt.datetime, duration_s: float, *, date=None, pack=None,
                 reports_dir: str | os.PathLike = "reports", **_) -> RunResult:
    """Record a run that crashed in the runner as failed: ``reports/D/NAME.json``, for the index.

    Without a date (a run that never started) nothing can be written; the result says so.
    """
    day = None if date is None else dt.date.fromisoformat(str(date)[:10]).isoformat()
    if day is None:
        return RunResult(job.stem, None, "failed", mask_personal(error), 0.0)
    try:
        described = {"name": pack.name, "path": str(Path(pack.root).resolve()),
                     "fingerprint": pack.fingerprint()}
    except Exception:  # the pack is what failed
        described = {"name": getattr(pack, "name", None), "path": None, "fingerprint": None}
    record = make_record(report=job.report, day=day, scope=job.scope, error=error, parameters=job.parameters,
                         pack=described, figures={}, warnings=[], started=started, duration_s=duration_s,
                         html=None, notebook=None)
    written = write_record(output_path(reports_dir, day, f"{job.stem}.json"), record)
    return RunResult(job.stem, day, "failed", record["error"], record["duration_s"], written)


#: How often the batch's main thread wakes while reports run, to handle a signal: a blocking wait
#: is not interrupted by a SIGTERM the OS delivers to another thread (a run's, a kernel client's),
#: and a report would start after it.
SIGNAL_CHECK_SECONDS = 0.2


def run_jobs(todo: list[Job], workers: int, options: dict, progress: bool = True,
             order: list[int] | None = None, show=None, upcoming: Job | None = None) -> list[RunResult]:
    """Run ``todo``, ``workers`` executions at a time, started in ``order``; one thread publishes.

    A report's publication (its notebook masked and kept, the HTML export, the record) is the
    runner's work, not the kernel's: it runs in a thread of its own while the next report
    executes, so the batch's process and its kernels work side by side. At most
    ``workers + 1`` reports are executing or waiting to be published (each holds its notebook).
    Returns the results in ``todo`` order, whatever the order they were started or finished in.
    ``show`` is a progress callback shared across calls (then the caller closes it). With a CPU
    to spare, the kernel of the next run of another notebook (``upcoming``: the job run after
    the last of these) is started beside the run before it (:func:`prepare_kernel`).
    """
    owned = show is None
    if owned:
        show = report_progress(len(todo)) if progress else lambda result: None
    results: dict[int, RunResult] = {}
    finished: queue.Queue = queue.Queue()
    in_flight = threading.BoundedSemaphore(workers + 1)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="workbench-run")
    publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-publish")

    def publish(number: int, executed) -> None:
        try:
            finished.put((number, publish_job(todo[number], executed, **options)))
        except BaseException as exc:  # never a job without a result: the batch would wait for it
            finished.put((number, RunResult(todo[number].stem, None, "failed", f"{type(exc).__name__}", 0.0)))
        finally:
            in_flight.release()

    started = list(order or range(len(todo)))
    following = {number: todo[then] for number, then in zip(started, started[1:], strict=False)}
    if upcoming is not None and started:
        following[started[-1]] = upcoming
    kernels = options.get("kernels") if workers < count_cpus() else None  # a CPU to prepare it on
    stopping = threading.Event()

    def execute(number: int) -> None:
        in_flight.acquire()
        try:
            if stopping.is_set():
                raise KeyboardInterrupt
            if kernels is not None and number in following:
                prepare_kernel(kernels, following[number], todo[number])
            executed = execute_job(todo[number], **options)
            publisher.submit(publish, number, executed)
        except BaseException as exc:  # publisher shut down (Ctrl-C): the job ends here
            in_flight.release()
            finished.put((number, RunResult(todo[number].stem, None, "failed", f"{type(exc).__name__}", 0.0)))

    try:
        for number in started:
            pool.submit(execute, number)
        while len(results) < len(todo):
            try:  # a timeout: a SIGTERM the OS gave another thread is handled here within it
                number, result = finished.get(timeout=SIGNAL_CHECK_SECONDS)
            except queue.Empty:
                continue
            results[number] = result
            show(result)
    except BaseException:
        stopping.set()  # a run a worker took before the pool's queue was emptied does not start
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on Ctrl-C: no new run, running ones end
        publisher.shutdown(wait=True)
        if owned:
            show(None)
    return [results[number] for number in range(len(todo))]


def prepare_kernel(kernels: WarmKernels, upcoming: Job, running: Job) -> None:
    """Have the kernel of ``upcoming`` started while ``running`` runs, when they are different notebooks.

    The runs of one notebook share a kernel; a notebook's first run would otherwise pay its
    kernel's start and imports (≈ 2 s) with the CPU beside it idle.
    """
    try:
        source, current = resolve_notebook(upcoming.notebook), resolve_notebook(running.notebook)
    except ReportError:  # the run itself says so
        return
    if source != current:
        kernels.prepare(source, ensure_kernel(), KERNEL_ARGUMENTS)

def report_progress(total: int):
    """Return a callback that shows each finished result: a tqdm bar on a terminal, else one line.

    Off a terminal (cron, systemd, Airflow) every finished report is one plain line on stderr,
    ``[3/6] NAME ok 4.1s`` (and the error's first line when it failed); no bar, no carriage returns.
    """
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
            line += f": {error_headline(result.error)}"
        if bar is None:
            print(line, file=sys.stderr, flush=True)
        else:
            bar.set_postfix_str(result.stem, refresh=False)
            bar.update()
            if not result.ok:
                bar.write(line, file=sys.stderr)

    return show
