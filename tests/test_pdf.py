"""PDF and PNG export with headless Chromium, of every page of the session's sample batch (zh and en):
no table loses a column (its last header is in the PDF's text), every map prints on one page with its
legend, whose swatches keep their colours (pixels of the rendered page), the briefs' long PNGs."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from workbench.present.i18n import label
from workbench.runner.pdf import PNG_SCALE


def in_chromium(test):
    """Marks of a test that runs reports and prints them in Chromium."""
    return pytest.mark.browser(pytest.mark.slow(test))


@pytest.fixture(scope="module")
def exported(sample_batch, tmp_path_factory):
    """Every page of the session's sample batch (each report, zh and en, and the data-quality pages)
    exported once: ``{page stem: Exported}``."""
    from workbench.runner.pdf import ChromiumMissing, export_pdfs, find_chromium

    try:
        find_chromium()
    except ChromiumMissing as exc:
        pytest.skip(str(exc))
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")
    reports, _, results = sample_batch
    pages = [r.html_path for r in results if r.ok] + sorted(reports.glob("*/data_quality*.html"))
    return {e.page.stem: e for e in export_pdfs(pages, tmp_path_factory.mktemp("pdf"))}


class TableHeaders(HTMLParser):
    """The header texts of every ``wb-table`` of a page."""

    def __init__(self):
        super().__init__()
        self.tables, self._in_th = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "wb-table" in (dict(attrs).get("class") or ""):
            self.tables.append([])
        elif tag == "th" and self.tables:
            self._in_th = True
            self.tables[-1].append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._in_th = False

    def handle_data(self, data):
        if self._in_th:
            self.tables[-1][-1] += data


def pdf_text(path: Path, page: int | None = None, raw: bool = False) -> str:
    """The PDF's text (of one page); ``raw``: in the order it is drawn, so that the lines of a heading
    wrapped in its cell follow each other (by default pdftotext reads across the columns)."""
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    return subprocess.run(["pdftotext", *pages, *(["-raw"] if raw else []), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_pixels(path: Path, page: int, tmp_path: Path) -> np.ndarray:
    """One PDF page rendered at 72 dpi: an (height, width, 3) array, read from pdftoppm's PPM."""
    stem = tmp_path / f"{path.stem}-page{page}"
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(stem)], check=True)
    data = stem.with_suffix(".ppm").read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and depth == b"255"
    return np.frombuffer(pixels, dtype=np.uint8).reshape(int(height), int(width), 3)


def count_colour(pixels: np.ndarray, hex_colour: str, tolerance: int = 12) -> int:
    """How many pixels are within ``tolerance`` of ``#rrggbb`` in each channel."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return int((np.abs(pixels.astype(np.int16) - rgb) <= tolerance).all(axis=2).sum())


def test_count_colour_counts_close_pixels_only():
    pixels = np.array([[[255, 0, 0], [250, 5, 3], [200, 0, 0]]], dtype=np.uint8)
    assert count_colour(pixels, "#ff0000") == 2


#: A legend's swatch: a small inline box whose background is the colour (maps/base.add_legend).
SWATCH = re.compile(r'<span style="display:inline-block;width:12px;height:12px;background:(#[0-9a-fA-F]{6});')


class MapFrames(HTMLParser):
    """The documents of a page's map frames (``<iframe class="wb-map" srcdoc>``), in order."""

    def __init__(self):
        super().__init__()
        self.frames = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "iframe" and "wb-map" in (attributes.get("class") or "") and attributes.get("srcdoc"):
            self.frames.append(attributes["srcdoc"])


def map_legends(html: str) -> list[list[str]]:
    """The swatch colours of each map's legend, in the page's order (one list per map frame)."""
    parser = MapFrames()
    parser.feed(html)
    return [SWATCH.findall(frame) for frame in parser.frames]


@in_chromium
def test_no_table_of_any_report_loses_a_column_on_paper(exported):
    cut = []
    for stem, done in exported.items():
        parser = TableHeaders()
        parser.feed(done.page.read_text("utf-8"))
        text = squeeze(pdf_text(done.pdf, raw=True))
        for number, headers in enumerate(parser.tables):
            if headers and squeeze(headers[-1]) not in text:
                cut.append(f"{stem}: table {number} ({headers[0]}) lost its last column {headers[-1]!r}")
        lang = "en" if stem.endswith("_en") else "zh"
        assert label("download_csv", lang) not in pdf_text(done.pdf), f"{stem}: a download link on paper"
    assert len(exported) >= 20
    assert cut == [], "\n".join(cut)


