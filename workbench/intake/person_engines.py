"""Where the person-level aggregates run: DuckDB on this machine, or a Dask cluster (issue 15).

A pack chooses per person-level dataset, in ``catalog.yaml``::

    sampling: {path: sampling/, engine: dask, scheduler: tcp://10.0.0.5:8786, staging: .dask}

- ``engine``: ``duckdb`` (the default) or ``dask``.
- ``scheduler`` (with ``engine: dask``): ``local`` (the default: a ``distributed.LocalCluster``
  of worker processes on this machine, started on first use), ``client`` (the Dask client this
  Python session already made, e.g. ``cluster.get_client()`` of Dask Gateway in JupyterHub), or
  a scheduler's address (``tcp://host:8786``, ``tls://…``).
- ``staging`` (optional): a folder inside the pack, on storage the workers read too, where the
  clean rows are written once as Parquet (named by the pack's fingerprint). Without it, they
  are written into the batch's cache folder, else a temporary folder: fine for ``local`` and
  for a cluster that mounts this machine's folders at the same paths.

The environment overrides the catalog for a run or a batch (the kernels inherit it):
``WORKBENCH_ENGINE`` (``duckdb`` or ``dask``) and ``WORKBENCH_DASK_SCHEDULER`` (an address,
``local`` or ``client``).

**What the workers read** are the rows loading kept, never the raw files: the odd rows parsed
by the general machinery, the rows set aside left out, samples without an area placed by their
site. When loading already wrote them as typed Parquet (a CSV, XLSX or non-native source), the
workers read that copy; otherwise (Parquet read where it is, through the view's predicates)
DuckDB writes the view once to the staging folder. When nothing was set aside or replaced and
the Parquet files hold the contract's columns as stored (strings and timestamps), the workers
read the pack's own files. The figures are then the same as DuckDB's:
``tests/test_dask_engine.py`` checks it on a ``LocalCluster`` of two worker processes.

Dask is an optional extra (``pip install 'situation-workbench[dask]'``), imported only here and
only when ``engine: dask`` is chosen; every failure to reach or use the cluster is a
:class:`~workbench.errors.WorkbenchError` naming the scheduler's address.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from workbench.errors import Problem, WorkbenchError
from workbench.intake.person_rows import PERSON_LEVEL_DATASETS, cache_folder

ENGINES = ("duckdb", "dask")
ENGINE_ENV = "WORKBENCH_ENGINE"
SCHEDULER_ENV = "WORKBENCH_DASK_SCHEDULER"
#: Seconds to wait for a scheduler to answer (``$WORKBENCH_DASK_TIMEOUT`` overrides).
CONNECT_TIMEOUT = 10
INSTALL_HINT = "pip install 'situation-workbench[dask]' (or conda install dask)"
_CATALOG = "catalog.yaml"
_CLIENTS: dict[str, object] = {}
_STAGED: dict[str, object] = {}


@dataclass(frozen=True)
class DaskEngine:
    """Aggregates on a Dask cluster (see the module docstring); picklable, holds no connection.

    Attributes
    ----------
    scheduler : str
        ``local``, ``client`` or a scheduler address.
    staging : str or None
        Absolute path of the folder the clean rows are written to for the workers.
    """

    name: ClassVar[str] = "dask"
    scheduler: str = "local"
    staging: str | None = None

    def frame(self, rows, columns: list[str], filters: list | None = None):
        """The clean rows' ``columns`` as a Dask DataFrame over Parquet files the workers read."""
        import dask.dataframe as dd

        files = self.clean_files(rows)
        return dd.read_parquet(files, columns=list(columns), filters=filters or None, split_row_groups=True)

    def compute(self, collection):
        """``collection`` computed on the cluster; a WorkbenchError when it cannot be."""
        from concurrent.futures import CancelledError

        from distributed import KilledWorker

        client = self.client()
        try:
            return client.compute(collection).result()
        except OSError as exc:  # a worker cannot read the files, or the cluster went away
            raise WorkbenchError(
                f"the Dask cluster at {self.scheduler} could not compute person-level figures "
                f"({type(exc).__name__}: {exc}); its workers must read the staged Parquet files "
                "(set staging: to a folder of the pack on storage they share)"
            ) from None
        except (KilledWorker, CancelledError, TimeoutError) as exc:
            raise WorkbenchError(f"the Dask cluster at {self.scheduler} lost the computation "
                                 f"({type(exc).__name__}: {exc})") from None  # fmt: skip

    def client(self):
        """The ``distributed.Client`` of :attr:`scheduler`, made once per process."""
        known = _CLIENTS.get(self.scheduler)
        if known is not None and known.status == "running":
            return known
        import distributed

        if self.scheduler == "client":
            try:
                made = distributed.default_client()
            except ValueError:
                raise WorkbenchError(
                    "scheduler: client needs a Dask client made in this session first "
                    "(e.g. Dask Gateway: client = cluster.get_client())"
                ) from None
        elif self.scheduler == "local":
            logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)  # "Shuffle … initialized"
            cluster = distributed.LocalCluster(processes=True, dashboard_address=None)
            made = distributed.Client(cluster, set_as_default=False)
        else:
            timeout = float(os.environ.get("WORKBENCH_DASK_TIMEOUT") or CONNECT_TIMEOUT)
            try:
                made = distributed.Client(self.scheduler, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise WorkbenchError(
                    f"the Dask scheduler at {self.scheduler} cannot be reached within {timeout:g} s "
                    f"({type(exc).__name__}: {exc}); start it, correct scheduler: in {_CATALOG} or "
                    f"${SCHEDULER_ENV}, or choose engine: duckdb"
                ) from None
        _CLIENTS[self.scheduler] = made
        return made

    def clean_files(self, rows) -> list[str]:
        """Parquet files holding exactly the clean rows of ``rows``, where the workers read them."""
        if rows.files and self.staging is None:
            return list(rows.files)
        folder = Path(self.staging) if self.staging else cache_folder()
        if folder is None:
            keep = _STAGED.setdefault("temporary", tempfile.TemporaryDirectory(prefix="workbench-dask-"))
            folder = Path(keep.name)
        target = folder / f"{rows.fingerprint or id(rows)}-{rows.name}-clean"
        if not target.is_dir():
            _stage(rows, target)
        return sorted(str(p) for p in target.glob("*.parquet"))


def _stage(rows, target: Path) -> None:
    """Write the clean view of ``rows`` into folder ``target`` (atomically: kernels run side by side)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        into = str(partial / "part-0.parquet").replace("'", "''")
        columns = ", ".join(rows.columns)
        rows.query(f'COPY (SELECT {columns} FROM "{rows.name}") TO \'{into}\' '
                   "(FORMAT parquet, ROW_GROUP_SIZE 500000)")  # fmt: skip
        with contextlib.suppress(OSError):  # another kernel staged it first
            os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def passes_through(spec, sources, id_columns) -> bool:
    """Whether Parquet ``sources`` of ``spec`` hold the clean rows as stored: contract names, types
    (``id_columns`` strings, ``sampled_at`` a timestamp).

    Then the workers read the pack's own files (when loading set nothing aside and replaced no
    row); otherwise the clean view is staged.
    """
    renamed = any(source != target for source, target in spec.columns.items())
    exact = {"TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S"}  # not _NS: the view truncates it to µs
    return not renamed and all(
        s.table is None and {s.types.get(c) for c in id_columns} == {"VARCHAR"}
        and s.types.get("sampled_at") in exact for s in sources
    )  # fmt: skip


def engine_from_catalog(root: Path, name: str, entry: dict, problems: list[Problem]) -> DaskEngine | None:
    """The engine a catalog entry declares (None: DuckDB); faults are appended to ``problems``."""
    engine = str(entry.get("engine") or "duckdb").strip().lower()
    if engine not in ENGINES:
        problems.append(
            Problem(name, _CATALOG, None, "engine", "engine duckdb or dask", str(entry["engine"]))
        )
        return None
    extra = sorted(k for k in ("scheduler", "staging") if entry.get(k) is not None)
    if engine == "duckdb":
        if extra:
            problems.append(Problem(name, _CATALOG, None, extra[0], f"{extra[0]} only with engine: dask",
                                    str(entry[extra[0]])))  # fmt: skip
        return None
    if name not in PERSON_LEVEL_DATASETS:
        listed = ", ".join(sorted(PERSON_LEVEL_DATASETS))
        problems.append(Problem(name, _CATALOG, None, "engine", f"engine: dask on a person-level dataset "
                                f"({listed})", engine))  # fmt: skip
        return None
    scheduler = str(entry.get("scheduler") or "local").strip()
    if not _scheduler_ok(scheduler):
        expected = "scheduler local, client or an address such as tcp://host:8786"
        problems.append(Problem(name, _CATALOG, None, "scheduler", expected, scheduler))
        return None
    staging = entry.get("staging")
    if staging is not None:
        folder = (root / str(staging)).resolve()
        if not folder.is_relative_to(root.resolve()):
            expected = "staging: a folder inside the pack (on storage the workers read)"
            problems.append(Problem(name, _CATALOG, None, "staging", expected, str(staging)))
            return None
        staging = str(folder)
    return DaskEngine(scheduler, staging)


def _scheduler_ok(value: str) -> bool:
    if value in ("local", "client"):
        return True
    scheme, _, rest = value.partition("://")
    return bool(scheme) and bool(rest) and scheme.isalnum() and not any(c.isspace() for c in value)


def engine_of(spec) -> DaskEngine | None:
    """The engine of dataset ``spec`` for this run: the catalog's, overridden by the environment.

    Raises WorkbenchError for an unknown ``$WORKBENCH_ENGINE`` and when Dask is chosen but not
    installed.
    """
    chosen = os.environ.get(ENGINE_ENV, "").strip().lower()
    if chosen and chosen not in ENGINES:
        raise WorkbenchError(f"${ENGINE_ENV} is {chosen!r}: expected duckdb or dask")
    engine = getattr(spec, "engine", None)
    if spec.name not in PERSON_LEVEL_DATASETS or chosen == "duckdb":
        return None
    if chosen == "dask" and engine is None:
        engine = DaskEngine()
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    if engine is not None and address:
        if not _scheduler_ok(address):
            raise WorkbenchError(
                f"${SCHEDULER_ENV} is {address!r}: expected local, client or tcp://host:port"
            )
        engine = replace(engine, scheduler=address)
    if engine is not None and not all(importlib.util.find_spec(m) for m in ("dask", "distributed")):
        raise WorkbenchError(f"{spec.name}: engine dask is chosen but Dask is not installed: {INSTALL_HINT}")
    return engine


def close_client(scheduler: str) -> None:
    """Close this process's client of ``scheduler`` (and the LocalCluster it started), if any."""
    made = _CLIENTS.pop(scheduler, None)
    if made is None:
        return
    cluster = getattr(made, "cluster", None) if scheduler == "local" else None
    with contextlib.suppress(Exception):  # a scheduler already gone has nothing to say
        made.close()
        if cluster is not None:
            cluster.close()


@atexit.register
def _close_clients() -> None:
    for scheduler in list(_CLIENTS):
        close_client(scheduler)
