"""Person-level rows kept on disk: what ``data.sampling`` is once loaded.

A :class:`PersonRows` is not a frame: it is the SQL of a DuckDB view over the dataset's files
(Parquet as stored, or the typed copy that loading wrote for CSV and XLSX), with the few rows
loading corrected or set aside held beside it as small Arrow tables. A domain function hands
it to :func:`workbench.domains.sql.query`, which attaches the view to its own connection and
runs one aggregate: DuckDB then reads only the columns and row groups that aggregate needs,
and no pandas frame of every sample is ever built.

**One computation per batch.** :meth:`PersonRows.memo` keeps an aggregate's answer by a key
(the query and its parameters): in memory for the life of the object, and, when a batch gives
its kernels a cache folder (``$WORKBENCH_CACHE``), as a Parquet file named by the pack's
fingerprint and the key, so that the district report and every street report of one batch
read one round's counts once. Kernels running side by side (``--jobs 2``) take turns on a key:
while one computes it, the others wait for its file (a POSIX ``flock``; where there is none,
Windows, they may compute it twice).

**Another engine.** ``engine`` is None for DuckDB on this machine, or a
:class:`~workbench.intake.person_engines.DaskEngine` (``engine: dask`` in the catalog): then
:meth:`PersonRows.dask_frame` gives the same clean rows as a Dask DataFrame over Parquet files
the cluster's workers read, and :meth:`PersonRows.compute` runs a Dask collection on that
cluster; the domains' aggregates (:mod:`workbench.domains.distributed`) take that path.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no turns, an answer may be computed twice
    fcntl = None

#: Datasets the contract marks person-level: loaded as a :class:`PersonRows`, never as a frame.
PERSON_LEVEL_DATASETS = frozenset({"sampling"})
#: Environment variable naming the folder a batch shares between its report kernels.
CACHE_ENV = "WORKBENCH_CACHE"


@contextmanager
def batch_cache(parent: str | os.PathLike):
    """A cache folder for one batch under ``parent``, named to its kernels by ``$WORKBENCH_CACHE``.

    Report kernels inherit the environment of the process that starts them; the folder (typed
    copies of person-level files, shared aggregates) is deleted when the batch ends.
    """
    Path(parent).mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="cache-", dir=parent)
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = folder
    try:
        yield Path(folder)
    finally:
        if previous is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)


def cache_folder() -> Path | None:
    """The batch's cache folder (``$WORKBENCH_CACHE``), or None outside a batch."""
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