@in_chromium
def test_every_map_prints_on_one_page_with_its_legend_in_colour(exported, tmp_path):
    problems, maps = [], 0
    for stem, done in exported.items():
        legends = map_legends(done.page.read_text("utf-8"))
        if not legends:
            continue
        word = label("legend", "en" if stem.endswith("_en") else "zh")
        pages = [p for p in range(1, pdf_pages(done.pdf) + 1)
                 for _ in range(pdf_text(done.pdf, p).count(word))]
        if len(pages) != len(legends):
            problems.append(f"{stem}: {len(legends)} map(s) but {len(pages)} legend(s) on paper")
            continue
        for page, colours in zip(pages, legends, strict=True):
            maps += 1
            text = pdf_text(done.pdf, page)
            if text.count("Leaflet") < text.count(word):  # the map's bottom corner is on its legend's page
                problems.append(f"{stem}: a map and its legend are not on one page (page {page})")
            pixels = page_pixels(done.pdf, page, tmp_path)
            faint = [c for c in dict.fromkeys(colours) if count_colour(pixels, c) < 20]
            if faint:
                problems.append(f"{stem}: legend swatches without their colour on page {page}: {faint}")
    assert maps >= 8
    assert problems == [], "\n".join(problems)


@in_chromium
def test_the_brief_has_a_long_phone_wide_png_and_reports_none(exported):
    for stem in ("daily_brief", "daily_brief_en"):
        brief = exported[stem]
        assert brief.png is not None and brief.png.name == f"{stem}.png"
        data = brief.png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width == 390 * PNG_SCALE and height > 1500 * PNG_SCALE  # a phone's width, drawn at 2×
    assert exported["inspections_en"].png is None and exported["inspections_en"].pdf.stat().st_size > 10_000


def test_a_missing_chromium_is_a_clear_message_and_exit_2(tmp_path, monkeypatch, capsys):
    from workbench.cli import main

    page = tmp_path / "daily_brief.html"
    page.write_text("<html></html>", "utf-8")
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["pdf", str(page)]) == 2
    assert "chromium is not installed" in capsys.readouterr().err
    assert not (tmp_path / "daily_brief.pdf").exists()


def test_batch_pdf_exports_the_pages_of_the_runs_that_succeeded(monkeypatch, capsys, tmp_path):
    import workbench.runner.batch
    import workbench.runner.pdf
    from workbench.cli import main
    from workbench.runner.pdf import Exported
    from workbench.runner.report import RunResult

    brief, failed = tmp_path / "daily_brief.html", tmp_path / "inspections.html"
    results = [RunResult("daily_brief", "2022-10-09", "ok", None, 1.0, html_path=brief),
               RunResult("inspections", "2022-10-09", "failed", "boom", 1.0, html_path=failed)]
    asked = []

    def export(pages, out=None):
        asked.append((list(pages), out))
        return [Exported(brief, tmp_path / "daily_brief.pdf", tmp_path / "daily_brief.png")]

    monkeypatch.setattr(workbench.runner.batch, "run_batch", lambda *args, **kwargs: results)
    monkeypatch.setattr(workbench.runner.pdf, "export_pdfs", export)
    assert main(["batch", "parameters/daily.yaml", "--reports", str(tmp_path), "--pdf"]) == 1
    assert asked == [([brief], None)]  # a failed run's page (the last good one) is not exported
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [str(tmp_path / "daily_brief.pdf"), str(tmp_path / "daily_brief.png")]
    assert main(["batch", "parameters/daily.yaml", "--reports", str(tmp_path)]) == 1 and len(asked) == 1


def test_pdf_of_a_missing_page_names_it(tmp_path, capsys):
    from workbench.cli import main

    assert main(["pdf", str(tmp_path / "nowhere.html")]) == 2
    assert "nowhere.html: no such report page" in capsys.readouterr().err


def test_output_paths_beside_the_page_or_in_the_folder_asked(tmp_path):
    from workbench.runner.pdf import output_paths

    page = tmp_path / "2022-10-09" / "daily_brief_en.html"
    assert output_paths(page) == (page.with_suffix(".pdf"), page.with_suffix(".png"))
    out = tmp_path / "out"
    assert output_paths(tmp_path / "inspections.html", out) == (out / "inspections.pdf", None)


