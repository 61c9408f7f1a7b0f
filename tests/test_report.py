"""The report runner: parameters, one run's files, the offline HTML page, the index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from workbench.errors import ReportError
from workbench.runner.execute import FIGURES_MIMETYPE, OUTPUT_WAIT, describe_failure, read_published
from workbench.runner.html_export import export_html
from workbench.runner.index_page import collect_runs, render_index
from workbench.runner.parameters import coerce_parameter, pick_parameters
from workbench.runner.report import NOTEBOOKS_DIR, report_stem, resolve_notebook, run_report

HERE = Path(__file__).resolve().parent / "notebooks"
TINY, FAILING, PACK = HERE / "tiny.ipynb", HERE / "failing.ipynb", HERE / "tiny_pack"
DATE = "2022-10-09"
JSON_KEYS = {"report", "date", "scope", "status", "parameters", "pack", "figures", "warnings", "error",
             "started_at", "finished_at", "duration_s", "html", "notebook"}
REMOTE_ASSET = re.compile(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.IGNORECASE)


# -- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "default", "expected"), [
    ("007", '"001"', "007"),      # an id stays text when the default is text
    ("007", "None", "007"),       # ... or None
    ("None", "None", None),
    ("0.9", "0.95", 0.9),
    ("3", "7", 3),
    ("false", "True", False),
    ("是", "False", True),
    ("['S01', 'S02']", "[]", ["S01", "S02"]),
    ("anything", "compute()", "anything"),  # the default is an expression: keep the text
])
def test_coerce_parameter_types_like_the_default(value, default, expected):
    result = coerce_parameter(value, default)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(("value", "default"), [("0.9", "7"), ("maybe", "True"), ("'x'", "[]")])
def test_coerce_parameter_rejects_a_value_of_the_wrong_type(value, default):
    with pytest.raises(ReportError, match="coverage_target"):
        coerce_parameter(value, default, name="coverage_target")


def test_pick_parameters_keeps_declared_and_warns_about_the_rest():
    accepted, warnings = pick_parameters({"lang": {}}, {"lang": "en", "colour": "red"})
    assert accepted == {"lang": "en"}
    assert len(warnings) == 1 and "colour" in warnings[0]


def test_resolve_notebook_by_bare_name_from_any_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    available = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if not available:
        pytest.skip("no notebook under notebooks/ yet")
    assert resolve_notebook(available[0].stem) == available[0]
    assert resolve_notebook(TINY) == TINY
    with pytest.raises(ReportError, match=f"available.*{available[0].stem}"):
        resolve_notebook("no_such_report")


def test_report_stem_names_scopes_but_not_the_district():
    assert report_stem("testing_coverage", None) == "testing_coverage"
    assert report_stem("testing_coverage", "district") == "testing_coverage"
    assert report_stem("testing_coverage", "S01") == "testing_coverage__S01"
    with pytest.raises(ReportError):
        report_stem("testing_coverage", "../S01")


def test_read_published_takes_the_last_output():
    def output(n):
        return nbformat.v4.new_output("display_data", data={FIGURES_MIMETYPE: {"figures": {"n": n},
                                                                               "warnings": []}})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output(1)]),
                                         nbformat.v4.new_code_cell(outputs=[output(2)])])
    assert read_published(nb) == ({"n": 2}, [])
    assert read_published(nbformat.v4.new_notebook())[1] == ["the notebook published no figures"]


def test_display_and_report_agree_on_the_mimetype():
    display = pytest.importorskip("workbench.present.display")
    assert display.FIGURES_MIMETYPE == FIGURES_MIMETYPE


# -- HTML export (no kernel) --------------------------------------------------------------------


def test_export_html_loads_nothing_remote_even_with_widgets_and_math():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Coverage $x^2$ and\n```mermaid\ngraph TD; A-->B\n```"),
        nbformat.v4.new_code_cell("secret_source_code()", outputs=[
            nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noisy\n"),
            nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"}),
        ]),
    ])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                            "version_minor": 0}}
    page = export_html(nb, "title <b>", language="zh")
    assert not REMOTE_ASSET.search(page)
    assert "secret_source_code" not in page and "noisy" not in page
    assert "<title>title &lt;b&gt;</title>" in page and '<html lang="zh">' in page
    assert "overflow-x: auto" in page and "<table>" in page


def test_export_keeps_outputs_as_made_drops_widgets_and_marks_outputs_and_images():
    """What nbconvert's BeautifulSoup pass added is still there; nothing else is re-serialised."""
    made = '<div class="wb-card"><p data-x=\'a "b"\'>1 &lt; 2<br></p></div>'
    progress = {"application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2,
                                                             "version_minor": 0},
                "text/plain": "FloatProgress(value=0.0)"}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data=progress),
        nbformat.v4.new_output("display_data", data={"text/html": made}),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
    ])])
    page = export_html(nb, "t")
    assert made in page
    assert "FloatProgress" not in page and "widget-view" not in page
    assert page.count('tabindex="0"') == 2  # the HTML output and the image's
    assert '<img alt="No description has been provided for this image" src="data:image/png;base64,' in page


