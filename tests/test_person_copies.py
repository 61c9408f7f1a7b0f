"""A sample written twice in one CSV or XLSX file (a line pasted twice, a sheet pasted again) counts once.

Coverage counts distinct persons and never saw copies; the site load counts samples and did:
every copy was one more sample at its site that hour. Hand-made packs, every figure by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures.packs import areas_frame, sites_frame, write_pack

import workbench.intake.person_scan as person_scan
from workbench.domains import coverage
from workbench.domains.testing_sites import site_daily_load
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.setaside import REPEATED_ACROSS, REPEATED_WITHIN

COLUMNS = ["person_key", "area_id", "site_id", "sampled_at"]
ROWS = [
    ("p001", "007", "T1", "2022-10-04 08:00:00"),  # line 2
    ("p002", "007", "T1", "2022-10-04 08:10:00"),  # line 3
    ("p001", "007", "T1", "2022-10-04 08:00:00"),  # line 4: a copy of line 2
    ("p003", "008", "T2", "2022-10-04 09:00:00"),  # line 5
    ("p004", "007", "T1", "2022-10-04 08:00:00"),  # line 6: line 2's site and moment, another person
    ("p001", "007", "T1", "2022-10-05 08:00:00"),  # line 7: line 2's person, another day
]


def samples(rows=ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def load(tmp_path, files: dict, sampling_path: str):
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(), **files}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": sampling_path}
    return load_datasets(open_pack(write_pack(tmp_path, files, datasets, report_date="2022-10-09")))


def copies_found(data) -> list[tuple]:
    return [(p.file, p.row, p.found, p.expected) for p in data.warnings
            if p.dataset == "sampling" and p.expected in (REPEATED_WITHIN, REPEATED_ACROSS)]  # fmt: skip


def t1_on_the_4th(data) -> tuple[int, int]:
    daily = site_daily_load(data.sampling, data.testing_sites)
    row = daily[(daily["site_id"] == "T1") & (daily["date"] == "2022-10-04")].iloc[0]
    return int(row["samples"]), int(row["peak_hour_samples"])


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_line_written_twice_is_kept_once_and_named(tmp_path, suffix):
    data = load(tmp_path, {f"sampling.{suffix}": samples()}, f"sampling.{suffix}")
    assert len(data.sampling) == 5 and data.sampling.rows_read == 6
    file = f"sampling.{suffix}"
    assert copies_found(data) == [(file, 4, f"same row as {file} row 2", REPEATED_WITHIN)]
    # T1 on the 4th: p001 08:00, p002 08:10, p004 08:00, all in the 08 hour (4 with the copy)
    assert t1_on_the_4th(data) == (3, 3)
    tested = coverage.count_tested(data.sampling, "2022-10-04 00:00", "2022-10-04 23:59")
    assert tested.to_dict("list") == {"area_id": ["007", "008"], "tested": [3, 1]}


def test_a_parquet_export_is_not_searched_for_copies_within_it(tmp_path):
    # a system's export: looking would cost a pass over every person key (docs/datasets.md)
    frame = samples().astype({"sampled_at": "datetime64[us]"})
    data = load(tmp_path, {"sampling.parquet": frame}, "sampling.parquet")
    assert len(data.sampling) == 6 and copies_found(data) == []
    assert t1_on_the_4th(data) == (4, 4)


def test_an_export_appended_to_itself_counts_every_sample_once(tmp_path):
    twice = pd.concat([samples(), samples()], ignore_index=True)  # lines 2–7, then 8–13
    data = load(tmp_path, {"sampling.csv": twice}, "sampling.csv")
    assert len(data.sampling) == 5
    found = copies_found(data)
    assert [row for _, row, _, _ in found] == [4, 8, 9, 10, 11, 12, 13]
    assert found[1][2] == "same row as sampling.csv row 2" and found[2][2] == "same row as sampling.csv row 3"
    assert t1_on_the_4th(data) == (3, 3)


def test_rows_alike_but_for_one_column_are_all_kept(tmp_path):
    rows = [ROWS[0], ("p001", "007", "T1", "2022-10-04 08:00:01"),
            ("p001", "007", "T2", "2022-10-04 08:00:00"),
            ("p002", "007", "T1", "2022-10-04 08:00:00")]  # fmt: skip
    data = load(tmp_path, {"sampling.csv": samples(rows)}, "sampling.csv")
    assert len(data.sampling) == 4 and copies_found(data) == []


def test_copies_of_rows_the_general_parser_reads_are_kept_once(tmp_path):
    odd = ("p００9", "007", "T1", "2022年10月4日 8时0分")  # full-width digits, a Chinese spelling
    data = load(tmp_path, {"sampling.csv": samples([odd, ROWS[1], odd])}, "sampling.csv")
    assert len(data.sampling) == 2
    assert [(row, text) for _, row, text, _ in copies_found(data)] == [(4, "same row as sampling.csv row 2")]


def test_rows_that_only_hash_alike_are_all_kept(tmp_path, monkeypatch):
    scan = person_scan._groups_and_copies
    hinted = lambda con, sql: scan(con, sql).assign(copies=1)  # noqa: E731 (as if hashes collided)
    monkeypatch.setattr(person_scan, "_groups_and_copies", hinted)
    rows = [ROWS[0], ROWS[1], ROWS[3]]
    data = load(tmp_path, {"sampling.csv": samples(rows)}, "sampling.csv")
    assert len(data.sampling) == 3 and copies_found(data) == []


def test_a_remembered_scan_still_sets_the_copy_aside(tmp_path):
    files = {"sampling.csv": samples()}
    first = load(tmp_path / "a", files, "sampling.csv")
    again = load(tmp_path / "b", files, "sampling.csv")  # same content: the scan memory answers
    assert copies_found(again) == copies_found(first) and len(again.sampling) == 5


def test_copies_within_a_file_and_across_files_are_told_apart(tmp_path):
    day1 = samples([ROWS[0], ROWS[1]])
    day2 = samples([ROWS[1], ROWS[3], ROWS[3]])  # line 2: day 1's line 3; line 4: its own line 3
    (tmp_path / "sampling").mkdir(parents=True)
    day1.to_csv(tmp_path / "sampling" / "a.csv", index=False)
    day2.to_csv(tmp_path / "sampling" / "b.csv", index=False)
    data = load(tmp_path, {}, "sampling")
    assert len(data.sampling) == 3
    assert copies_found(data) == [
        ("sampling/b.csv", 2, "same row as sampling/a.csv row 3", REPEATED_ACROSS),
        ("sampling/b.csv", 4, "same row as sampling/b.csv row 3", REPEATED_WITHIN),
    ]
