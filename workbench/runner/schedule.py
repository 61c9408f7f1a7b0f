"""Schedules: which reports a batch runs, over which scopes, with which limits.

A schedule is a YAML file::

    name: daily
    lang: zh                                # optional; the index's language (zh or en, default zh)
    reports:
      - notebook: testing_coverage          # a bare name under notebooks/, or a path
        parameters: {coverage_target: 0.95}
        scopes: [district, streets]         # optional; 'streets' = every street of the pack
        languages: [zh, en]                 # optional; one run per language (else lang: of parameters)
        timeout: 600                        # optional; seconds each of its runs may take
      - notebook: daily_brief
        name: brief                         # optional; the report's name (default: the notebook's)
        stage: 2                            # optional; starts once every earlier stage has finished

Each (notebook, scope, language) is one ``Job``; its files are named ``NAME__SCOPE``, except for
the ``district`` scope (and no scope), named ``NAME``. A run in another language than zh is named
``NAME_<lang>`` (``daily_brief_en``, ``inspections_en__S01``): the brief links the en reports to
each other by that name (:func:`workbench.brief.history.report_links`). A schedule is checked whole
before any run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workbench.errors import ReportError
from workbench.runner.parameters import RUNNER_PARAMETERS
from workbench.runner.report import in_language, report_stem, resolve_notebook

STREETS = "streets"
ENTRY_KEYS = ("notebook", "name", "parameters", "scopes", "timeout", "stage", "languages")
#: Languages a report (and the index) can be written in.
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Job:
    """One run of a schedule: a notebook, its parameters, a scope (None: not passed), a time limit."""

    notebook: Path
    parameters: dict = field(default_factory=dict)
    scope: str | None = None
    timeout: float | None = None
    name: str | None = None
    stage: int = 1

    @property
    def report(self) -> str:
        """The report's name: the entry's ``name``, else the notebook's."""
        return self.name or self.notebook.stem

    @property
    def stem(self) -> str:
        """The file name of the run's outputs."""
        return report_stem(self.report, self.scope)


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
    """Return the checked report entries of a schedule: notebook (Path), parameters, scopes, timeout."""
    entries = read_yaml_mapping(path, "schedule").get("reports")
    if not isinstance(entries, list) or not entries:
        raise ReportError(f"schedule {path}: 'reports' must be a non-empty list")
    checked = []
    for number, entry in enumerate(entries, start=1):
        where = f"schedule {path}, report {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str):
            raise ReportError(f"{where}: expected a mapping with a 'notebook' name")
        parameters, scopes = entry.get("parameters") or {}, entry.get("scopes") or [None]
        if set(entry) - set(ENTRY_KEYS) or not isinstance(parameters, dict) or not isinstance(scopes, list):
            raise ReportError(f"{where}: keys are notebook, name, parameters (a mapping), scopes (a list), "
                              "timeout (seconds) and stage (a whole number)")
        if reserved := sorted(set(parameters) & set(RUNNER_PARAMETERS)):
            raise ReportError(f"{where}: {', '.join(reserved)} are set by the runner, not the schedule")
        timeout = entry.get("timeout")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                    or timeout <= 0):
            raise ReportError(f"{where}: timeout must be a positive number of seconds, got {timeout!r}")
        stage, name = entry.get("stage", 1), entry.get("name")
        if isinstance(stage, bool) or not isinstance(stage, int) or stage < 1:
            raise ReportError(f"{where}: stage must be a whole number from 1, got {stage!r}")
        if name is not None and not isinstance(name, str):
            raise ReportError(f"{where}: name must be text, got {name!r}")
        checked.append({"notebook": resolve_notebook(entry["notebook"]), "parameters": parameters,
                        "scopes": [None if s is None else str(s) for s in scopes], "timeout": timeout,
                        "name": name, "stage": stage, "languages": check_languages(entry, where)})
    return checked


