"""Notes a department writes below its table (填表人, 审核, 联系电话, 制表日期) are set aside with
their lines, never read as records and never echoed (they name a person and a phone)."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures.packs import areas_frame, inspections_frame, places_frame, sites_frame, write_pack

from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets, validate_pack
from workbench.intake.origins import Origin
from workbench.intake.quality import set_aside_reasons
from workbench.intake.setaside import without_note_rows
from workbench.present.problem_wording import problem_text

FOOTER = [
    ["填表人：王建国    联系电话：13912345678"],  # one cell
    ["填表人：王建国", None, None, "审核：李明", None, "联系电话：13912345678"],  # a form's signatures
    ["制表日期：2022年10月9日"],
]


def inspections_with_footer(root, suffix: str):
    frame = inspections_frame()
    footer = pd.DataFrame([row + [None] * (len(frame.columns) - len(row)) for row in FOOTER],
                          columns=frame.columns)  # fmt: skip
    files = {"places.csv": places_frame(), f"inspections.{suffix}": pd.concat([frame, footer])}
    return write_pack(root, files, {"places": "places.csv", "inspections": f"inspections.{suffix}"})


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_forms_footer_is_set_aside_by_its_lines_and_the_visits_kept(tmp_path, suffix):
    pack = open_pack(inspections_with_footer(tmp_path, suffix))
    data = load_datasets(pack, ["inspections"])
    assert data.inspections["inspection_id"].tolist() == ["I1", "I2"]
    [note] = [p for p in data.warnings if p.dataset == "inspections"]
    assert (note.file, note.found) == (f"inspections.{suffix}",
                                       "3 note row(s) below the table set aside (line 4, 5, 6)")
    assert problem_text(note.found) == "剔除表格下方的备注行 3 行（第 4, 5, 6 行）"
    [reason] = set_aside_reasons([note])  # the data-quality page's table: the count in its own column
    assert (reason["reason"], reason["rows"]) == ("note row(s) below the table set aside (line 4, 5, 6)", 3)
    assert problem_text(reason["reason"]) == "剔除的表格下方备注行（第 4, 5, 6 行）"
    shown = " ".join(f"{p.expected} {p.found}" for p in validate_pack(pack))
    assert "王建国" not in shown and "139" not in shown
    assert not [p for p in validate_pack(pack) if p.severity == "error"]


def sampling_with_footer(root, suffix: str, encoding: str = "utf-8"):
    stamps = ["2022-10-04 08:00:00", "2022-10-04 09:00:00", "2022-10-05 10:00:00"]
    frame = pd.DataFrame({"序号": ["1", "2", "3"], "person_key": ["p1", "p2", "p3"],
                          "area_id": ["007", "008", "007"], "site_id": ["T1", "T2", "T1"],
                          "sampled_at": stamps, "备注": [None] * 3})  # fmt: skip
    footer = pd.DataFrame([row + [None] * (len(frame.columns) - len(row)) for row in FOOTER],
                          columns=frame.columns)  # fmt: skip
    table = pd.concat([frame, footer])
    name = f"sampling.{suffix}"
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(),
             name: table.to_csv(index=False).encode(encoding) if suffix == "csv" else table}
    entry = {"path": name, "encoding": encoding} if encoding != "utf-8" else name
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": entry}
    return write_pack(root, files, datasets)


@pytest.mark.parametrize(("suffix", "encoding"), [("csv", "utf-8"), ("csv", "gb18030"), ("xlsx", "utf-8")])
def test_a_forms_footer_below_samples_is_set_aside_and_the_samples_kept(tmp_path, suffix, encoding):
    from workbench.domains import coverage

    pack = open_pack(sampling_with_footer(tmp_path, suffix, encoding))
    data = load_datasets(pack, ["areas", "testing_sites", "sampling"])
    assert len(data.sampling) == 3 and data.sampling.rows_read == 6
    tested = coverage.count_tested(data.sampling, "2022-10-04 00:00", "2022-10-04 23:59")
    assert tested.to_dict("list") == {"area_id": ["007", "008"], "tested": [1, 1]}
    [note] = [p for p in data.warnings if p.dataset == "sampling"]
    assert (note.file, note.found) == (f"sampling.{suffix}",
                                       "3 note row(s) below the table set aside (line 5, 6, 7)")
    shown = " ".join(f"{p.expected} {p.found}" for p in validate_pack(pack))
    assert "王建国" not in shown and "139" not in shown
    assert not [p for p in validate_pack(pack) if p.severity == "error"]


def test_a_last_row_that_is_a_record_or_a_lone_code_is_no_note():
    raw = pd.DataFrame({"a": ["I1", "I2", "P9"], "b": ["x", "y", None], "c": ["1", "2", None]})
    kept, problems = without_note_rows(raw, Origin.single("inspections", "i.csv"))
    assert len(kept) == 3 and not problems  # a half-filled record: the contract's checks say what lacks
    raw = pd.DataFrame({"a": ["说明：以上为当日数据"], "b": [None], "c": [None]})
    kept, problems = without_note_rows(raw, Origin.single("inspections", "i.csv"))
    assert len(kept) == 1 and not problems  # a file's first row is never a note


# ---------------------------------------------------------------- a header repeated inside a file


def test_two_exports_joined_into_one_file_keep_their_rows_and_set_the_second_header_aside(tmp_path):
    frame = inspections_frame()
    text = frame.to_csv(index=False)
    joined = text + text.splitlines()[0] + "\n" + frame.assign(inspection_id=["I3", "I4"]).to_csv(
        index=False, header=False)
    pack = write_pack(tmp_path, {"places.csv": places_frame(), "inspections.csv": joined.encode("utf-8")},
                      {"places": "places.csv", "inspections": "inspections.csv"})
    data = load_datasets(open_pack(pack), ["places", "inspections"])
    assert data.inspections["inspection_id"].tolist() == ["I1", "I2", "I3", "I4"]
    [note] = [p for p in data.warnings if p.dataset == "inspections"]
    assert note.found == "1 header row(s) repeated in the file set aside (line 4)"
    assert problem_text(note.found) == "剔除文件中重复的表头行 1 行（第 4 行）"
    [reason] = set_aside_reasons([note])
    assert reason["kind"] == "total_rows"
    assert problem_text(reason["reason"]) == "剔除的文件中重复的表头行（第 4 行）"


def test_a_header_repeated_in_the_files_own_words_is_found_too(tmp_path):
    renames = {"编号": "inspection_id", "日期": "date", "督查组": "team", "场所编码": "place_id",
               "人员": "staffing_ok", "消杀": "disinfection_log_ok", "登记": "registration_log_ok",
               "问题": "finding", "整改日期": "rectified_on"}  # fmt: skip
    frame = inspections_frame().rename(columns={v: k for k, v in renames.items()})
    header = ",".join(frame.columns)
    text = frame.to_csv(index=False) + header + "\n" + header + "\n"
    entry = {"path": "inspections.csv", "columns": renames}
    pack = write_pack(tmp_path, {"places.csv": places_frame(), "inspections.csv": text.encode("utf-8")},
                      {"places": "places.csv", "inspections": entry})
    data = load_datasets(open_pack(pack), ["places", "inspections"])
    assert data.inspections["inspection_id"].tolist() == ["I1", "I2"]
    [note] = [p for p in data.warnings if p.dataset == "inspections"]  # not "the same row twice"
    assert note.found == "2 header row(s) repeated in the file set aside (line 4, 5)"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_samples_of_two_exports_joined_keep_their_rows_and_set_the_second_header_aside(tmp_path, suffix):
    from workbench.domains import coverage

    renames = {"人员编号": "person_key", "社区编码": "area_id", "采样点编码": "site_id",
               "采样时间": "sampled_at"}  # fmt: skip
    rows = [["p1", "007", "T1", "2022-10-04 08:00:00"], list(renames),
            ["p2", "008", "T2", "2022-10-04 09:00:00"]]  # fmt: skip
    table = pd.DataFrame(rows, columns=list(renames))
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(), f"sampling.{suffix}": table}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv",
                "sampling": {"path": f"sampling.{suffix}", "columns": renames}}
    pack = open_pack(write_pack(tmp_path, files, datasets))
    data = load_datasets(pack, ["areas", "testing_sites", "sampling"])
    tested = coverage.count_tested(data.sampling, "2022-10-04 00:00", "2022-10-04 23:59")
    assert tested.to_dict("list") == {"area_id": ["007", "008"], "tested": [1, 1]}
    [note] = [p for p in data.warnings if p.dataset == "sampling"]  # not "no date and time" in line 3
    assert note.found == "1 header row(s) repeated in the file set aside (line 3)"

