"""The synthetic sample data pack: a district (or a whole city) during the October 2022 outbreak.

``generate_pack`` writes a complete, documented pack whose figures reproduce the news
report on the Baotou Rare Earth High-tech Zone (see ``data/sample/README.md``). The same
seed always gives byte-identical files.

Modules, in the order the pack is built: ``geography`` (streets and communities),
``outbreak`` (sealed and controlled zones), ``mass_testing`` (sites, rounds),
``sampling`` (one row per person sampled), ``operations`` (checkpoints, places,
inspections), ``enterprises`` (targets, production, checks), then ``pack`` assembles and
``writers`` / ``readme`` / ``layout`` write the files; ``replicate`` makes bigger packs of copies
of every resident.
"""

from __future__ import annotations

from pathlib import Path

from workbench.sample.pack import build_pack, write_pack
from workbench.sample.settings import DEFAULT_SEED, SCALES, get_scale

__all__ = ["DEFAULT_SEED", "SCALES", "generate_pack"]


def generate_pack(out_dir: str | Path, seed: int = DEFAULT_SEED, scale: str = "district",
                  replicate: int = 1) -> Path:
    """Generate the synthetic data pack into ``out_dir`` and return its catalog path.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into; created when missing. Each file is written under a
        temporary name and renamed into place; ``catalog.yaml`` comes last.
    seed : int
        Seed of every random draw. The same seed gives byte-identical files.
    scale : {"district", "city"}
        ``district``: about 250,000 residents and 700,000 sampling rows (the embedded
        ``data/sample``). ``city``: about 2.7 million residents and 9.9 million rows.
    replicate : int
        Copies of every resident (each a distinct person with the original's sampling rows;
        population and site capacity multiplied alike, so every rate stays the same):
        ``--scale city --replicate 3`` has 30 million rows, ``--replicate 10`` 99 million.
        The sampling file is written a row group at a time (:mod:`workbench.sample.replicate`).

    Returns
    -------
    Path
        The ``catalog.yaml`` of the written pack.

    Raises
    ------
    ValueError
        When ``scale`` is unknown or ``replicate`` is not a positive integer.
    """
    pack = build_pack(get_scale(scale), int(seed), replicate)
    return write_pack(pack, Path(out_dir))
