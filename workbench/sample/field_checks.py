"""Home-quarantine checks per community and day, and medical-waste collection at testing sites.

Quarantine checks are counts per community (households under home quarantine checked, and
how many of them had the door seal, the door magnet, their test and the disinfection record
board); no person appears. Medical waste is collected every evening from each of the testing
sites that sampled that day, so closed and silent sites, and one site the van missed, show
no collection in the last 24 hours on the report date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.sample.geography import Areas
from workbench.sample.mass_testing import Sites
from workbench.sample.outbreak import Outbreak
from workbench.sample.sampling import Sampling
from workbench.sample.settings import REPORT_DATE, ZONE_DATES

# --- home quarantine -----------------------------------------------------------------------

#: Households under home quarantine per checked community and day, by zone.
QUARANTINED = {"sealed": (25, 45), "controlled": (8, 20), "prevention": (2, 8)}
PREVENTION_COMMUNITIES = 10  # communities with a few home-quarantined travellers
#: Item -> share of households compliant.
ITEM_SHARES = {"seal_ok": 0.995, "magnet_ok": 0.97, "tested": 0.99, "disinfection_record_ok": 0.96}
MAGNET_SHORT = (0.55, 0.65)  # one newly sealed community waits for door magnets


@dataclass
class FieldStory:
    """What was done on purpose to the field checks, for the README."""

    magnet_short: str = ""  # community id
    uncollected: list[str] = field(default_factory=list)  # site ids, no collection in the last 24 h
    missed: str = ""  # an open site the collection van skipped on the last evening


def quarantine_checks_table(areas: Areas, outbreak: Outbreak, rng: np.random.Generator
                            ) -> tuple[pd.DataFrame, str]:
    """Counts of the home-quarantine checks per community and reporting day, 4-9 October.

    Returns the table and the community whose door magnets fall short from its sealing day.
    """
    others = np.setdiff1d(np.arange(len(areas.community_ids)),
                          np.concatenate([outbreak.sealed, *outbreak.controlled]))
    travellers = np.sort(rng.choice(others, size=min(PREVENTION_COMMUNITIES, others.size), replace=False))
    short = int(outbreak.sealed[np.argmax(outbreak.sealed_from)])
    rows = []
    for day in ZONE_DATES:
        zone = {int(c): "prevention" for c in travellers}
        zone |= {int(c): "controlled" for c in outbreak.controlled_on(day)}
        zone |= {int(c): "sealed" for c in outbreak.sealed_on(day)}
        for community in sorted(zone):
            low, high = QUARANTINED[zone[community]]
            households = int(rng.integers(low, high + 1))
            counts = {item: int(rng.binomial(households, share)) for item, share in ITEM_SHARES.items()}
            if community == short and zone[community] == "sealed":
                counts["magnet_ok"] = int(round(households * rng.uniform(*MAGNET_SHORT)))
            rows.append({"date": str(day), "area_id": areas.community_ids[community],
                         "households": households, **counts})
    return pd.DataFrame(rows), areas.community_ids[short]


# --- medical waste -------------------------------------------------------------------------

WASTE_FROM = np.datetime64("2022-10-04")
EVENING = (20 * 60, 23 * 60 + 50)  # minutes after midnight of the evening collection
MIDDAY = (12 * 60, 14 * 60)  # a second collection at busy sites
BUSY_SAMPLES = 2_000
KG_PER_SAMPLE = (0.004, 0.006)
KG_PER_BAG = 5.0


def samples_per_site_day(records: Sampling, sites: Sites) -> pd.DataFrame:
    """Samples per site and calendar day (``site``: index into the site lists)."""
    days = records.sampled_at.astype("datetime64[D]")
    first = days.min()
    key = records.site.astype(np.int64) * 1000 + (days - first).astype(np.int64)
    values, counts = np.unique(key, return_counts=True)
    return pd.DataFrame({"site": values // 1000, "day": first + (values % 1000).astype("timedelta64[D]"),
                         "samples": counts})


def medical_waste_table(records: Sampling, sites: Sites, rng: np.random.Generator
                        ) -> tuple[pd.DataFrame, str]:
    """Collections of medical waste at the testing sites, from 4 October to the report date's eve.

    A site is collected in the evening of every day it sampled (busy sites at midday too);
    one open site is skipped on the last evening. Returns the table and that site's id.
    """
    load = samples_per_site_day(records, sites)
    load = load[(load["day"] >= WASTE_FROM) & (load["day"] < REPORT_DATE)].reset_index(drop=True)
    last_day = REPORT_DATE - 1
    open_last = np.sort(load.loc[load["day"] == last_day, "site"].unique())
    fixed = open_last[sites.kinds[open_last] == "fixed"]
    missed = int(rng.choice(fixed))
    rows = []
    for site, day, samples in load.itertuples(index=False):
        weight = 0.8 + samples * rng.uniform(*KG_PER_SAMPLE)
        times = [rng.integers(*EVENING)]
        if samples > BUSY_SAMPLES:
            times.insert(0, rng.integers(*MIDDAY))
        if site == missed and day == last_day:
            continue
        for i, minute in enumerate(times):
            part = weight / len(times) * (1 + (0.1 if i else -0.1) * (len(times) > 1))
            stamp = np.datetime64(day, "m") + np.timedelta64(int(minute), "m")
            rows.append((str(stamp).replace("T", " ") + ":00", sites.ids[site], round(part, 1),
                         max(1, int(np.ceil(part / KG_PER_BAG)))))
    table = pd.DataFrame(rows, columns=["collected_at", "site_id", "weight_kg", "bags"])
    return table.sort_values(["collected_at", "site_id"], kind="stable", ignore_index=True), sites.ids[missed]


def uncollected_sites(waste: pd.DataFrame, sites: Sites) -> list[str]:
    """Sites with no collection in the 24 hours before the report date's 08:00 cut-off."""
    cutoff = pd.Timestamp(str(REPORT_DATE)) + pd.Timedelta(hours=8)
    stamps = pd.to_datetime(waste["collected_at"])
    recent = set(waste.loc[(stamps > cutoff - pd.Timedelta(hours=24)) & (stamps <= cutoff), "site_id"])
    return [s for s in sites.ids if s not in recent]
