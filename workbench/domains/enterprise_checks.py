"""The "eight in place" checks (八个到位) of key enterprises: the latest check of each, its failures.

The latest check of an enterprise is its last row of ``enterprise_checks`` dated on or before D.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.intake.vocabulary import EIGHT_IN_PLACE

#: The "eight in place" items: the boolean columns of ``enterprise_checks`` in contract order.
CHECK_ITEMS = EIGHT_IN_PLACE


def latest_checks(checks: pd.DataFrame | None, enterprises: pd.DataFrame, as_of) -> pd.DataFrame:
    """The last "eight in place" check of each enterprise dated on or before ``as_of``.

    Parameters
    ----------
    checks : DataFrame or None
        ``date``, ``enterprise_id`` and the boolean columns :data:`CHECK_ITEMS` (nullable);
        None when the pack has no ``enterprise_checks`` (every enterprise is then unchecked).
    enterprises : DataFrame
        ``enterprise_id``, ``name``, ``closed_loop`` (and ``closed_loop_since`` if present).

    Returns
    -------
    DataFrame
        One row per enterprise, in its order: ``enterprise_id``, ``name``, ``closed_loop``,
        ``closed_loop_since`` (text, may be empty), ``check_date`` (NaT when never checked),
        the eight items (nullable booleans), ``items_ok`` (items true), ``items_known``
        (items not missing), ``failed_items`` (list of item names that are false),
        ``all_ok`` (True / False; NA when never checked or an item is missing).
    """
    base = enterprises[["enterprise_id", "name", "closed_loop"]].copy()
    since = enterprises["closed_loop_since"] if "closed_loop_since" in enterprises else pd.Series(
        "", index=enterprises.index)
    base["closed_loop_since"] = since.fillna("").astype(str).to_numpy()
    if checks is None or checks.empty:
        latest = pd.DataFrame(columns=["enterprise_id", "check_date", *CHECK_ITEMS])
    else:
        upto = checks[checks["date"] <= pd.Timestamp(as_of)]
        latest = (upto.sort_values(["enterprise_id", "date"], kind="stable")
                  .drop_duplicates("enterprise_id", keep="last")
                  .rename(columns={"date": "check_date"})[["enterprise_id", "check_date", *CHECK_ITEMS]])
    out = base.merge(latest, on="enterprise_id", how="left")
    out["check_date"] = pd.to_datetime(out["check_date"]).astype("datetime64[ns]")
    items = out[list(CHECK_ITEMS)].astype("boolean")
    out[list(CHECK_ITEMS)] = items
    out["items_ok"] = items.fillna(False).sum(axis=1).astype("int64")
    out["items_known"] = items.notna().sum(axis=1).astype("int64")
    out["failed_items"] = [[item for item in CHECK_ITEMS if row[item] is False]
                           for row in items.astype(object).where(items.notna(), None).to_dict("records")]
    all_ok = pd.array([pd.NA] * len(out), dtype="boolean")
    known = (out["items_known"] == len(CHECK_ITEMS)).to_numpy()
    all_ok[known] = (out.loc[known, "items_ok"] == len(CHECK_ITEMS)).to_numpy()
    has_failure = np.array([bool(f) for f in out["failed_items"]], dtype=bool)
    all_ok[has_failure] = False
    out["all_ok"] = all_ok
    return out


