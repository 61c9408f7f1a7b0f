"""The explorer notebook in a real JupyterLab server: every cell runs in the server's kernel.

A headless ``jupyter lab`` is started on a free loopback port with a random token; a session
is created through its REST API, and each code cell of ``notebooks/explore.ipynb`` is sent as
an ``execute_request`` over the kernel's websocket channel, as the JupyterLab frontend does.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

websocket = pytest.importorskip("websocket")  # websocket-client, a dependency of jupyter_server

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/explore.ipynb"
START_TIMEOUT = 60
CELL_TIMEOUT = 120
ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: Run after the notebook's cells: the explorer displayed in the real kernel updates in place.
CHECK = """
explorer.controls.street.value = "S01"
assert set(explorer.table.loc[explorer.table["level"] == "community", "parent_id"]) == {"S01"}
assert explorer.map_html.startswith("<iframe")
"""

#: Then another domain, its datasets loaded when chosen: its own control, and a place's history.
CHECK_INSPECTIONS = """
explorer.controls.metric.value = "insp_pass_rate"
week, week_map = explorer.table["visits"].sum(), explorer.map_html
explorer.controls.extra["insp_window"].value = 1
assert 0 < explorer.table["visits"].sum() < week and explorer.map_html != week_map
explorer.controls.feature.value = explorer.controls.feature.options[1][1]
assert explorer.history is not None and len(explorer.history.table) > 0
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_lab(port: int, token: str, home: Path) -> subprocess.Popen:
    """``jupyter lab`` from this venv, loopback only, its config and runtime files under ``home``."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
               "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={ROOT}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log = open(home / "lab.log", "wb")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_until_up(api: requests.Session, base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if api.get(f"{base}/api/status", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT} s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server we started (it shuts its kernels down); kill its process group if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGINT)  # the second one skips the "shut down? (y/n)" prompt
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def kernel_name(api: requests.Session, base: str) -> str:
    specs = api.get(f"{base}/api/kernelspecs", timeout=10).json()["kernelspecs"]
    return "workbench" if "workbench" in specs else "python3"


def execute(channel, session_id: str, code: str) -> list[dict]:
    """Send ``code`` to the kernel; return the iopub messages it caused, until it is idle again."""
    msg_id = uuid.uuid4().hex
    channel.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session_id,
                   "username": "test", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    replies, idle, reply = [], False, None
    deadline = time.monotonic() + CELL_TIMEOUT
    while not (idle and reply) and time.monotonic() < deadline:
        frame = channel.recv()
        if not isinstance(frame, str):
            continue  # binary frames carry widget buffers
        message = json.loads(frame)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if message["channel"] == "shell" and message["msg_type"] == "execute_reply":
            reply = message
        elif message["channel"] == "iopub":
            replies.append(message)
            idle = message["msg_type"] == "status" and message["content"]["execution_state"] == "idle"
    assert reply is not None and idle, f"no reply within {CELL_TIMEOUT} s to:\n{code}"
    errors = [m["content"] for m in replies if m["msg_type"] == "error"]
    if errors or reply["content"]["status"] != "ok":
        shown = "\n".join(ANSI.sub("", "\n".join(e["traceback"])) for e in errors) or reply["content"]
        pytest.fail(f"the cell failed:\n{code}\n{shown}")
    return replies


@pytest.mark.slow
def test_explore_notebook_runs_in_a_jupyterlab_server(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    api = requests.Session()
    api.headers["Authorization"] = f"token {token}"
    api.trust_env = False  # loopback only: never through a proxy
    process = start_lab(port, token, tmp_path)
    try:
        wait_until_up(api, base, process, tmp_path / "lab.log")
        session = api.post(f"{base}/api/sessions", timeout=30, json={
            "path": NOTEBOOK, "name": Path(NOTEBOOK).name, "type": "notebook",
            "kernel": {"name": kernel_name(api, base)}}).json()
        url = f"ws://127.0.0.1:{port}/api/kernels/{session['kernel']['id']}/channels"
        channel = websocket.create_connection(url, header=[f"Authorization: token {token}"],
                                              timeout=CELL_TIMEOUT)
        try:
            notebook = json.loads((ROOT / NOTEBOOK).read_text("utf-8"))
            outputs = []
            for cell in notebook["cells"]:
                if cell["cell_type"] == "code":
                    outputs += execute(channel, session["id"], "".join(cell["source"]))
            views = [m for m in outputs if m["msg_type"] in ("display_data", "execute_result")
                     and "application/vnd.jupyter.widget-view+json" in m["content"]["data"]]
            assert views, "the last cell displayed no widget"
            execute(channel, session["id"], CHECK)
            execute(channel, session["id"], CHECK_INSPECTIONS)
        finally:
            channel.close()
        api.delete(f"{base}/api/sessions/{session['id']}", timeout=30)
    finally:
        stop(process)
