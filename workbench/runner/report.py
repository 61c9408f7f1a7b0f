"""Run one report notebook and publish what it leaves.

The runner follows one pipeline, one function per step: resolve the notebook, pick the
parameters it declares (``workbench.runner.parameters``), execute it (``workbench.runner.execute``), read
what it published, export HTML (``workbench.runner.html_export``), write the JSON record and update
the index (``workbench.runner.index_page``); ``run_report`` wires the steps together.
Names, paths and records: ``workbench.runner.records`` (every file written atomically, every
output path checked to stay in ``reports/D`` or ``runs/D``, the record's text masked). A failure
is always recorded: a page that cannot be written makes a failed record (the last good page
stays); a record that cannot be written is said on stderr and listed in the index from memory.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ReportError
from workbench.intake.catalog import Pack, open_pack
from workbench.paths import NOTEBOOKS_DIR
from workbench.present.i18n import label
from workbench.privacy import mask_personal
from workbench.runner.execute import (
    DEFAULT_TIMEOUT,
    FIGURES_MIMETYPE,
    execute_notebook,
    keep_notebook,
    read_published,
)
from workbench.runner.html_export import export_html
from workbench.runner.index_page import collect_runs, render_index, report_title, unrecorded_row
from workbench.runner.locking import hold_index_lock
from workbench.runner.parameters import declared_parameters, runner_parameters
from workbench.runner.records import (
    check_name,
    describe_write_error,
    make_record,
    output_path,
    write_atomic,
    write_record,
)
from workbench.runner.warm_kernels import WarmKernels


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


def resolve_date(date: str | dt.date | None, pack) -> dt.date:
    """Return the report date: ``date`` (ISO text or a date), else the pack's ``report_date``."""
    return pack.resolve_date(date).date()


def report_stem(report: str, scope: str | None) -> str:
    """Return the file name of a report: ``NAME``, or ``NAME__SCOPE`` unless the scope is the district.

    Raises
    ------
    ReportError
        When the name or the scope holds a character outside the safe set
        (:func:`workbench.runner.records.check_name`).
    """
    check_name(report, "report name")
    if scope is not None:
        check_name(scope, "scope")
    return report if scope in (None, "district") else f"{report}__{scope}"


def update_index(reports_dir: str | os.PathLike = "reports", unrecorded: Sequence[RunResult] = (),
                 lang: str | None = None) -> Path:
    """Rewrite ``reports_dir/index.html`` from every run record found under it.

    ``unrecorded``: failed runs whose record could not be written; they are listed in place of
    any record of the same name and date. ``lang``: the page's language (zh or en); without it,
    the language the index already has (a single ``workbench run`` keeps the batch's), else zh.
    """
    reports_dir = Path(reports_dir)
    lang = lang or index_language(reports_dir / "index.html")
    with hold_index_lock(reports_dir):
        rows = collect_runs(reports_dir)
        extra = [unrecorded_row(r.date, r.stem, r.error or "failed", reports_dir) for r in unrecorded
                 if r.date is not None]
        hidden = {(row["date"], row["stem"]) for row in extra}
        rows = extra + [row for row in rows if (row["date"], row.get("stem")) not in hidden]
        rows.sort(key=lambda row: (row["date"], row["finished_at"]), reverse=True)
        return write_atomic(reports_dir / "index.html", render_index(rows, lang=lang))


def index_language(index: Path) -> str:
    """The language an existing index page was written in (its ``<html lang>``); zh without one."""
    try:
        with index.open(encoding="utf-8") as page:
            head = page.read(400)
    except OSError:
        return "zh"
    return "en" if '<html lang="en"' in head else "zh"


def in_language(name: str, lang: str | None) -> str:
    """A report's run name in ``lang``: ``NAME`` in zh (and without a language), else ``NAME_<lang>``."""
    return name if lang in (None, "zh") else f"{name}_{lang}"


def page_title(report: str, scope: str | None, day: str, lang: str, pack: Pack) -> str:
    """A report page's ``<title>`` in its language: the report's title, its scope by name, the date."""
    return " · ".join([report_title(report, lang), scope_name(pack, scope, lang), day])


def scope_name(pack: Pack, scope: str | None, lang: str) -> str:
    """A scope for people: the district's label, a street by its name (its id when the pack has none)."""
    if scope in (None, "district"):
        return label("district", lang)
    return area_names(pack).get(scope, scope)


_AREA_NAMES: dict[tuple[str, str], dict[str, str]] = {}


