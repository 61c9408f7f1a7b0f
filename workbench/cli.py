"""``workbench run / batch / validate / sample``: parse the arguments, call the package.

Every error the workbench raises on purpose is printed as a clean message on stderr with
exit status 2; a failed report exits 1; Ctrl-C exits 130. Nothing ever prompts.
Heavy modules (papermill, nbconvert, geopandas) are imported by the command that needs them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.errors import WorkbenchError

REPO = Path(__file__).resolve().parent.parent


def command_run(args: argparse.Namespace) -> int:
    """Run one report; exit 1 when it failed."""
    from workbench.batch import read_yaml_mapping
    from workbench.report import coerce_parameter, declared_parameters, resolve_notebook, run_report

    parameters = read_yaml_mapping(args.params, "parameters file") if args.params else {}
    if args.parameter:
        declared = declared_parameters(resolve_notebook(args.notebook))
        for name, value in args.parameter:
            default = declared.get(name, {}).get("default")
            parameters[name] = coerce_parameter(value, default, name=name) if name in declared else value
    result = run_report(args.notebook, date=args.date, pack=args.pack, scope=args.scope,
                        parameters=parameters, reports_dir=args.reports, runs_dir=args.runs)
    print(f"{result.stem} {result.status} {result.duration_s:.1f}s")
    if result.error:
        print(result.error, file=sys.stderr)
    for path in (result.html_path, result.json_path, result.notebook_path):
        if path is not None:
            print(path)
    return 0 if result.ok else 1


def command_batch(args: argparse.Namespace) -> int:
    """Run every report of a schedule; exit 1 when any failed."""
    from workbench.batch import run_batch

    if args.jobs < 1:
        raise WorkbenchError(f"--jobs must be at least 1, got {args.jobs}")
    results = run_batch(args.schedule, date=args.date, pack=args.pack, jobs=args.jobs,
                        reports_dir=args.reports, runs_dir=args.runs)
    failed = [result.stem for result in results if not result.ok]
    print(f"{len(results) - len(failed)} ok, {len(failed)} failed", *failed)
    print(Path(args.reports) / "index.html")
    return 1 if failed else 0


def command_validate(args: argparse.Namespace) -> int:
    """Print every problem of a data pack; exit 1 when any is an error."""
    from workbench.catalog import open_pack
    from workbench.loading import format_problems, validate_pack

    problems = validate_pack(open_pack(args.pack))
    print(format_problems(problems))
    return 1 if any(problem.severity == "error" for problem in problems) else 0


def command_sample(args: argparse.Namespace) -> int:
    """Regenerate the synthetic sample pack."""
    from workbench.sample import generate_pack

    options = {key: value for key, value in (("seed", args.seed), ("scale", args.scale)) if value is not None}
    print(generate_pack(args.out, **options))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``workbench`` command."""
    parser = argparse.ArgumentParser(prog="workbench", description="Situation-analysis workbench.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_pack_and_outputs(sub: argparse.ArgumentParser, outputs: bool = True) -> None:
        sub.add_argument("--pack", metavar="DIR", help="data pack folder (default: data/sample)")
        if outputs:
            sub.add_argument("--date", metavar="D", help="report date YYYY-MM-DD (default: the pack's)")
            sub.add_argument("--reports", metavar="DIR", default="reports", help="HTML/JSON/index folder")
            sub.add_argument("--runs", metavar="DIR", default="runs", help="executed notebooks folder")

    run = commands.add_parser("run", help="run one report notebook")
    run.add_argument("notebook", metavar="NOTEBOOK", help="a name under notebooks/ or a path")
    run.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="a parameter, typed like the notebook's default (repeatable)")
    run.add_argument("--params", metavar="FILE", help="YAML file of parameters (-p wins)")
    run.add_argument("--scope", metavar="S", help="scope passed to the notebook (e.g. a street id)")
    add_pack_and_outputs(run)
    run.set_defaults(handler=command_run)

    batch = commands.add_parser("batch", help="run every report of a schedule")
    batch.add_argument("schedule", metavar="SCHEDULE.yaml")
    batch.add_argument("--jobs", type=int, default=1, metavar="N", help="runs at a time (default 1)")
    add_pack_and_outputs(batch)
    batch.set_defaults(handler=command_batch)

    validate = commands.add_parser("validate", help="check a data pack against the contract")
    add_pack_and_outputs(validate, outputs=False)
    validate.set_defaults(handler=command_validate)

    sample = commands.add_parser("sample", help="regenerate the synthetic sample pack")
    sample.add_argument("--out", metavar="DIR", default=str(REPO / "data" / "sample"))
    sample.add_argument("--seed", type=int, metavar="N", help="random seed (default: the sample's)")
    sample.add_argument("--scale", choices=("district", "city"), help="size of the pack (default: district)")
    sample.set_defaults(handler=command_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``workbench``; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.handler(args)
    except WorkbenchError as exc:
        print(f"workbench {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"workbench {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"workbench {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
