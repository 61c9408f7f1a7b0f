"""``workbench explore``: the explorer served by Voilà, offline; and a clear exit without Voilà."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time

import pytest
import requests
from conftest import ROOT, chromium_path

from workbench import cli
from workbench.present.explore import webapp

START_TIMEOUT = 60
RENDER_TIMEOUT_MS = 180_000
LOCAL_HOSTS = ("http://127.0.0.1:", "ws://127.0.0.1:")
LOCAL_SCHEMES = ("data:", "about:", "blob:")


def test_without_voila_explore_exits_2_naming_the_extra(monkeypatch, capsys):
    real = webapp.importlib.util.find_spec
    monkeypatch.setattr(webapp.importlib.util, "find_spec",
                        lambda name, *a: None if name == "voila" else real(name, *a))
    assert cli.main(["explore", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "Voilà is not installed" in err and "'explore'" in err and "[explore]" in err
    assert "Traceback" not in err


def test_a_missing_pack_folder_is_a_clear_error(tmp_path, capsys):
    pytest.importorskip("voila")
    assert cli.main(["explore", "--pack", str(tmp_path / "nowhere"), "--port", "1"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_served_copy_sets_the_parameters_after_the_parameters_cell(tmp_path):
    source = ROOT / "notebooks" / "explore.ipynb"
    before = source.read_text("utf-8")
    copy = webapp.parameterised_notebook(tmp_path, str(tmp_path), "2022-10-08", "en", "workbench")
    assert source.read_text("utf-8") == before  # the committed notebook is untouched
    cells = json.loads(copy.read_text("utf-8"))["cells"]
    tags = [c["metadata"].get("tags", []) for c in cells]
    at = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert tags[at + 1] == ["injected-parameters"]
    namespace: dict = {}
    exec("".join(cells[at]["source"]) + "\n" + cells[at + 1]["source"], namespace)  # noqa: S102
    assert (namespace["pack"], namespace["report_date"], namespace["lang"]) == (str(tmp_path), "2022-10-08",
                                                                                 "en")


def test_the_offline_template_is_first_on_the_jupyter_path():
    env = webapp.voila_environment({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(webapp.JUPYTER_DATA), "/elsewhere"]
    template = webapp.JUPYTER_DATA / "voila" / "templates" / webapp.TEMPLATE
    assert json.loads((template / "conf.json").read_text("utf-8")) == {"base_template": "lab"}
    command = webapp.voila_command(ROOT / "x.ipynb", 8123)
    assert "--template=workbench" in command and "--Voila.ip=127.0.0.1" in command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def voila_app(tmp_path):
    """The explorer served by Voilà on a free loopback port: its base URL."""
    pytest.importorskip("voila")
    from workbench.runner.execute import ensure_kernel

    port = free_port()
    notebook = webapp.parameterised_notebook(tmp_path, None, None, "zh", ensure_kernel())
    env = webapp.voila_environment(dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime")))
    log = open(tmp_path / "voila.log", "wb")  # noqa: SIM115  (closed with the process)
    process = subprocess.Popen(webapp.voila_command(notebook, port), cwd=tmp_path, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    session = requests.Session()
    session.trust_env = False  # loopback only: never through a proxy
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"voila exited: {(tmp_path / 'voila.log').read_text(errors='replace')}")
            try:
                if session.head(f"{base}voila/static/voila.js", timeout=2).status_code < 500:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"voila did not answer: {(tmp_path / 'voila.log').read_text(errors='replace')}")
            time.sleep(0.3)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()


def dropdown(page, description: str):
    """The ``<select>`` of the explorer's shown dropdown described ``description``."""
    return page.get_by_label(description, exact=True).filter(visible=True)


def shown(page) -> tuple[str, str]:
    """The table's text and the map's page, as they are on the screen."""
    table = page.locator(".wb-table").last.inner_text()
    fmap = page.locator("iframe.wb-map").first.get_attribute("srcdoc")
    return table, fmap


def wait_for_change(page, before: tuple[str, str]) -> tuple[str, str]:
    page.wait_for_function(
        """([table, map]) => {
            const t = [...document.querySelectorAll('.wb-table')].pop();
            const m = document.querySelector('iframe.wb-map');
            return t && m && t.innerText !== table && m.getAttribute('srcdoc') !== map;
        }""", arg=list(before), timeout=RENDER_TIMEOUT_MS)
    return shown(page)


@pytest.mark.browser
@pytest.mark.slow
def test_the_voila_app_changes_domain_and_control_offline(voila_app, browser):
    if chromium_path() is None:
        pytest.skip("chromium is not installed")
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    external, local = [], []

    def route(r):
        url = r.request.url
        if url.startswith(LOCAL_HOSTS + LOCAL_SCHEMES):
            local.append(url)
            r.continue_()
        else:
            external.append(url)
            r.abort()

    page.route("**/*", route)
    sockets = []  # websockets bypass page.route: recorded, then checked to be local
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(voila_app, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector("iframe.wb-map", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(".wb-table", timeout=RENDER_TIMEOUT_MS)
    coverage = shown(page)
    assert "S01" in coverage[0]

    dropdown(page, "指标").select_option(label="卡口人车流量")  # the checkpoints domain
    flows = wait_for_change(page, coverage)
    assert "CP01" in flows[0] and "S01C001" not in flows[0]

    assert " / 7" in flows[0]  # days reported of the 7 days expected
    dropdown(page, "时间窗口").select_option(label="3 天")  # the checkpoints' own window control
    three_days = wait_for_change(page, flows)
    assert " / 3" in three_days[0] and " / 7" not in three_days[0]
    assert dropdown(page, "企业").count() == 0  # another domain's control stays hidden

    dropdown(page, "指标").select_option(label="重大项目前期手续进度")  # projects: tables alone, no map
    page.wait_for_function("""() => {
        const t = [...document.querySelectorAll('.wb-table')].pop();
        return t && t.innerText.includes('稀土新材料产业园二期');
    }""", timeout=RENDER_TIMEOUT_MS)
    assert page.locator(".wb-map-box").count() == 1 and not page.locator(".wb-map-box").is_visible()
    assert dropdown(page, "无进展天数（超过即停滞）").count() == 1  # its stall-days control

    external += [url for url in sockets if not url.startswith(LOCAL_HOSTS)]
    assert external == [], f"requests left the machine: {external[:5]}"
    assert sockets and local  # the kernel's websocket, and the page's own files, from 127.0.0.1
    page.close()
