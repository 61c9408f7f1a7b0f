"""The door's scan of a person-level file is remembered by the file's content (issue 15).

A folder of daily exports is checked once per file: the next run reads what the checks found in
yesterday's files and scans the new one only, with the same rows kept and the same problems.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from fixtures.packs import areas_frame, coverage_pack, sites_frame, write_pack

from workbench.domains import coverage
from workbench.intake import person_level, person_scan
from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.scan_memory import SCAN_CACHE_ENV, scan_folder

COLUMNS = ["person_key", "area_id", "site_id", "sampled_at"]
DAY_1 = [("p001", "007", "T1", "2022-10-04 08:00:00"), ("p002", "007", "T1", "2022-10-04 09:00:00"),
         ("p003", "008", "T2", "2022-10-04 10:00:00")]  # fmt: skip
DAY_2 = [("p001", "007", "T1", "2022-10-05 08:00:00"), ("p004", "999", "T2", "2022-10-05 09:00:00")]
HOSTILE = [  # a CSV export with every kind of row the door corrects or sets aside
    ("p001", "007", "T1", "2022-10-04 08:00:00"),
    ("p００2", "007", "T1", "2022-10-04 09:00:00"),  # full-width: read as p002
    ("p004", "999", "T1", "2022-10-05 11:00:00"),  # no such community: set aside
    ("p006", "007", "T9", "2022-10-05 13:00:00"),  # no such site: set aside
    ("合计", "", "", ""),  # a total row: set aside
    ("p008", "007", "T1", "soon"),  # no time: set aside
]


@pytest.fixture
def memory(tmp_path, monkeypatch):
    folder = tmp_path / "scans"
    monkeypatch.setenv(SCAN_CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def scanned(monkeypatch):
    """The files actually scanned (not answered from memory), in order."""
    files = []
    real = person_scan.remembered_scan

    def counting(digest, sql, path, scan, columns):
        if columns != person_scan.GROUP_COLUMNS:  # the shapes of the first keys
            return real(digest, sql, path, scan, columns)
        return real(digest, sql, path, lambda: files.append(path.name) or scan(), columns)

    monkeypatch.setattr(person_scan, "remembered_scan", counting)
    return files


def daily_pack(root, days: dict[str, list[tuple]]):
    (root / "sampling").mkdir(parents=True, exist_ok=True)
    for name, rows in days.items():
        frame = pd.DataFrame(rows, columns=COLUMNS).astype({"sampled_at": "datetime64[us]"})
        frame.to_parquet(root / "sampling" / f"{name}.parquet")
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame()}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling"}
    return write_pack(root, files, datasets, report_date="2022-10-05")


def group_scans(memory) -> list:
    """The remembered scans of files (not the shapes of their first keys)."""
    return [stored for stored in memory.glob("*.parquet")
            if tuple(pd.read_parquet(stored).columns) == person_scan.GROUP_COLUMNS]  # fmt: skip


def outcome(root) -> tuple:
    data = load_datasets(open_pack(root))
    rows = data.sampling.preview()
    kept = [(r.person_key, r.area_id, r.site_id, str(r.sampled_at)) for r in rows.itertuples()]
    problems = sorted([(p.severity, p.file, p.row, p.column, p.expected, p.found)
                       for p in data.warnings if p.dataset == "sampling"], key=repr)  # fmt: skip
    tested = coverage.count_tested(data.sampling, "2022-10-04 00:00", "2022-10-05 23:59")
    return kept, problems, tested.to_dict("list")


def test_yesterdays_files_are_not_scanned_again(tmp_path, memory, scanned):
    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1})
    first = outcome(root)
    assert scanned == ["2022-10-04.parquet"]
    daily_pack(root, {"2022-10-05": DAY_2})  # the next morning's export joins the folder
    second = outcome(root)
    assert scanned == ["2022-10-04.parquet", "2022-10-05.parquet"]  # only the new file
    assert second[2] == {"area_id": ["007", "008"], "tested": [2, 1]}  # p004's community is unknown
    assert ("warning", "sampling/2022-10-05.parquet", 2, "area_id") in {p[:4] for p in second[1]}
    assert outcome(root) == second and len(scanned) == 2  # a re-run scans nothing
    assert first[0] == second[0][:3]


def test_what_is_remembered_gives_the_same_rows_and_problems(tmp_path, memory, scanned):
    root = coverage_pack(tmp_path / "pack", sampling=pd.DataFrame(HOSTILE, columns=COLUMNS))
    cold = outcome(root)
    warm = outcome(root)
    assert scanned == ["sampling.csv"]
    assert warm == cold
    assert [r[0] for r in cold[0]] == ["p001", "p002"]
    found = {p[5] for p in cold[1]}
    assert {"999", "T9", "soon"} <= found
    assert any("total/subtotal" in f for f in found)


def test_a_changed_file_is_scanned_again(tmp_path, memory, scanned):
    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1})
    outcome(root)
    daily_pack(root, {"2022-10-04": DAY_1[:2]})  # the department re-exported the day
    kept, _, tested = outcome(root)
    assert scanned == ["2022-10-04.parquet", "2022-10-04.parquet"]
    assert [r[0] for r in kept] == ["p001", "p002"] and tested == {"area_id": ["007"], "tested": [2]}


def test_a_moved_pack_keeps_its_memory(tmp_path, memory, scanned):
    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1, "2022-10-05": DAY_2})
    before = outcome(root)
    moved = shutil.copytree(root, tmp_path / "elsewhere")
    assert outcome(moved) == before
    assert len(scanned) == 2


def test_only_counts_are_kept_never_a_person_key(tmp_path, memory):
    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1})
    outcome(root)
    kept = {tuple(pd.read_parquet(stored).columns): stored for stored in memory.glob("*.parquet")}
    assert set(kept) == {("area_id", "site_id", "n", "totals", "odd_rows", "first", "last", "copies"),
                         ("looked_at", "id_card", "mobile")}  # the groups; the shapes of the first keys
    assert not any(b"p00" in stored.read_bytes() for stored in kept.values())


def test_keys_shaped_like_phone_numbers_are_warned_of_from_memory_too(tmp_path, memory, monkeypatch):
    phones = [("13912345678", "007", "T1", "2022-10-04 08:00:00"),
              ("p002", "007", "T1", "2022-10-04 09:00:00")]  # fmt: skip
    root = daily_pack(tmp_path / "pack", {"2022-10-04": phones})
    looked = []
    real = person_scan.key_shapes
    monkeypatch.setattr(person_scan, "key_shapes", lambda keys: looked.append(len(keys)) or real(keys))
    warnings = []
    for _ in range(2):
        data = load_datasets(open_pack(root))
        warnings.append([p.found for p in data.warnings if p.column == "person_key"])
    assert looked == [2]  # the second reading took the shapes from memory
    assert warnings[0] == warnings[1] == [
        "1 of the first 2 keys are shaped like mobile numbers (not shown): "
        "ask the department to export pseudonymous keys"]
    assert not any(b"1391234" in stored.read_bytes() for stored in memory.glob("*.parquet"))


def test_memory_off_or_unwritable_costs_only_the_scan(tmp_path, monkeypatch, scanned):
    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1})
    monkeypatch.setenv(SCAN_CACHE_ENV, "off")
    assert scan_folder() is None
    first = outcome(root)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(SCAN_CACHE_ENV, str(blocked / "scans"))
    assert outcome(root) == first
    assert scanned == ["2022-10-04.parquet", "2022-10-04.parquet"]


def test_the_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(SCAN_CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert scan_folder() == tmp_path / "workbench" / "scans"


def test_files_apart_in_time_skip_the_check_of_repeated_rows(tmp_path, memory, monkeypatch):
    checked = []
    real = person_level._Loader._repeated_rows
    monkeypatch.setattr(person_level._Loader, "_repeated_rows",
                        lambda self, origin: checked.append(1) or real(self, origin))  # fmt: skip
    apart = daily_pack(tmp_path / "apart", {"2022-10-04": DAY_1, "2022-10-05": DAY_2})
    assert len(outcome(apart)[0]) == 4 and not checked  # p004 (unknown community) set aside
    overlapping = daily_pack(tmp_path / "overlap", {"2022-10-04": DAY_1, "2022-10-05": [*DAY_2, DAY_1[2]]})
    kept, problems, _ = outcome(overlapping)
    assert checked == [1] and len(kept) == 4  # DAY_1's third row, delivered twice, kept once
    assert any(p[4].startswith("each row in one file only") for p in problems)


def test_untouched_files_are_not_hashed_again(tmp_path, memory, monkeypatch):
    from workbench.intake import digests

    hashed = []
    real = digests._hash_file
    monkeypatch.setattr(digests, "_hash_file", lambda d, path: hashed.append(path.name) or real(d, path))
    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1})
    first = open_pack(root).fingerprint()
    assert "2022-10-04.parquet" in hashed
    hashed.clear()
    assert open_pack(root).fingerprint() == first and hashed == []  # nothing read again
    day_2 = pd.DataFrame(DAY_2, columns=COLUMNS).astype({"sampled_at": "datetime64[us]"})
    day_2.to_parquet(root / "sampling" / "2022-10-05.parquet")  # the next morning's export, alone
    second = open_pack(root).fingerprint()
    assert second != first and hashed == ["2022-10-05.parquet"]
    monkeypatch.setenv(SCAN_CACHE_ENV, "off")
    hashed.clear()
    assert open_pack(root).fingerprint() == second and len(hashed) == 5  # catalog, areas, sites, two days


def test_what_is_not_used_for_a_month_is_forgotten(tmp_path, memory):
    import os
    import time

    from workbench.intake.scan_memory import FORGET_AFTER_DAYS

    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1})
    outcome(root)
    [kept] = group_scans(memory)
    month_ago = time.time() - (FORGET_AFTER_DAYS + 1) * 86_400
    os.utime(kept, (month_ago, month_ago))
    outcome(root)  # read again: used today, so kept
    assert kept.exists() and kept.stat().st_mtime > month_ago + 86_400
    os.utime(kept, (month_ago, month_ago))
    outcome(daily_pack(tmp_path / "other", {"2022-10-05": DAY_2}))  # something new is kept ...
    assert not kept.exists() and len(group_scans(memory)) == 1  # ... the month-old forgotten


def test_a_file_keeps_its_memory_when_an_earlier_file_joins_the_folder(tmp_path, memory, scanned):
    root = daily_pack(tmp_path / "pack", {"2022-10-05": DAY_2})
    outcome(root)
    day_1 = pd.DataFrame(DAY_1, columns=COLUMNS).astype({"sampled_at": "datetime64[us]"})
    day_1.to_parquet(root / "sampling" / "2022-10-04.parquet")  # a late export of the day before
    outcome(root)
    assert scanned == ["2022-10-05.parquet", "2022-10-04.parquet"]  # 10-05, now second, not again


def test_a_memory_kept_by_an_older_version_is_scanned_again(tmp_path, memory, scanned):
    root = daily_pack(tmp_path / "pack", {"2022-10-04": DAY_1})
    outcome(root)
    [stored] = group_scans(memory)
    pd.read_parquet(stored).drop(columns="copies").to_parquet(stored)  # as the version before kept it
    kept, _, tested = outcome(root)  # before: KeyError 'copies', and the coverage report refused
    assert scanned == ["2022-10-04.parquet", "2022-10-04.parquet"]
    assert [r[0] for r in kept] == ["p001", "p002", "p003"]
    assert tested == {"area_id": ["007", "008"], "tested": [2, 1]}
