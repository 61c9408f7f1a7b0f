"""The one scan of a person-level dataset's files, and the odd rows it leaves to the general parser.

Part of :mod:`workbench.intake.person_level` (see there): per file, rows grouped by area and
site (remembered by the file's content, :mod:`~workbench.intake.scan_memory`), what they say
of unknown and odd identifiers, of rows that may repeat, and of each file's span in time.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.intake.catalog import DatasetSpec
from workbench.intake.locations import TEXT_FORMATS
from workbench.intake.person_sources import COLUMNS, Source, ident, odd_key, typed_select
from workbench.intake.personal import KEY_SHAPE_COLUMNS, KEYS_LOOKED_AT, key_shapes, raw_identifier_problems
from workbench.intake.scan_memory import remembered_scan
from workbench.intake.setaside import NOTE_ROWS_LOOKED_AT, trailing_notes


def scan_counts(con, sources: list[Source], spec: DatasetSpec, tables: Mapping[str, pa.Table],
                digests: list[str | None]) -> pd.DataFrame:
    """The one scan: per file, rows (``n``), ``totals``, ``odd`` rows, ``copies`` and the reference counts.

    Each file's :func:`typed_select` is grouped by area and site, and that result remembered by
    the file's content (:func:`~workbench.intake.scan_memory.remembered_scan`; ``digests`` gives
    each one's, None for a file not to remember); the areas and sites are then judged once
    per value (:func:`odd_key`, the reference tables of :func:`reference_tables`), and the view
    ``_typed`` (over ``_typed_rows``, the union of the selects) learns which are odd. The
    reference counts (``unknown_area``, ``unknown_site``, ``unknown_either``, ``no_area``) are
    of the rows neither odd nor totals; ``first`` and ``last`` (their ``sampled_at``) bound each
    file in time. ``copies`` counts the rows of a CSV or XLSX file that seem to repeat an earlier
    row of it (:func:`_groups_and_copies`); Parquet files are not looked at for copies (0).
    """
    union = " UNION ALL ".join(typed_select(number, s, spec) for number, s in enumerate(sources))
    con.execute(f"CREATE TEMP VIEW _typed_rows AS {union}")
    pieces = []
    for number, (source, digest) in enumerate(zip(sources, digests, strict=True)):
        hashes = _HASHES if spec.format in EDITED_FORMATS else ""
        sql = _GROUPS_SQL.format(select=typed_select(0, source, spec), hashes=hashes)  # its place aside
        scan = lambda sql=sql: _groups_and_copies(con, sql)  # noqa: E731
        groups = remembered_scan(digest, sql, source.path, scan, GROUP_COLUMNS)
        pieces.append(groups.assign(_file=number))
    groups = pd.concat(pieces, ignore_index=True)
    odd_rows = odd_key(groups["area_id"], nullable=True) | odd_key(groups["site_id"], nullable=False)
    for column in ("area_id", "site_id"):
        values = groups.loc[odd_rows, column].dropna().drop_duplicates().astype(str)
        con.register(f"_odd_{column}", pa.table({"value": pa.array(values.tolist(), pa.string())}))
    odd_site = "site_id IS NULL OR site_id IN (SELECT value FROM _odd_site_id)"
    con.execute(f"""CREATE TEMP VIEW _typed AS SELECT * REPLACE (
        _odd OR area_id IN (SELECT value FROM _odd_area_id) OR {odd_site} AS _odd) FROM _typed_rows""")
    groups["odd"] = groups["odd_rows"].where(~odd_rows, groups["n"] - groups["totals"])
    groups["copies"] = groups["copies"].where(~odd_rows, 0)  # odd rows: the general parser's
    kept = groups["n"] - groups["totals"] - groups["odd"]
    area, site = groups["area_id"], groups["site_id"]
    unknown_area = _unknown(area, tables.get("_communities"), "area_id")
    unknown_site = _unknown(site, tables.get("_sites"), "site_id")
    for name, mask in (("unknown_area", unknown_area), ("unknown_site", unknown_site),
                       ("unknown_either", unknown_area | unknown_site), ("no_area", area.isna())):
        groups[name] = kept.where(mask, 0)
    columns = ["n", "totals", "odd", "copies", "unknown_area", "unknown_site", "unknown_either", "no_area"]
    by_file = groups.groupby("_file")
    counts = by_file[columns].sum().join(by_file["first"].min()).join(by_file["last"].max())
    known = pd.DataFrame({"_file": range(len(sources))})
    counts = known.merge(counts.reset_index(), on="_file", how="left")
    counts[columns] = counts[columns].fillna(0).astype("int64")
    return counts


_GROUPS_SQL = """
    SELECT area_id, site_id, count(*) AS n, count(*) FILTER (WHERE _total) AS totals,
           count(*) FILTER (WHERE _odd AND NOT _total) AS odd_rows,
           min(sampled_at) FILTER (WHERE NOT _odd AND NOT _total) AS first,
           max(sampled_at) FILTER (WHERE NOT _odd AND NOT _total) AS last{hashes}
    FROM ({select}) GROUP BY ALL