def check_languages(entry: dict, where: str) -> list[str | None]:
    """An entry's ``languages`` (each of :data:`LANGUAGES`, once); ``[None]`` without the key."""
    languages = entry.get("languages")
    if languages is None:
        return [None]
    if (not isinstance(languages, list) or not languages or len(set(map(str, languages))) < len(languages)
            or not set(languages) <= set(LANGUAGES)):
        raise ReportError(f"{where}: languages must be a list of {', '.join(LANGUAGES)}, each once; "
                          f"got {languages!r}")
    if "lang" in (entry.get("parameters") or {}):
        raise ReportError(f"{where}: give the language by languages or by parameters' lang, not both")
    return list(languages)


def schedule_language(path: str | os.PathLike) -> str | None:
    """The schedule's top-level ``lang`` (the index's language), None when it has none."""
    lang = read_yaml_mapping(path, "schedule").get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise ReportError(f"schedule {path}: lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def list_streets(pack) -> list[str]:
    """Return the street ids of a pack's ``areas`` dataset, sorted.

    None when the catalog lists no ``areas`` (a pack for the reports that need none), or when
    they cannot be read: then the district reports that need them fail, naming the problem,
    and the others still run.
    """
    from workbench.errors import DataError
    from workbench.intake.loading import load_datasets

    if not pack.has("areas"):
        return []
    try:
        areas = load_datasets(pack, ["areas"])["areas"]
    except DataError:
        return []
    return sorted(areas.loc[areas["level"] == "street", "area_id"].astype(str).unique())


def served_jobs(jobs: Sequence[Job], pack) -> tuple[list[Job], dict[str, tuple[str, ...]]]:
    """The jobs whose report's datasets the pack's catalog lists (for a report of sections: those
    of one section at least), and the others.

    A pack that lists no dataset of a report (a department sending only its own data) does
    not serve it: that report is not run, rather than failing every morning. A dataset that
    is listed but missing or broken still fails its reports, naming the problem.

    Returns
    -------
    (list of Job, dict)
        The jobs to run; run name → the datasets the catalog does not list
        (:meth:`~workbench.intake.needs.Needs.unlisted`).
    """
    from workbench.intake.needs import REPORT_NEEDS

    runnable, unserved = [], {}
    for job in jobs:
        needs = REPORT_NEEDS.get(job.notebook.stem)
        missing = needs.unlisted(pack) if needs else ()
        if missing:
            unserved[job.stem] = missing
        else:
            runnable.append(job)
    return runnable, unserved


def expand_jobs(entries: list[dict], pack, only: Sequence[str] = ()) -> list[Job]:
    """Return one job per (report entry, scope, language), expanding ``streets`` over the pack's streets.

    ``only``: report names; when given, only the entries of those names (the entry's name or
    notebook, or one of its runs' names such as ``daily_brief_en``) are expanded.
    """
    if only:
        entries = [e for e in entries if selected(e, only)]
        if not entries:
            raise ReportError(f"no report of the schedule is named {', '.join(only)}")
    streets = list_streets(pack) if any(STREETS in e["scopes"] for e in entries) else []
    jobs = []
    for entry in entries:
        base = entry.get("name") or entry["notebook"].stem
        for lang in entry.get("languages") or [None]:
            parameters = dict(entry["parameters"]) if lang is None else {**entry["parameters"], "lang": lang}
            name = entry.get("name") if lang in (None, "zh") else in_language(base, lang)
            for scope in entry["scopes"]:
                for value in streets if scope == STREETS else [scope]:
                    jobs.append(Job(entry["notebook"], dict(parameters), value, entry.get("timeout"),
                                    name, entry.get("stage", 1)))
    stems = [job.stem for job in jobs]
    if twice := sorted({stem for stem in stems if stems.count(stem) > 1}):
        raise ReportError(f"the schedule runs {', '.join(twice)} more than once (same name and scope): "
                          "give one entry its own 'name'")
    return jobs


def selected(entry: dict, only: Sequence[str]) -> bool:
    """Whether a schedule entry is one of the reports named in ``only`` (by any of its runs' names)."""
    base = entry.get("name") or entry["notebook"].stem
    return any(name in only for name in [base] + [in_language(base, lang) for lang in LANGUAGES])
