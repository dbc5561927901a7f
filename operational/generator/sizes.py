"""The sizes of synthetic district, and the random streams that fill them.

Every stage draws from its own stream, keyed by the seed, the stage's name and
(where a stage runs per school or per year) those numbers too, so one
school's attendance does not depend on how many schools came before it.
"""

import zlib
from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class SizeName(StrEnum):
    tiny = "tiny"
    small = "small"
    district = "district"
    large = "large"


@dataclass(frozen=True)
class DistrictSize:
    """How many schools of each level, students and school years."""

    name: str
    n_elementary: int
    n_middle: int
    n_high: int
    n_students: int
    n_years: int
    purpose: str

    @property
    def n_schools(self) -> int:
        return self.n_elementary + self.n_middle + self.n_high


SIZES = {
    SizeName.tiny: DistrictSize("tiny", 0, 0, 1, 200, 1, "tests"),
    SizeName.small: DistrictSize("small", 3, 1, 1, 3_000, 3, "the demo"),
    SizeName.district: DistrictSize("district", 40, 12, 8, 50_000, 1, "benchmarks"),
    SizeName.large: DistrictSize("large", 160, 48, 32, 200_000, 1, "scale tests"),
}

# Grades each level teaches: K-5, 6-8, 9-12 (0 is kindergarten).
GRADE_SPANS = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12)}

# Ninth grade is the largest high-school class (retention and the transition
# from middle school); cohorts thin out towards twelfth grade.
GRADE_WEIGHTS = {9: 1.10, 10: 1.0, 11: 0.96, 12: 0.94}


def stream(seed: int, stage: str, *keys: int) -> np.random.Generator:
    """The random stream of one stage (and school, year...) of one seed."""
    return np.random.default_rng([seed, zlib.crc32(stage.encode()), *keys])
