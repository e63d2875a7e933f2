"""Blood pressure, vascular disease and intracranial pressure: ketamine and esketamine raise both pressures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from remit.core.screening.intake import Intake
from remit.core.screening.rule import ALL_KETAMINE, ESKETAMINE, RACEMIC_KETAMINE, TMS, Rule

if TYPE_CHECKING:
    from remit.core.screening.settings import ScreeningSettings

_SPRAVATO_CONTRAINDICATION = (
    "Spravato label, contraindications: aneurysmal vascular disease (thoracic/abdominal aorta, intracranial, "
    "peripheral arteries) or arteriovenous malformation; history of intracerebral haemorrhage [V] "
    "(clinical-reference 4)"
)
_MIRRORED_FOR_KETAMINE = (
    "Mirrored for racemic ketamine: the ketamine label contraindicates it where a significant rise in blood "
    'pressure "would constitute a serious hazard" [V2], and clinical-reference 3 calls mirroring the '
    "Spravato list reasonable but a clinic decision; hence absolute, but not label-mandated."
)

_VASCULAR = (
    (
        "aneurysmal_vascular_disease",
        "Aneurysmal vascular disease (aorta, intracranial or peripheral arteries)",
    ),
    ("arteriovenous_malformation", "Arteriovenous malformation"),
    ("intracerebral_haemorrhage_history", "History of intracerebral haemorrhage"),
)


def _vascular_rules(fact: str, what: str) -> tuple[Rule, Rule]:
    def condition(intake: Intake, _settings: ScreeningSettings) -> bool:
        return getattr(intake.vascular, fact) is True

    return (
        Rule(
            id=f"{fact}_esketamine",
            modalities=ESKETAMINE,
            level="absolute",
            needs=(f"vascular.{fact}",),
            condition=condition,
            message=f"{what}: a contraindication on the esketamine label (blood pressure rises after each dose).",
            source=_SPRAVATO_CONTRAINDICATION,
            label_mandated=True,
        ),
        Rule(
            id=f"{fact}_ketamine",
            modalities=RACEMIC_KETAMINE,
            level="absolute",
            needs=(f"vascular.{fact}",),
            condition=condition,
            message=f"{what}: ketamine's rise in blood pressure could be dangerous.",
            source=_SPRAVATO_CONTRAINDICATION + ". " + _MIRRORED_FOR_KETAMINE,
        ),
    )


RULES = (
    Rule(
        id="blood_pressure_above_limit",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("blood_pressure",),
        condition=lambda i, s: (
            i.blood_pressure is not None
            and (
                i.blood_pressure.systolic > s.bp_systolic_limit
                or i.blood_pressure.diastolic > s.bp_diastolic_limit
            )
        ),
        message=(
            "Blood pressure above the clinic's pre-treatment limit: weigh the short-term rise in blood "
            "pressure after a dose against the benefit, and recheck before dosing."
        ),
        source=(
            "Spravato label as quoted: if baseline BP is elevated (e.g. > 140/90) weigh the short-term rise "
            "against benefit [V2] (clinical-reference 4, 8); ketamine label: significant BP elevation a serious "
            "hazard [V2] (clinical-reference 3). The limit is a clinic setting (example 140/90)."
        ),
    ),
    *(rule for fact, what in _VASCULAR for rule in _vascular_rules(fact, what)),
    Rule(
        id="raised_intracranial_pressure",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("vascular.raised_intracranial_pressure",),
        condition=lambda i, _s: i.vascular.raised_intracranial_pressure is True,
        message="Raised intracranial pressure: ketamine and esketamine can raise it further.",
        source=(
            "Spravato label: do not give if a rise in blood pressure or intracranial pressure poses a serious "
            "risk [V2] (clinical-reference 4, 8); precaution in ketamine monographs [V2] (clinical-reference 3). "
            "Secondary sources only, so not label-mandated."
        ),
    ),
    Rule(
        id="raised_intracranial_pressure_tms",
        modalities=TMS,
        level="absolute",
        needs=("vascular.raised_intracranial_pressure",),
        condition=lambda i, _s: i.vascular.raised_intracranial_pressure is True,
        message="Raised intracranial pressure: listed as a contraindication to TMS.",
        source=(
            "IFCN contraindications as summarised by clinics (depression.wustl.edu citing the IFCN TMS "
            "Committee): raised intracranial pressure [V2] (clinical-reference 5)"
        ),
    ),
)
