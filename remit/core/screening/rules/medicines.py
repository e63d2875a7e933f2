"""Allergy and concomitant medicines that change the risk or the effect of ketamine and esketamine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from remit.core.screening.coded import MedicationClasses
from remit.core.screening.facts import ketamine_allergy
from remit.core.screening.intake import Intake
from remit.core.screening.medications import (
    MAOIS,
    OPIOID_ANTAGONISTS,
    PSYCHOSTIMULANTS,
    diazepam_equivalent_mg,
)
from remit.core.screening.rule import ALL_KETAMINE, Rule

if TYPE_CHECKING:
    from remit.core.screening.settings import ScreeningSettings


def diazepam_equivalent_total_mg(intake: Intake) -> float:
    """Daily benzodiazepine dose in diazepam equivalents, over the medicines whose dose is given."""
    total = 0.0
    for medication in intake.medications or ():
        if medication.daily_dose_mg is not None:
            total += diazepam_equivalent_mg(medication.name, medication.daily_dose_mg) or 0.0
    return total


def _high_dose_benzodiazepine(intake: Intake, settings: ScreeningSettings) -> bool:
    return diazepam_equivalent_total_mg(intake) > settings.benzodiazepine_high_dose_diazepam_mg


def _names(table: frozenset[str]) -> str:
    return ", ".join(sorted(table))


MAOI_CLASS = MedicationClasses(
    classes=("maoi",),
    source=(
        f"Remit's MAOI table ({_names(MAOIS)}), after the Spravato label's interaction with MAOIs [V] "
        "(clinical-reference 4); a ticked MAOI box in the registry also counts."
    ),
)
PSYCHOSTIMULANT_CLASS = MedicationClasses(
    classes=("psychostimulant",),
    source=(
        f"Remit's psychostimulant table ({_names(PSYCHOSTIMULANTS)}), after the Spravato label's "
        "interaction with psychostimulants [V] (clinical-reference 4); a ticked psychostimulant box in the "
        "registry also counts."
    ),
)
OPIOID_ANTAGONIST_CLASS = MedicationClasses(
    classes=("opioid_antagonist",),
    source=(
        f"Remit's opioid antagonist table ({_names(OPIOID_ANTAGONISTS)}), after Williams 2018 (naltrexone, "
        "including long-acting forms) [V] (clinical-reference 3); naloxone, carried for overdose rescue, is "
        "left out. A ticked opioid antagonist box in the registry also counts."
    ),
)

RULES = (
    Rule(
        id="hypersensitivity_ketamine",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("hypersensitivity_ketamine",),
        condition=lambda i, _s: ketamine_allergy(i),
        message="Hypersensitivity to ketamine or esketamine.",
        source=(
            "Spravato label, contraindications: hypersensitivity to esketamine or ketamine [V] "
            "(clinical-reference 4); the same hypersensitivity rules out racemic ketamine."
        ),
        label_mandated=True,
    ),
    Rule(
        id="maoi",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("medications",),
        medication_classes=MAOI_CLASS,
        message="Takes a monoamine oxidase inhibitor (MAOI): blood pressure may rise further; monitor closely.",
        source=(
            "Spravato label, interactions: MAOIs raise blood pressure [V] (clinical-reference 4); MAOIs are a "
            "ketamine trial exclusion (PMC6884875, PMC10812090) [V] (clinical-reference 3)"
        ),
    ),
    Rule(
        id="psychostimulant",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("medications",),
        medication_classes=PSYCHOSTIMULANT_CLASS,
        message="Takes a psychostimulant: blood pressure may rise further; monitor closely.",
        source=(
            "Spravato label, interactions: psychostimulants raise blood pressure [V] (clinical-reference 4). "
            "Mirrored for racemic ketamine, which raises blood pressure the same way (Remit's reading)."
        ),
    ),
    Rule(
        id="benzodiazepine_high_dose",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("medications", "medications.daily_dose_mg"),
        condition=_high_dose_benzodiazepine,
        message=(
            "Benzodiazepine dose above the clinic's high-dose limit (diazepam equivalents): more sedation, "
            "and high doses were excluded from ketamine trials."
        ),
        source=(
            "Ketamine trial exclusion: benzodiazepines > ~2-3 mg lorazepam-equivalent/day (PMC6884875, "
            "PMC10812090) [V] (clinical-reference 3); Spravato label: CNS depressants increase sedation [V] "
            "(clinical-reference 4). Limit is a clinic setting (example 20 mg diazepam); equivalents after "
            "Ashton 2002 [UNVERIFIED]."
        ),
    ),
    Rule(
        id="opioid_antagonist",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("medications",),
        medication_classes=OPIOID_ANTAGONIST_CLASS,
        message=(
            "Takes an opioid antagonist (e.g. naltrexone, including long-acting forms): it may block "
            "ketamine's antidepressant effect."
        ),
        source=(
            "Williams, Heifets, Schatzberg et al. 2018, AJP (doi 10.1176/appi.ajp.2018.18020138): naltrexone "
            "50 mg blocked the antidepressant effect of IV ketamine [V] (clinical-reference 3). Mirrored for "
            "esketamine, which shares the mechanism in question (Remit's reading)."
        ),
    ),
)
