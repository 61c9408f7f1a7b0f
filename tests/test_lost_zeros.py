"""An id whose leading zeros a spreadsheet dropped (7 for 007) is still unknown, but its problem says so."""

from __future__ import annotations

import pandas as pd
from fixtures.packs import areas_frame, places_frame, sites_frame, write_pack

from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets
from workbench.intake.references import with_lost_zeros
from workbench.present.problem_wording import problem_text

HINT = "7 (007 is listed: leading zeros lost?)"


def test_a_number_that_reads_as_one_listed_code_is_hinted():
    listed = pd.Series(["007", "008", "T1", None])
    found = with_lost_zeros(pd.Series(["7", "7.0", "9", "T7", "008x"], index=[4, 5, 6, 7, 8]), listed)
    assert found.to_dict() == {4: HINT, 5: "7.0 (007 is listed: leading zeros lost?)",
                               6: "9", 7: "T7", 8: "008x"}  # fmt: skip


def test_no_hint_when_the_number_could_be_two_codes_or_codes_have_no_leading_zero():
    assert with_lost_zeros(pd.Series(["7"]), pd.Series(["07", "007"])).tolist() == ["7"]
    assert with_lost_zeros(pd.Series(["7"]), pd.Series(["150205", "7"])).tolist() == ["7"]


def test_the_hint_reads_in_chinese():
    assert problem_text(HINT) == "7（名录中有 007：前导零丢失？）"
    assert problem_text(HINT, "en") == HINT


def problems_of(data, dataset: str) -> list[tuple]:
    return [(p.row, p.column, p.found, p.severity) for p in data.warnings if p.dataset == dataset]


def test_a_sample_of_community_7_is_set_aside_with_the_hint(tmp_path):
    samples = pd.DataFrame({"person_key": ["p1", "p2"], "area_id": ["7", "008"], "site_id": ["T1", "T2"],
                            "sampled_at": ["2022-10-04 08:00:00", "2022-10-04 09:00:00"]})  # fmt: skip
    files = {"areas.geojson": areas_frame(), "sites.csv": sites_frame(), "sampling.csv": samples}
    datasets = {"areas": "areas.geojson", "testing_sites": "sites.csv", "sampling": "sampling.csv"}
    data = load_datasets(open_pack(write_pack(tmp_path, files, datasets)))
    assert len(data.sampling) == 1
    assert problems_of(data, "sampling") == [(2, "area_id", HINT, "warning")]


def test_an_inspection_of_place_1_is_hinted_when_places_are_zero_padded(tmp_path):
    places = places_frame().assign(place_id=["001", "002"])
    visits = pd.DataFrame({
        "inspection_id": ["I1", "I2"], "date": ["2022-10-05", "2022-10-06"], "team": ["一组", "二组"],
        "place_id": ["1", "002"], "staffing_ok": ["是", "是"], "disinfection_log_ok": ["是", "是"],
        "registration_log_ok": ["是", "是"], "finding": [None, None], "rectified_on": [None, None],
    })  # fmt: skip
    files = {"places.csv": places, "inspections.csv": visits}
    datasets = {"places": "places.csv", "inspections": "inspections.csv"}
    data = load_datasets(open_pack(write_pack(tmp_path, files, datasets)))
    [(row, column, found, _)] = problems_of(data, "inspections")
    assert (row, column, found) == (2, "place_id", "1 (001 is listed: leading zeros lost?)")
