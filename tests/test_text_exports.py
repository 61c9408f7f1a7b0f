"""Text exports as departments' tools write them: Excel's "Unicode text" (UTF-16, tab-separated),
a GBK file an editor gave a UTF-8 mark, tab-separated UTF-8; read without a catalog setting."""

from __future__ import annotations

import codecs

import pytest
from fixtures.packs import coverage_pack, sampling_frame, write_pack

from workbench.intake.catalog import open_pack
from workbench.intake.loading import load_datasets, validate_pack

CHECKPOINTS = "checkpoint_id,name,lon,lat\nK1,东出口卡口,109.9,40.6\nK2,西出口卡口,109.7,40.6\n"


@pytest.mark.parametrize("encode", [
    lambda text: text.replace(",", "\t").replace("\n", "\r\n").encode("utf-16"),  # Excel "Unicode text"
    lambda text: codecs.BOM_UTF8 + text.encode("gbk"),  # a GBK export an editor marked as UTF-8
    lambda text: text.replace(",", "\t").encode("utf-8"),  # "text (tab delimited)"
    lambda text: text.replace(",", "\t").encode("gb18030"),
])  # fmt: skip
def test_checkpoints_are_read_whatever_the_tool_wrote(tmp_path, encode):
    write_pack(tmp_path, {"checkpoints.csv": encode(CHECKPOINTS)}, {"checkpoints": "checkpoints.csv"})
    problems = validate_pack(open_pack(tmp_path))
    assert not [p for p in problems if p.severity == "error"], problems
    frame = load_datasets(open_pack(tmp_path), ["checkpoints"]).checkpoints
    assert frame["checkpoint_id"].tolist() == ["K1", "K2"]
    assert frame["name"].tolist() == ["东出口卡口", "西出口卡口"] and frame["lon"].tolist() == [109.9, 109.7]


def test_a_comma_inside_a_tab_separated_file_stays_in_its_cell(tmp_path):
    text = "checkpoint_id\tname\tlon\tlat\nK1\t东出口卡口,北侧\t109.9\t40.6\n"
    write_pack(tmp_path, {"checkpoints.csv": text.encode("utf-16")}, {"checkpoints": "checkpoints.csv"})
    frame = load_datasets(open_pack(tmp_path), ["checkpoints"]).checkpoints
    assert frame["name"].tolist() == ["东出口卡口,北侧"]


def test_person_level_samples_in_utf16_tab_separated_text_are_read_by_the_general_readers(tmp_path):
    root = coverage_pack(tmp_path)
    text = sampling_frame().to_csv(index=False, sep="\t")
    (root / "sampling.csv").write_bytes(text.encode("utf-16"))
    data = load_datasets(open_pack(root))
    assert len(data.sampling) == 3 and not [p for p in data.warnings if p.severity == "error"]
    assert sorted(data.sampling.preview()["person_key"]) == ["p001", "p002", "p003"]
