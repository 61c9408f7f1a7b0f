"""docs/datasets.md is the contract: generated tables up to date, every dataset and column there,
the reports named that really read each dataset, and the README pointing to it."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from workbench.errors import WorkbenchError
from workbench.intake import contract_doc
from workbench.intake.contract import REQUIRED_COLUMNS, SCHEMAS
from workbench.paths import NOTEBOOKS_DIR, PARAMETERS_DIR, PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "datasets.md").read_text("utf-8")
README = (PROJECT_ROOT / "README.md").read_text("utf-8")


def section(name: str) -> str:
    """The text of ``## name`` up to the next level-2 heading."""
    match = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", DOC, re.DOTALL | re.MULTILINE)
    assert match, f"docs/datasets.md has no section '## {name}'"
    return match.group(1)


def documented_columns(name: str) -> list[str]:
    """First cells of the column table of a dataset's section."""
    return re.findall(r"^\| `(\w+)` \|", section(name), re.MULTILINE)


def test_generated_tables_are_up_to_date():
    assert contract_doc.render(DOC) == DOC, "run: python -m workbench.intake.contract_doc"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_dataset_and_column_is_documented(name):
    columns = documented_columns(name)
    assert set(REQUIRED_COLUMNS[name]) <= set(columns)
    assert columns == list(SCHEMAS[name].columns)  # and nothing the schema lacks


def test_admin_boundaries_and_optional_datasets_are_marked_optional():
    assert section("admin_boundaries").lstrip().startswith("Optional.")
    assert section("enterprise_checks").lstrip().startswith("Optional.")


def test_a_column_row_states_kind_requirement_values_and_aliases():
    zones = section("zones")
    assert ("| `zone` | 风险等级 | one of a list | required | `sealed` (封控区, 封控, 高风险区), "
            "`controlled` (管控区, 管控, 中风险区), `prevention` (防范区, 防范, 低风险区) |") in zones
    assert "- One row per `date`, `area_id` (unique together)." in zones
    areas = section("areas")
    assert "| `parent_id` | 上级编码 | identifier (text) | required, may be empty |" in areas
    assert "| `households` | 户数 | whole number | optional | > 0 |" in areas
    assert "| `area_id` | 区划编码 | identifier (text) | required | unique |" in areas
    assert "| `year` | 年度 | whole number | required | 2000 … 2100 |" in section("targets")
    units = "| `unit` | 单位 | one of a list | required | `t` (吨), `万吨`, `元`, `万元`, `亿元` |"
    assert units in section("targets")
    assert "- Each row: start no later than end." in section("rounds")
    assert ("- `area_id` must be one of the `area_id` values of `areas` (level `community`)."
            in section("sampling"))


def reports_line(name: str) -> str:
    line = re.search(r"^\*\*Reports:\*\* (.*)$", section(name), re.MULTILINE)
    assert line, f"section {name} names no reports"
    return line.group(1)


def test_each_dataset_names_the_reports_that_need_it_or_take_it_optionally():
    assert reports_line("sampling") == "required by `testing_coverage`."
    areas = ("required by `testing_coverage`; for the supply section of `supply_prices` (it runs with any "
             "one of its sections: areas + suppliers + packages + deliveries, or prices + price_baselines); "
             "for the home-quarantine section of `field_checks` (it runs with any one of its sections: "
             "quarantine_checks + areas, or medical_waste + testing_sites, or staffing); optional for "
             "`checkpoints`, `field_checks` (the streets outlined on the map).")
    assert reports_line("areas") == areas
    assert reports_line("zones") == ("optional for `testing_coverage`, `supply_prices` "
                                     "(the sealed/controlled/prevention status of areas).")
    assert reports_line("admin_boundaries").startswith("optional for `testing_coverage`, `inspections`, ")
    assert reports_line("enterprise_checks").startswith("optional for `enterprise_output`")


def test_the_reports_named_are_notebooks_of_the_daily_schedule_that_load_what_they_need():
    schedule = yaml.safe_load((PARAMETERS_DIR / "daily.yaml").read_text("utf-8"))
    notebooks = {entry["notebook"] for entry in schedule["reports"]}
    named = {r for name in SCHEMAS for r in re.findall(r"`(\w+)`", reports_line(name))}
    assert named == notebooks - {"daily_brief"}
    for notebook in named:
        cells = json.loads((NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text("utf-8"))["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert f'load_report(pk, "{notebook}")' in code, notebook


def test_render_refuses_a_doc_without_a_dataset_block_or_with_an_unknown_one():
    without_zones = re.sub(r"<!-- generated: zones -->.*?<!-- /generated -->", "", DOC, flags=re.DOTALL)
    with pytest.raises(WorkbenchError, match="lacks a generated block for: zones"):
        contract_doc.render(without_zones)
    unknown = DOC + "\n<!-- generated: vaccinations -->\n<!-- /generated -->\n"
    with pytest.raises(WorkbenchError, match="'vaccinations', which is no dataset"):
        contract_doc.render(unknown)


def test_check_mode_fails_on_a_stale_doc(tmp_path, capsys):
    stale = tmp_path / "datasets.md"
    stale.write_text(DOC.replace("| `zone` | 风险等级", "| `zone` | 等级"), "utf-8")
    assert contract_doc.main(["--check"], path=stale) == 1
    assert "out of date" in capsys.readouterr().err
    assert contract_doc.main([], path=stale) == 0
    assert stale.read_text("utf-8") == DOC


def test_readme_points_to_the_contract():
    own_data = README.split("## Your own data", 1)[1].split("\n## ", 1)[0]
    assert "design notes" not in README
    assert "[`docs/datasets.md`](docs/datasets.md)" in own_data
    assert "workbench template" in own_data
