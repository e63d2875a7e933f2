"""Blood pressure, vascular disease and intracranial pressure: ketamine and esketamine raise both pressures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from remit.core.modality import RACEMIC_KETAMINE
from remit.core.screening.coded import (
    ANY_STATUS,
    CURRENT,
    CodedDiagnoses,
    ExplicitAnswer,
    codes,
)
from remit.core.screening.intake import Intake, intake_schema
from remit.core.screening.rule import ALL_KETAMINE, ESKETAMINE, TMS, Rule

if TYPE_CHECKING:
    from remit.core.screening.settings import ScreeningSettings

_SPRAVATO_CONTRAINDICATION = (
    "Spravato label, contraindications: aneurysmal vascular disease (thoracic/abdominal aorta, intracranial, "
    "peripheral arteries) or arteriovenous malformation; history of intracerebral hemorrhage [V] "
    "(clinical-reference 4)"
)
_MIRRORED_FOR_KETAMINE = (
    "Mirrored for racemic ketamine: the ketamine label contraindicates it where a significant rise in blood "
    'pressure "would constitute a serious hazard" [V2], and clinical-reference 3 calls mirroring the '
    "Spravato list reasonable but a clinic decision; hence absolute, but not label-mandated."
)

# ICD-10-CM codes for each condition: clinical-reference 8.x, after the ICD-10-CM Tabular List (CDC/NCHS,
# FY2025 edition) [V] for the code titles. Which codes count is a clinic decision shown with the rule; any
# recorded status counts (the label names aneurysmal disease and a *history* of hemorrhage), the fail-safe
# reading: a prescriber can override for one patient, for example after a repair.
_ICD10CM_8X = "ICD-10-CM Tabular List, CDC/NCHS FY2025 [V], as listed in clinical-reference 8.x"
ANEURYSM_CODES = CodedDiagnoses(
    ranges=(
        codes("cerebral aneurysm, nonruptured", "I67.1"),
        codes("aortic aneurysm and dissection", "I71"),
        codes("other aneurysm (carotid, extremity, renal, iliac and other arteries)", "I72"),
    ),
    statuses=ANY_STATUS,
    source=_ICD10CM_8X,
)
AVM_CODES = CodedDiagnoses(
    ranges=(
        codes("arteriovenous malformation of cerebral vessels", "Q28.2"),
        codes("other malformations of cerebral vessels", "Q28.3"),
        codes("arteriovenous fistula, acquired", "I77.0"),
    ),
    statuses=ANY_STATUS,
    source=_ICD10CM_8X,
)
INTRACRANIAL_HAEMORRHAGE_CODES = CodedDiagnoses(
    ranges=(
        codes("nontraumatic subarachnoid hemorrhage", "I60"),
        codes("nontraumatic intracerebral hemorrhage", "I61"),
        codes("other and unspecified nontraumatic intracranial hemorrhage", "I62"),
        codes("sequelae of nontraumatic intracranial hemorrhage", "I69.0", "I69.1", "I69.2"),
        codes(
            "traumatic hemorrhage of cerebrum, cerebellum or brainstem",
            "S06.34",
            "S06.35",
            "S06.36",
            "S06.37",
            "S06.38",
        ),
        codes("epidural hemorrhage", "S06.4"),
        codes("traumatic subdural hemorrhage", "S06.5"),
        codes("traumatic subarachnoid hemorrhage", "S06.6"),
    ),
    statuses=ANY_STATUS,
    source=_ICD10CM_8X,
)
# Raised intracranial pressure is a current state: only an active diagnosis counts.
RAISED_INTRACRANIAL_PRESSURE_CODES = CodedDiagnoses(
    ranges=(
        codes("benign intracranial hypertension", "G93.2"),
        codes("compression of brain", "G93.5"),
        codes("cerebral edema", "G93.6"),
    ),
    statuses=CURRENT,
    source=_ICD10CM_8X,
)
HYDROCEPHALUS_CODES = CodedDiagnoses(
    ranges=(codes("hydrocephalus", "G91"),), statuses=CURRENT, source=_ICD10CM_8X
)
AORTIC_ECTASIA_CODES = CodedDiagnoses(
    ranges=(codes("aortic ectasia", "I77.81"),), statuses=ANY_STATUS, source=_ICD10CM_8X
)


def _question(fact: str) -> ExplicitAnswer:
    """The explicit vascular question, worded as the intake form asks it (the schema's description)."""
    wording = str(intake_schema()["properties"]["vascular"]["properties"][fact]["description"]).rstrip(".")
    return ExplicitAnswer(read=lambda intake: getattr(intake.vascular, fact), question=wording)


_VASCULAR = (
    (
        "aneurysmal_vascular_disease",
        "Aneurysmal vascular disease (aorta, intracranial or peripheral arteries)",
        ANEURYSM_CODES,
    ),
    ("arteriovenous_malformation", "Arteriovenous malformation", AVM_CODES),
    (
        "intracerebral_haemorrhage_history",
        "History of intracerebral hemorrhage",
        INTRACRANIAL_HAEMORRHAGE_CODES,
    ),
)


def _vascular_rules(fact: str, what: str, coded: CodedDiagnoses) -> tuple[Rule, Rule]:
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
            diagnosis_codes=coded,
            answer=_question(fact),
        ),
        Rule(
            id=f"{fact}_ketamine",
            modalities=RACEMIC_KETAMINE,
            level="absolute",
            needs=(f"vascular.{fact}",),
            condition=condition,
            message=f"{what}: ketamine's rise in blood pressure could be dangerous.",
            source=_SPRAVATO_CONTRAINDICATION + ". " + _MIRRORED_FOR_KETAMINE,
            diagnosis_codes=coded,
            answer=_question(fact),
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
    *(rule for fact, what, coded in _VASCULAR for rule in _vascular_rules(fact, what, coded)),
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
        diagnosis_codes=RAISED_INTRACRANIAL_PRESSURE_CODES,
        answer=_question("raised_intracranial_pressure"),
    ),
    Rule(
        id="raised_intracranial_pressure_tms",
        modalities=TMS,
        level="absolute",
        needs=("vascular.raised_intracranial_pressure",),
        condition=lambda i, _s: i.vascular.raised_intracranial_pressure is True,
        message="Raised intracranial pressure: listed as a contraindication to TMS.",
        source=(
            "IFCN contraindications as summarized by clinics (depression.wustl.edu citing the IFCN TMS "
            "Committee): raised intracranial pressure [V2] (clinical-reference 5)"
        ),
        diagnosis_codes=RAISED_INTRACRANIAL_PRESSURE_CODES,
        answer=_question("raised_intracranial_pressure"),
    ),
    Rule(
        id="hydrocephalus",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        message=(
            "Hydrocephalus (recorded diagnosis): it may go with raised intracranial pressure, which ketamine "
            "and esketamine can raise further; the prescriber should assess it."
        ),
        source=(
            "Clinical-reference 8.x lists G91 hydrocephalus under raised intracranial pressure as a caution; "
            "raised intracranial pressure: Spravato label [V2] (clinical-reference 4, 8). For TMS a shunt is "
            "asked about with metal in the head."
        ),
        diagnosis_codes=HYDROCEPHALUS_CODES,
    ),
    Rule(
        id="aortic_ectasia",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        message=(
            "Aortic ectasia (recorded diagnosis): not an aneurysm, but the prescriber should weigh the rise "
            "in blood pressure after each dose."
        ),
        source=(
            "Clinical-reference 8.x: I77.81 aortic ectasia is not an aneurysm (caution at most); aneurysmal "
            "vascular disease is a Spravato contraindication [V] (clinical-reference 4)."
        ),
        diagnosis_codes=AORTIC_ECTASIA_CODES,
    ),
)
