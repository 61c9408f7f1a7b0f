"""The kernel class of unattended report runs: IPython's kernel without the debugger.

An IPython kernel imports ``debugpy`` (its debugger, for JupyterLab's debug panel) at start:
a third of what the kernel itself imports, ≈ 0.1 s of CPU per report (``bench/batch.py``
prints the kernel's CPU). A report run by papermill is never debugged, so the runner starts its
kernels with ``--IPKernelApp.kernel_class=workbench.runner.kernel.UnattendedKernel``
(:data:`workbench.runner.execute.KERNEL_ARGUMENTS`). Importing this module marks ``debugpy``
as absent, which ipykernel reads as "no debugger" (its own ``ImportError`` branch); an
interactive ``workbench`` kernel (JupyterLab) keeps the debugger. Nothing of the workbench is
imported here: the kernel loads this module before the report's first cell.
"""

from __future__ import annotations

import sys

if "debugpy" not in sys.modules:
    sys.modules["debugpy"] = None  # "import debugpy" now raises ImportError: no debugger

from ipykernel.ipkernel import IPythonKernel  # noqa: E402  (after debugpy is marked absent)


class UnattendedKernel(IPythonKernel):
    """IPython's kernel, started without the debugger (see the module docstring)."""
