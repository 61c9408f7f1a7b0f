"""PDF and PNG export with headless Chromium: tables whole, legends in colour, the brief's long PNG."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from workbench.domains.bands import band_ranges
from workbench.present.i18n import label
from workbench.present.palette import STATUS_COLOURS


def in_chromium(test):
    """Marks of a test that runs reports and prints them in Chromium."""
    return pytest.mark.browser(pytest.mark.slow(test))


REPORTS = ("inspections", "testing_coverage", "daily_brief")  # English pages: no CJK font needed


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from workbench.runner.pdf import ChromiumMissing, export_pdfs, find_chromium
    from workbench.runner.report import run_report

    try:
        find_chromium()
    except ChromiumMissing as exc:
        pytest.skip(str(exc))
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")
    out = tmp_path_factory.mktemp("pdf")
    pages = []
    for report in REPORTS:
        result = run_report(report, parameters={"lang": "en"}, name=f"{report}_en",
                            reports_dir=out / "reports", runs_dir=out / "runs", index=False)
        assert result.ok, result.error
        pages.append(result.html_path)
    return {e.page.stem: e for e in export_pdfs(pages, out / "pdf")}


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


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_pixels(path: Path, page: int, tmp_path: Path) -> tuple[int, int, bytes]:
    """One PDF page rendered at 72 dpi: (width, height, RGB bytes), read from pdftoppm's PPM."""
    stem = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(stem)], check=True)
    data = stem.with_suffix(".ppm").read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and depth == b"255"
    return int(width), int(height), pixels


def count_colour(pixels: bytes, hex_colour: str, tolerance: int = 12) -> int:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    n = 0
    for i in range(0, len(pixels) - 2, 3):
        if abs(pixels[i] - r) <= tolerance and abs(pixels[i + 1] - g) <= tolerance \
                and abs(pixels[i + 2] - b) <= tolerance:
            n += 1
    return n


@in_chromium
@pytest.mark.parametrize("report", REPORTS)
def test_the_pdf_holds_every_column_header_of_the_widest_table(exported, report):
    done = exported[f"{report}_en"]
    parser = TableHeaders()
    parser.feed(done.page.read_text("utf-8"))
    widest = max(parser.tables, key=len)
    text = squeeze(pdf_text(done.pdf))
    missing = [header for header in widest if squeeze(header) not in text]
    assert missing == [], f"{report}: headers cut from the PDF: {missing}"
    assert label("download_csv", "en") not in pdf_text(done.pdf)  # no controls on paper


@in_chromium
def test_the_map_and_its_legend_print_on_one_page_in_colour(exported, tmp_path):
    done = exported["testing_coverage_en"]
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(done.pdf)], capture_output=True,
                                                             text=True, check=True).stdout).group(1))
    legend = label("legend", "en")
    on_page = [p for p in range(1, pages + 1) if legend in pdf_text(done.pdf, p)]
    assert on_page, "the map's legend is not in the PDF"
    page = on_page[0]
    assert "Leaflet" in pdf_text(done.pdf, page)  # the map's bottom corner is on the legend's page
    _, _, pixels = page_pixels(done.pdf, page, tmp_path)
    # every band of the coverage map has its swatch, drawn as a background (0.95 target, the sample's)
    for colour in {STATUS_COLOURS[band.tone] for band in band_ranges(0.95)}:
        assert count_colour(pixels, colour) >= 20, f"no {colour} on the map's page"


@in_chromium
def test_the_brief_has_a_long_phone_wide_png_and_reports_none(exported):
    brief = exported["daily_brief_en"]
    assert brief.png is not None and brief.png.name == "daily_brief_en.png"
    data = brief.png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 390 and height > 1500
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
