"""The person-level aggregates on Dask (issue 15 point 4): the same frames as DuckDB's.

The cluster tests run a ``distributed.LocalCluster`` of two worker processes (slow: starting
it and the workers' imports take seconds). The packs are made here, a few thousand seeded rows
with odd rows, rows set aside and samples placed by their site, in the three ways the workers
can get them: the pack's own Parquet file (nothing to set aside), the typed copy loading wrote
for a CSV, and the clean view staged for a Parquet file whose rows were partly set aside.
Expected counts are recomputed from the rows with plain pandas (an independent oracle).
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures.packs import areas_frame, sites_frame, write_pack
from pandas.testing import assert_frame_equal

from workbench.domains import coverage
from workbench.errors import DataError, WorkbenchError
from workbench.intake import person_engines
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.person_engines import DaskEngine, engine_of
from workbench.paths import SAMPLE_PACK_DIR

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["person_key", "area_id", "site_id", "sampled_at"]
ROUND = (pd.Timestamp("2022-10-05 07:00"), pd.Timestamp("2022-10-06 18:00"))
#: Rows loading changes, and what the clean rows hold instead (None: set aside).
ODD = [
    (("q００1", "007", "T1", "2022-10-05 09:00:00"), ("q001", "007", "T1", "2022-10-05 09:00:00")),
    (("q002", "999", "T1", "2022-10-05 10:00:00"), None),  # no such community
    (("q003", None, "T2", "2022-10-05 11:00:00"), ("q003", "008", "T2", "2022-10-05 11:00:00")),  # placed
    (("q004", "007", "T9", "2022-10-05 12:00:00"), None),  # no such site
    (("q005", "007", "T1", "2022-10-05 07:00:00"), ("q005", "007", "T1", "2022-10-05 07:00:00")),  # = start
    (("q006", "008", "T2", "2022-10-06 18:00:00"), ("q006", "008", "T2", "2022-10-06 18:00:00")),  # = end
    (("q007", "008", "T2", "2022-10-06 18:00:01"), ("q007", "008", "T2", "2022-10-06 18:00:01")),  # after
]


def regular_rows(n: int = 3000, seed: int = 15) -> pd.DataFrame:
    """``n`` seeded samples of 900 persons over five days, each site in its own community."""
    rng = np.random.default_rng(seed)
    areas = rng.choice(["007", "008"], n)
    stamps = pd.Timestamp("2022-10-04") + pd.to_timedelta(rng.integers(0, 5 * 24 * 3600, n), unit="s")
    return pd.DataFrame({"person_key": [f"p{i:03d}" for i in rng.integers(0, 900, n)], "area_id": areas,
                         "site_id": np.where(areas == "007", "T1", "T2"),
                         "sampled_at": stamps.strftime("%Y-%m-%d %H:%M:%S")})  # fmt: skip


def as_written(rows: pd.DataFrame, typed: bool) -> pd.DataFrame:
    return rows.astype({"sampled_at": "datetime64[us]"}) if typed else rows


def clean_rows() -> pd.DataFrame:
    """What loading keeps of ``regular_rows() + ODD``, as typed rows."""
    kept = pd.DataFrame([clean for _, clean in ODD if clean is not None], columns=COLUMNS)
    return as_written(pd.concat([regular_rows(), kept], ignore_index=True), typed=True)


def oracle_tested(rows: pd.DataFrame, start, end) -> dict:
    inside = rows[(rows["sampled_at"] >= start) & (rows["sampled_at"] <= end)]
    return inside.groupby("area_id")["person_key"].nunique().to_dict()


def make_pack(root: Path, kind: str, **entry) -> Path:
    """A pack whose sampling is ``kind``: ``clean.parquet``, ``odd.parquet`` or ``odd.csv``."""
    odd = pd.DataFrame([raw for raw, _ in ODD], columns=COLUMNS)
    if kind == "clean.parquet":
        rows = clean_rows()
    else:
        rows = pd.concat([regular_rows(), odd], ignore_index=True)
        rows = as_written(rows, typed=kind.endswith("parquet"))
    if kind == "odd.csv":  # two spellings only the general parser reads, and a total row
        rows.loc[len(rows)] = ("r001", "007", "T1", "2022年10月5日 8时0分")
        rows.loc[len(rows)] = ("合计", "", "", "")
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(), f"sampling.{kind}": rows}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv",
                "sampling": {"path": f"sampling.{kind}", **entry}}  # fmt: skip
    return write_pack(root, files, datasets, report_date="2022-10-09")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- choosing the engine (no cluster) ------------------------------------------------------------


def test_the_catalog_chooses_dask_with_its_scheduler_and_staging(tmp_path):
    root = make_pack(tmp_path, "clean.parquet", engine="dask", scheduler="tcp://10.0.0.5:8786",
                     staging="shared/dask")  # fmt: skip
    spec = open_pack(root).spec("sampling")
    assert spec.engine == DaskEngine("tcp://10.0.0.5:8786", str((root / "shared/dask").resolve()))
    assert open_pack(make_pack(tmp_path / "b", "clean.parquet", engine="dask")).spec("sampling").engine == \
        DaskEngine("local")  # fmt: skip
    assert open_pack(make_pack(tmp_path / "c", "clean.parquet")).spec("sampling").engine is None


@pytest.mark.parametrize(("entry", "column", "found"), [
    ({"engine": "spark"}, "engine", "spark"),
    ({"scheduler": "tcp://h:8786"}, "scheduler", "tcp://h:8786"),  # without engine: dask
    ({"engine": "dask", "scheduler": "h:8786"}, "scheduler", "h:8786"),
    ({"engine": "dask", "staging": "../elsewhere"}, "staging", "../elsewhere"),
])  # fmt: skip
def test_a_wrong_engine_key_is_a_problem_of_the_catalog(tmp_path, entry, column, found):
    pack = open_pack(make_pack(tmp_path, "clean.parquet", **entry))  # the dataset's fault, not the pack's
    with pytest.raises(DataError) as caught:
        load_datasets(pack, ["sampling"])
    [problem] = caught.value.problems
    assert (problem.dataset, problem.file, problem.column, problem.found) == \
        ("sampling", "catalog.yaml", column, found)  # fmt: skip
    assert load_datasets(pack, ["areas"]).areas is not None  # the others load


def test_engine_dask_only_on_person_level_datasets(tmp_path):
    root = make_pack(tmp_path, "clean.parquet")
    datasets = {"areas": {"path": "areas.geojson", "engine": "dask"}, "sampling": "sampling.clean.parquet"}
    write_pack(root, {}, datasets)
    with pytest.raises(DataError, match="engine: dask on a person-level dataset"):
        load_datasets(open_pack(root), ["areas"])


def test_the_environment_overrides_the_catalog(tmp_path, monkeypatch):
    spec = open_pack(make_pack(tmp_path, "clean.parquet", engine="dask")).spec("sampling")
    plain = open_pack(make_pack(tmp_path / "b", "clean.parquet")).spec("sampling")
    monkeypatch.setenv("WORKBENCH_ENGINE", "duckdb")
    assert engine_of(spec) is None
    monkeypatch.setenv("WORKBENCH_ENGINE", "dask")
    monkeypatch.setenv("WORKBENCH_DASK_SCHEDULER", "tcp://127.0.0.1:8786")
    assert engine_of(plain) == DaskEngine("tcp://127.0.0.1:8786")
    monkeypatch.setenv("WORKBENCH_ENGINE", "spark")
    with pytest.raises(WorkbenchError, match="expected duckdb or dask"):
        engine_of(plain)


def test_dask_chosen_but_not_installed_says_how_to_install_it(tmp_path, monkeypatch):
    spec = open_pack(make_pack(tmp_path, "clean.parquet", engine="dask")).spec("sampling")
    real = person_engines.importlib.util.find_spec
    monkeypatch.setattr(person_engines.importlib.util, "find_spec",
                        lambda name: None if name == "distributed" else real(name))  # fmt: skip
    hint = r"Dask is not installed: pip install 'situation-workbench\[dask\]'"
    with pytest.raises(WorkbenchError, match=hint):
        load_datasets(open_pack(spec.path.parent))


def test_the_workbench_runs_without_dask():
    """DuckDB's path imports no Dask; with Dask unimportable, choosing it is a clear error."""
    script = """
import sys
sys.modules.update({"dask": None, "distributed": None})
from workbench.domains import coverage
from workbench.errors import WorkbenchError
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
data = load_datasets(open_pack(sys.argv[1]))
print(int(coverage.count_tested(data.sampling, "2022-10-01", "2022-10-31")["tested"].sum()))
import os
os.environ["WORKBENCH_ENGINE"] = "dask"
try:
    load_datasets(open_pack(sys.argv[1]))
except WorkbenchError as exc:
    print(exc)
"""
    done = subprocess.run([sys.executable, "-c", script, str(SAMPLE_PACK_DIR)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    counted, message = done.stdout.strip().splitlines()[-2:]
    assert int(counted) > 0
    assert message == ("sampling: engine dask is chosen but Dask is not installed: "
                       "pip install 'situation-workbench[dask]' (or conda install dask)")  # fmt: skip


def test_an_unreachable_scheduler_is_an_error_naming_its_address(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_CACHE", raising=False)
    monkeypatch.setenv("WORKBENCH_DASK_TIMEOUT", "1")
    address = f"tcp://127.0.0.1:{free_port()}"
    root = make_pack(tmp_path, "clean.parquet", engine="dask", scheduler=address)
    rows = load_datasets(open_pack(root)).sampling
    assert rows.engine == DaskEngine(address)
    with pytest.raises(WorkbenchError, match=f"the Dask scheduler at {address} cannot be reached within 1 s"):
        coverage.count_tested(rows, *ROUND)


@pytest.mark.parametrize(("kind", "given"), [
    ("clean.parquet", "the pack's file"), ("odd.csv", "the typed copy"), ("odd.parquet", None),
])  # fmt: skip
def test_the_workers_read_the_files_holding_the_clean_rows(tmp_path, monkeypatch, kind, given):
    monkeypatch.delenv("WORKBENCH_CACHE", raising=False)
    root = make_pack(tmp_path, kind, engine="dask", staging="staged")
    rows = load_datasets(open_pack(root)).sampling
    expected = {"the pack's file": (str(root / f"sampling.{kind}"),), None: ()}
    if given == "the typed copy":
        [copy] = rows.files
        assert copy.endswith("-sampling-typed.parquet") and f"read_parquet('{copy}')" in rows.view_sql
    else:
        assert rows.files == expected[given]
    staged = DaskEngine("local", rows.engine.staging).clean_files(rows)  # staging: always a copy
    assert [Path(f).parent.parent for f in staged] == [root / "staged"]
    assert len(pd.read_parquet(staged)) == len(rows)
    unstaged = DaskEngine("local").clean_files(rows)  # no staging: the files as they are, else a copy
    if rows.files:
        assert unstaged == list(rows.files)
    else:
        assert Path(unstaged[0]).name == "part-0.parquet" and len(pd.read_parquet(unstaged)) == len(rows)


# -- on a LocalCluster of two worker processes ----------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as local:  # fmt: skip
        assert len(local.workers) == 2
        yield local.scheduler_address
        person_engines.close_client(local.scheduler_address)  # before its scheduler goes


@pytest.fixture
def computed_on_dask(monkeypatch):
    """The number of Dask computations run (to show the cluster did the work)."""
    calls = []
    real = DaskEngine.compute
    monkeypatch.setattr(DaskEngine, "compute", lambda self, c: calls.append(self.scheduler) or real(self, c))
    monkeypatch.delenv("WORKBENCH_CACHE", raising=False)
    return calls


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["clean.parquet", "odd.parquet", "odd.csv"])
def test_dask_counts_what_duckdb_counts(tmp_path, cluster, computed_on_dask, kind):
    rows = load_datasets(open_pack(make_pack(tmp_path, kind))).sampling
    on_dask = rows.with_engine(DaskEngine(cluster))
    expected_rows = clean_rows()
    if kind == "odd.csv":
        expected_rows.loc[len(expected_rows)] = ("r001", "007", "T1", pd.Timestamp("2022-10-05 08:00"))
    assert len(rows) == len(expected_rows)
    for start, end in (ROUND, ("2022-10-01", "2022-10-31"), ("2022-10-05 07:00:01", "2022-10-06 18:00:00")):
        duck = coverage.count_tested(rows, start, end)
        dask = coverage.count_tested(on_dask, start, end)
        assert_frame_equal(dask, duck)
        assert dict(zip(dask["area_id"], dask["tested"], strict=True)) == \
            oracle_tested(expected_rows, pd.Timestamp(start), pd.Timestamp(end))  # fmt: skip
    sites = sites_frame()
    assert_frame_equal(coverage.site_daily_load(on_dask, sites), coverage.site_daily_load(rows, sites))
    assert computed_on_dask == [cluster] * 4


@pytest.mark.slow
def test_an_empty_window_and_nulls_give_duckdbs_frames(tmp_path, cluster, computed_on_dask):
    """No row in the window: an empty frame of the same columns and types."""
    rows = load_datasets(open_pack(make_pack(tmp_path, "clean.parquet"))).sampling
    on_dask = rows.with_engine(DaskEngine(cluster))
    duck = coverage.count_tested(rows, "2023-01-01", "2023-01-02")
    assert duck.empty
    assert_frame_equal(coverage.count_tested(on_dask, "2023-01-01", "2023-01-02"), duck)


@pytest.mark.slow
def test_the_coverage_figures_of_the_generated_sample_pack_are_identical(cluster, computed_on_dask):
    """The generator's default pack (data/sample), every figure of the district and of a street."""
    data = load_datasets(open_pack(SAMPLE_PACK_DIR))
    on_dask = data.sampling.with_engine(DaskEngine(cluster))
    day = open_pack(SAMPLE_PACK_DIR).resolve_date()
    street = data.areas.loc[data.areas["level"] == "street", "area_id"].iloc[0]
    for scope in ("district", street):
        args = (data.areas, data.testing_sites, data.rounds, data.zones, day)
        duck = coverage.analyse_coverage(data.sampling, *args, scope=scope)
        dask = coverage.analyse_coverage(on_dask, *args, scope=scope)
        assert coverage.coverage_figures(dask) == coverage.coverage_figures(duck)
        assert_frame_equal(dask.table, duck.table)
        assert_frame_equal(dask.site_load, duck.site_load)
        assert_frame_equal(dask.silent, duck.silent)
    # each aggregate once (persons per area, daily load, the round's load): the street reads them kept
    assert computed_on_dask == [cluster] * 3
    assert duck.table["tested"].sum() > 0 and len(duck.site_load) > 0


@pytest.mark.slow
def test_a_report_run_on_dask_publishes_duckdbs_figures(tmp_path, cluster, monkeypatch):
    """``workbench run testing_coverage`` with the engine set by the environment its kernel inherits."""
    import json

    from workbench.runner.report import run_report

    def figures(out: Path) -> dict:
        result = run_report("testing_coverage", reports_dir=out / "reports", runs_dir=out / "runs",
                            index=False)  # fmt: skip
        assert result.ok, result.error
        return json.loads(result.json_path.read_text(encoding="utf-8"))["figures"]

    duck = figures(tmp_path / "duckdb")
    monkeypatch.setenv("WORKBENCH_ENGINE", "dask")
    monkeypatch.setenv("WORKBENCH_DASK_SCHEDULER", cluster)
    assert figures(tmp_path / "dask") == duck
    monkeypatch.setenv("WORKBENCH_DASK_SCHEDULER", f"tcp://127.0.0.1:{free_port()}")
    monkeypatch.setenv("WORKBENCH_DASK_TIMEOUT", "1")
    out = tmp_path / "unreachable"
    failed = run_report("testing_coverage", reports_dir=out / "reports", runs_dir=out / "runs", index=False)
    assert not failed.ok and "WorkbenchError: the Dask scheduler at tcp://127.0.0.1:" in failed.error
    assert "Traceback" not in failed.error
