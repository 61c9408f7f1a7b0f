"""PDF and PNG copies of the reports, for chat groups: headless Chromium, offline.

``export_pdfs(pages)`` writes ``NAME.pdf`` of each report page and, for a brief
(``daily_brief*.html``), a long phone-width ``NAME.png``. It drives Debian's ``chromium``
(``/usr/bin/chromium``; ``$CHROMIUM`` names another) through Playwright when it is installed
(the ``test`` extra), which lets it wait for the maps to be drawn, open the folded rows and
hide the map controls first; without Playwright it calls the Chromium command line
(``--print-to-pdf``, ``--screenshot``) and prints a copy of the page whose ``<details>`` are
written open (:func:`open_details`). Every ``<details>`` is open on paper either way, whether
or not the page's own ``beforeprint`` listener runs in headless printing: a folded list (the
brief's alerts) would otherwise print as its heading only. Every request that is not to a
local file is refused: the pages are self-contained. Files are written to a temporary name
and renamed into place.

The page's print stylesheet (``templates/workbench``) does the rest: colours kept, no download
links, maps and cards never split, tables wrapped (and wide ones on a landscape page).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError

#: Where Debian puts its chromium; ``$CHROMIUM`` wins, then these, then the PATH.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic")
#: Pages that also get a long PNG (the brief, shared as an image), and its pixels per CSS pixel.
PNG_PREFIX = "daily_brief"
PNG_SCALE = 2
#: Width (CSS px) the PDF's page is laid out at before printing: an A4 page's printable width,
#: so the maps fit themselves to it; and the PNG's width (a phone).
PRINT_WIDTH, PHONE_WIDTH = 760, 390
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
#: Map controls a printed page has no use for (inside the maps' frames).
PRINT_FRAME_CSS = """
* { -webkit-print-color-adjust: exact !important; print-color-adjust: exact !important; }
.leaflet-control-zoom, .leaflet-control-layers-toggle, .leaflet-bar a { display: none !important; }
"""
MAP_READY = """() => {
    const key = Object.keys(window).find(k => k.startsWith('map_'));
    return Boolean(key && window[key].getZoom && window[key].getZoom() >= 1 && window[key].getSize().x > 0);
}"""
PAGE_TIMEOUT_MS = 30_000
#: Every <details> of a page, open on paper (run before printing; the page's beforeprint listener
#: does the same in a browser).
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
#: A <details> start tag of the page itself (those in a map frame's srcdoc are escaped: not matched).
DETAILS_TAG = re.compile(r"<details(?=[\s>])([^>]*)>", re.IGNORECASE)


class ChromiumMissing(WorkbenchError):
    """No chromium to print with: the message says how to install one."""


@dataclass(frozen=True)
class Exported:
    """What was written for one report page."""

    page: Path
    pdf: Path
    png: Path | None


def find_chromium() -> str:
    """The chromium executable: ``$CHROMIUM``, Debian's ``/usr/bin/chromium``, or one on the PATH.

    Raises
    ------
    ChromiumMissing
        When there is none.
    """
    named = os.environ.get("CHROMIUM")
    candidates = [named] if named else [*CHROMIUM_CANDIDATES, shutil.which("chromium"),
                                        shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise ChromiumMissing("chromium is not installed: PDF and PNG export needs Debian's chromium "
                          "(apt-get install chromium) or CHROMIUM=/path/to/chromium")


def chinese_font_note() -> str | None:
    """A note when fontconfig knows no Chinese font: Chromium then prints Chinese as empty boxes.

    A server or container often has none (Debian's chromium brings Latin fonts only); None when
    one is installed, or when there is no ``fc-list`` to ask (not a fontconfig system).
    """
    if shutil.which("fc-list") is None:
        return None
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                               timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if found:
        return None
    return ("no Chinese font is installed: the PDF and PNG copies show Chinese text as empty boxes "
            "(Debian: apt-get install fonts-noto-cjk, or fonts-wqy-zenhei)")


def output_paths(page: Path, out_dir: Path | None = None) -> tuple[Path, Path | None]:
    """Where a page's PDF (and, for a brief, its PNG) go: beside it, or in ``out_dir``."""
    folder = page.parent if out_dir is None else out_dir
    png = folder / f"{page.stem}.png" if page.stem.startswith(PNG_PREFIX) else None
    return folder / f"{page.stem}.pdf", png


def export_pdfs(pages: Iterable[str | os.PathLike], out_dir: str | os.PathLike | None = None
                ) -> list[Exported]:
    """Write a PDF of each report page, and a long PNG of each brief.

    Parameters
    ----------
    pages : iterable of path
        Report pages (``reports/D/NAME.html``); each must exist.
    out_dir : path, optional
        Folder for the files (created); default: beside each page.

    Returns
    -------
    list of Exported

    Raises
    ------
    ChromiumMissing
        When no chromium is installed.
    WorkbenchError
        When a page is missing or Chromium fails on it (naming the page).
    """
    paths = [Path(page).resolve() for page in pages]  # a file URI needs an absolute path
    for path in paths:
        if not path.is_file():
            raise WorkbenchError(f"{path}: no such report page")
    chromium = find_chromium()
    target = None if out_dir is None else Path(out_dir)
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return [_export_with_cli(chromium, path, *output_paths(path, target)) for path in paths]
    # Playwright's sync API refuses a thread with a running event loop (a notebook's, or another
    # Playwright session's): it gets a thread of its own
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_export_with_playwright, chromium, paths, target).result()