# -- one run, end to end ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    parameters = {"coverage_target": 0.9, "code": "007", "undeclared": 1}
    result = run_report(TINY, pack=PACK, scope="S01", parameters=parameters,
                        reports_dir=out / "reports", runs_dir=out / "runs")
    return result, out


@pytest.mark.slow
def test_run_leaves_html_json_and_notebook(ok_run):
    result, out = ok_run
    assert result.ok, result.error
    saved_under = nbformat.read(TINY, as_version=4).metadata.kernelspec.name  # a kernel this machine lacks
    assert saved_under not in KernelSpecManager().find_kernel_specs()
    assert result.json_path == out / "reports" / DATE / "tiny__S01.json"
    record = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert set(record) == JSON_KEYS
    assert record["status"] == "ok" and record["error"] is None
    assert (record["report"], record["date"], record["scope"]) == ("tiny", DATE, "S01")
    assert record["pack"]["name"] == "tiny test pack" and len(record["pack"]["fingerprint"]) >= 8
    assert record["figures"] == {"coverage_target": 0.9, "code": "007", "scope": "S01", "report_date": DATE}
    assert record["html"] == f"{DATE}/tiny__S01.html"
    assert (out / "reports" / record["notebook"]).resolve() == (out / "runs" / DATE / "tiny__S01.ipynb")
    assert result.html_path.is_file() and result.notebook_path.is_file()
    assert (out / "reports" / "index.html").is_file()
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".*.ipynb"))


