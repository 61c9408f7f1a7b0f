"""Metrics the explorer (:mod:`workbench.present.explore.widgets`) can show, in a small registry.

Add a metric by writing a function ``(context, selection) -> MetricView`` in a module of
this package, decorating it with :func:`register_metric`, and importing the module below.
"""

# Importing a domain's module registers its metrics; the order of these imports is the menu's.
# isort: off
from workbench.present.explore import coverage  # noqa: F401  (coverage, gap, site_load)
from workbench.present.explore import capacity  # noqa: F401  (tc_capacity)
from workbench.present.explore import inspections  # noqa: F401  (insp_pass_rate, insp_open)
from workbench.present.explore import enterprises  # noqa: F401  (ent_progress, ent_status)
from workbench.present.explore import requests  # noqa: F401  (rq_open, rq_by)
from workbench.present.explore import checkpoints  # noqa: F401  (cp_flows)
from workbench.present.explore import supply  # noqa: F401  (sp_served, sp_unserved, pr_vs_baseline)
from workbench.present.explore import field_checks  # noqa: F401  (fc_quarantine, fc_waste)
from workbench.present.explore import staffing  # noqa: F401  (st_units, st_kinds)
from workbench.present.explore import projects  # noqa: F401  (pj_progress, pj_late)
# isort: on
from workbench.present.explore.registry import (
           METRICS,
           Context,
           Control,
           History,
           Metric,
           MetricView,
           Selection,
           Threshold,
           available_metrics,
           compute_history,
           compute_view,
           datasets_to_load,
           register_metric,
)

__all__ = ["METRICS", "Context", "Control", "History", "Metric", "MetricView", "Selection", "Threshold",
           "available_metrics", "compute_history", "compute_view", "datasets_to_load", "register_metric"]
