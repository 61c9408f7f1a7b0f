"""Kernels kept warm between the runs of one notebook in a batch (the street fan-out).

A city's batch runs ``testing_coverage`` once for the district and once per street (30 runs
of one notebook, and again in English). Each run in a fresh kernel pays the kernel's start and
the imports of pandas, geopandas, DuckDB, folium and the workbench again: about 0.9 CPU
seconds, more than a street's own figures cost (``bench/batch.py``). So a batch keeps each
kernel that finished a run well, and the next run of **the same notebook** takes it, after
the kernel's namespace is emptied (``%reset -f``: every name the previous run defined is gone,
the modules it imported stay), the registry of warnings already shown cleared (each run's
notebook shows its warnings) and its working directory moved to the run's own fresh folder.
What survives the emptying (modules, their caches) is then frozen out of the cyclic garbage
collector (``gc.freeze``): the next emptying, whose ``%reset`` collects twice, and the
collections during the next run traverse only that run's objects, not every module's (a full
collection of a report kernel's heap takes ≈ 0.15 s; two of them were a street report's
largest fixed cost). A cycle among frozen objects that later becomes garbage stays until the
kernel ends, at most :data:`MAX_RUNS` runs later.

What stays a fresh kernel:

- a run of another notebook (the idle kernel is shut down when it is not needed);
- every run after a failure of any kind (an error in a cell, a time-out, a kernel that died):
  that kernel is shut down, never reused;
- after :data:`MAX_RUNS` runs of one kernel (what a notebook leaves in memory does not add up);
- ``workbench batch --fresh-kernels`` (or ``run_batch(fresh_kernels=True)``) and ``workbench
  run``, which always start one kernel per report.

The kernels are jupyter_client's synchronous managers (their process is a plain ``Popen``, so
any worker thread may take one) handing nbclient asynchronous clients, as it expects.
"""

from __future__ import annotations

import math
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

from jupyter_client import KernelManager
from jupyter_client.asynchronous import AsyncKernelClient

#: Runs one kernel serves at most before it is shut down and a new one started.
MAX_RUNS = 40
RESET_TIMEOUT = 30
#: What a kernel prepared ahead of a notebook's first run imports: what every report imports, most
#: of a report's fixed cost (pandas, pandera, geopandas, DuckDB, folium; ``bench/imports.py``).
WARM_UP = """\
import workbench.intake.needs, workbench.intake.catalog, workbench.present.display, workbench.present.maps
"""
PREPARE_TIMEOUT = 120
#: Seconds a client waits for IOPub to show the kernel idle before it asks again (see PromptKernelClient).
IOPUB_POLL = 0.02
_RESET_CODE = """\
import os as _os, sys as _sys
_os.chdir({folder!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
for _module in list(_sys.modules.values()):  # a warning shown once per place shows again
    if isinstance(getattr(_module, "__warningregistry__", None), dict):
        _module.__warningregistry__.clear()
%reset -f
__import__("gc").freeze()
"""


@dataclass
class _Kept:
    source: str
    manager: ReusableKernelManager


