"""Person-level data stay on disk: ``sampling`` is a DuckDB view over its files, checked like any dataset.

Hand-made packs: every row's fate (kept, corrected, set aside) is written beside it.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from fixtures.packs import areas_frame, coverage_pack, sites_frame, write_pack

from workbench.domains import coverage
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.person_rows import CACHE_ENV, PersonRows, batch_cache
from workbench.intake.person_sources import FAST_STAMP_FORMATS
from workbench.intake.stamps import parse_timestamps

#: (person_key, area_id, site_id, sampled_at) and what loading does with the row.
ODD_ROWS = [
    ("p001", "007", "T1", "2022-10-04 08:00:00"),  # line 2: kept as it is
    ("p００2", "007", "T1", "2022-10-04 09:00:00"),  # line 3: full-width, read as p002
    ("p003", "008", "T2", "2022年10月5日 10时0分"),  # line 4: a Chinese spelling, 10:00
    ("p004", "999", "T1", "2022-10-05 11:00:00"),  # line 5: no such community: set aside
    ("p005", "", "T2", "2022-10-05 12:00:00"),  # line 6: no area: its site's (008)
    ("p006", "007", "T9", "2022-10-05 13:00:00"),  # line 7: no such site: set aside
    ("合计", "", "", ""),  # line 8: a total row: set aside
    ("p008", "007", "T1", "soon"),  # line 9: no time: set aside
    ("p009", "007", "T1", "2022-10-05"),  # line 10: a date alone (no round covers it): 00:00
]
KEPT = [
    ("p001", "007", "T1", "2022-10-04 08:00:00"),
    ("p002", "007", "T1", "2022-10-04 09:00:00"),
    ("p003", "008", "T2", "2022-10-05 10:00:00"),
    ("p005", "008", "T2", "2022-10-05 12:00:00"),
    ("p009", "007", "T1", "2022-10-05 00:00:00"),
]


def odd_sampling() -> pd.DataFrame:
    return pd.DataFrame(ODD_ROWS, columns=["person_key", "area_id", "site_id", "sampled_at"])


def kept_rows(data) -> list[tuple]:
    rows = data.sampling.preview()
    return [(r.person_key, r.area_id, r.site_id, str(r.sampled_at)) for r in rows.itertuples()]


def problem_rows(data) -> set[tuple]:
    return {(p.severity, p.row, p.column, p.found) for p in data.warnings if p.dataset == "sampling"}


def test_sampling_is_a_view_over_its_parquet_file_never_read_by_pandas(tmp_path, monkeypatch):
    import workbench.intake.readers as readers

    samples = pd.DataFrame(KEPT[:3], columns=["person_key", "area_id", "site_id", "sampled_at"])
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(),
             "sampling.parquet": samples.astype({"sampled_at": "datetime64[us]"})}  # fmt: skip
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling.parquet"}
    root = write_pack(tmp_path, files, datasets)
    monkeypatch.setitem(readers._READERS, "parquet", lambda *a: pytest.fail("sampling read by pandas"))
    data = load_datasets(open_pack(root))
    assert isinstance(data.sampling, PersonRows) and len(data.sampling) == 3
    assert "read_parquet(" in data.sampling.view_sql  # the view reads the file itself, no copy
    with pytest.raises(TypeError, match="person-level"):
        data.sampling["person_key"]
    tested = coverage.count_tested(data.sampling, "2022-10-04 00:00", "2022-10-04 23:59")
    assert tested.to_dict("list") == {"area_id": ["007"], "tested": [2]}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_odd_rows_are_corrected_or_set_aside_as_in_any_dataset(tmp_path, suffix):
    root = coverage_pack(tmp_path)
    (root / "sampling.csv").unlink()
    write_pack(root, {f"sampling.{suffix}": odd_sampling()}, {}, report_date="2022-10-09")
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": f"sampling.{suffix}"}
    write_pack(root, {}, datasets, report_date="2022-10-09")
    data = load_datasets(open_pack(root))
    assert kept_rows(data) == KEPT
    assert len(data.sampling) == 5 and data.sampling.rows_read == 9
    found = problem_rows(data)
    expected = {
        ("warning", 5, "area_id", "999"),
        ("warning", 7, "site_id", "T9"),
        ("warning", 9, "sampled_at", "soon"),
        ("warning", None, None, "1 total/subtotal row(s) set aside (line 8)"),
        ("warning", None, "area_id", "1 row without area_id placed by their site's coordinates"),
        ("warning", None, "person_key", "1 value(s) normalised"),
    }
    assert found == expected


def test_a_folder_of_daily_files_keeps_a_sample_delivered_twice_once(tmp_path):
    columns = ["person_key", "area_id", "site_id", "sampled_at"]
    day1 = pd.DataFrame(KEPT[:3], columns=columns).astype({"sampled_at": "datetime64[us]"})
    day2 = pd.DataFrame([KEPT[1], KEPT[3]], columns=columns).astype({"sampled_at": "datetime64[us]"})
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame()}
    (tmp_path / "sampling").mkdir(parents=True)
    day1.to_parquet(tmp_path / "sampling" / "2022-10-04.parquet")
    day2.to_parquet(tmp_path / "sampling" / "2022-10-05.parquet")
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling"}
    data = load_datasets(open_pack(write_pack(tmp_path, files, datasets)))
    assert [r[0] for r in kept_rows(data)] == ["p001", "p002", "p003", "p005"]
    [repeated] = [p for p in data.warnings if p.expected.startswith("each row in one file only")]
    assert (repeated.file, repeated.row) == ("sampling/2022-10-05.parquet", 1)  # its first record
    assert repeated.found.startswith("same row as sampling/2022-10-04.parquet")  # cut at 40 characters


@pytest.mark.parametrize("fmt", FAST_STAMP_FORMATS)
def test_every_spelling_duckdb_types_reads_as_the_general_parser_does(fmt):
    moment = pd.Timestamp("2022-10-09 08:05:07")
    if "%S" not in fmt:
        moment = moment.replace(second=0)
    text = moment.strftime(fmt.replace("%f", "000000"))
    [[typed]] = duckdb.sql(f"SELECT try_strptime('{text}', ['{fmt}'])").fetchall()
    parsed, bad = parse_timestamps(pd.Series([text]))
    assert not bad.any() and pd.Timestamp(typed) == parsed.iloc[0] == moment


def test_a_batch_loads_once_and_counts_a_round_once(tmp_path, monkeypatch):
    root = coverage_pack(tmp_path / "pack")
    with batch_cache(tmp_path / "runs") as folder:
        assert CACHE_ENV in __import__("os").environ
        first = load_datasets(open_pack(root))
        tested = coverage.count_tested(first.sampling, "2022-10-04 00:00", "2022-10-05 23:59")
        assert any(folder.glob("*-sampling-loaded.pickle")) and any(folder.glob("sampling-*.parquet"))
        assert any(folder.glob("*-sampling-typed.parquet"))  # a CSV is typed once, into the cache

        def no_second_count(*args, **kwargs):
            raise AssertionError("the round was counted twice")

        monkeypatch.setattr(coverage, "query", no_second_count)  # another report of the batch
        again = load_datasets(open_pack(root))
        assert coverage.count_tested(again.sampling, "2022-10-04 00:00", "2022-10-05 23:59").equals(tested)
    assert not folder.exists()
    assert tested.to_dict("list") == {"area_id": ["007", "008"], "tested": [2, 1]}


def test_a_batch_reads_and_checks_the_small_datasets_once(tmp_path, monkeypatch):
    """The district report and each street's load the same areas and sites: read once."""
    from workbench.intake import datasets

    root = coverage_pack(tmp_path / "pack")
    with batch_cache(tmp_path / "runs") as folder:
        first = load_datasets(open_pack(root), ["areas", "testing_sites"], strict=False)
        assert len(list(folder.glob("*-datasets-*.pickle"))) == 1

        def no_second_read(*args, **kwargs):
            raise AssertionError("a dataset was read twice")

        monkeypatch.setattr(datasets, "_read_dataset", no_second_read)
        again = load_datasets(open_pack(root), ["areas", "testing_sites"], strict=False)
        assert again["areas"].equals(first["areas"]) and again["testing_sites"].equals(first["testing_sites"])
        assert again.warnings == first.warnings
        with pytest.raises(AssertionError, match="read twice"):  # other datasets: their own load
            load_datasets(open_pack(root), ["areas"], strict=False)


