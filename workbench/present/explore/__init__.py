"""Metrics the explorer (:mod:`workbench.present.explore.widgets`) can show, in a small registry.

Add a metric by writing a function ``(context, selection) -> MetricView`` in a module of
this package, decorating it with :func:`register_metric`, and importing the module below.
"""

from workbench.present.explore import coverage  # noqa: F401  (registers coverage, gap, site_load)
from workbench.present.explore.registry import (
    METRICS,
    Context,
    Metric,
    MetricView,
    Selection,
    Threshold,
    available_metrics,
    compute_view,
    datasets_to_load,
    register_metric,
)

__all__ = ["METRICS", "Context", "Metric", "MetricView", "Selection", "Threshold", "available_metrics",
           "compute_view", "datasets_to_load", "register_metric"]
