"""The person-level aggregates on a Dask cluster, for rows loaded with ``engine: dask``.

The figures are defined once, in :func:`workbench.domains.coverage.count_tested` and
:func:`workbench.domains.testing_sites.site_daily_load`; this module is the same computation
over a Dask DataFrame of the clean rows (what
:meth:`~workbench.intake.person_rows.PersonRows.dask_frame` gives), for packs whose
person-level files are larger than one machine, or live on a cluster's shared storage (see
docs/scale.md). Only the person-level step runs here: the result (one row per area, or per
site and hour) is small, and the caller hands it back to the same DuckDB SQL that orders and
types the answer, so that both engines return identical frames.

- :func:`distinct_per_area`: distinct non-null ``person_key`` per ``area_id`` (a null area
  is a group of its own, as in SQL's GROUP BY) with ``start <= sampled_at <= end``.
- :func:`hourly_counts`: samples per ``site_id`` and clock hour (``sampled_at`` truncated to
  the hour), nulls kept as groups.
"""

from __future__ import annotations

import pandas as pd


def on_dask(table) -> bool:
    """Whether ``table`` is person-level rows whose aggregates run on Dask."""
    return getattr(table, "engine_name", "duckdb") == "dask"


def distinct_per_area(sampling, start, end) -> pd.DataFrame:
    """``area_id``, ``tested``: distinct persons per area in [start, end], computed on the cluster."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    window = [("sampled_at", ">=", start), ("sampled_at", "<=", end)]  # row groups outside are skipped
    rows = sampling.dask_frame(["person_key", "area_id", "sampled_at"], filters=window)
    inside = rows[(rows["sampled_at"] >= start) & (rows["sampled_at"] <= end)]
    # A tree reduction on one worker up to ~16 partitions (~8 M rows), else spread by a shuffle.
    spread = max(1, rows.npartitions // 16)
    counts = inside.groupby("area_id", dropna=False)["person_key"].nunique(split_out=spread)
    counted = sampling.compute(counts)
    return counted.rename("tested").rename_axis("area_id").reset_index()


def hourly_counts(sampling, start=None, end=None) -> pd.DataFrame:
    """``site_id``, ``hour``, ``n``: samples per site and clock hour (in [start, end] when given),
    computed on the cluster."""
    if start is None:
        rows = sampling.dask_frame(["site_id", "sampled_at"])
    else:
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        window = [("sampled_at", ">=", start), ("sampled_at", "<=", end)]
        rows = sampling.dask_frame(["site_id", "sampled_at"], filters=window)
        rows = rows[(rows["sampled_at"] >= start) & (rows["sampled_at"] <= end)]
    rows = rows.assign(hour=rows["sampled_at"].dt.floor("h"))
    counts = rows.groupby(["site_id", "hour"], dropna=False).size(split_out=1)  # sites × hours: small
    counted = sampling.compute(counts)
    return counted.rename("n").reset_index()