class WarmKernels:
    """Idle kernels of a batch by the notebook they last ran; at most ``idle_limit`` of them kept.

    :meth:`prepare` also starts, ahead of time, the kernel of a notebook's first run (beside the
    run before it, on a CPU the batch leaves free), its heavy imports done.
    """

    def __init__(self, idle_limit: int = 1):
        self.idle_limit = max(1, idle_limit)
        self._idle: list[_Kept] = []
        self._ready: dict[str, ReusableKernelManager] = {}
        self._preparing: dict[str, threading.Thread] = {}
        self._closed = False
        self._lock = threading.Lock()

    def take(self, source: Path, folder: str):
        """A live kernel that last ran ``source``, or one prepared for it, emptied and moved to
        ``folder``; None if there is none (a kernel still being prepared for it is waited for)."""
        self._wait_for(str(source))
        with self._lock:
            kept = next((k for k in self._idle if k.source == str(source)), None)
            if kept is not None:
                self._idle.remove(kept)
            manager = kept.manager if kept is not None else self._ready.pop(str(source), None)
        if manager is None:
            return None
        if not _alive(manager) or not _reset(manager, folder):
            shut_down(manager)
            return None
        return manager

    def prepare(self, source: Path, kernel_name: str, arguments: list[str]) -> None:
        """Start a kernel for the next run of ``source`` in the background, with :data:`WARM_UP`
        imported, unless one is kept or being prepared for it already. A kernel that fails to
        start or to import is shut down: the run then starts its own, as without this."""
        key = str(source)
        with self._lock:
            if (self._closed or key in self._ready or key in self._preparing
                    or any(k.source == key for k in self._idle)):
                return
            thread = threading.Thread(target=self._start, args=(key, kernel_name, arguments),
                                      name="workbench-kernel-prepare", daemon=True)
            self._preparing[key] = thread
        thread.start()

    def _start(self, key: str, kernel_name: str, arguments: list[str]) -> None:
        manager = new_manager(kernel_name)
        try:
            manager.start_kernel(extra_arguments=arguments)
            ready = _run_quietly(manager, WARM_UP, PREPARE_TIMEOUT)
        except Exception:
            ready = False
        with self._lock:
            del self._preparing[key]
            kept = ready and not self._closed
            if kept:
                self._ready[key] = manager
        if not kept:
            shut_down(manager)

    def _wait_for(self, key: str) -> None:
        with self._lock:
            thread = self._preparing.get(key)
        if thread is not None:
            thread.join(PREPARE_TIMEOUT)

    def keep(self, source: Path, manager) -> None:
        """Keep ``manager`` (which just ran ``source`` well) for the next run of ``source``."""
        manager.runs += 1
        if manager.runs >= MAX_RUNS or not _alive(manager):
            shut_down(manager)
            return
        with self._lock:
            self._idle.append(_Kept(str(source), manager))
            surplus = self._idle[: max(0, len(self._idle) - self.idle_limit)]
            del self._idle[: len(surplus)]
        for old in surplus:  # the longest idle first: another notebook's, most likely
            shut_down(old.manager)

    def discard(self, manager) -> None:
        """Shut down ``manager`` after a run that failed: it is never reused."""
        shut_down(manager)

    def close(self) -> None:
        """Shut down every idle or prepared kernel (the end of the batch, or Ctrl-C)."""
        with self._lock:
            self._closed = True
            idle, self._idle = [k.manager for k in self._idle], []
            idle += self._ready.values()
            self._ready = {}
            preparing = list(self._preparing.values())
        for manager in idle:
            shut_down(manager)
        for thread in preparing:  # it shuts its kernel down itself, the batch being closed
            thread.join(PREPARE_TIMEOUT)

    def __enter__(self) -> WarmKernels:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PromptKernelClient(AsyncKernelClient):
    """nbclient's asynchronous client, ready as soon as its kernel is.

    jupyter_client's ``wait_for_ready`` ends by flushing IOPub until 0.2 s pass without a
    message, and waits 0.2 s more whenever the subscription missed the first reply's status:
    0.2–0.4 s of every run spent idle (a tenth of a street report's wall time). Here the
    client asks for ``kernel_info`` until IOPub shows the kernel idle after one of its own
    requests (the subscription is then connected, and nothing of that request is left to
    flush), polling every :data:`IOPUB_POLL` seconds.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            asked = self.kernel_info()
            reply = await self._reply_to(asked, min(1.0, max(deadline - time.monotonic(), 0.01)))
            if reply is not None and await self._idle_after(asked):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _reply_to(self, asked: str, within: float):
        try:
            reply = await self._async_recv_reply(asked, timeout=within)
        except TimeoutError:
            return None
        return reply if reply["msg_type"] == "kernel_info_reply" else None

    async def _idle_after(self, asked: str) -> bool:
        """Whether IOPub shows the kernel idle after request ``asked`` within :data:`IOPUB_POLL` s."""
        end = time.monotonic() + IOPUB_POLL
        while (left := end - time.monotonic()) > 0:
            try:
                message = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if (message["parent_header"].get("msg_id") == asked and message["msg_type"] == "status"
                    and message["content"].get("execution_state") == "idle"):
                return True
        return False


class ReusableKernelManager(KernelManager):
    """A synchronous kernel manager handing nbclient asynchronous clients, and remembering them.

    nbclient leaves the channels of its client open on a kernel it was given (it does not own
    it); :meth:`stop_clients` closes them once the run is over.
    """

    def __init__(self, **kwargs):
        super().__init__(client_class="workbench.runner.warm_kernels.PromptKernelClient", **kwargs)
        self.clients: list = []
        self.runs = 0  # runs finished well; at MAX_RUNS the kernel is shut down

    def client(self, **kwargs):
        made = super().client(**kwargs)
        self.clients.append(made)
        return made

    def stop_clients(self) -> None:
        for made in self.clients:
            with suppress(Exception):
                made.stop_channels()
        self.clients.clear()


def new_manager(kernel_name: str) -> ReusableKernelManager:
    """A kernel manager for ``kernel_name``, not started (nbclient starts it for the first run)."""
    return ReusableKernelManager(kernel_name=kernel_name)


def shut_down(manager) -> None:
    """Stop a kernel now; one already gone is no error."""
    with suppress(Exception):
        manager.stop_clients()
    with suppress(Exception):
        manager.shutdown_kernel(now=True)
    with suppress(Exception):
        manager.cleanup_resources()


def _alive(manager) -> bool:
    try:
        return bool(manager.has_kernel and manager.is_alive())
    except Exception:
        return False


def _reset(manager, folder: str) -> bool:
    """Empty the kernel's namespace and move it to ``folder``; whether it answered well in time."""
    return _run_quietly(manager, _RESET_CODE.format(folder=folder), RESET_TIMEOUT)


def _run_quietly(manager, code: str, timeout: float) -> bool:
    """Run ``code`` silently in the kernel; whether it answered ``ok`` within ``timeout`` seconds.

    Over the shell channel alone: its replies are queued for the client (no wait for the IOPub
    subscription to connect). The kernel must be started; a first request waits for it to answer.
    """
    client = manager.blocking_client()
    try:
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        sent = client.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            reply = client.get_shell_msg(timeout=left)
            if reply.get("parent_header", {}).get("msg_id") == sent:
                return reply.get("content", {}).get("status") == "ok"
        return False
    except Exception:  # no reply in time (queue.Empty), a closed socket: a fresh kernel instead
        return False
    finally:
        with suppress(Exception):
            client.stop_channels()
