"""Scoring parameters a clinic may change, and who the respondent is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sex = Literal["female", "male"]
SEXES: tuple[Sex, ...] = ("female", "male")


@dataclass(frozen=True)
class ScoringSettings:
    """Clinic-level scoring parameters.

    pcl5_probable_ptsd_cutoff: PCL-5 total at or above which the
        ``probable_ptsd`` flag is raised. Default 33, the upper end of the
        provisional cut-off 31-33 (comorbidityguidelines.org.au PCL-5 page;
        medafile WRIISC page, clinical-reference 1.10). Other populations use
        other values (38 early proposal, 45 in psychiatric outpatients); the
        medical director confirms the clinic's value.
    """

    pcl5_probable_ptsd_cutoff: int = 33

    def __post_init__(self) -> None:
        if isinstance(self.pcl5_probable_ptsd_cutoff, bool) or not isinstance(
            self.pcl5_probable_ptsd_cutoff, int
        ):
            raise ValueError("pcl5_probable_ptsd_cutoff must be a whole number")
        if not 0 <= self.pcl5_probable_ptsd_cutoff <= 80:
            raise ValueError(
                f"pcl5_probable_ptsd_cutoff: {self.pcl5_probable_ptsd_cutoff} is out of range 0–80"
            )


DEFAULT_SETTINGS = ScoringSettings()
