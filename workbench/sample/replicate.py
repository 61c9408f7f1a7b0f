"""Bigger packs by replication: every resident of a generated pack copied N times.

Copy ``k`` of person ``p`` is person ``p + k × residents``: a distinct ``person_key`` with the
same sampling rows as ``p`` (same community, site and time). So that every rate of the pack stays
what it was, the population and households of every community and street and the hourly
capacity of every testing site are multiplied by N too: coverage, short communities, silent
sites, site load against capacity and capacity ratios are those of the base pack, while counts
(persons tested, samples, duplicates, samples outside the rounds) are N times theirs. Copy 0 is
the base pack's own people (same keys). The other datasets (checkpoints, inspections,
enterprises, supply, staffing, medical waste, ...) are the base pack's, unchanged.

The sampling file is written one row group at a time (``sampling_batches``), ordered by time,
so a pack of 100 M rows needs about the memory of its base pack to generate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from workbench.sample.model import SamplePack
from workbench.sample.sampling import person_keys_at

ROW_GROUP = 1 << 20  # rows per row group of the written file (writers.PARQUET_OPTIONS)


def check_copies(copies) -> int:
    """``copies`` as an int.

    Raises
    ------
    ValueError
        When ``copies`` is not a positive integer.
    """
    if isinstance(copies, bool) or not isinstance(copies, (int, np.integer)) or copies < 1:
        raise ValueError(f"copies must be a positive integer, not {copies!r}")
    return int(copies)


def replicate_pack(pack: SamplePack, copies: int) -> SamplePack:
    """``pack`` with every resident copied ``copies`` times (see the module docstring)."""
    copies = check_copies(copies)
    if copies == 1:
        return pack
    areas = dataclasses.replace(pack.areas, community_population=pack.areas.community_population * copies)
    sites = dataclasses.replace(pack.sites, capacity=pack.sites.capacity * copies)
    story = pack.records.story
    story = dataclasses.replace(story, duplicates=story.duplicates * copies,
                                outside_window=story.outside_window * copies,
                                far_away=story.far_away * copies, at_boundary=story.at_boundary * copies)
    scale = dataclasses.replace(pack.scale, pack_name=f"{pack.scale.pack_name} ×{copies}",
                                pack_name_en=f"{pack.scale.pack_name_en} ×{copies}")
    return dataclasses.replace(
        pack, scale=scale, areas=areas, sites=sites,
        tables=pack.tables | {"testing_sites": sites.table()},
        records=dataclasses.replace(pack.records, story=story),
        households=pack.households * copies, copies=copies,
    )


def sampling_batches(pack: SamplePack, rows: int = ROW_GROUP) -> Iterator[pa.Table]:
    """The sampling rows of every copy, as tables of at most ``rows`` rows, ordered by time.

    Each table holds all copies of a run of consecutive base rows, sorted by time, site and
    person number, so the concatenation is ordered by time like the base pack's file.
    """
    base, records, copies = pack.sampling_table, pack.records, pack.copies
    residents = int(pack.areas.community_population.sum()) // copies
    step = max(rows // copies, 1)
    for first in range(0, base.num_rows, step):
        part = base.slice(first, step)
        person = records.person[first:first + step].astype(np.int64)
        number = np.concatenate([person + k * residents for k in range(copies)])
        site = np.tile(records.site[first:first + step], copies)
        at = np.tile(records.sampled_at[first:first + step], copies)
        order = np.lexsort((number, site, at))
        rows_of = np.tile(np.arange(part.num_rows), copies)[order]
        table = part.take(pa.array(rows_of))
        keys = person_keys_at(number[order], pack.secret)
        yield table.set_column(table.schema.get_field_index("person_key"), "person_key", keys)
