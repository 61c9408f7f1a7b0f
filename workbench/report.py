"""Run one report notebook and publish what it leaves.

The runner follows one pipeline, one function per step: resolve the notebook, pick the
parameters it declares, execute it with papermill, read what it published, export HTML,
write the JSON record and update the index; ``run_report`` wires the steps together.
Every file is written atomically (a temporary name in the same folder, then ``os.replace``).

A notebook hands its results to the runner by displaying, once, an output of the MIME type
``FIGURES_MIMETYPE`` holding ``{"figures": {...}, "warnings": [...]}``
(``workbench.display.publish`` does this); the last such output wins.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
import papermill
import zmq
from nbformat import NotebookNode
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from workbench.catalog import Pack, open_pack
from workbench.errors import ReportError
from workbench.html_export import export_html
from workbench.index_page import collect_runs, render_index

FIGURES_MIMETYPE = "application/vnd.workbench.figures+json"
KERNEL_NAME = "workbench"
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
RUNNER_PARAMETERS = ("report_date", "pack", "scope")
_TRUE, _FALSE = {"true", "1", "yes", "y", "是"}, {"false", "0", "no", "n", "否"}
_KERNEL_START_FAILURES = ("Kernel didn't respond", "Kernel died before replying")
_KERNEL_LOCK, _INDEX_LOCK = threading.Lock(), threading.Lock()


@dataclass(frozen=True)
class RunResult:
    """What one run of a report left; paths are None when the run never started."""

    stem: str
    date: str | None
    status: str
    error: str | None
    duration_s: float
    json_path: Path | None = None
    html_path: Path | None = None
    notebook_path: Path | None = None

    @property
    def ok(self) -> bool:
        """Whether the run succeeded."""
        return self.status == "ok"


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


def resolve_notebook(name_or_path: str | os.PathLike) -> Path:
    """Return the notebook file a bare name (``testing_coverage``) or a path designates.

    Raises
    ------
    ReportError
        When no such notebook exists; the message lists the notebooks available.
    """
    path = Path(name_or_path).expanduser()
    file = path if path.suffix == ".ipynb" else path.with_name(path.name + ".ipynb")
    candidates = [NOTEBOOKS_DIR / file.name, file] if len(path.parts) == 1 else [file]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    available = ", ".join(sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))) or "none"
    raise ReportError(f"no notebook {str(name_or_path)!r}; available in {NOTEBOOKS_DIR}: {available}")


def declared_parameters(path: str | os.PathLike) -> dict:
    """Return the parameters a notebook declares: name -> {name, inferred_type_name, default, help}."""
    path = Path(path).resolve()
    return copy.deepcopy(_inspect_notebook(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _inspect_notebook(path: str, mtime_ns: int) -> dict:
    try:
        return papermill.inspect_notebook(path)
    except ValueError as exc:  # no kernelspec/language metadata
        raise ReportError(f"cannot read the parameters of {path}: {exc}") from exc


def coerce_parameter(value: str, declared_default_source: str | None, *, name: str = "parameter"):
    """Type a ``-p NAME VALUE`` string like the notebook's declared default.

    An int, float or bool default makes the value that type; a list, tuple or dict default
    reads a Python literal; a str or None default keeps the text (``007`` stays ``"007"``;
    ``None`` becomes None when the default is None).
    """
    try:
        default = ast.literal_eval(declared_default_source or "None")
    except (ValueError, SyntaxError):
        return value  # the default is an expression: pass the text
    try:
        if isinstance(default, bool):
            if value.strip().lower() not in _TRUE | _FALSE:
                raise ValueError(value)
            return value.strip().lower() in _TRUE
        if isinstance(default, int | float):
            return type(default)(value)
        if isinstance(default, list | tuple | dict):
            parsed = ast.literal_eval(value)
            if not isinstance(parsed, type(default)):
                raise ValueError(value)
            return parsed
    except (ValueError, SyntaxError) as exc:
        kind = type(default).__name__
        raise ReportError(f"parameter {name!r} expects a {kind} (default {declared_default_source}), "
                          f"got {value!r}") from exc
    return None if default is None and value == "None" else value


def pick_parameters(declared: dict, given: dict) -> tuple[dict, list[str]]:
    """Keep the given parameters the notebook declares; warn about the others."""
    accepted = {name: value for name, value in given.items() if name in declared}
    warnings = [f"parameter {name!r} is not declared by the notebook and was not passed"
                for name in given if name not in declared]
    return accepted, warnings


def runner_parameters(declared: dict, given: dict, *, day: str, pack_root: str, scope: str | None):
    """Return the parameters to pass and the warnings: ``given`` picked, plus the runner's own.

    ``report_date`` and ``pack`` are passed when declared; ``scope``, when given, is picked
    like any parameter (a notebook that ignores it gets a warning).

    Raises
    ------
    ReportError
        When ``given`` sets a parameter the runner owns.
    """
    if reserved := sorted(set(given) & set(RUNNER_PARAMETERS)):
        raise ReportError(f"{', '.join(reserved)}: set by the runner (--date, --pack, --scope)")
    passed, warnings = pick_parameters(declared, given | ({} if scope is None else {"scope": scope}))
    runner = {"report_date": day, "pack": pack_root}
    passed.update({name: value for name, value in runner.items() if name in declared})
    return passed, warnings


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Install a kernelspec ``name`` for this Python (into ``sys.prefix``) unless one exists."""
    from jupyter_client.kernelspec import KernelSpecManager

    with _KERNEL_LOCK:
        if name not in KernelSpecManager().find_kernel_specs():
            from ipykernel.kernelspec import install

            install(kernel_name=name, display_name=f"Python ({name})", prefix=sys.prefix)
    return name


