"""``workbench run / batch / prune / validate / sample``: parse the arguments, call the package.

Exit status: 0 all went well; 1 a report failed (or a pack has fatal problems); 2 a usage or
data error, printed as one clean message on stderr; 3 another batch for the same date and
reports folder is running; 130 Ctrl-C or SIGTERM. Nothing ever prompts.
Heavy modules (papermill, nbconvert, geopandas) are imported by the command that needs them.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from workbench.errors import LockedError, WorkbenchError
from workbench.paths import PROJECT_ROOT

REPO = PROJECT_ROOT
EXIT_LOCKED = 3


def command_run(args: argparse.Namespace) -> int:
    """Run one report; exit 1 when it failed."""
    from workbench.runner.parameters import coerce_parameter, declared_parameters
    from workbench.runner.report import resolve_notebook, run_report
    from workbench.runner.schedule import read_yaml_mapping

    parameters = read_yaml_mapping(args.params, "parameters file") if args.params else {}
    if args.parameter:
        declared = declared_parameters(resolve_notebook(args.notebook))
        for name, value in args.parameter:
            default = declared.get(name, {}).get("default")
            parameters[name] = coerce_parameter(value, default, name=name) if name in declared else value
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


def command_batch(args: argparse.Namespace) -> int:
    """Run every report of a schedule; exit 1 when any failed, 3 when another batch holds the date."""
    from workbench.runner.batch import run_batch

    results = run_batch(args.schedule, date=args.date, pack=args.pack, jobs=args.jobs,
                        keep_days=args.keep_days, reports_dir=args.reports, runs_dir=args.runs,
                        **timeout_option(args))
    failed = [result.stem for result in results if not result.ok]
    print(f"{len(results) - len(failed)} ok, {len(failed)} failed", *failed)
    print(Path(args.reports) / "index.html")
    return 1 if failed else 0


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
    """Print every problem of a data pack; exit 1 when any is an error."""
    from workbench.intake.loading import format_problems, validate_pack

    problems = validate_pack(args.pack)  # a catalog that cannot be opened gives its problems too
    print(format_problems(problems))
    return 1 if any(problem.severity == "error" for problem in problems) else 0


def command_sample(args: argparse.Namespace) -> int:
    """Regenerate the synthetic sample pack."""
    from workbench.sample import generate_pack

    options = {key: value for key, value in (("seed", args.seed), ("scale", args.scale)) if value is not None}
    print(generate_pack(args.out, **options))
    return 0


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
    batch.set_defaults(handler=command_batch)

    prune = commands.add_parser("prune", help="delete the report and run folders of old dates")
    add_run_options(prune, pack=False, keep_days="required")
    prune.set_defaults(handler=command_prune)

    validate = commands.add_parser("validate", help="check a data pack against the contract")
    add_run_options(validate, outputs=False)
    validate.set_defaults(handler=command_validate)

    sample = commands.add_parser("sample", help="regenerate the synthetic sample pack")
    sample.add_argument("--out", metavar="DIR", default=str(REPO / "data" / "sample"))
    sample.add_argument("--seed", type=int, metavar="N", help="random seed (default: the sample's)")
    sample.add_argument("--scale", choices=("district", "city"), help="size of the pack (default: district)")
    sample.set_defaults(handler=command_sample)
    return parser


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