def test_a_missing_column_stops_the_dataset_with_its_file(tmp_path):
    sampling = odd_sampling().drop(columns="site_id")
    data = load_datasets(open_pack(coverage_pack(tmp_path, sampling=sampling)), strict=False)
    assert "sampling" not in data
    [problem] = [p for p in data.errors if p.dataset == "sampling"]
    assert (problem.file, problem.column) == ("sampling.csv", "site_id")
    assert problem.expected == "a column 'site_id'"


def test_kernels_side_by_side_take_turns_on_an_answer(tmp_path, monkeypatch):
    """Two reports of a batch running at once (--jobs 2) compute a round's counts once, not twice."""
    import threading
    import time

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    rows = PersonRows("sampling", "SELECT 1 AS n", {}, ("n",), 1, fingerprint="f")
    computed = []

    def slow_answer():
        computed.append(threading.get_ident())
        time.sleep(0.3)
        return pd.DataFrame({"n": [1]})

    answers = []
    kernels = [threading.Thread(target=lambda: answers.append(
        PersonRows("sampling", "SELECT 1 AS n", {}, ("n",), 1, fingerprint="f").memo(("k",), slow_answer)))
        for _ in range(2)]  # fmt: skip
    for kernel in kernels:
        kernel.start()
    for kernel in kernels:
        kernel.join()
    assert len(computed) == 1 and [a["n"].tolist() for a in answers] == [[1], [1]]
    assert rows.memo(("k",), slow_answer)["n"].tolist() == [1] and len(computed) == 1  # read, not computed


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_raw_id_card_keys_and_phone_columns_are_warned_of_never_shown(tmp_path, suffix):
    keys = ["110105199001011234", "p002", "15012345678"]
    samples = pd.DataFrame({"person_key": keys, "area_id": ["007"] * 3, "site_id": ["T1"] * 3,
                            "sampled_at": pd.to_datetime(["2022-10-04 08:00"] * 3), "联系电话": keys})
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(), f"sampling.{suffix}": samples}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": f"sampling.{suffix}"}
    data = load_datasets(open_pack(write_pack(tmp_path, files, datasets)))
    warned = [p for p in data.warnings if p.dataset == "sampling"]
    assert [(p.severity, p.column) for p in warned] == [("warning", "person_key"), ("warning", "联系电话")]
    assert warned[0].found.startswith("1 of the first 3 keys are shaped like ID-card numbers (not shown)")
    assert "columns 联系电话 announce personal identifiers (not read)" in warned[1].found
    assert not any(k in str(p) for p in warned for k in keys)
    tested = coverage.count_tested(data.sampling, "2022-10-04 00:00", "2022-10-04 23:59")
    assert tested.to_dict("list") == {"area_id": ["007"], "tested": [3]}  # the figures are unchanged


def test_pseudonymous_keys_raise_no_identifier_warning(tmp_path):
    samples = pd.DataFrame(KEPT[:3], columns=["person_key", "area_id", "site_id", "sampled_at"])
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(), "sampling.csv": samples}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling.csv"}
    data = load_datasets(open_pack(write_pack(tmp_path, files, datasets)))
    assert not [p for p in data.warnings if p.dataset == "sampling"]
