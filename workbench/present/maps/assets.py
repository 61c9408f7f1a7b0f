"""Leaflet and MarkerCluster inlined from the ``xstatic`` packages, so a map draws with no network."""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources


@functools.cache
def _asset_text(package: str, filename: str) -> str:
    """Read a file shipped in an ``xstatic.pkg`` package's data folder."""
    return resources.files(f"xstatic.pkg.{package}").joinpath("data", filename).read_text("utf-8")


def _inline_css_images(css: str, package: str) -> str:
    """Replace ``url(images/x.png)`` in a stylesheet by data URIs, so no file is requested."""

    def to_data_uri(match: re.Match) -> str:
        path = resources.files(f"xstatic.pkg.{package}").joinpath("data", match.group(1))
        return f"url(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", to_data_uri, css)


@functools.cache
def inline_assets(cluster: bool = False) -> str:
    """The ``<style>`` and ``<script>`` elements a map needs, inlined from installed packages."""
    css = [_inline_css_images(_asset_text("leaflet", "leaflet.css"), "leaflet")]
    # the scale bar in metres only: miles are a word of neither language of the reports
    js = [_asset_text("leaflet", "leaflet.js") + "\nL.Control.Scale.prototype.options.imperial = false;"]
    if cluster:
        css += [_asset_text("leaflet_markercluster", f) for f in ("MarkerCluster.css",
                                                                  "MarkerCluster.Default.css")]
        js.append(_asset_text("leaflet_markercluster", "leaflet.markercluster.js"))
    js = [re.sub(r"//# sourceMappingURL=\S+", "", text) for text in js]
    return "".join(f"<style>{c}</style>" for c in css) + "".join(f"<script>{j}</script>" for j in js)
