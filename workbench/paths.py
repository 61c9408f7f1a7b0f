"""Where the workbench's own folders are: notebooks, parameters, the sample pack, reports.

The one place that knows the layout of a checkout, so that no module counts ``parents[N]``
of its own file.
"""

from __future__ import annotations

from pathlib import Path

#: The folder holding ``notebooks/``, ``parameters/`` and ``data/``.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMETERS_DIR = PROJECT_ROOT / "parameters"
SAMPLE_PACK_DIR = PROJECT_ROOT / "data" / "sample"
REPORTS_DIR = PROJECT_ROOT / "reports"
