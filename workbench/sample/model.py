"""The generated pack held in memory: every dataset, plus what its README tells about it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.sample import field_checks, mass_testing, operations, outbreak, sampling, supply
from workbench.sample.geography import Areas
from workbench.sample.settings import Scale


@dataclass
class SamplePack:
    """Every dataset of a generated pack, plus what the README tells about it."""

    scale: Scale
    seed: int
    areas: Areas
    situation: outbreak.Outbreak
    sites: mass_testing.Sites
    tables: dict[str, pd.DataFrame]
    records: sampling.Sampling
    sampling_table: pa.Table
    production: pa.Table
    inspection_story: operations.InspectionStory
    households: np.ndarray  # per community
    supply_story: supply.SupplyStory
    field_story: field_checks.FieldStory
    secret: int = 0  # key of the person keys (sampling.person_keys)
    copies: int = 1  # every resident copied this many times (workbench.sample.replicate)

    @property
    def sampling_rows(self) -> int:
        """Rows of the written sampling file (``sampling_table`` holds those of one copy)."""
        return self.sampling_table.num_rows * self.copies