@dataclass(eq=False)
class PersonRows:
    """A person-level dataset as a DuckDB view; see the module docstring.

    Attributes
    ----------
    name : str
        The dataset (``sampling``).
    view_sql : str
        A SELECT over the files and the ``tables`` giving the clean, typed rows: the
        contract's columns plus ``_label`` (the 0-based data row over the dataset's files,
        as problems name it).
    tables : dict of str to pyarrow.Table
        Small tables the view refers to (rows corrected, rows set aside, sites' areas).
    columns : tuple of str
        The contract columns the view gives.
    rows_read : int
        Rows read from the files (``len()`` gives the rows kept, counted on first use).
    fingerprint : str
        What the rows are a function of (the pack's fingerprint and the dataset): the key of
        the shared cache.
    engine : DaskEngine or None
        Where the aggregates run: None for DuckDB here, else a Dask cluster (module docstring).
    files : tuple of str
        Parquet files holding exactly the clean rows (the typed copy loading wrote), if any.
    """

    name: str
    view_sql: str
    tables: Mapping[str, pa.Table]
    columns: tuple[str, ...]
    rows_read: int
    fingerprint: str = ""
    keep_alive: object = None
    engine: object = None
    files: tuple[str, ...] = ()
    _answers: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return int(self.summary()["rows"].iloc[0])

    @property
    def empty(self) -> bool:
        return len(self) == 0

    @property
    def span(self) -> tuple:
        """The first and last ``sampled_at`` kept (None, None without rows)."""
        first, last = self.summary()[["first", "last"]].iloc[0]
        return (
            None if pd.isna(first) else pd.Timestamp(first),
            None if pd.isna(last) else pd.Timestamp(last),
        )

    def summary(self) -> pd.DataFrame:
        """One row: ``rows`` kept, ``first`` and ``last`` sampled_at (one scan, remembered)."""
        sql = f'SELECT count(*) AS rows, min(sampled_at) AS first, max(sampled_at) AS last FROM "{self.name}"'
        return self.memo(("summary",), lambda: self.query(sql))

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run ``sql`` (which names the rows by the dataset's name) on a new connection."""
        import duckdb

        with duckdb.connect() as con:
            self.attach(con)
            return con.execute(sql, params or []).df()

    def __getitem__(self, key):
        raise TypeError(
            f"{self.name} is person-level: a view over its files, not a frame. Aggregate it with "
            "workbench.domains.sql.query, or look at a few rows with .preview()"
        )

    def preview(self, limit: int = 1000) -> pd.DataFrame:
        """The first ``limit`` rows kept, in file order, as a frame (to look at, never to compute on)."""
        return self.query(f'SELECT * EXCLUDE (_label) FROM "{self.name}" ORDER BY _label LIMIT {int(limit)}')

    def attach(self, con, as_name: str | None = None) -> None:
        """Create the view (named ``as_name``, default the dataset's) on DuckDB connection ``con``."""
        for table_name, table in self.tables.items():
            con.register(table_name, table)
        con.execute(f'CREATE OR REPLACE TEMP VIEW "{as_name or self.name}" AS {self.view_sql}')

    def relation(self, con=None):
        """The rows as a DuckDB relation (on ``con``, else on a new in-memory connection)."""
        import duckdb

        con = con or duckdb.connect()
        self.attach(con)
        return con.table(self.name)

    @property
    def engine_name(self) -> str:
        """``duckdb`` or the name of :attr:`engine` (``dask``)."""
        return getattr(self.engine, "name", "duckdb")

    def with_engine(self, engine) -> PersonRows:
        """The same rows, aggregated by ``engine`` (None: DuckDB), with no answer remembered yet."""
        return replace(self, engine=engine, _answers={})

    def dask_frame(self, columns: list[str], filters: list | None = None):
        """The clean rows' ``columns`` as a Dask DataFrame (``filters``: Parquet row-group filters)."""
        return self.engine.frame(self, columns, filters)

    def compute(self, collection):
        """A Dask ``collection`` computed on the engine's cluster, as pandas."""
        return self.engine.compute(collection)

    def memo(self, key: tuple, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The answer of ``compute`` for ``key``: remembered, and shared through the batch's cache.

        ``key`` must name everything the answer depends on besides the rows (the query and its
        parameters); the rows themselves are named by :attr:`fingerprint`.
        """
        token = hashlib.sha256(repr((self.fingerprint, self.name, key)).encode()).hexdigest()[:20]
        if token in self._answers:
            return self._answers[token].copy()
        folder = cache_folder() if self.fingerprint else None
        stored = folder / f"{self.name}-{token}.parquet" if folder else None
        with one_at_a_time(stored) if stored is not None else nullcontext():
            if stored is not None and stored.exists():
                answer = pd.read_parquet(stored)
            else:
                answer = compute()
                if stored is not None:
                    write_atomically(answer, stored)
        self._answers[token] = answer
        return answer.copy()


def shared(key: str, load: Callable[[], object]):
    """``load()``, shared through the batch's cache folder as a pickle named ``key`` (else just loaded).

    The first report kernel of a batch to need it loads it; the others read it.
    """
    folder = cache_folder()
    if folder is None:
        return load()
    stored = folder / f"{key}.pickle"
    with one_at_a_time(stored):
        if stored.exists():
            with open(stored, "rb") as f:
                return pickle.load(f)
        value = load()
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as f:
            pickle.dump(value, f)
        os.replace(temporary, stored)
    return value


@contextmanager
def one_at_a_time(stored: Path):
    """Hold the turn to compute what ``stored`` will hold: another kernel of the batch waits for it.

    The turn is a ``flock`` on ``stored`` + ``.lock``, released when the block ends or the process
    does, however it ends (a killed kernel blocks nobody). Without ``fcntl`` there is no turn.
    """
    if fcntl is None:
        yield
        return
    stored.parent.mkdir(parents=True, exist_ok=True)
    with open(stored.with_name(stored.name + ".lock"), "a") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(turn, fcntl.LOCK_UN)


def write_atomically(frame: pd.DataFrame, target: Path) -> None:
    """Write ``frame`` as Parquet to ``target`` through a temporary file (kernels run side by side)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    try:
        frame.to_parquet(temporary, index=False)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