@pytest.mark.slow
def test_undeclared_parameter_is_a_warning_and_not_passed(ok_run):
    result, _ = ok_run
    record = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert "undeclared" not in record["parameters"]
    assert record["parameters"] == {"coverage_target": 0.9, "code": "007", "scope": "S01",
                                    "report_date": DATE, "pack": str(PACK)}
    assert any("undeclared" in w for w in record["warnings"]) and "tiny warning" in record["warnings"]
    executed = nbformat.read(result.notebook_path, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "undeclared" not in injected[0].source and 'code = "007"' in injected[0].source


@pytest.mark.slow
def test_html_is_offline_and_shows_no_code(ok_run):
    page = ok_run[0].html_path.read_text(encoding="utf-8")
    assert not REMOTE_ASSET.search(page)
    assert "<title>tiny · S01 · 2022-10-09</title>" in page
    assert "target 90%, scope S01, code 007" in page
    for hidden in ("import sys", "warnings.warn", "publish(", "coverage_target = ", "stderr noise",
                   "belongs in the JSON", FIGURES_MIMETYPE, 'class="jp-InputPrompt',
                   'class="jp-OutputPrompt'):
        assert hidden not in page


@pytest.mark.slow
def test_failed_run_keeps_the_last_good_html(tmp_path):
    reports = tmp_path / "reports"
    good = reports / DATE / "tiny.html"
    good.parent.mkdir(parents=True)
    good.write_bytes(b"<html>the last good report</html>")
    result = run_report(FAILING, pack=PACK, name="tiny", reports_dir=reports, runs_dir=tmp_path / "runs")
    assert not result.ok and "ValueError" in result.error
    assert good.read_bytes() == b"<html>the last good report</html>"
    record = json.loads((reports / DATE / "tiny.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and "fails on purpose" in record["error"]
    assert record["html"] is None and record["figures"] == {}
    executed = nbformat.read(tmp_path / "runs" / DATE / "tiny.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in executed.cells for o in c.get("outputs", []))
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "上次成功的报告页" in index and 'class="badge failed"' in index  # the index is in zh by default


# -- index --------------------------------------------------------------------------------------


def _plant(reports: Path, stem: str, **record) -> None:
    path = reports / record["date"] / f"{stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), encoding="utf-8")


def test_index_lists_runs_newest_first_and_escapes_values(tmp_path):
    _plant(tmp_path, "a", report="a", date="2022-10-08", scope=None, status="ok",
           finished_at="2022-10-08T09:00:00+08:00", duration_s=1.0)
    _plant(tmp_path, "a__x", report="a", date="2022-10-09", scope="<b>x</b>", status="failed", duration_s=2.0,
           finished_at="2022-10-09T09:00:00+08:00", error="Boom <img src=x onerror=alert(1)>\nmore")
    _plant(tmp_path, "b", report="<script>alert(1)</script>", date="2022-10-09", scope=None, status="ok",
           finished_at="2022-10-09T09:30:00+08:00", duration_s=3.0)
    (tmp_path / "2022-10-09" / "a__x.html").write_text("earlier good run")
    runs = collect_runs(tmp_path)
    newest_first = ["2022-10-09/b.json", "2022-10-09/a__x.json", "2022-10-08/a.json"]
    assert [r["json_href"] for r in runs] == newest_first
    page = render_index(runs, lang="en")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page and "more" not in page
    assert 'href="2022-10-09/a__x.html">last good HTML' in page
    assert page.count('class="badge ok"') == 2 and page.count('class="badge failed"') == 1
    assert not REMOTE_ASSET.search(page) and 'id="f-report"' in page and 'id="f-date"' in page


# -- phone width, in a browser ------------------------------------------------------------------


def _wide_notebook() -> nbformat.NotebookNode:
    row = "".join(f"<td>社区{i:02d} 覆盖率 95.0%</td>" for i in range(30))
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="100">'
           '<rect width="2000" height="100"/></svg>')
    outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"<table><tr>{row}</tr></table>"}),
               nbformat.v4.new_output("display_data", data={"image/svg+xml": svg}),
               nbformat.v4.new_output("stream", name="stdout", text="x" * 400 + "\n")]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 很长的标题 " + "y" * 200),
                                           nbformat.v4.new_code_cell("pass", outputs=outputs)])


@pytest.mark.browser
def test_report_and_index_fit_a_phone_without_network(browser, tmp_path):
    report = tmp_path / "report.html"
    report.write_text(export_html(_wide_notebook(), "wide"), encoding="utf-8")
    _plant(tmp_path, "a", report="a" * 120, date="2022-10-09", scope=None, status="failed", error="e " * 300)
    index = tmp_path / "index.html"
    index.write_text(render_index(collect_runs(tmp_path)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 800})
    remote = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else (remote.append(route.request.url), route.abort()))
    for path in (report, index):
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path.name
    page.close()
    assert remote == []


