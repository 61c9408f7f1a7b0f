"""Rows repeated in a department's export: a copy is kept once, rows sharing a key are added up
only where the contract allows it, and every case is visible (hand-checked figures)."""

from __future__ import annotations

from fixtures.packs import write_pack

from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets, validate_pack
from workbench.intake.quality import set_aside_reasons
from workbench.present.problem_wording import problem_text

ENTERPRISES = "enterprise_id,name,sector,lon,lat,employees,closed_loop\nE1,稀土一厂,稀土,109.8,40.6,120,是\n"
TARGETS = "year,enterprise_id,product,target,unit\n2022,E1,氧化镨钕,1000,t\n"
HEADER = "date,enterprise_id,product,quantity,unit\n"


def production_pack(root, rows: str):
    files = {"enterprises.csv": ENTERPRISES, "targets.csv": TARGETS, "production.csv": HEADER + rows}
    names = {"enterprises": "enterprises.csv", "targets": "targets.csv", "production": "production.csv"}
    return open_pack(write_pack(root, files, names, report_date="2022-10-09"))


def test_a_line_pasted_twice_counts_once_with_a_warning_naming_both(tmp_path):
    rows = "2022-10-08,E1,氧化镨钕,3,t\n2022-10-09,E1,氧化镨钕,4,t\n2022-10-08,E1,氧化镨钕,3,t\n"
    data = load_datasets(production_pack(tmp_path, rows), ["production"])
    assert data.production["quantity"].tolist() == [3, 4]  # 7 t, not 10
    [copy] = [p for p in data.warnings if p.dataset == "production"]
    assert (copy.severity, copy.file, copy.row, copy.found) == (
        "warning", "production.csv", 4, "same row as production.csv row 2")
    assert problem_text(copy.found) == "与 production.csv 第 2 行相同"
    assert [r["kind"] for r in set_aside_reasons(data.warnings)] == ["repeated_rows"]


def test_two_rows_of_one_product_on_one_day_are_added_and_said_so(tmp_path):
    rows = "2022-10-08,E1,氧化镨钕,3,t\n2022-10-08,E1,氧化镨钕,2,t\n2022-10-09,E1,氧化镨钕,4,t\n"
    data = load_datasets(production_pack(tmp_path, rows), ["production"])
    assert data.production["quantity"].sum() == 9  # both rows of the 8th count
    added = [p for p in data.warnings if p.dataset == "production"]
    key = "2022-10-08, E1, 氧化镨钕"
    assert [(p.row, p.found) for p in added] == [(2, key), (3, key)]
    assert added[0].expected == "one row per date, enterprise_id and product (these rows were added together)"
    assert problem_text(added[0].expected) == "每个 date、enterprise_id、product 只有一行（这些行已相加）"
    assert not [p for p in validate_pack(production_pack(tmp_path, rows)) if p.severity == "error"]


def test_a_checkpoint_day_pasted_twice_is_kept_once_but_two_different_counts_are_an_error(tmp_path):
    checkpoints = "checkpoint_id,name,lon,lat\nK1,东出口,109.9,40.6\n"
    daily = ("date,checkpoint_id,vehicles,people,from_risk_areas,landing_tests\n"
             "2022-10-08,K1,5,9,0,0\n2022-10-08,K1,5,9,0,0\n2022-10-09,K1,6,9,0,0\n2022-10-09,K1,7,9,0,0\n")
    root = write_pack(tmp_path, {"checkpoints.csv": checkpoints, "daily.csv": daily},
                      {"checkpoints": "checkpoints.csv", "checkpoint_daily": "daily.csv"})  # fmt: skip
    problems = [p for p in validate_pack(open_pack(root)) if p.dataset == "checkpoint_daily"]
    found = sorted((p.severity, p.row, p.found) for p in problems)
    assert found == [("error", 4, "2022-10-09, K1"), ("error", 5, "2022-10-09, K1"),
                     ("warning", 3, "same row as daily.csv row 2")]  # fmt: skip


def test_a_reference_dataset_repeating_a_row_is_still_refused(tmp_path):
    checkpoints = "checkpoint_id,name,lon,lat\nK1,东出口,109.9,40.6\nK1,东出口,109.9,40.6\n"
    root = write_pack(tmp_path, {"checkpoints.csv": checkpoints}, {"checkpoints": "checkpoints.csv"})
    problems = [p for p in validate_pack(open_pack(root)) if p.dataset == "checkpoints"]
    assert [(p.severity, p.row, p.column) for p in problems] == [
        ("error", 2, "checkpoint_id"), ("error", 3, "checkpoint_id")]  # which K1 is right? ask