"""
#: What the scan gives per (area, site) of a file, and the scan memory keeps.
GROUP_COLUMNS = ("area_id", "site_id", "n", "totals", "odd_rows", "first", "last", "copies")
_HASHES = (", list(hash(person_key, area_id, site_id, sampled_at)) FILTER (WHERE NOT _odd AND NOT _total)"
           " AS _hashes")

#: Formats a person edits, where a line is pasted twice or a sheet appended to itself. A Parquet
#: file is a system's export; looking for copies in it would cost a pass over every person key
#: (1.5 CPU s and 0.4 GB at 10 M rows), for a fault systems do not make within one file.
EDITED_FORMATS = TEXT_FORMATS  # csv, xlsx


def odd_rows_of(con, source: Source, number: int, rows: int, text: bool) -> tuple[pd.DataFrame, list[int]]:
    """File ``number``'s odd rows as stored (for the general parser), and the notes among them.

    The notes a department writes below its table (``填表人：… 联系电话：…``) are odd rows too (no
    plain key, no time): in a CSV or XLSX file (``text``) they are looked for among its last
    rows as in any dataset (:func:`~workbench.intake.setaside.trailing_notes`), judged on the
    file's first three columns and the contract's others, and left out of the rows returned.

    Returns
    -------
    (DataFrame, list of int)
        The odd rows other than notes, indexed by row number in the file (contract columns as
        stored), and the notes' row numbers.
    """
    keys = con.execute(
        f"SELECT _row FROM _typed WHERE _file = {number} AND _odd AND NOT _total"
    ).fetchnumpy()["_row"]
    con.register("_odd_keys", pa.table({"_row": keys}))
    columns = [c for c in source.types if c in COLUMNS]
    firsts = [f"_first_{i}" for i in range(len(source.first_three))] if text else []
    last = f" OR _row >= {rows - NOTE_ROWS_LOOKED_AT}" if text else ""
    raw = con.execute(f"SELECT {', '.join(ident(c) for c in [*columns, *firsts])}, _row FROM {source.sql} "
                      f"WHERE _row IN (SELECT _row FROM _odd_keys){last} ORDER BY _row").df()  # fmt: skip
    raw.index = pd.Index(raw.pop("_row").to_numpy())
    notes: list[int] = []
    if text:  # the file's columns as far as known: its first three, then the contract's others
        judged = raw[[*firsts, *(c for c in columns if c not in source.first_three)]]
        tail = judged[judged.index >= rows - NOTE_ROWS_LOOKED_AT]
        notes = list(tail.index[len(tail) - trailing_notes(tail) :]) if len(tail) else []
    odd = raw.index.isin(keys) & ~raw.index.isin(notes)
    return raw.loc[odd, columns], notes


def _groups_and_copies(con, sql: str) -> pd.DataFrame:
    """The groups of :data:`_GROUPS_SQL`, their row hashes (if asked for) turned into ``copies``.

    The hashes ride along the one scan (the file is read once); a sort of them finds repeats
    faster than a distinct count in DuckDB (0.5 against 3.7 CPU s at 10 M rows). Rows alike hash
    alike, so no copy goes unseen; rows that only hash alike are told apart by the loader.
    """
    if "_hashes" not in sql:
        return con.execute(sql).df().assign(copies=0)
    table = con.sql(sql).to_arrow_table()
    groups = con.from_arrow(table.drop_columns(["_hashes"])).df()  # typed as DuckDB gives frames
    hashes = table.column("_hashes").combine_chunks()
    flat = pc.list_flatten(hashes).to_numpy(zero_copy_only=False)
    ordered = np.sort(flat)
    if not (ordered[1:] == ordered[:-1]).any():
        return groups.assign(copies=0)
    order = np.argsort(flat, kind="stable")
    repeat = np.zeros(len(flat), dtype=bool)
    repeat[order[1:]] = flat[order[1:]] == flat[order[:-1]]
    parents = pc.list_parent_indices(hashes).to_numpy()
    return groups.assign(copies=np.bincount(parents[repeat], minlength=len(groups)))


def spans_overlap(counts: pd.DataFrame) -> bool:
    """Whether two files' ``sampled_at`` spans meet (``first``, ``last`` of :func:`scan_counts`).

    Only then can a row be in both (rows are the same only with the same ``sampled_at``); daily
    exports rarely share a moment, and the check of repeated rows (a window over every row) is
    skipped then.
    """
    spans = counts.dropna(subset=["first", "last"]).sort_values("first")
    return bool((spans["first"].iloc[1:].to_numpy() <= spans["last"].cummax().iloc[:-1].to_numpy()).any())


def _unknown(values: pd.Series, table: pa.Table | None, column: str) -> pd.Series:
    """Values absent from a reference table (none when it was not loaded)."""
    if table is None:
        return pd.Series(False, index=values.index)
    return values.notna() & ~values.isin(table.column(column).to_pandas())


def identifier_problems(con, dataset: str, file: str, sources: list[Source], digest: str | None) -> list:
    """:func:`~workbench.intake.personal.raw_identifier_problems` of the first file's first keys, and
    of every file's other columns; the keys' shapes remembered as the scan is (``digest``: the
    first file's), for the first rows of a large Parquet file cost a page of each column (0.2 CPU s
    at 10 M rows)."""
    sql = f"SELECT CAST(person_key AS VARCHAR) AS k FROM {sources[0].sql} LIMIT {KEYS_LOOKED_AT}"
    keys = lambda: key_shapes(list(con.execute(sql).fetchnumpy()["k"]))  # noqa: E731
    shapes = remembered_scan(digest, sql, sources[0].path, keys, KEY_SHAPE_COLUMNS)
    others = dict.fromkeys(c for s in sources for c in s.part.columns if c not in COLUMNS)
    return raw_identifier_problems(dataset, file, shapes, list(others))