def test_outputs_late_on_a_loaded_machine_are_waited_for_then_named_as_such(monkeypatch, tmp_path):
    from nbclient.exceptions import CellTimeoutError

    from workbench.runner import execute

    seen = {}

    def executing(*args, **kwargs):
        seen.update(kwargs)
        raise CellTimeoutError.error_from_timeout_and_cell("Timeout waiting for IOPub output", OUTPUT_WAIT,
                                                           nbformat.v4.new_code_cell("display(page)"))

    monkeypatch.setattr(execute.papermill, "execute_notebook", executing)
    with pytest.raises(ReportError) as raised:
        execute.execute_notebook(HERE / "tiny.ipynb", tmp_path / "tiny.ipynb", {}, timeout=900)
    assert seen["iopub_timeout"] == OUTPUT_WAIT == 60  # nbclient's 4 s failed reports run 37 at a time
    assert str(raised.value) == ("OutputTimeout: a cell finished but its outputs did not all arrive within "
                                 "60 s (is the machine overloaded? run fewer reports at a time, --jobs)")
    assert "display(page)" not in str(raised.value)
    other = CellTimeoutError("A cell timed out while it was being executed, after 4 seconds.")
    assert describe_failure(other).startswith("CellTimeoutError: A cell timed out")


def test_a_kernel_that_lost_its_port_to_another_run_is_started_again_and_said_so(monkeypatch, tmp_path,
                                                                                capsys):
    import zmq

    from workbench.runner import execute

    attempts = []

    def executing(*args, **kwargs):
        attempts.append(kwargs)
        if len(attempts) == 1:
            raise zmq.ZMQError(msg="Address already in use (addr='tcp://127.0.0.1:44403')")
        return nbformat.v4.new_notebook()

    monkeypatch.setattr(execute.papermill, "execute_notebook", executing)
    execute.execute_notebook(HERE / "tiny.ipynb", tmp_path / "tiny.ipynb", {}, keep=False)
    assert len(attempts) == 2
    said = capsys.readouterr().err
    assert said == ("workbench: the kernel of tiny did not start (ZMQError: Address already in use "
                    "(addr='tcp://127.0.0.1:44403'); runs started at the same moment can pick the same "
                    "port): starting another\n")


@pytest.mark.slow
def test_a_cell_that_hangs_times_out_and_keeps_its_notebook(tmp_path):
    result = run_report(HERE / "sleeping.ipynb", pack=PACK, cell_timeout=1,
                        reports_dir=tmp_path / "reports", runs_dir=tmp_path / "runs")
    assert not result.ok and result.error.startswith("CellTimeoutError: A cell timed out")
    assert "time.sleep" not in result.error and result.duration_s < 20
    executed = nbformat.read(result.notebook_path, as_version=4)
    assert executed.cells[0].source.startswith("**Run failed:** `CellTimeoutError")


@pytest.mark.slow
def test_a_report_that_overruns_its_time_is_stopped_and_keeps_its_notebook(tmp_path):
    # three cells of 2 s: none has a limit of its own, the whole run (5 s) is too long for them
    result = run_report(HERE / "slow_cells.ipynb", pack=PACK, timeout=5, parameters={"seconds": 2},
                        reports_dir=tmp_path / "reports", runs_dir=tmp_path / "runs")
    assert not result.ok and result.duration_s < 15
    stopped = re.fullmatch(r"ReportTimeout: the report ran longer than its 5 s limit and was stopped"
                           r"(?: in cell \[(\d)\])?", result.error)
    assert stopped, result.error
    record = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert record["status"] == "failed" and record["error"] == result.error and record["html"] is None
    executed = nbformat.read(result.notebook_path, as_version=4)
    assert executed.cells[0].source.startswith("**Run failed:** `ReportTimeout")
    if stopped.group(1):  # the kernel started within the 5 s: the cells after the stopped one never ran
        numbers = [cell.execution_count for cell in executed.cells if cell.cell_type == "code"]
        assert numbers[-1] is None or numbers[-1] == int(stopped.group(1))
