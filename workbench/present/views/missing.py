"""What a report section says when the pack lacks the optional dataset it is computed from."""

from __future__ import annotations

from IPython.display import HTML

from workbench.present.i18n import label
from workbench.present.safe_html import escape


def missing_note(dataset: str, lang: str = "zh") -> HTML:
    """A note in place of a section's figures: the pack has no ``dataset``."""
    return HTML(f'<p class="wb-note">{escape(label("followup_missing", lang, dataset=dataset))}</p>')
