"""Export an executed notebook as the shared, self-contained HTML report.

The page uses the ``workbench`` nbconvert template (``templates/workbench/``), which
extends JupyterLab's and loads nothing from the network: no require.js, widget manager,
MathJax or mermaid from a CDN. Code, prompts, the parameters cells, stderr (where
warnings go; they are in the run's JSON) and the runner's own outputs are left out.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from workbench.errors import ReportError

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "workbench"
#: Cells left out of the shared page: papermill's parameter cells, and cells tagged
#: ``notebook-only`` (how-to text for analysts working in JupyterLab).
HIDDEN_CELL_TAGS = frozenset({"parameters", "injected-parameters", "notebook-only"})
#: A widget's output: the page has no widget manager to draw it (DuckDB shows its progress bar
#: as one when a query runs for more than two seconds in a kernel).
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"
_EXPORTERS = threading.local()  # nbconvert exporters are not meant to be shared between threads
#: The template's own markup, which :class:`ReportExporter` completes (see there).
_OUTPUT_DIV = re.compile(r'<div (?=(?:id="[^"]*" )?class="(?:[\w-]+ )*jp-OutputArea-output\b)')
_IMAGE_WITHOUT_ALT = re.compile(r'<img src="data:image/')


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
        Without the ``parameters``/``injected-parameters`` cells, stderr streams, widgets
        (``WIDGET_MIMETYPE``), the dropped outputs, and code cells left with no output.
    """
    dropped = set(drop_mimetypes) | {WIDGET_MIMETYPE}
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


class ReportExporter(HTMLExporter):
    """JupyterLab's HTML exporter without its BeautifulSoup pass over the page.

    After rendering, ``HTMLExporter.from_notebook_node`` parses and re-serialises the whole
    page with BeautifulSoup only to give every output ``tabindex="0"`` and every image
    without one an ``alt``: about a third of the batch process's CPU time, since a page with
    maps holds megabytes. Here the template's own output and image tags get the same two
    attributes by one substitution each; outputs' HTML is left exactly as the notebook made it.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = _OUTPUT_DIV.sub('<div tabindex="0" ', html)
        html = _IMAGE_WITHOUT_ALT.sub('<img alt="No description has been provided for this image" '
                                      'src="data:image/', html)
        return html, resources


def build_exporter(language: str = "zh") -> HTMLExporter:
    """Return an HTML exporter with the offline ``workbench`` template and no code or prompts.

    One exporter per thread and language is kept: it compiles its templates on first use
    (about half the time of exporting a report), and runs of a batch share a thread each.
    """
    exporters = _EXPORTERS.__dict__.setdefault("by_language", {})
    if language not in exporters:
        exporters[language] = ReportExporter(
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