# ---------------------------------------------------------------- Playwright


def _export_with_playwright(chromium: str, paths: Sequence[Path], target: Path | None) -> list[Exported]:
    from playwright.sync_api import sync_playwright

    done = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS[1:]))
        try:
            for path in paths:
                pdf, png = output_paths(path, target)
                try:
                    if png is not None:
                        _write_atomic(png, lambda tmp, p=path: _screenshot(browser, p, tmp))
                    _write_atomic(pdf, lambda tmp, p=path: _print(browser, p, tmp))
                except Exception as exc:  # playwright's errors are many; the page is named
                    raise WorkbenchError(f"{path}: PDF export failed: {type(exc).__name__}: {exc}") from exc
                done.append(Exported(path, pdf, png))
        finally:
            browser.close()
    return done


def _open(browser, path: Path, width: int, scale: float = 1):
    page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=scale)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL_SCHEMES)
               else route.abort())
    page.goto(path.as_uri(), timeout=PAGE_TIMEOUT_MS)
    page.wait_for_load_state("load")
    for frame in page.frames[1:]:
        try:
            frame.wait_for_function(MAP_READY, timeout=10_000)
        except Exception:  # a frame that is not a map, or one that never fits: print it as it is
            continue
    return page


def _screenshot(browser, path: Path, out: Path) -> None:
    """The long image of a brief: every folded list open (an image cannot be tapped), at 2× for
    phones' screens."""
    page = _open(browser, path, PHONE_WIDTH, scale=PNG_SCALE)
    try:
        page.evaluate(OPEN_DETAILS)
        page.wait_for_timeout(200)
        page.screenshot(path=str(out), full_page=True, type="png")
    finally:
        page.close()


def _print(browser, path: Path, out: Path) -> None:
    page = _open(browser, path, PRINT_WIDTH)
    try:
        for frame in page.frames[1:]:
            frame.add_style_tag(content=PRINT_FRAME_CSS)
        page.evaluate(OPEN_DETAILS)
        page.emulate_media(media="print")
        page.wait_for_timeout(200)
        page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.close()


# ---------------------------------------------------------------- the command line


def open_details(html: str) -> str:
    """``html`` with each of its ``<details>`` open: what the command line prints (it runs no script)."""
    return DETAILS_TAG.sub(lambda m: m.group(0) if re.search(r"\sopen\b", m.group(1), re.I)
                           else f"<details{m.group(1)} open>", html)


def _export_with_cli(chromium: str, path: Path, pdf: Path, png: Path | None) -> Exported:
    with tempfile.TemporaryDirectory(prefix="workbench-chromium-") as profile, \
            tempfile.TemporaryDirectory(prefix="workbench-print-") as copies:
        base = [chromium, *CHROMIUM_ARGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000"]
        # the page is self-contained and its links' targets do not matter on paper: a copy prints alike
        opened = Path(copies) / path.name
        opened.write_text(open_details(path.read_text("utf-8")), "utf-8")
        _write_atomic(pdf, lambda tmp: _run(base + [f"--print-to-pdf={tmp}", opened.as_uri()], path))
        if png is not None:
            _write_atomic(png, lambda tmp: _run(base + [f"--window-size={PHONE_WIDTH},6000",
                                                        f"--force-device-scale-factor={PNG_SCALE}",
                                                        f"--screenshot={tmp}", opened.as_uri()], path))
    return Exported(path, pdf, png)


def _run(command: list[str], path: Path) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired as exc:
        raise WorkbenchError(f"{path}: chromium did not finish in 120 s") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise WorkbenchError(f"{path}: chromium failed ({done.returncode}): {last}")


def _write_atomic(final: Path, write) -> None:
    """``write(tmp)`` to a temporary name beside ``final``, then rename it into place."""
    tmp = final.with_name(f".{final.name}.tmp{final.suffix}")
    try:
        write(tmp)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise WorkbenchError(f"{final}: nothing was written")
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