def resolve_date(date: str | dt.date | None, pack) -> dt.date:
    """Return the report date: ``date`` (ISO text or a date), else the pack's ``report_date``."""
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    if date is None:
        if pack.report_date is None:
            raise ReportError(f"no report date: pass --date or set report_date in {pack.root}/catalog.yaml")
        return pack.report_date
    try:
        return dt.date.fromisoformat(str(date))
    except ValueError:
        raise ReportError(f"invalid date {date!r}: expected YYYY-MM-DD") from None


def report_stem(report: str, scope: str | None) -> str:
    """Return the file name of a report: ``NAME``, or ``NAME__SCOPE`` unless the scope is the district."""
    if scope is not None and (not scope or scope.startswith(".") or any(c in scope for c in "/\\:\0")):
        raise ReportError(f"scope {scope!r} cannot be used in a file name")
    return report if scope in (None, "district") else f"{report}__{scope}"


def execute_notebook(source: Path, target: Path, parameters: dict, *, timeout: float) -> NotebookNode:
    """Execute ``source`` with papermill in a fresh working directory, keeping the result at ``target``.

    The executed notebook is kept also when the run fails. A kernel that fails to start is
    tried once more.

    Raises
    ------
    ReportError
        When a cell raised, timed out, or the kernel died; the text names the error.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for attempt in (1, 2):
        scratch = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.ipynb")
        try:
            with tempfile.TemporaryDirectory(prefix="workbench-run-") as workdir:
                nb = papermill.execute_notebook(
                    source, scratch, parameters, engine_name="workbench", kernel_name=ensure_kernel(),
                    language="python", progress_bar=False, log_output=False,
                    request_save_on_cell_execute=False, execution_timeout=timeout,
                    resources={"metadata": {"path": workdir}},  # the cwd, without a process-wide chdir
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # failures are in the JSON
                )
            os.replace(scratch, target)
            return nb
        except PapermillExecutionError as exc:
            os.replace(scratch, target)
            raise ReportError(f"{exc.ename}: {exc.evalue} (cell [{exc.exec_count}])") from None
        except Exception as exc:
            if attempt == 1 and _is_kernel_start_failure(exc):
                continue
            message = f"{type(exc).__name__}: {str(exc).strip().partition(chr(10))[0]}"  # no cell preview
            partial = getattr(exc, "workbench_notebook", None)
            if partial is not None:
                partial.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Run failed:** `{message}`"))
                write_atomic(target, nbformat.writes(partial))
            raise ReportError(message) from exc
        finally:
            scratch.unlink(missing_ok=True)
    raise AssertionError("unreachable")


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


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(scratch, 0o644)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return path


def update_index(reports_dir: str | os.PathLike = "reports") -> Path:
    """Rewrite ``reports_dir/index.html`` from every run record found under it."""
    reports_dir = Path(reports_dir)
    with _INDEX_LOCK:
        return write_atomic(reports_dir / "index.html", render_index(collect_runs(reports_dir)))


def run_report(
    notebook: str | os.PathLike,
    *,
    date: str | dt.date | None = None,
    pack=None,
    scope: str | None = None,
    parameters: dict | None = None,
    reports_dir: str | os.PathLike = "reports",
    runs_dir: str | os.PathLike = "runs",
    name: str | None = None,
    timeout: float = 600,
    index: bool = True,
) -> RunResult:
    """Run one report notebook; leave ``reports/D/NAME[__S].html|json`` and ``runs/D/NAME[__S].ipynb``.

    Parameters
    ----------
    notebook : str or path
        A bare name under ``notebooks/`` or a path to a notebook.
    date : str or date, optional
        Report date (default: the pack's ``report_date``).
    pack : path or Pack, optional
        The data pack (default: the embedded sample).
    scope : str, optional
        Passed as ``scope``; the files are named ``NAME__SCOPE`` unless it is ``district``.
    parameters : dict, optional
        Typed values; those the notebook does not declare are left out, with a warning.
    reports_dir, runs_dir : path
        Output folders.
    name : str, optional
        Report name (default: the notebook's file name).
    timeout : float
        Seconds a cell may run.
    index : bool
        Whether to update ``reports_dir/index.html``.

    Returns
    -------
    RunResult
        A failed run is returned, not raised, and never replaces the last good HTML.

    Raises
    ------
    ReportError
        When the run cannot start (unknown notebook, no date, a parameter the runner owns).
    """
    source = resolve_notebook(notebook)
    opened = pack if isinstance(pack, Pack) else open_pack(pack)
    day, pack_root = resolve_date(date, opened).isoformat(), str(Path(opened.root).resolve())
    report = name or source.stem
    stem = report_stem(report, scope)
    passed, warnings = runner_parameters(declared_parameters(source), dict(parameters or {}),
                                         day=day, pack_root=pack_root, scope=scope)
    reports_dir, runs_dir = Path(reports_dir), Path(runs_dir)
    html_path, notebook_path = reports_dir / day / f"{stem}.html", runs_dir / day / f"{stem}.ipynb"
    fingerprint = opened.fingerprint()

    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    figures, error, html = {}, None, None
    try:
        nb = execute_notebook(source, notebook_path, passed, timeout=timeout)
        figures, published = read_published(nb)
        title, language = " · ".join(p for p in (report, scope, day) if p), str(passed.get("lang") or "zh")
        page = export_html(nb, title, drop_mimetypes=[FIGURES_MIMETYPE], language=language)
        html = write_atomic(html_path, page)
        warnings += published
    except ReportError as exc:
        figures, error = {}, str(exc)
    record = {
        "report": report, "date": day, "scope": scope, "status": "failed" if error else "ok",
        "parameters": passed, "pack": {"name": opened.name, "path": pack_root, "fingerprint": fingerprint},
        "figures": figures, "warnings": warnings, "error": error,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - clock, 2),
        "html": _relative(html, reports_dir), "notebook": _relative(notebook_path, reports_dir),
    }
    json_path = write_atomic(reports_dir / day / f"{stem}.json",
                             json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    if index:
        update_index(reports_dir)
    return RunResult(stem, day, record["status"], error, record["duration_s"], json_path, html, notebook_path)


def _relative(path: Path | None, start: Path) -> str | None:
    """``path`` relative to ``start`` in POSIX form (absolute across drives); None stays None."""
    if path is None:
        return None
    try:
        return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()
    except ValueError:
        return path.resolve().as_posix()
