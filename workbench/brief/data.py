"""Load the datasets of the daily brief so that one broken feed leaves the rest of the brief standing.

Every dataset the brief's domains need is loaded at once; when the pack has a fatal problem,
the datasets are loaded again domain by domain, and a domain whose datasets fail is left out
of the brief with a note (its full report shows the problem; ``workbench validate`` lists it).
Each domain has a dataset of its own, so a domain whose datasets failed is never computed from
the frames another domain loaded.
"""

from __future__ import annotations

import pandas as pd

from workbench.brief.figures import DOMAINS, datasets_wanted
from workbench.errors import DataError
from workbench.intake.catalog import Pack
from workbench.intake.loading import load_datasets

#: Problems quoted in the note of a domain left out.
QUOTED_PROBLEMS = 3


def load_brief_data(pack: Pack) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The brief's datasets found in ``pack``, and the loading notes.

    Returns
    -------
    (dict, list of str)
        Dataset name → frame; the notes are the loader's warnings, and for each domain left
        out, its first problems.
    """
    wanted = datasets_wanted(pack.datasets)
    try:
        data = load_datasets(pack, wanted)
    except DataError:
        return _load_by_domain(pack)
    return dict(data), [str(problem) for problem in data.warnings]


def _load_by_domain(pack: Pack) -> tuple[dict[str, pd.DataFrame], list[str]]:
    frames: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    for domain in DOMAINS:
        if domain.missing(pack.listed):
            continue  # compute_figures says which datasets the pack lacks
        for names in domain.loads(pack.listed):  # a domain of sections: each on its own
            try:
                data = load_datasets(pack, names)
            except DataError as exc:
                errors = [p for p in exc.problems if p.severity == "error"]
                quoted = "; ".join(str(p) for p in errors[:QUOTED_PROBLEMS])
                notes.append(f"{domain.name}: left out of the brief, {len(errors)} data problem(s): {quoted}")
                continue
            notes += [str(p) for p in data.warnings if str(p) not in notes]
            for name, frame in data.items():
                frames.setdefault(name, frame)
    return frames, notes
