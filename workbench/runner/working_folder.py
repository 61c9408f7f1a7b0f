"""``workbench init DIR``: a working folder for someone who installed the wheel.

The folder gets copies of the shipped notebooks and parameters (schedules, rule files) to edit,
an empty ``reports/``, a README saying what to do next, and the marker file that makes every
``workbench`` command run in it use its folders (``workbench.paths``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.paths import MARKER_FILE, Layout, shipped_layout

#: What is copied from the shipped folders: folder -> file pattern.
COPIED = {"notebooks": "*.ipynb", "parameters": "*.yaml"}

README = """\
# Workbench working folder

Made by `workbench init` (situation-workbench {version}) on {today}. Every `workbench` command
run in this folder, or below it, uses its notebooks and parameters (the file `{marker}` says so).

| folder | what |
|---|---|
| `notebooks/` | the report notebooks: {notebooks} |
| `parameters/` | schedules and rule files (YAML): {parameters} |
| `reports/` | the reports: `reports/index.html` lists every run, newest first |
| `runs/` | the executed notebooks (made by the first run) |

## What to do next

```sh
cd {folder}
workbench validate --pack /path/to/pack             # check your data pack (without --pack: the sample)
workbench batch parameters/daily.yaml               # every daily report on the embedded sample pack
workbench batch parameters/daily.yaml --pack /path/to/pack --date 2022-10-09
workbench run testing_coverage -p coverage_target 0.9
```

Then open `reports/index.html` in any browser, offline. `WORKBENCH_PACK=/path/to/pack` sets
the pack for every command; without it and without `--pack`, the embedded synthetic sample
pack is used. Edit the notebooks in JupyterLab (`jupyter lab notebooks/`) and the schedules
and rule files with any text editor.

Every morning from cron (the reports for today, on the department's pack):

```
30 8 * * *  cd {folder} && workbench batch parameters/daily.yaml --pack /data/today --date $(date +\\%F)
```
"""

MARKER = """\
# This folder is a workbench working folder, made by `workbench init`: commands run in it use
# its notebooks/, parameters/ and reports/. Delete this file to make it an ordinary folder.
workbench: {version}
"""


def lay_out_working_folder(target: str | os.PathLike, *, version: str,
                           shipped: Layout | None = None) -> list[Path]:
    """Make a working folder at ``target``: notebooks, parameters, an empty reports folder, a README.

    Parameters
    ----------
    target : path-like
        The folder to make; it must not exist, or be empty.
    version : str
        The workbench's version, written in the README and the marker file.
    shipped : Layout, optional
        Where the notebooks and parameters are copied from (default: the checkout, or the
        package data of an installed wheel).

    Returns
    -------
    list of Path
        The folders and files made: notebooks, parameters, reports, README and marker.

    Raises
    ------
    WorkbenchError
        When ``target`` is a file or a folder that is not empty, or the shipped folders are missing.
    """
    folder = Path(target).expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise WorkbenchError(f"{folder} already exists and is not an empty folder; give a new folder")
    shipped = shipped or shipped_layout()
    sources = {name: sorted((shipped.root / name).glob(pattern)) for name, pattern in COPIED.items()}
    if missing := [name for name, files in sources.items() if not files]:
        raise WorkbenchError(f"no {' or '.join(missing)} shipped in {shipped.root}: "
                             "is the workbench installed whole?")
    for name, files in sources.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        for file in files:
            shutil.copy2(file, folder / name / file.name)
    (folder / "reports").mkdir()
    readme = README.format(version=version, today=dt.date.today().isoformat(), marker=MARKER_FILE,
                           folder=folder.resolve(), notebooks=_names(sources["notebooks"]),
                           parameters=_names(sources["parameters"]))
    (folder / "README.md").write_text(readme, encoding="utf-8")
    (folder / MARKER_FILE).write_text(MARKER.format(version=version), encoding="utf-8")
    return [folder / "notebooks", folder / "parameters", folder / "reports", folder / "README.md",
            folder / MARKER_FILE]


def _names(files: list[Path]) -> str:
    return ", ".join(f"`{file.name}`" for file in files)
