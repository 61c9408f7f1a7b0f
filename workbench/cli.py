"""``workbench run / batch / pdf / prune / validate / sample / template / init``: parse, then call.

``python -m workbench`` is the same command; ``workbench --version`` prints the version.

Exit status: 0 all went well; 1 a report failed (or a pack has fatal problems); 2 a usage or
data error, printed as one clean message on stderr; 3 another batch for the same date and
reports folder is running; 130 Ctrl-C or SIGTERM. Nothing ever prompts.
Heavy modules (papermill, nbconvert, geopandas) are imported by the command that needs them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from workbench import __version__, paths
from workbench.errors import LockedError, WorkbenchError

EXIT_LOCKED = 3
PROGRESS_INTERVAL = 1.0


def command_run(args: argparse.Namespace) -> int:
    """Run one report; exit 1 when it failed."""
    from workbench.runner.execute import ensure_kernel
    from workbench.runner.parameters import check_declared, coerce_parameter, declared_parameters
    from workbench.runner.report import resolve_notebook, run_report
    from workbench.runner.schedule import read_yaml_mapping

    parameters = read_yaml_mapping(args.params, "parameters file") if args.params else {}
    if args.parameter:
        notebook = resolve_notebook(args.notebook)
        declared = declared_parameters(notebook)
        check_declared([name for name, _ in args.parameter], declared, notebook.stem)
        for name, value in args.parameter:
            parameters[name] = coerce_parameter(value, declared[name].get("default"), name=name)
    ensure_kernel()  # its first-run note must not land inside the progress line
    with progress_line(Path(args.notebook).stem):
        result = run_report(args.notebook, date=args.date, pack=args.pack, scope=args.scope,
                            parameters=parameters, reports_dir=args.reports, runs_dir=args.runs,
                            **timeout_option(args))
    print(f"{result.stem} {result.status} {result.duration_s:.1f}s")
    if result.error:
        print(result.error, file=sys.stderr)
    for path in (result.html_path, result.json_path, result.notebook_path):
        if path is not None:
            print(path)
    return 0 if result.ok else 1


@contextmanager
def progress_line(name: str, stream=None, interval: float = PROGRESS_INTERVAL):
    """While the block runs, keep one line ``NAME: running 12 s`` on ``stream`` (stderr) if it is a terminal.

    Off a terminal (cron, systemd, a pipe) nothing is written. The line is erased at the end,
    so that what the command prints afterwards starts on a clean line.
    """
    stream = stream or sys.stderr
    if not stream.isatty():
        yield
        return
    started, stop = time.monotonic(), threading.Event()

    def tick() -> None:
        while True:
            stream.write(f"\r{name}: running {time.monotonic() - started:.0f} s")
            stream.flush()
            if stop.wait(interval):
                return

    ticker = threading.Thread(target=tick, name="workbench-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        stream.write("\r\033[K")  # back to the line's start, erase it
        stream.flush()


def command_batch(args: argparse.Namespace) -> int:
    """Run every report of a schedule; exit 1 when any failed, 3 when another batch holds the date."""
    from workbench.runner.batch import run_batch

    results = run_batch(args.schedule, date=args.date, pack=args.pack, jobs=args.jobs,
                        keep_days=args.keep_days, reports_dir=args.reports, runs_dir=args.runs,
                        lang=args.lang, only=args.only or (), fresh_kernels=args.fresh_kernels,
                        **timeout_option(args))
    failed = [result.stem for result in results if not result.ok]
    print(f"{len(results) - len(failed)} ok, {len(failed)} failed", *failed)
    print(Path(args.reports) / "index.html")
    if args.pdf:
        print_exported([result.html_path for result in results if result.ok and result.html_path is not None])
    return 1 if failed else 0


def command_pdf(args: argparse.Namespace) -> int:
    """A PDF of each report page and a long PNG of each brief; exit 2 when chromium is absent."""
    print_exported(args.pages, args.out)
    return 0


def print_exported(pages, out: str | None = None) -> None:
    """Export ``pages`` (:func:`workbench.runner.pdf.export_pdfs`) and print each file written."""
    from workbench.runner.pdf import chinese_font_note, export_pdfs

    note = chinese_font_note()
    if note:
        print(f"workbench pdf: {note}", file=sys.stderr, flush=True)
    for exported in export_pdfs(pages, out):
        print(exported.pdf)
        if exported.png is not None:
            print(exported.png)


def command_prune(args: argparse.Namespace) -> int:
    """Delete the dates older than ``--keep-days`` days before the newest, then rewrite the index."""
    from workbench.runner.report import update_index
    from workbench.runner.retention import prune_reports

    deleted, skipped = prune_reports(args.keep_days, args.reports, args.runs)
    for line in [f"pruned {path}" for path in deleted] + skipped:
        print(line)
    if Path(args.reports).is_dir():
        print(update_index(args.reports))
    return 0


def command_validate(args: argparse.Namespace) -> int:
    """Print every problem of a data pack and write its data-quality page; exit 1 when any is an error."""
    from workbench.intake.loading import format_problems, validate_pack

    problems = validate_pack(args.pack)  # a catalog that cannot be opened gives its problems too
    print(format_problems(problems))
    write_validate_page(args)
    return 1 if any(problem.severity == "error" for problem in problems) else 0


def write_validate_page(args: argparse.Namespace) -> None:
    """The data-quality page of ``validate``; when it cannot be written, a line on stderr says why.

    Not over the page of a day whose reports were made from other data (another pack, or this one
    before a file changed): the page stays the one that describes them.
    """
    from workbench.errors import DataError
    from workbench.intake.catalog import open_pack
    from workbench.present.quality_page import PAGE_NAME
    from workbench.runner.batch import write_data_quality
    from workbench.runner.records import records_of_other_packs

    try:
        pack = open_pack(args.pack)
        day = pack.resolve_date(args.date).date().isoformat()
        pages = {PAGE_NAME, f"{PAGE_NAME}_en"}
        if others := records_of_other_packs(args.reports, day, pack.fingerprint(), besides=pages):
            named = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            print(f"workbench validate: data-quality page not written: {Path(args.reports) / day} holds "
                  f"reports made from other data ({named}), which the page would not describe: run the "
                  "batch again (it writes the page with the reports), or pass --reports DIR",
                  file=sys.stderr)
            return
        print(write_data_quality(pack, day, args.reports, lang=args.lang))
    except DataError:  # the catalog's problems are printed above; there is no pack to describe
        print("workbench validate: data-quality page not written: the catalog cannot be opened",
              file=sys.stderr)
    except (WorkbenchError, OSError) as exc:
        print(f"workbench validate: data-quality page not written: {exc}", file=sys.stderr)


def command_sample(args: argparse.Namespace) -> int:
    """Regenerate the synthetic sample pack."""
    from workbench.sample import generate_pack

    options = {key: value for key, value in (("seed", args.seed), ("scale", args.scale),
                                             ("replicate", args.replicate)) if value is not None}
    print(generate_pack(args.out, **options))
    return 0


def command_template(args: argparse.Namespace) -> int:
    """Write one XLSX template per dataset of the contract, and their catalog.yaml, into ``--out``."""
    from workbench.intake.templates import write_templates

    for path in write_templates(args.out, lang=args.lang):
        print(path)
    return 0


def command_init(args: argparse.Namespace) -> int:
    """Lay out a working folder (notebooks, parameters, reports, README) and say what to do next."""
    from workbench.runner.working_folder import lay_out_working_folder

    for path in lay_out_working_folder(args.folder, version=__version__):
        print(path)
    print(f"next: cd {args.folder} && workbench batch parameters/daily.yaml  (see {args.folder}/README.md)")
    return 0


def command_explore(args: argparse.Namespace) -> int:
    """Serve the explorer with Voilà until Ctrl-C; exit 2 when Voilà (the ``explore`` extra) is absent."""
    from workbench.present.explore.webapp import require_voila, serve

    require_voila()
    from workbench.runner.execute import ensure_kernel

    return serve(pack=args.pack, port=args.port, kernel=ensure_kernel())


def positive_count(text: str) -> int:
    """Parse a ``--replicate`` value: a whole number ≥ 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def positive_seconds(text: str) -> float:
    """Parse a ``--timeout`` value: a positive number of seconds."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return seconds


def timeout_option(args: argparse.Namespace) -> dict:
    """``{"timeout": seconds}`` when ``--timeout`` was given, else nothing (the runner's default)."""
    return {} if args.timeout is None else {"timeout": args.timeout}


def add_run_options(sub: argparse.ArgumentParser, *, pack: bool = True, outputs: bool = True,
                    timeout_of: str | None = None, keep_days: str | None = None) -> None:
    """Add the options that several commands share: pack and date, output folders, limits."""
    if pack:
        sub.add_argument("--pack", metavar="DIR", help="data pack folder (default: data/sample)")
    if pack and outputs:
        sub.add_argument("--date", metavar="D", help="report date YYYY-MM-DD (default: the pack's)")
    if outputs:
        sub.add_argument("--reports", metavar="DIR", default="reports", help="HTML/JSON/index folder")
        sub.add_argument("--runs", metavar="DIR", default="runs", help="executed notebooks folder")
    if timeout_of:
        sub.add_argument("--timeout", type=positive_seconds, metavar="SECONDS",
                         help=f"wall-clock limit of {timeout_of} (default 900 s)")
    if keep_days:
        sub.add_argument("--keep-days", type=int, metavar="N", required=keep_days == "required",
                         help="keep the newest N days of reports and runs, delete older dates")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``workbench`` command."""
    parser = argparse.ArgumentParser(prog="workbench", description="Situation-analysis workbench.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run one report notebook")
    run.add_argument("notebook", metavar="NOTEBOOK", help="a name under notebooks/ or a path")
    run.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="a parameter, typed like the notebook's default (repeatable)")
    run.add_argument("--params", metavar="FILE", help="YAML file of parameters (-p wins)")
    run.add_argument("--scope", metavar="S", help="scope passed to the notebook (e.g. a street id)")
    add_run_options(run, timeout_of="the report")
    run.set_defaults(handler=command_run)

    batch = commands.add_parser("batch", help="run every report of a schedule")
    batch.add_argument("schedule", metavar="SCHEDULE.yaml")
    batch.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="runs at a time, at most one per CPU (default 1)")
    add_run_options(batch, timeout_of="each report, unless its schedule entry sets timeout:",
                    keep_days="optional")
    batch.add_argument("--lang", choices=("zh", "en"),
                       help="language of reports/index.html (default: the schedule's lang:, else zh)")
    batch.add_argument("--only", action="append", metavar="NAME",
                       help="run only this report of the schedule (repeatable; daily_brief: every language)")
    batch.add_argument("--pdf", action="store_true",
                       help="also write a PDF of each report and a long PNG of the brief (headless chromium)")
    batch.add_argument("--fresh-kernels", action="store_true",
                       help="start a kernel for every report (default: the runs of one notebook, such as "
                            "the street reports, reuse a kernel emptied between them)")
    batch.set_defaults(handler=command_batch)

    pdf = commands.add_parser("pdf", help="a PDF of each report page and a long PNG of the brief")
    pdf.add_argument("pages", nargs="+", metavar="REPORT.html")
    pdf.add_argument("--out", metavar="DIR", help="folder for the files (default: beside each page)")
    pdf.set_defaults(handler=command_pdf)

    prune = commands.add_parser("prune", help="delete the report and run folders of old dates")
    add_run_options(prune, pack=False, keep_days="required")
    prune.set_defaults(handler=command_prune)

    validate = commands.add_parser("validate", help="check a data pack against the contract")
    add_run_options(validate, outputs=False)
    validate.add_argument("--date", metavar="D", help="date of the data-quality page (default: the pack's)")
    validate.add_argument("--reports", metavar="DIR", default="reports",
                          help="folder of reports/D/data_quality.html (in English data_quality_en.html; "
                               "default: reports)")
    validate.add_argument("--lang", choices=("zh", "en"), default="zh",
                          help="language of the page (default: zh)")
    validate.set_defaults(handler=command_validate)

    sample = commands.add_parser("sample", help="regenerate the synthetic sample pack")
    sample.add_argument("--out", metavar="DIR", default=default_sample_out(),
                        help="output folder (default: data/sample in a checkout, else ./sample)")
    sample.add_argument("--seed", type=int, metavar="N", help="random seed (default: the sample's)")
    sample.add_argument("--scale", choices=("district", "city"), help="size of the pack (default: district)")
    sample.add_argument("--replicate", type=positive_count, metavar="N",
                        help="copy every resident N times, each a distinct person (population and "
                             "site capacity alike): --scale city --replicate 3 has 30 M sampling rows")
    sample.set_defaults(handler=command_sample)

    template = commands.add_parser("template", help="write XLSX templates for departments, and their catalog")
    template.add_argument("--out", metavar="DIR", default="templates", help="folder (default: templates)")
    template.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    template.set_defaults(handler=command_template)

    init = commands.add_parser("init", help="lay out a working folder: notebooks, parameters, reports")
    init.add_argument("folder", metavar="DIR", help="the folder to make (new, or empty)")
    init.set_defaults(handler=command_init)

    explore = commands.add_parser("explore", help="serve the explorer as a web app (Voilà), offline")
    explore.add_argument("--pack", metavar="DIR", help="data pack folder (default: data/sample)")
    explore.add_argument("--port", type=int, default=8866, metavar="N",
                         help="port on 127.0.0.1 (default 8866)")
    explore.set_defaults(handler=command_explore)
    return parser


def default_sample_out() -> str:
    """The checkout's ``data/sample`` (regenerated in place); an installed package is never written to."""
    return str(paths.SAMPLE_PACK_DIR) if paths.LAYOUT.kind == "checkout" else "sample"


def export_working_folder() -> None:
    """Name the working folder in ``$WORKBENCH_HOME``: report kernels run in a scratch directory."""
    if paths.LAYOUT.kind == "working folder":
        os.environ.setdefault(paths.HOME_ENV, str(paths.LAYOUT.root))


def raise_interrupt(signum, frame) -> None:
    """Turn SIGTERM into KeyboardInterrupt: no new report starts, running ones end, the index is written."""
    raise KeyboardInterrupt


def skip_slow_imports() -> None:
    """Keep this process from importing ``rfc3987_syntax``, which costs ~1 s of every command's start.

    jsonschema (through nbformat) imports it, when installed, to check the ``iri`` format, which no
    notebook schema uses; it builds a parser at import time (jsonschema #1392, #1521). Only the
    ``workbench`` process is affected: a library user's process imports what it imports.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules: the import raises ImportError


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``workbench``; returns the exit status."""
    skip_slow_imports()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    export_working_folder()
    previous = signal.signal(signal.SIGTERM, raise_interrupt)  # systemd stop, Airflow timeout: like Ctrl-C
    try:
        return args.handler(args)
    except LockedError as exc:
        print(f"workbench {args.command}: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except WorkbenchError as exc:
        print(f"workbench {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"workbench {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"workbench {args.command}: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