def test_a_machine_without_a_chinese_font_is_told_before_printing(monkeypatch):
    from workbench.runner import pdf

    def fc_list_says(families: str):
        monkeypatch.setattr(pdf.subprocess, "run",
                            lambda command, **_: subprocess.CompletedProcess(command, 0, families, ""))

    monkeypatch.setattr(pdf.shutil, "which", lambda name: f"/usr/bin/{name}")
    fc_list_says("")
    assert "empty boxes" in pdf.chinese_font_note() and "fonts-noto-cjk" in pdf.chinese_font_note()
    fc_list_says("WenQuanYi Zen Hei\n")
    assert pdf.chinese_font_note() is None
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)  # no fontconfig: nothing to say
    assert pdf.chinese_font_note() is None


class FoldedTexts(HTMLParser):
    """The texts inside the ``<details>`` of a page, beyond their ``<summary>`` (a map frame's
    ``srcdoc`` is an attribute: not read)."""

    def __init__(self):
        super().__init__()
        self.texts, self._open, self._skip = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self._open += 1
        elif tag in ("summary", "script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "details":
            self._open -= 1
        elif tag in ("summary", "script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._open and not self._skip and data.strip():
            self.texts.append(data.strip())


def folded_texts(page: Path) -> list[str]:
    parser = FoldedTexts()
    parser.feed(page.read_text("utf-8"))
    return parser.texts


def missing_on_paper(page: Path, pdf: Path) -> list[str]:
    """The texts folded in ``page``'s ``<details>`` that ``pdf`` does not hold."""
    text = squeeze(pdf_text(pdf, raw=True))
    return [t for t in folded_texts(page) if squeeze(t) not in text]


def test_folded_texts_are_those_inside_details_beyond_the_summary(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<p>out</p><details class="x"><summary>head</summary><ul><li>one</li></ul><script>'
                    'var a = 1;</script><details><summary>s</summary>two</details></details>', "utf-8")
    assert folded_texts(page) == ["one", "two"]


def test_the_brief_opens_every_fold_for_print_inline():
    from test_actions import price_alerts, since_for

    from workbench.present.views import brief as view

    html = view.alerts_digest(since_for({"prices": {"alerts": price_alerts()}})[1], "zh").data
    assert "<details><summary>" in html
    assert 'addEventListener("beforeprint"' in html and 'addEventListener("afterprint"' in html
    assert re.search(r"@media print \{ details::details-content \{[^}]*content-visibility: visible", html)
    assert "http" not in html.split("</style>", 1)[1].split("<div", 1)[0]  # the listener loads nothing
    assert "beforeprint" in view.alerts_digest(since_for({})[1], "zh").data  # no alert: other folds still


def test_the_command_line_prints_a_copy_with_every_details_open():
    from workbench.runner.pdf import open_details

    page = ('<details><summary>a</summary>x</details><details class="wb-more" open>y</details>'
            '<iframe srcdoc="&lt;details&gt;"></iframe><detailsx>')
    assert open_details(page) == ('<details open><summary>a</summary>x</details>'
                                  '<details class="wb-more" open>y</details>'
                                  '<iframe srcdoc="&lt;details&gt;"></iframe><detailsx>')


@in_chromium
def test_a_pdf_of_the_brief_holds_every_alert(exported):
    for stem in ("daily_brief", "daily_brief_en"):
        done = exported[stem]
        texts = folded_texts(done.page)
        assert len(texts) > 60, f"{stem}: {len(texts)} texts folded"  # 49 alerts, the parameters
        assert missing_on_paper(done.page, done.pdf) == [], stem
        word = label("brief_severity_high", "en" if stem.endswith("_en") else "zh")
        assert f"{word}(" in squeeze(pdf_text(done.pdf))


@in_chromium
def test_the_brief_printed_as_it_is_opens_its_folds_itself_and_the_command_line_opens_them(
        sample_batch, tmp_path, monkeypatch):
    """Printed without Playwright (the Chromium command line: no script of ours runs): the page's
    own beforeprint listener and print rule open the folds; and the writer prints them open."""
    from workbench.runner import pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    try:
        chromium = pdf.find_chromium()
    except pdf.ChromiumMissing as exc:
        pytest.skip(str(exc))
    reports, _, results = sample_batch
    brief = next(r.html_path for r in results if r.ok and r.html_path.name == "daily_brief.html")
    written = pdf._export_with_cli(chromium, brief, tmp_path / "opened.pdf", None)
    assert missing_on_paper(brief, written.pdf) == []
    monkeypatch.setattr(pdf, "open_details", lambda html: html)  # the page as it is
    written = pdf._export_with_cli(chromium, brief, tmp_path / "as_is.pdf", None)
    assert missing_on_paper(brief, written.pdf) == []
