"""A batch's runs of one notebook reuse a kernel emptied between them; a failure never passes one on.

``kernel_probe.ipynb`` publishes the kernel's pid, its working directory and which names of an
earlier run it still sees, and fails or kills its kernel for the scope it is told to.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench.runner import warm_kernels
from workbench.runner.batch import run_batch

HERE = Path(__file__).resolve().parent / "notebooks"
PACK = HERE / "tiny_pack"
DATE = "2022-10-09"

pytestmark = pytest.mark.slow


def probe_batch(tmp_path: Path, *, fail_in: str = "", exit_in: str = "", jobs: int = 1, **options) -> dict:
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(f"""name: probe
reports:
  - notebook: {HERE / 'kernel_probe.ipynb'}
    parameters: {{fail_in: "{fail_in}", exit_in: "{exit_in}"}}
    scopes: [district, S01, S02, S03, S04]
  - notebook: {HERE / 'tiny.ipynb'}
""", encoding="utf-8")  # fmt: skip
    reports = tmp_path / "reports"
    results = run_batch(schedule, pack=PACK, jobs=jobs, reports_dir=reports, runs_dir=tmp_path / "runs",
                        progress=False, **options)  # fmt: skip
    out = {}
    for result in results:
        record = json.loads((reports / DATE / f"{result.stem}.json").read_text(encoding="utf-8"))
        out[result.stem] = (result.status, record["figures"])
    return out


def pids(runs: dict) -> list:
    return [figures.get("pid") for stem, (_, figures) in runs.items() if stem.startswith("kernel_probe")]


def test_the_runs_of_one_notebook_share_a_kernel_emptied_between_them(tmp_path):
    runs = probe_batch(tmp_path)
    assert all(status == "ok" for status, _ in runs.values())
    assert len(set(pids(runs))) == 1  # five runs, one kernel
    probes = [figures for stem, (_, figures) in runs.items() if stem.startswith("kernel_probe")]
    assert all(figures["left_over"] == [] for figures in probes)  # no name of the previous run
    folders = [figures["cwd"] for figures in probes]
    assert len(set(folders)) == 5 and not any(Path(folder).exists() for folder in folders)  # own, removed
    assert [figures["scope"] for figures in probes] == ["district", "S01", "S02", "S03", "S04"]
    # what survived the emptying is out of the garbage collector's way (gc.freeze) from the second run on
    assert probes[0]["frozen"] == 0 and all(figures["frozen"] > 10_000 for figures in probes[1:])
    assert runs["tiny"][0] == "ok"  # another notebook: a kernel of its own
    for stem in ("kernel_probe", "kernel_probe__S01", "kernel_probe__S04"):  # warnings shown every run
        notebook = (tmp_path / "runs" / DATE / f"{stem}.ipynb").read_text(encoding="utf-8")
        assert "probe warning" in notebook, stem


def test_a_failed_run_never_passes_its_kernel_on(tmp_path):
    runs = probe_batch(tmp_path, fail_in="S02", exit_in="S03")
    statuses = {stem: status for stem, (status, _) in runs.items()}
    assert statuses == {"kernel_probe": "ok", "kernel_probe__S01": "ok", "kernel_probe__S02": "failed",
                        "kernel_probe__S03": "failed", "kernel_probe__S04": "ok", "tiny": "ok"}  # fmt: skip
    district, s01, s04 = (runs[f"kernel_probe{s}"][1]["pid"] for s in ("", "__S01", "__S04"))
    assert district == s01 and s04 != s01  # S02 failed in the shared kernel, S03 killed a fresh one
    assert runs["kernel_probe__S04"][1]["left_over"] == []


def test_fresh_kernels_start_one_per_run(tmp_path):
    runs = probe_batch(tmp_path, fresh_kernels=True)
    assert all(status == "ok" for status, _ in runs.values())
    assert len(set(pids(runs))) == 5


def test_two_jobs_keep_at_most_two_idle_kernels_and_none_after_the_batch(tmp_path, monkeypatch):
    made = []
    real = warm_kernels.new_manager
    monkeypatch.setattr("workbench.runner.execute.new_manager",
                        lambda name: made.append(real(name)) or made[-1])  # fmt: skip
    runs = probe_batch(tmp_path, jobs=2)
    assert all(status == "ok" for status, _ in runs.values())
    assert len(set(pids(runs))) <= 2 + 1  # two workers; a start race may cost one more
    assert made and not any(manager.has_kernel and manager.is_alive() for manager in made)


def test_a_kernel_serves_a_bounded_number_of_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(warm_kernels, "MAX_RUNS", 2)
    runs = probe_batch(tmp_path)
    assert [len(set(pids(runs)[i:i + 2])) for i in (0, 2)] == [1, 1] and len(set(pids(runs))) == 3


def test_the_cli_offers_fresh_kernels():
    from workbench.cli import build_parser

    args = build_parser().parse_args(["batch", "parameters/daily.yaml", "--fresh-kernels"])
    assert args.fresh_kernels is True
    assert build_parser().parse_args(["batch", "parameters/daily.yaml"]).fresh_kernels is False


def test_no_kernel_is_left_running(tmp_path):
    probe_batch(tmp_path)
    mine = [line for line in os.popen("ps -o pid=,args= --ppid " + str(os.getpid())).read().splitlines()
            if "ipykernel" in line]  # fmt: skip
    assert mine == []


def test_a_prompt_client_is_ready_with_its_iopub_connected_on_a_fresh_and_a_warm_kernel():
    """Each new client of one kernel is ready only once IOPub carries its replies: the first output
    of a cell run right after ``wait_for_ready`` is never lost, nothing stale is left before it."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from workbench.runner.execute import ensure_kernel

    manager = warm_kernels.new_manager(ensure_kernel())
    manager.start_kernel()

    async def one_client(number: int) -> list[str]:
        client = manager.client()
        assert isinstance(client, warm_kernels.PromptKernelClient)
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            asked = client.execute(f"print('run {number}')")
            seen = []
            while True:
                message = await client.iopub_channel.get_msg(timeout=30)
                assert message["parent_header"].get("msg_id") == asked  # nothing left of the handshake
                if message["msg_type"] == "stream":
                    seen.append(message["content"]["text"])
                if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                    return seen
        finally:
            client.stop_channels()

    try:
        with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs in this thread
            for number in range(4):  # the first on a kernel just started, then on the same, warm one
                assert thread.submit(asyncio.run, one_client(number)).result() == [f"run {number}\n"]
    finally:
        warm_kernels.shut_down(manager)


def test_a_kernel_prepared_ahead_is_taken_once_by_its_notebook_with_its_imports_done(tmp_path):
    from workbench.runner.execute import KERNEL_ARGUMENTS, ensure_kernel

    kernels = warm_kernels.WarmKernels()
    source = HERE / "tiny.ipynb"
    for _ in range(2):  # asked twice, prepared once
        kernels.prepare(source, ensure_kernel(), KERNEL_ARGUMENTS)
    assert kernels.take(HERE / "kernel_probe.ipynb", str(tmp_path)) is None  # another notebook's
    manager = kernels.take(source, str(tmp_path))  # waits for the preparation
    try:
        assert manager is not None and manager.runs == 0
        assert kernels.take(source, str(tmp_path)) is None
        check = (f"import sys, os\nassert 'workbench.present.maps' in sys.modules\n"
                 f"assert os.getcwd() == {str(tmp_path)!r}")
        assert warm_kernels._run_quietly(manager, check, 30)
        assert not warm_kernels._run_quietly(manager, "assert False", 30)  # the check can fail
    finally:
        warm_kernels.shut_down(manager)
        kernels.close()
