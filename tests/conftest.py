"""Shared fixtures: the sample pack, one sample batch per test session, a headless browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session", autouse=True)
def scan_memory(tmp_path_factory):
    """The person-level scans of this session remembered in its own folder, never in ``~/.cache``."""
    folder = tmp_path_factory.mktemp("scans")
    previous = os.environ.get("WORKBENCH_SCAN_CACHE")
    os.environ["WORKBENCH_SCAN_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("WORKBENCH_SCAN_CACHE", None)
    else:
        os.environ["WORKBENCH_SCAN_CACHE"] = previous


def chromium_path() -> str | None:
    """Debian's chromium (installed by .ci/run), or CHROMIUM if set."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright; skipped when no chromium is installed."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def sample_batch(tmp_path_factory):
    """The daily schedule run once on the sample pack: ``(reports_dir, runs_dir, results)``."""
    from workbench.runner.batch import run_batch

    out = tmp_path_factory.mktemp("sample_batch")
    reports, runs = out / "reports", out / "runs"
    results = run_batch(ROOT / "parameters" / "daily.yaml", jobs=2, reports_dir=reports,
                        runs_dir=runs, progress=False)
    return reports, runs, results


@pytest.fixture(scope="session")
def rendered_pages(browser, sample_batch, tmp_path_factory):
    """Every page of ``sample_batch`` opened once at 390 and at 1280 px, and what it showed
    (``test_browser.measure_pages``): the browser checks of several modules judge it."""
    from test_browser import measure_pages

    return measure_pages(browser, sample_batch[0], tmp_path_factory.mktemp("screens"))


@pytest.fixture(scope="session")
def sample_data():
    """Every dataset of the sample pack, loaded and validated once."""
    from workbench.intake.catalog import open_pack
    from workbench.intake.loading import load_datasets

    return load_datasets(open_pack(SAMPLE))


LOCK_HOLDER = """import sys
from workbench.runner.locking import hold_batch_lock
with hold_batch_lock(sys.argv[1], sys.argv[2]):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def lock_holder(tmp_path):
    """Another process holding the batch lock of ``tmp_path/reports`` for 2022-10-09 until its stdin ends."""
    process = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(tmp_path / "reports"), "2022-10-09"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    yield process
    process.kill()
    process.wait()
