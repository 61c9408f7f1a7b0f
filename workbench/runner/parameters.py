"""The parameters of a report notebook: those it declares, typed values, and the runner's own.

papermill injects parameters after the cell tagged ``parameters``; a parameter the notebook
does not declare would only be warned about by papermill, so it is left out here (with a
warning in the run's record). On a command line an undeclared ``-p NAME`` is an error instead
(``check_declared``: a misspelt name must not pass unnoticed). Values typed on a command line
(``-p NAME VALUE``) are typed like the notebook's declared default, never guessed: ``007``
stays the text ``"007"``.
"""

from __future__ import annotations

import ast
import copy
import difflib
import os
from functools import lru_cache
from pathlib import Path

import papermill

from workbench.errors import ReportError

#: Parameters set by the runner (``--date``, ``--pack``, ``--scope``), never by a schedule or ``-p``.
RUNNER_PARAMETERS = ("report_date", "pack", "scope", "reports_dir")
_TRUE, _FALSE = {"true", "1", "yes", "y", "是"}, {"false", "0", "no", "n", "否"}


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


def check_declared(names: list[str], declared: dict, notebook: str) -> None:
    """Raise when a name of ``names`` (``-p NAME`` values) is not a parameter the notebook declares.

    Parameters
    ----------
    names : list of str
        The parameter names given.
    declared : dict
        The notebook's parameters, as returned by :func:`declared_parameters`.
    notebook : str
        The notebook's name, for the message.

    Raises
    ------
    ReportError
        Naming the unknown parameters (with the closest declared name, when one is close) and
        listing those ``-p`` can set, with their defaults.
    """
    settable = [name for name in declared if name not in RUNNER_PARAMETERS]
    unknown = [name for name in dict.fromkeys(names) if name not in declared]
    if not unknown:
        return
    guesses = [f"{name!r} (did you mean {close[0]!r}?)" if (close := closest(name, settable)) else repr(name)
               for name in unknown]
    listed = ", ".join(f"{name} (default {declared[name].get('default')})" for name in settable) or "none"
    raise ReportError(f"{notebook} declares no parameter {', '.join(guesses)}; -p can set: {listed}")


def closest(name: str, names: list[str]) -> list[str]:
    """The one name of ``names`` closest to a misspelt ``name``, if any is close (a list of 0 or 1)."""
    return difflib.get_close_matches(name, names, n=1)


def pick_parameters(declared: dict, given: dict) -> tuple[dict, list[str]]:
    """Keep the given parameters the notebook declares; warn about the others."""
    accepted = {name: value for name, value in given.items() if name in declared}
    warnings = [f"parameter {name!r} is not declared by the notebook and was not passed"
                for name in given if name not in declared]
    return accepted, warnings


def runner_parameters(declared: dict, given: dict, *, day: str, pack_root: str, scope: str | None,
                      reports_root: str | None = None):
    """Return the parameters to pass and the warnings: ``given`` picked, plus the runner's own.

    ``report_date``, ``pack`` and ``reports_dir`` (the absolute reports folder, for a notebook
    that links to or compares with other runs, like the daily brief) are passed when declared;
    ``scope``, when given, is picked like any parameter (a notebook that ignores it gets a warning).

    Raises
    ------
    ReportError
        When ``given`` sets a parameter the runner owns.
    """
    if reserved := sorted(set(given) & set(RUNNER_PARAMETERS)):
        raise ReportError(f"{', '.join(reserved)}: set by the runner (--date, --pack, --scope, --reports)")
    passed, warnings = pick_parameters(declared, given | ({} if scope is None else {"scope": scope}))
    runner = {"report_date": day, "pack": pack_root, "reports_dir": reports_root}
    passed.update({name: value for name, value in runner.items() if name in declared})
    return passed, warnings
