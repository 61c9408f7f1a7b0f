"""``workbench explore``: the explorer notebook served as a web app by Voilà, offline.

Voilà (the optional extra ``explore``) runs ``notebooks/explore.ipynb`` in a kernel of its own
for each visitor and shows only its outputs: the explorer's controls, map, history and table,
no code. The notebook is copied to a temporary folder with its parameters set (the pack, the
date, the language), like papermill's injected-parameters cell, so the committed notebook is
never changed.

Offline: the pages come from this server alone. Voilà's default ``lab`` template links Font
Awesome from cdn.jsdelivr.net; the ``workbench`` template shipped beside this module
(``voila/templates/workbench``) is that template without those links, found by Voilà through
``JUPYTER_PATH``. The maps are the reports' own folium pages, Leaflet inlined.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.paths import NOTEBOOKS_DIR

#: Jupyter data folder holding ``voila/templates/workbench``.
JUPYTER_DATA = Path(__file__).resolve().parent
TEMPLATE = "workbench"
NOTEBOOK = NOTEBOOKS_DIR / "explore.ipynb"
DEFAULT_PORT = 8866
EXTRA = "explore"


def distribution_name() -> str:
    """The installed distribution that provides the ``workbench`` package (``.`` in a checkout)."""
    names = importlib.metadata.packages_distributions().get("workbench", [])
    return names[0] if names else "."


def require_voila() -> None:
    """Raise a clear :class:`WorkbenchError` naming the extra when Voilà is not installed."""
    if importlib.util.find_spec("voila") is None:
        raise WorkbenchError(f"Voilà is not installed; it comes with the optional extra {EXTRA!r}: "
                             f"pip install '{distribution_name()}[{EXTRA}]'")


def parameterised_notebook(folder: Path, pack: str | None, report_date: str | None, lang: str,
                           kernel: str, source: Path = NOTEBOOK) -> Path:
    """Copy ``source`` into ``folder`` with a cell setting its parameters after the parameters cell.

    Returns the copy's path. The kernelspec is set to ``kernel``.
    """
    notebook = json.loads(source.read_text("utf-8"))
    cells = notebook["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        raise WorkbenchError(f"{source} has no cell tagged 'parameters'")
    values = {"pack": None if pack is None else str(Path(pack).resolve()), "report_date": report_date,
              "lang": lang}
    code = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    cells.insert(tagged[0] + 1, {"cell_type": "code", "execution_count": None, "id": "injected-parameters",
                                 "metadata": {"tags": ["injected-parameters"]}, "outputs": [],
                                 "source": code})
    notebook["metadata"]["kernelspec"] = {"name": kernel, "display_name": f"Python ({kernel})",
                                          "language": "python"}
    target = folder / source.name
    target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), "utf-8")
    return target


def voila_command(notebook: Path, port: int) -> list[str]:
    """The Voilà command line: loopback only, no browser, the offline template, no tracebacks shown."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={int(port)}",
            "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--template={TEMPLATE}", "--theme=light",
            "--VoilaConfiguration.show_tracebacks=False"]


def voila_environment(base: dict | None = None) -> dict:
    """``base`` (default: this process's environment) with the template's folder first on JUPYTER_PATH."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(JUPYTER_DATA), env.get("JUPYTER_PATH", "")) if p)
    return env


def serve(pack: str | None = None, port: int = DEFAULT_PORT, report_date: str | None = None,
          lang: str = "zh", kernel: str = "workbench") -> int:
    """Serve the explorer with Voilà at ``http://127.0.0.1:PORT/`` until interrupted; Voilà's exit status.

    Raises
    ------
    WorkbenchError
        When Voilà is not installed (naming the extra), or the pack folder does not exist.
    """
    require_voila()
    if pack is not None and not Path(pack).is_dir():
        raise WorkbenchError(f"pack folder {pack} does not exist")
    with tempfile.TemporaryDirectory(prefix="workbench-explore-") as folder:
        notebook = parameterised_notebook(Path(folder), pack, report_date, lang, kernel)
        print(f"workbench explore: http://127.0.0.1:{int(port)}/ (Ctrl-C stops)", flush=True)
        process = subprocess.Popen(voila_command(notebook, port), cwd=folder, env=voila_environment())
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait(timeout=15)
            raise
