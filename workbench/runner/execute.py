"""Execute a report notebook with papermill: unattended, bounded in time, its notebook always kept.

``execute_notebook`` runs one notebook in a fresh working directory and a kernel of the
``workbench`` kernelspec (which ``ensure_kernel`` installs for this Python): a fresh one, or in a
batch one that the previous run of the same notebook left emptied
(:mod:`workbench.runner.warm_kernels`). Two limits hold:
``timeout``, the wall clock of the whole run (kernel start and every cell), and optionally
``cell_timeout`` for any one cell. nbclient asks for each cell's limit just before running it,
so the whole-run limit is enforced by handing every cell what is left of the run's time;
a cell that overruns is stopped and its kernel shut down. A kernel that fails to start, a race
of parallel runs (papermill #239, #511), is tried once more.

A notebook hands its results to the runner by displaying, once, an output of the MIME type
``FIGURES_MIMETYPE`` holding ``{"figures": {...}, "warnings": [...]}``
(``workbench.present.display.publish`` does this); ``read_published`` takes the last one.

The executed notebook is an output too (``runs/D/NAME.ipynb``, and the page exported from
it): before it is kept, every text output (streams, errors and their tracebacks, HTML, JSON)
passes through the privacy filter (:func:`mask_outputs`); images are left as they are.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
import papermill
import zmq
from nbclient.exceptions import CellTimeoutError
from nbformat import NotebookNode
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from workbench.errors import CELL_NOTE, ReportError
from workbench.privacy import mask_values
from workbench.runner.warm_kernels import WarmKernels, new_manager

FIGURES_MIMETYPE = "application/vnd.workbench.figures+json"
KERNEL_NAME = "workbench"
DEFAULT_TIMEOUT = 900.0
KERNEL_START_TIMEOUT = 60
#: Seconds to wait, once a cell has finished, for the last of its outputs. nbclient's default (4 s,
#: raised as a cell timeout by papermill) failed reports on a machine running many of them at once.
OUTPUT_WAIT = 60
#: Failures are in the run's JSON, not the kernel's log; an unattended run keeps no IPython history
#: and starts no debugger (``workbench.runner.kernel``).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False",
                    "--IPKernelApp.kernel_class=workbench.runner.kernel.UnattendedKernel"]
_KERNEL_START_FAILURES = ("Kernel didn't respond", "Kernel died before replying")
_OUTPUT_TIMEOUT = "Timeout waiting for IOPub output"  # nbclient's words
_KERNEL_LOCK = threading.Lock()


class _KeepingEngine(NBClientEngine):
    """papermill's nbclient engine, attaching the partly executed notebook to any exception."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except Exception as exc:
            exc.workbench_notebook = nb_man.nb
            raise


papermill_engines.register("workbench", _KeepingEngine)


class _TimeoutNoise(logging.Filter):
    """Drop what nbclient logs when a cell times out; the run's own record says it (and which limit)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Timeout waiting for execute reply")
                    or "_async_poll_output_msg" in message)  # its poll task, left pending on a timeout


logging.getLogger("papermill").addFilter(_TimeoutNoise())
logging.getLogger("asyncio").addFilter(_TimeoutNoise())


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Install a kernelspec ``name`` for this Python (into ``sys.prefix``) unless one exists.

    The first time (a fresh install), a one-line note on stderr says where it was registered:
    Jupyter sees it from then on, and removing it is the user's to know.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    with _KERNEL_LOCK:
        if name not in KernelSpecManager().find_kernel_specs():
            from ipykernel.kernelspec import install

            where = install(kernel_name=name, display_name=f"Python ({name})", prefix=sys.prefix)
            print(f"workbench: first run: registered the Jupyter kernel {name!r} for {sys.executable} "
                  f"in {where} (remove: jupyter kernelspec remove {name})", file=sys.stderr, flush=True)
    return name


class RunClock:
    """The time limits of one run; nbclient calls it for the limit of each cell, just before running it.

    A cell gets what is left of the run's ``timeout``, or ``cell_timeout`` when that is shorter.
    """

    def __init__(self, timeout: float, cell_timeout: float | None = None):
        self.timeout, self.cell_timeout = timeout, cell_timeout
        self.deadline = time.monotonic() + timeout
        self.run_limit_binds = True

    def left(self) -> float:
        """Seconds left of the run (negative once it is over)."""
        return self.deadline - time.monotonic()

    def __call__(self, cell) -> float:
        left = max(self.left(), 0.01)  # nbclient reads 0 as "no limit"
        self.run_limit_binds = self.cell_timeout is None or left <= self.cell_timeout
        return left if self.run_limit_binds else self.cell_timeout

    @property
    def expired(self) -> bool:
        """Whether the run, not one cell's own limit, ran out of time."""
        return self.run_limit_binds and self.left() <= 0


