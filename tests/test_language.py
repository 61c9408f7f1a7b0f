"""One language a page: no English UI words in a zh page, no Chinese UI text in an en page.

Every page of the daily run on the sample (``sample_batch``: zh reports, their en versions, the
briefs, the data-quality pages and the index) is read as a reader sees it: the text of the page
and of its map frames, the titles and hints, the map tooltips and layer names (from the map's
script) — and, in the browser, the rendered text at 390 and 1280 px.

What may stay in the other language (the rule these tests hold):

- **code**: text inside ``<code>`` (dataset, column and file names; parameter names and values);
- **data**: values of the pack's text columns (names of areas, sites, places, teams, enterprises,
  products, findings, markets, categories ...) and the pack's name: 和平美居社区 keeps its name
  in an English page. Units are not data: the contract's units (万吨, 元, 万元, 亿元) and the
  price units (元/斤) are words of the page and are translated;
- **identifiers**: tokens holding a digit or an underscore (E01, T082, S01C002, DC20221005-056,
  WGS-84, 2022-10-09, coverage_target), file names (``short_R3.csv``, ``parameters/alerts.yaml``),
  the pack's hexadecimal fingerprint;
- in a zh page, the names and symbols Chinese pages use as they are (:data:`ZH_ALLOWED`: CSV,
  Excel, PDF, the time zone's abbreviation, Leaflet's attribution, SI unit symbols t, kg, km);
- in no page: Python's ``None``, ``nan``, ``NaN``, ``NaT``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from workbench.intake.contract import SCHEMAS

pytestmark = [pytest.mark.slow]

#: Words a zh page may show in Latin letters.
ZH_ALLOWED = frozenset({
    "CSV", "Excel", "XLSX", "PDF", "PNG", "JSON", "HTML",   # file formats, named as such in Chinese
    "CST", "UTC", "GMT",                                     # time-zone abbreviations
    "Leaflet", "OpenStreetMap", "OSM",                       # the map library's attribution
    "t", "kg", "km", "m",                                    # SI unit symbols (the contract's t)
    "GCJ", "WGS", "BD", "EPSG",                              # datums
})
#: What leaks from Python into a page, whatever its language.
PYTHON_WORDS = re.compile(r"(?<![A-Za-z])(None|nan|NaN|NaT|null|undefined)(?![A-Za-z])")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
#: A run of Latin letters, digits and joiners: one token of a zh page.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-/]*")
FILE_NAME = re.compile(r"\.(csv|xlsx|yaml|yml|json|html|png|pdf|geojson|ipynb)$", re.I)
HEX = re.compile(r"^[0-9a-f]{8,}$")
#: Tooltip and label texts inside a map's script (JSON strings), and its layer names.
SCRIPT_TEXTS = (re.compile(r'"(?:t|html|tooltip)": ("(?:[^"\\]|\\.)*")'),
                re.compile(r'("(?:[^"\\]|\\.)*") : data_layer_'))
SKIPPED = {"script", "style", "noscript", "template"}
EMPTY = {"br", "img", "meta", "link", "input", "hr", "col", "wbr", "source", "area", "base"}


@dataclass(frozen=True)
class Chunk:
    """One piece of visible text; ``code`` when inside ``<code>``."""

    text: str
    code: bool = False


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes (not scripts or styles), titles, hints, alt texts; map frames."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.chunks: list[Chunk] = []
        self.frames: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "iframe" and attributes.get("srcdoc"):
            self.frames.append(attributes["srcdoc"])
        for name in ("title", "aria-label", "alt", "placeholder", "data-hint"):
            if attributes.get(name):
                self.chunks.append(Chunk(attributes[name], "code" in self.open))
        if tag not in EMPTY:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data):
        if "script" in self.open:
            self.scripts.append(data)
        elif data.strip() and not SKIPPED & set(self.open):
            self.chunks.append(Chunk(data, "code" in self.open))


def visible_text(html: str) -> list[Chunk]:
    """Every chunk of visible text of a page, its map frames and their tooltips and layer names."""
    parser = VisibleText()
    parser.feed(html)
    chunks = list(parser.chunks)
    for frame in parser.frames:
        chunks += visible_text(frame)
    for script in parser.scripts:
        for pattern in SCRIPT_TEXTS:
            for quoted in pattern.findall(script):
                chunks += visible_text(json.loads(quoted))
    return chunks


def page_language(html: str) -> str:
    match = re.search(r"""<html[^>]*\blang=["']([^"']+)""", html[:2000])
    return "en" if match and match.group(1).startswith("en") else "zh"


def data_values(data, pack_name: str) -> list[str]:
    """The pack's own text (its text columns, not units), longest first: shown as it is in any page."""
    values = {pack_name}
    for dataset, frame in data.items():
        schema = SCHEMAS.get(dataset)
        if schema is None:
            continue
        for column, spec in schema.columns.items():
            if spec.metadata["kind"] == "text" and column != "unit" and column in frame.columns:
                values |= {str(v).strip() for v in frame[column].dropna().unique() if str(v).strip()}
    return sorted(values, key=len, reverse=True)


def without_data(text: str, values: list[str]) -> str:
    """``text`` with every value of the pack cut out."""
    for value in values:
        if value in text:
            text = text.replace(value, " ")
    return text


def zh_leaks(chunks: list[Chunk], values: list[str]) -> list[tuple[str, str]]:
    """(word, context) of every English word of a zh page (see the module's rule)."""
    leaks = []
    for chunk in chunks:
        if chunk.code:
            continue
        for token in TOKEN.findall(without_data(chunk.text, values)):
            word = token.strip("./-")
            if (not word or any(c.isdigit() for c in word) or "_" in word or FILE_NAME.search(word)
                    or HEX.match(word) or word in ZH_ALLOWED):
                continue
            leaks.append((word, chunk.text.strip()[:100]))
    return leaks


def en_leaks(chunks: list[Chunk], values: list[str]) -> list[tuple[str, str]]:
    """(Chinese text, context) of every Chinese UI text of an en page (see the module's rule)."""
    leaks = []
    for chunk in chunks:
        if chunk.code:
            continue
        rest = without_data(chunk.text, values)
        if found := "".join(CJK.findall(rest)):
            leaks.append((found, chunk.text.strip()[:100]))
    return leaks


def python_leaks(chunks: list[Chunk]) -> list[tuple[str, str]]:
    return [(m.group(1), c.text.strip()[:100]) for c in chunks if not c.code
            for m in PYTHON_WORDS.finditer(c.text)]


def page_leaks(html: str, values: list[str]) -> list[tuple[str, str]]:
    """Every text of the other language in one page, and what leaked from Python."""
    chunks = visible_text(html)
    other = en_leaks(chunks, values) if page_language(html) == "en" else zh_leaks(chunks, values)
    return list(dict.fromkeys(other + python_leaks(chunks)))


def rendered_leaks(text: str, lang: str, values: list[str]) -> list[tuple[str, str]]:
    """The leaks of a page's rendered text (``innerText``: no code marks; codes pass as identifiers)."""
    chunks = [Chunk(line) for line in text.splitlines() if line.strip()]
    other = en_leaks(chunks, values) if lang == "en" else zh_leaks(chunks, values)
    return list(dict.fromkeys(other + python_leaks(chunks)))


@pytest.fixture(scope="module")
def pack_values(sample_data):
    from conftest import SAMPLE

    from workbench.intake.catalog import open_pack

    return data_values(sample_data, open_pack(SAMPLE).name)


# ---------------------------------------------------------------- the rule itself, on small pieces


def test_the_rule_lets_codes_data_and_identifiers_pass_and_catches_ui_words():
    import pandas as pd

    values = data_values({"areas": pd.DataFrame({"name": ["和平美居社区"]})}, "稀土 (synthetic)")
    zh = ('<html lang="zh-CN"><body><p>和平美居社区 (S01C002) 覆盖率 86.2%，目标 95%，'
          "下载 CSV (short_R3.csv)</p>"
          "<p>参数 <code>window_days</code> 取值 <code>none</code>；数据包 稀土 (synthetic)</p>"
          "<p>10-08 08:00 至 10-09 08:00 (CST) · 5,995 / 8,000 t · cdbd283447f95116</p></body></html>")
    assert page_leaks(zh, values) == []
    assert [w for w, _ in page_leaks(zh.replace("目标", "target"), values)] == ["target"]
    assert [w for w, _ in page_leaks(zh.replace("24", "24 h").replace("覆盖率", "Coverage"), values)] \
        == ["Coverage"]
    en = ('<html lang="en"><body><p>和平美居社区 (S01C002): coverage 86.2%</p>'
          '<span title="覆盖率">x</span><p><code>采样记录.csv</code></p></body></html>')
    assert [w for w, _ in page_leaks(en, values)] == ["覆盖率"]
    assert [w for w, _ in page_leaks(en.replace("覆盖率", "Coverage") + "<p>5 万元</p>", values)] == ["万元"]
    assert [w for w, _ in page_leaks("<html lang='en'><p>value None</p></html>", values)] == ["None"]
    assert [w for w, _ in page_leaks("<html lang='zh'><p>值 nan</p></html>", values)] == ["nan"]
    tooltip = ('<iframe srcdoc="&lt;script&gt;var d = {&quot;t&quot;: &quot;\\u003cb\\u003eX\\u003c/b\\u003e'
               ' \\u8986\\u76d6&quot;}&lt;/script&gt;"></iframe>')
    assert [w for w, _ in page_leaks(f'<html lang="en"><body>{tooltip}</body></html>', values)] == ["覆盖"]


# ---------------------------------------------------------------- every page of the daily run


def batch_pages(reports: Path) -> list[Path]:
    return sorted(reports.rglob("*.html"))


def test_the_daily_run_writes_every_report_in_english_too(sample_batch):
    reports, _, results = sample_batch
    stems = {r.stem for r in results if r.ok}
    district = {s for s in stems if "__" not in s and not s.endswith("_en")}
    assert {f"{s}_en" for s in district} <= stems, "a report of the district without its English page"
    day = next(reports.glob("2*"))
    assert (day / "data_quality_en.html").is_file()
    english_brief = (day / "daily_brief_en.html").read_text("utf-8")
    for stem in district - {"daily_brief"}:
        assert f'href="{stem}_en.html' in english_brief, f"the en brief does not link {stem}_en.html"
    assert "(in Chinese)" not in english_brief


def test_no_page_of_the_daily_run_holds_text_of_the_other_language(sample_batch, pack_values):
    reports, _, _ = sample_batch
    pages = batch_pages(reports)
    languages = {page_language(p.read_text("utf-8")) for p in pages}
    assert languages == {"zh", "en"} and len(pages) >= 20
    found = []
    for path in pages:
        html = path.read_text("utf-8")
        found += [(path.name, word, context) for word, context in page_leaks(html, pack_values)]
    assert found == [], f"{len(found)} leak(s), e.g.:\n" + "\n".join(map(str, found[:40]))


def test_the_index_in_the_language_asked(sample_batch, tmp_path, pack_values):
    from workbench.runner.report import update_index

    reports, _, _ = sample_batch
    index = (reports / "index.html").read_text("utf-8")
    assert page_language(index) == "zh"
    copy = tmp_path / "reports"
    import shutil

    shutil.copytree(reports, copy)
    english = update_index(copy, lang="en").read_text("utf-8")
    assert page_language(english) == "en" and page_leaks(english, pack_values) == []
    assert "data_quality_en.html" in english
    assert page_language(update_index(copy).read_text("utf-8")) == "en"  # the index keeps its language


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_rendered_text_of_every_page_is_in_its_language(rendered_pages, pack_values, width):
    found = []
    for name, seen in rendered_pages[width].items():
        found += [(name, w, c) for w, c in rendered_leaks(seen["text"], seen["lang"], pack_values)]
    assert found == [], f"{len(found)} leak(s) at {width} px, e.g.:\n" + "\n".join(map(str, found[:40]))


def test_page_titles_name_the_report_and_the_street_in_the_pages_language(sample_batch, sample_data):
    reports, _, _ = sample_batch
    day = next(reports.glob("2*"))
    areas = sample_data["areas"]
    street = areas.loc[areas["area_id"] == "S01", "name"].iloc[0]
    def title(name):
        return re.search(r"<title>([^<]*)</title>", (day / name).read_text("utf-8")).group(1)
    assert title("testing_coverage__S01.html") == f"核酸检测覆盖率 · {street} · {day.name}"
    assert title("testing_coverage.html") == f"核酸检测覆盖率 · 全区 · {day.name}"
    assert title("daily_brief_en.html") == f"Daily situation brief · District · {day.name}"
    assert title("inspections_en.html") == f"Supervision inspections · District · {day.name}"


def test_batch_takes_the_index_language_and_the_reports_to_run_from_the_command_line(monkeypatch, tmp_path):
    import workbench.runner.batch
    from workbench.cli import main

    asked = []
    monkeypatch.setattr(workbench.runner.batch, "run_batch", lambda *a, **k: asked.append(k) or [])
    assert main(["batch", "parameters/daily.yaml", "--lang", "en", "--only", "daily_brief",
                 "--reports", str(tmp_path)]) == 0
    assert main(["batch", "parameters/daily.yaml", "--reports", str(tmp_path)]) == 0
    assert [(k["lang"], list(k["only"])) for k in asked] == [("en", ["daily_brief"]), (None, [])]
    assert main(["batch", "parameters/daily.yaml", "--lang", "fr"]) == 2


def test_units_of_the_data_in_english():
    from workbench.present.i18n import unit_text

    assert [unit_text(u, "en") for u in ("万吨", "t", "元", "万元", "亿元", "元/斤", "元/500g", None)] == \
        ["×10⁴ t", "t", "yuan", "×10⁴ yuan", "×10⁸ yuan", "yuan/jin", "yuan/500g", None]
    assert unit_text("元/斤", "zh") == "元/斤"


@pytest.mark.parametrize(("english", "chinese"), [
    ("a whole number", "整数"),
    ("a whole number (below 10^12)", "整数（小于 10^12）"),
    ("a date and time such as 2022-10-09 08:00 (the row was set aside; the report uses the others)",
     "日期和时间，如 2022-10-09 08:00（该行已剔除，报告使用其余各行）"),
    ("an id listed in testing_sites.site_id (sites.csv)", "testing_sites.site_id 中已有的编码（sites.csv）"),
    ("one of: fixed, mobile", "以下之一：fixed, mobile"),
    ("a column 'area_id' (renamed from '社区编码' in catalog.yaml)",
     "列 area_id（在 catalog.yaml 中由 '社区编码' 改名）"),
    ("... and 1,204 more rows", "……另有 1,204 行"),
    ("3 total/subtotal row(s) set aside (line 7, 9, 12)", "剔除合计/小计行 3 行（第 7, 9, 12 行）"),
    ("12 rows without area_id placed by their site's coordinates", "12 行无 area_id，已按采样点坐标落入区域"),
    ("a latitude in China between 18 and 54", "中国境内的纬度，18 至 54"),
])
def test_intakes_words_in_chinese(english, chinese):
    from workbench.present.problem_wording import problem_text

    assert problem_text(english, "zh") == chinese
    assert problem_text(english, "en") == english


def test_the_data_quality_page_words_intakes_problems_in_chinese_and_names_as_code(tmp_path, pack_values):
    from test_data_quality import tiny_pack

    from workbench.intake.catalog import open_pack
    from workbench.runner.batch import write_data_quality

    pack = open_pack(tiny_pack(tmp_path / "pack"))
    page = write_data_quality(pack, "2022-10-09", tmp_path / "reports", english=True)
    html = page.read_text("utf-8")
    assert 'lang="en"' not in html.split("<body>", 1)[1]  # no problem left in English
    assert "<code>testing_sites.site_id</code> 中已有的编码" in html
    assert page_leaks(html, pack_values + ["测试数据包"]) == []
    english = (page.parent / "data_quality_en.html").read_text("utf-8")
    names = ["测试数据包", "二号点", "三号卡口"]  # the late units are named: data, shown as given
    assert page_language(english) == "en" and page_leaks(english, pack_values + names) == []
