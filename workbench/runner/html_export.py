"""Export an executed notebook as the shared, self-contained HTML report.

The page uses the ``workbench`` nbconvert template (``templates/workbench/``), which
extends JupyterLab's and loads nothing from the network: no require.js, widget manager,
MathJax or mermaid from a CDN. Code, prompts, the parameters cells, stderr (where
warnings go; they are in the run's JSON) and the runner's own outputs are left out.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from workbench.errors import ReportError

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "workbench"
#: Cells left out of the shared page: papermill's parameter cells, and cells tagged
#: ``notebook-only`` (how-to text for analysts working in JupyterLab).
HIDDEN_CELL_TAGS = frozenset({"parameters", "injected-parameters", "notebook-only"})
_EXPORTERS = threading.local()  # nbconvert exporters are not meant to be shared between threads


def strip_notebook(nb: nbformat.NotebookNode, drop_mimetypes: Iterable[str] = ()) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` holding only what a reader of the report should see.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook; it is not modified.
    drop_mimetypes : iterable of str
        Outputs carrying any of these MIME types are removed.

    Returns
    -------
    NotebookNode
        Without the ``parameters``/``injected-parameters`` cells, stderr streams, the
        dropped outputs, and code cells left with no output.
    """
    dropped = set(drop_mimetypes)
    stripped = copy.deepcopy(nb)
    cells = []
    for cell in stripped.cells:
        if HIDDEN_CELL_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs if _is_shown(out, dropped)]
            if not cell.outputs:
                continue
        cells.append(cell)
    stripped.cells = cells
    return stripped


def _is_shown(output: nbformat.NotebookNode, dropped: set[str]) -> bool:
    if output.output_type == "stream":
        return output.get("name") != "stderr"
    return not dropped & set(output.get("data", {}))


def build_exporter(language: str = "zh") -> HTMLExporter:
    """Return an HTML exporter with the offline ``workbench`` template and no code or prompts.

    One exporter per thread and language is kept: it compiles its templates on first use
    (about half the time of exporting a report), and runs of a batch share a thread each.
    """
    exporters = _EXPORTERS.__dict__.setdefault("by_language", {})
    if language not in exporters:
        exporters[language] = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code=language,
        )
    return exporters[language]


def export_html(
    nb: nbformat.NotebookNode, title: str, *, drop_mimetypes: Iterable[str] = (), language: str = "zh"
) -> str:
    """Render an executed notebook as the report page.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (not modified).
    title : str
        The page title (escaped by the template).
    drop_mimetypes : iterable of str
        MIME types of outputs meant for the runner, not the reader.
    language : str
        The page's ``lang`` attribute.

    Returns
    -------
    str
        A self-contained HTML document.

    Raises
    ------
    ReportError
        When nbconvert fails.
    """
    shown = strip_notebook(nb, drop_mimetypes)
    shown.metadata["title"] = title
    try:
        body, _ = build_exporter(language).from_notebook_node(shown)
    except Exception as exc:  # nbconvert raises many kinds; the run records the text
        raise ReportError(f"HTML export failed: {type(exc).__name__}: {exc}") from exc
    return body