def execute_notebook(source: Path, target: Path, parameters: dict, *, timeout: float = DEFAULT_TIMEOUT,
                     cell_timeout: float | None = None, kernels: WarmKernels | None = None,
                     keep: bool = True) -> NotebookNode:
    """Execute ``source`` with papermill in a fresh working directory, keeping the result at ``target``.

    Parameters
    ----------
    source, target : Path
        The notebook to run and where the executed notebook is kept, also when the run fails
        (a failed run's notebook then starts with a cell naming the error).
    parameters : dict
        Values injected after the ``parameters`` cell.
    timeout : float
        Seconds the whole run may take: kernel start and every cell.
    cell_timeout : float, optional
        Seconds any one cell may take (default: only ``timeout`` applies).
    kernels : WarmKernels, optional
        A batch's kernels kept warm: the run takes one that last ran ``source`` (emptied), and
        gives it back when the run went well (:mod:`workbench.runner.warm_kernels`); without,
        the run has a kernel of its own.
    keep : bool
        Whether a run that went well is kept at ``target`` here; False leaves it to the caller
        (:func:`keep_notebook`, the batch's publication step). A failed run is always kept here.

    Returns
    -------
    NotebookNode
        The executed notebook.

    Raises
    ------
    ReportError
        When a cell raised, the run or a cell overran its limit, or the kernel died; or before
        anything runs, when a path holds ``{`` or ``}`` (papermill reads its paths as templates).
    """
    check_no_template(source, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clock = RunClock(timeout, cell_timeout)
    for attempt in (1, 2):
        scratch = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.ipynb")
        manager = None
        try:
            with tempfile.TemporaryDirectory(prefix="workbench-run-") as workdir:
                if kernels is not None:
                    manager = kernels.take(source, workdir) or new_manager(ensure_kernel())
                nb = papermill.execute_notebook(
                    source, scratch, parameters, engine_name="workbench", kernel_name=ensure_kernel(),
                    language="python", progress_bar=False, log_output=False,
                    request_save_on_cell_execute=False, timeout_func=clock, iopub_timeout=OUTPUT_WAIT,
                    start_timeout=math.ceil(min(KERNEL_START_TIMEOUT, max(clock.left(), 1.0))),  # an int
                    shutdown_kernel="immediate",  # every output is in: no graceful wait
                    resources={"metadata": {"path": workdir}},  # the cwd, without a process-wide chdir
                    extra_arguments=KERNEL_ARGUMENTS, **({"km": manager} if manager is not None else {}),
                )
            if manager is not None:  # free for the next run before this one's notebook is kept
                manager.stop_clients()
                kernels.keep(source, manager)
                manager = None
            if keep:
                keep_notebook(nb, target)
            return nb
        except PapermillExecutionError as exc:
            _keep(mask_outputs(nbformat.read(scratch, as_version=4)), scratch, target)
            where = f"{CELL_NOTE} [{exc.exec_count}] of the notebook)"
            raise ReportError(f"{exc.ename}: {exc.evalue}\n{where}") from None
        except Exception as exc:
            if attempt == 1 and _is_kernel_start_failure(exc) and clock.left() > 0:
                print(f"workbench: the kernel of {source.stem} did not start ({describe_failure(exc)}; "
                      "runs started at the same moment can pick the same port): starting another",
                      file=sys.stderr, flush=True)
                continue
            message = describe_failure(exc, timeout if clock.expired else None)
            partial = getattr(exc, "workbench_notebook", None)
            if partial is not None:
                partial.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Run failed:** `{message}`"))
                _keep(mask_outputs(partial), scratch, target)
            raise ReportError(message) from exc
        finally:
            scratch.unlink(missing_ok=True)
            if manager is not None:  # the run failed: its kernel is never reused
                kernels.discard(manager)
    raise AssertionError("unreachable")


def _keep(nb: NotebookNode, scratch: Path, target: Path) -> None:
    nbformat.write(nb, scratch)
    os.replace(scratch, target)


def keep_notebook(nb: NotebookNode, target: Path) -> None:
    """Mask ``nb``'s outputs (in place, :func:`mask_outputs`) and write it to ``target`` atomically."""
    scratch = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.ipynb")
    try:
        _keep(mask_outputs(nb), scratch, target)
    finally:
        scratch.unlink(missing_ok=True)


def mask_outputs(nb: NotebookNode) -> NotebookNode:
    """``nb`` with every text output masked by the privacy filter (in place; returned).

    Masked: stream text, error values and tracebacks, text and JSON MIME data of display and
    result outputs, and markdown cells (a failed run's note). Images (base64) are left alone.
    """
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            cell["source"] = mask_values(cell.get("source", ""))
        for output in cell.get("outputs", []):
            for key in ("text", "evalue", "traceback"):
                if key in output:
                    output[key] = mask_values(output[key])  # text, or a list of lines
            data = output.get("data", {})
            for mime, value in data.items():
                if not mime.startswith("image/"):
                    data[mime] = mask_values(value)
    return nb


def check_no_template(*paths: Path) -> None:
    """Refuse a path with ``{`` or ``}``: papermill fills its paths from the parameters (``{lang}``)."""
    for path in paths:
        if "{" in str(path) or "}" in str(path):
            raise ReportError(f"path {str(path)!r} holds '{{' or '}}', which papermill would read as a "
                              "template: choose a folder and name without braces")


def describe_failure(exc: Exception, overran: float | None = None) -> str:
    """Return the one-line error of a run that raised ``exc``; ``overran``: the run limit it exceeded."""
    if overran is not None and isinstance(exc, CellTimeoutError | RuntimeError):
        cells = getattr(exc, "workbench_notebook", nbformat.v4.new_notebook()).cells
        started = [cell.get("execution_count") for cell in cells  # papermill marks it "completed"
                   if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
        where = f" in cell [{started[-1]}]" if started and started[-1] else ""
        return f"ReportTimeout: the report ran longer than its {overran:g} s limit and was stopped{where}"
    if isinstance(exc, CellTimeoutError) and _OUTPUT_TIMEOUT in str(exc):
        return (f"OutputTimeout: a cell finished but its outputs did not all arrive within {OUTPUT_WAIT} s "
                "(is the machine overloaded? run fewer reports at a time, --jobs)")
    return f"{type(exc).__name__}: {str(exc).strip().partition(chr(10))[0]}"  # no cell preview


def _is_kernel_start_failure(exc: Exception) -> bool:
    """Whether ``exc`` is one of the kernel-start races of parallel runs (papermill #239, #511)."""
    text = str(exc)
    return isinstance(exc, zmq.ZMQError) or any(s in text for s in _KERNEL_START_FAILURES)


def read_published(nb: NotebookNode) -> tuple[dict, list[str]]:
    """Return the figures and warnings of the last ``FIGURES_MIMETYPE`` output of a notebook."""
    payload = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(FIGURES_MIMETYPE, payload)
    if payload is None:
        return {}, ["the notebook published no figures"]
    try:
        payload = json.loads(payload) if isinstance(payload, str) else payload
        figures, warnings = payload.get("figures", {}), payload.get("warnings", [])
        if not isinstance(figures, dict) or not isinstance(warnings, list):
            raise TypeError
    except (ValueError, TypeError, AttributeError):
        shape = "figures (a mapping) and warnings (a list)"
        raise ReportError(f"the {FIGURES_MIMETYPE} output must hold {shape}") from None
    return dict(figures), [str(w) for w in warnings]
