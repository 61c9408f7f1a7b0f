"""Done when: a batch on a pack seeded with personal data leaves no phone, ID or person key in any output.

The pack is the sample (``data/sample``) with phone and ID-card numbers, in many spellings,
written into every free-text column (findings, team names, package contents, supplier,
enterprise, place, checkpoint and testing-site names), into columns the contract does not
know, into a yes/no column and a date column (so that validation errors quote them), together
with HTML and spreadsheet-formula payloads. Every file the batch leaves under ``reports/`` and
``runs/`` is then read as text (percent-escapes decoded) and searched for the seeded numbers,
with or without their separators, and for any person key of the sampling data.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import SAMPLE

from workbench.runner.batch import run_batch

#: The seeded numbers as typed, and the digits that must never appear (separators removed).
SEEDED = {
    "13912345678": "13912345678",
    "+86 138 8765 4321": "13887654321",
    "150-1111-2222": "15011112222",
    "0086-18600001111": "18600001111",
    "139 2222 3333": "13922223333",
    "110101199003071234": "110101199003071234",
    "110101 19900307 123X": "11010119900307123X",
    "11010119851201002x": "11010119851201002x",
}
PAYLOAD = "<img src=x onerror=alert(1)> =HYPERLINK(\"http://x\",\"y\") @SUM(A1) ${x} `x`"
PERSON_KEY = re.compile(r"pk_[0-9a-f]{16}")


def _spelled(n: int) -> str:
    return list(SEEDED)[n % len(SEEDED)]


def _seed_text(column: pd.Series, prefix: str = "") -> pd.Series:
    texts = [f"{value}{prefix} 联系人张伟 {_spelled(n)} {PAYLOAD}" for n, value in enumerate(column)]
    return pd.Series(texts, index=column.index)


def _rewrite_csv(path: Path, change, encoding: str = "utf-8") -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    change(frame)
    frame.to_csv(path, index=False, encoding=encoding)


def seeded_pack(root: Path, bad_cells: bool = False) -> Path:
    """A copy of the sample pack with personal data and payloads in every free-text field.

    With ``bad_cells``, also a yes/no and a date cell holding them (their rows are then set
    aside with a warning that names the cell and shows nothing of it).
    """
    pack = root / "pack"
    shutil.copytree(SAMPLE, pack)
    catalog = yaml.safe_load((pack / "catalog.yaml").read_text("utf-8"))

    inspections = pd.read_excel(pack / "督查记录.xlsx", sheet_name="督查记录", dtype=str)
    found = inspections["问题"].notna()
    inspections.loc[found, "问题"] = _seed_text(inspections.loc[found, "问题"])
    inspections["督查组"] = [f"{team} {_spelled(n)}" for n, team in enumerate(inspections["督查组"])]
    inspections["联系电话"] = [_spelled(n) for n in range(len(inspections))]  # a column the contract lacks
    inspections.to_csv(pack / "督查记录.csv", index=False)
    entry = catalog["datasets"]["inspections"]
    entry.pop("sheet")
    entry["path"] = "督查记录.csv"
    (pack / "督查记录.xlsx").unlink()

    def seed_column(name):
        return lambda frame: frame.__setitem__(name, _seed_text(frame[name]))

    _rewrite_csv(pack / "packages.csv", seed_column("contents"))
    _rewrite_csv(pack / "suppliers.csv", seed_column("name"))
    _rewrite_csv(pack / "enterprises.csv", seed_column("name"))
    _rewrite_csv(pack / "places.csv", seed_column("name"))
    _rewrite_csv(pack / "checkpoints.csv", seed_column("name"))
    _rewrite_csv(pack / "核酸采样点.csv", seed_column("采样点名称"), encoding="gb18030")
    _rewrite_csv(pack / "rounds.csv", seed_column("name"))
    _rewrite_csv(pack / "enterprise_requests.csv", seed_column("description"))
    _rewrite_csv(pack / "enterprise_requests.csv", seed_column("department"))
    _rewrite_csv(pack / "projects.csv", seed_column("name"))
    _rewrite_csv(pack / "project_milestones.csv", seed_column("milestone"))

    def checks(frame):
        frame["备注"] = [f"身份证 {_spelled(5)}"] * len(frame)  # a column the contract lacks
        if bad_cells:  # validation must not echo it
            frame.loc[3, "staff_control"] = f"张伟 {_spelled(0)}"

    _rewrite_csv(pack / "enterprise_checks.csv", checks)
    if bad_cells:
        _rewrite_csv(pack / "medical_waste.csv",
                     lambda frame: frame.__setitem__("collected_at", [
                         _spelled(6) if n == 5 else v for n, v in enumerate(frame["collected_at"])]))
    (pack / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True, sort_keys=False), "utf-8")
    return pack


def leaks(folder: Path) -> list[str]:
    """Every seeded number or person key found in a file under ``folder``."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_text("utf-8", errors="replace")
        for text in (raw, urllib.parse.unquote(raw)):
            joined = re.sub(r"(?<=\d)[ \-\u00a0](?=\d)", "", text)
            for spelled, digits in SEEDED.items():
                if spelled in text or digits in joined or digits.upper() in joined:
                    found.append(f"{path.relative_to(folder)}: {spelled}")
            found += [f"{path.relative_to(folder)}: {key}" for key in PERSON_KEY.findall(text)[:1]]
    return sorted(set(found))


@pytest.mark.slow
@pytest.mark.parametrize("bad_cells", [False, True])
def test_a_batch_on_a_pack_seeded_with_personal_data_leaves_none_of_it(tmp_path, bad_cells):
    pack = seeded_pack(tmp_path, bad_cells)
    schedule = tmp_path / "schedule.yaml"
    daily = yaml.safe_load((SAMPLE.parents[1] / "parameters" / "daily.yaml").read_text("utf-8"))
    for entry in daily["reports"]:
        if "streets" in (entry.get("scopes") or []):
            entry["scopes"] = ["S01"]  # one street is enough
    schedule.write_text(yaml.safe_dump(daily, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    results = run_batch(schedule, pack=pack, jobs=2, reports_dir=out / "reports", runs_dir=out / "runs",
                        progress=False)
    failed = {r.stem for r in results if not r.ok}
    runs = sum(len(entry.get("scopes") or ["district"]) * len(entry.get("languages") or ["zh"])
               for entry in daily["reports"])
    assert len(results) == runs and all(r.json_path is not None for r in results)  # every run recorded
    assert failed == set()  # bad cells of record datasets are set aside, not fatal
    assert leaks(out) == []
    folder = out / "reports" / "2022-10-09"
    shown = "".join((folder / name).read_text("utf-8") for name in ("inspections.html", "daily_brief.json"))
    assert "联系人[***] [***]" in shown  # the seeded text reached the outputs, masked (name and number)
    if bad_cells:
        warnings = json.loads((folder / "enterprise_output.json").read_text("utf-8"))["warnings"]
        cell = [w for w in warnings if "staff_control" in w]
        assert cell and not [w for w in cell if "张伟" in w]  # the bad cell is named, not shown
