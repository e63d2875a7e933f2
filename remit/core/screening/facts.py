"""The facts rules may need, when each counts as known, and values derived from several keys.

A fact's name is the intake key (or dotted path) a person fills in to make
it known; these names are what ``ModalityResult.missing`` lists. A few facts
can be known from more than one key, and a few depend on another fact (a
benzodiazepine's dose on the medication list); each says so below. Every
rule that needs a dependent fact also needs its prerequisite, so the
fail-safe holds: the prerequisite is reported missing first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from functools import lru_cache

from remit.core.instruments import score
from remit.core.screening import diagnoses as dx
from remit.core.screening.intake import Intake, TmsSafety, Vascular
from remit.core.screening.medications import BENZODIAZEPINES, matching_name


def screen_band(intake: Intake, code: str) -> str | None:
    """The band of a completed screen, or None when it is absent or has an unanswered item."""
    answers = getattr(intake.screens, code)
    if answers is None:
        return None
    # AUDIT-C's cut-off depends on sex; the instrument uses the lower (female) cut-off when sex is None,
    # which is also the fail-safe reading for "other".
    sex = intake.sex if intake.sex in ("female", "male") else None
    return _band(code, answers, sex)


@lru_cache(maxsize=1024)
def _band(code: str, answers: tuple[int | None, ...], sex: str | None) -> str | None:
    # Several rules read the same screen for each of four modalities; scoring is pure, so it is cached.
    result = score(code, {f"q{i}": a for i, a in enumerate(answers, start=1)}, sex=sex)
    return result.band if result.valid else None


def benzodiazepine_doses_known(intake: Intake) -> bool:
    # With no medication list, "medications" is what is missing; the doses are asked for once it is known.
    return intake.medications is None or all(
        m.daily_dose_mg is not None for m in intake.medications if matching_name(m.name, BENZODIAZEPINES)
    )


def ketamine_allergy(intake: Intake) -> bool:
    """True when a hypersensitivity to ketamine or esketamine is recorded either way."""
    listed = intake.allergies is not None and any("ketamine" in a.lower() for a in intake.allergies)
    return listed or intake.hypersensitivity_ketamine is True


def _given(getter: Callable[[Intake], object]) -> Callable[[Intake], bool]:
    return lambda intake: getter(intake) is not None


def _tms(name: str) -> Callable[[Intake], bool]:
    return lambda intake: getattr(intake.tms_safety, name) is not None


def _vascular(name: str) -> Callable[[Intake], bool]:
    return lambda intake: getattr(intake.vascular, name) is not None


KNOWN: dict[str, Callable[[Intake], bool]] = {
    "age": _given(lambda i: i.age),
    "sex": _given(lambda i: i.sex),
    "pregnant": _given(lambda i: i.pregnant),
    "breastfeeding": _given(lambda i: i.breastfeeding),
    "blood_pressure": _given(lambda i: i.blood_pressure),
    "diagnoses": _given(lambda i: i.diagnoses),
    "medications": _given(lambda i: i.medications),
    # Missing while a benzodiazepine on a known medication list has no daily dose.
    "medications.daily_dose_mg": benzodiazepine_doses_known,
    # Known from either key: an explicit answer, or the allergy list.
    "hypersensitivity_ketamine": lambda i: i.hypersensitivity_ketamine is not None or i.allergies is not None,
    # Known from an explicit answer, or from diagnoses whose codes say the current episode. Missing only
    # when a known diagnosis list holds a bipolar code that leaves the episode unsaid; with no list at all,
    # "diagnoses" is what is missing.
    "bipolar_current_mania_or_psychosis": lambda i: (
        i.bipolar_current_mania_or_psychosis is not None or not dx.bipolar_episode_unstated(i.diagnoses)
    ),
    "screens.auditc": lambda i: screen_band(i, "auditc") is not None,
    "screens.dast10": lambda i: screen_band(i, "dast10") is not None,
    **{f"vascular.{f.name}": _vascular(f.name) for f in fields(Vascular)},
    **{f"tms_safety.{f.name}": _tms(f.name) for f in fields(TmsSafety)},
}


def is_known(intake: Intake, fact: str) -> bool:
    return KNOWN[fact](intake)
