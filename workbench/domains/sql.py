"""One DuckDB query over the rows a domain step needs, for the person-level steps of the domains.

A table may be a pandas frame (small fixtures, the other datasets), an Arrow table, or the
person-level rows intake loads (:class:`~workbench.intake.person_rows.PersonRows`): a view
over the files, which the query reads column by column and row group by row group, so that no
frame of every sample is built. A distinct count over ten million rows is several times
faster and lighter in DuckDB than a pandas groupby (see ``bench/coverage.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd
import pyarrow as pa


def query(sql: str, params: list | None = None, **tables) -> pd.DataFrame:
    """Run ``sql`` in a private DuckDB connection where each keyword table is a table.

    Frames are handed over as Arrow tables: pandas' Arrow-backed strings pass without a
    copy, where registering the pandas frame itself makes DuckDB copy every string. An object
    with an ``attach(connection, name)`` method (person-level rows) creates its own view.
    """
    with duckdb.connect() as con:
        for name, table in tables.items():
            if hasattr(table, "attach"):
                table.attach(con, name)
            elif isinstance(table, pd.DataFrame):
                con.register(name, pa.Table.from_pandas(table, preserve_index=False))
            else:
                con.register(name, table)
        return con.execute(sql, params or []).df()


def remembered(table, key: tuple, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()``, remembered by ``key`` when ``table`` can remember answers (person-level rows).

    The person-level rows of a batch share their answers between the batch's reports
    (:meth:`~workbench.intake.person_rows.PersonRows.memo`); a frame computes every time.
    """
    memo = getattr(table, "memo", None)
    return memo(key, compute) if memo is not None else compute()


def columns_of(table, names: list[str]):
    """``table`` reduced to ``names`` when it is a frame (person-level rows are left whole)."""
    return table[names] if isinstance(table, pd.DataFrame) else table
