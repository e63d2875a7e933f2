"""ICD-10-CM code groups the psychiatric and substance rules are built from, and the bipolar episode check.

The rules declare the codes they read (``coded.CodedDiagnoses``, with their
source); this module only names the groups they share. A code is compared by
its category (the three characters before the dot) and, where the episode
matters, by its subcategory.
"""

from __future__ import annotations

from collections.abc import Iterable

from remit.core.screening.intake import Diagnosis, DiagnosisStatus

CURRENT: frozenset[DiagnosisStatus] = frozenset({"active"})
CURRENT_OR_REMITTED: frozenset[DiagnosisStatus] = frozenset({"active", "in_remission"})
ANY_STATUS: frozenset[DiagnosisStatus] = frozenset({"active", "in_remission", "resolved"})

PSYCHOTIC_DISORDERS = tuple(f"F{n}" for n in range(20, 30))  # F20-F29
# F10-F19 less F17: nicotine dependence is a substance use disorder in ICD-10-CM, but no source in the
# clinical reference ties it to ketamine's abuse risk, and flagging every smoker would bury the signal.
SUBSTANCE_USE_DISORDERS = tuple(f"F{n}" for n in range(10, 20) if n != 17)
# F16 hallucinogen-related disorders include phencyclidine/ketamine; F19 other or multiple substances.
KETAMINE_RELATED_SUBSTANCE_USE = ("F16", "F19")
OTHER_SUBSTANCE_USE_DISORDERS = tuple(
    c for c in SUBSTANCE_USE_DISORDERS if c not in KETAMINE_RELATED_SUBSTANCE_USE
)
ALCOHOL_RELATED = ("F10",)

# Bipolar codes that do not say what the current episode is: F31 alone, F31.8x (incl. bipolar II), F31.9.
BIPOLAR_EPISODE_UNSTATED = ("F31.8", "F31.9")


def category(code: str) -> str:
    return code.split(".", 1)[0]


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    return any(code.startswith(prefix) if "." in prefix else category(code) == prefix for prefix in prefixes)


def bipolar_episode_unstated(diagnoses: tuple[Diagnosis, ...] | None) -> bool:
    """A current bipolar diagnosis whose code leaves the current episode unsaid."""
    return diagnoses is not None and any(
        d.status == "active" and (d.code == "F31" or _matches(d.code, BIPOLAR_EPISODE_UNSTATED))
        for d in diagnoses
    )