def area_names(pack: Pack) -> dict[str, str]:
    """Area id → name of the pack's ``areas`` (masked), read once per pack content; {} when unreadable."""
    key = (str(Path(pack.root).resolve()), pack.fingerprint())
    if key not in _AREA_NAMES:
        from workbench.intake.loading import load_datasets

        try:
            areas = load_datasets(pack, ["areas"])["areas"]
            _AREA_NAMES[key] = {str(a): mask_personal(str(n)) for a, n in zip(areas["area_id"], areas["name"],
                                                                              strict=True)}
        except Exception:  # the report itself says what is wrong with its areas
            _AREA_NAMES[key] = {}
    return _AREA_NAMES[key]


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
    timeout: float = DEFAULT_TIMEOUT,
    cell_timeout: float | None = None,
    index: bool = True,
    kernels: WarmKernels | None = None,
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
        Report name (default: the notebook's file name, with ``_<lang>`` when ``parameters``
        ask for a language other than zh, as a schedule names it: an English run does not
        replace the Chinese report of the day).
    timeout : float
        Seconds the whole notebook may run (kernel start and every cell); a run that overruns
        is stopped and recorded as failed, its partial notebook kept.
    cell_timeout : float, optional
        Seconds any one cell may run (default: only ``timeout`` applies).
    index : bool
        Whether to update ``reports_dir/index.html``.
    kernels : WarmKernels, optional
        A batch's warm kernels (:mod:`workbench.runner.warm_kernels`); default a kernel of its own.

    Returns
    -------
    RunResult
        A failed run is returned, not raised, and never replaces the last good HTML.

    Raises
    ------
    ReportError
        When the run cannot start (unknown notebook, no date, a parameter the runner owns).
    """
    executed = execute_report(notebook, date=date, pack=pack, scope=scope, parameters=parameters,
                              reports_dir=reports_dir, runs_dir=runs_dir, name=name, timeout=timeout,
                              cell_timeout=cell_timeout, kernels=kernels)
    return executed.publish(index=index)


@dataclass
class ExecutedReport:
    """A report whose notebook has run, not yet published: :meth:`publish` writes what it leaves.

    A batch executes the next report while the previous one is published (masking, the kept
    notebook, the HTML export and the record are the runner's work, not the kernel's).
    """

    report: str
    scope: str | None
    day: str
    pack: Pack
    passed: dict
    warnings: list[str]
    paths: dict[str, Path]
    started: dt.datetime
    elapsed_s: float
    nb: object | None = None
    error: str | None = None

    def publish(self, index: bool = False) -> RunResult:
        """Keep the notebook, write the page and the record (``index``: and update the index).

        A page that cannot be written is a failed record; the last good page stays.
        """
        clock = time.perf_counter()
        figures, error, html = {}, self.error, None
        html_path, json_path = self.paths["html"], self.paths["json"]
        reports_dir, notebook_path = self.paths["reports"], self.paths["notebook"]
        warnings = list(self.warnings)
        if self.nb is not None:
            try:
                keep_notebook(self.nb, notebook_path)
                figures, published = read_published(self.nb)
                warnings += published
                language = "en" if self.passed.get("lang") == "en" else "zh"
                title = page_title(self.report, self.scope, self.day, language, self.pack)
                page = export_html(self.nb, title, drop_mimetypes=[FIGURES_MIMETYPE], language=language)
                html = write_atomic(html_path, page)
            except ReportError as exc:
                figures, error = {}, str(exc)
            except OSError as exc:  # a full or read-only disk: the last good page stays
                figures, error = {}, describe_write_error(exc, html_path)
        described = {"name": self.pack.name, "path": str(Path(self.pack.root).resolve()),
                     "fingerprint": self.pack.fingerprint()}
        duration = self.elapsed_s + time.perf_counter() - clock  # without any wait in between
        record = make_record(report=self.report, day=self.day, scope=self.scope, error=error,
                             parameters=self.passed, pack=described, figures=figures, warnings=warnings,
                             started=self.started, duration_s=duration, html=_relative(html, reports_dir),
                             notebook=_relative(notebook_path, reports_dir))
        written = write_record(json_path, record)
        result = RunResult(report_stem(self.report, self.scope), self.day,
                           record["status"] if written else "failed",
                           record["error"] or (None if written else "the run's record could not be written"),
                           record["duration_s"], written, html, notebook_path)
        if index:
            update_index(reports_dir, unrecorded=[] if written else [result])
        return result


def execute_report(
    notebook: str | os.PathLike,
    *,
    date: str | dt.date | None = None,
    pack=None,
    scope: str | None = None,
    parameters: dict | None = None,
    reports_dir: str | os.PathLike = "reports",
    runs_dir: str | os.PathLike = "runs",
    name: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cell_timeout: float | None = None,
    kernels: WarmKernels | None = None,
) -> ExecutedReport:
    """Execute one report notebook (parameters as :func:`run_report`); publish the result later.

    A failed execution is an :class:`ExecutedReport` with its ``error`` (its notebook already
    kept), published as a failed record.

    Raises
    ------
    ReportError
        When the run cannot start (unknown notebook, no date, a parameter the runner owns).
    """
    source = resolve_notebook(notebook)
    opened = pack if isinstance(pack, Pack) else open_pack(pack)
    day, pack_root = resolve_date(date, opened).isoformat(), str(Path(opened.root).resolve())
    report = name or in_language(source.stem, (parameters or {}).get("lang"))
    stem = report_stem(report, scope)
    reports_dir, runs_dir = Path(reports_dir), Path(runs_dir)
    passed, warnings = runner_parameters(declared_parameters(source), dict(parameters or {}),
                                         day=day, pack_root=pack_root, scope=scope,
                                         reports_root=str(reports_dir.resolve()))
    paths = {"html": output_path(reports_dir, day, f"{stem}.html"),
             "json": output_path(reports_dir, day, f"{stem}.json"),
             "notebook": output_path(runs_dir, day, f"{stem}.ipynb"),
             "reports": reports_dir}
    opened.fingerprint()  # computed before the run: what the record names is what the run read

    started, clock = dt.datetime.now().astimezone(), time.perf_counter()
    nb, error = None, None
    try:
        nb = execute_notebook(source, paths["notebook"], passed, timeout=timeout, cell_timeout=cell_timeout,
                              kernels=kernels, keep=False)
    except ReportError as exc:
        error = str(exc)
    except OSError as exc:  # a full or read-only disk while keeping a failed run's notebook
        error = describe_write_error(exc, paths["notebook"])
    return ExecutedReport(report, scope, day, opened, passed, warnings, paths, started,
                          time.perf_counter() - clock, nb, error)


def _relative(path: Path | None, start: Path) -> str | None:
    """``path`` relative to ``start`` in POSIX form (absolute across drives); None stays None."""
    if path is None:
        return None
    try:
        return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()
    except ValueError:
        return path.resolve().as_posix()
