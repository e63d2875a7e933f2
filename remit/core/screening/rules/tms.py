"""TMS safety screening after the IFCN questionnaire (Rossi 2009, updated 2011 and 2021).

Rossi 2009/2011: a Yes to questions 1-13 is not an absolute contraindication
but needs the responsible physician's risk/benefit call, so most items here
are relative. The exceptions are absolute because a source treats them so:
metal in the head and intracardiac lines (IFCN contraindications as
summarized by clinics) and cochlear implants and neurostimulators (the
IFCN-2021-based VERIFY checklist). None is label-mandated: a clinic may
downgrade them in its settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from remit.core.screening import diagnoses as dx
from remit.core.screening.coded import (
    ANY_STATUS,
    CURRENT,
    ICD10CM,
    CodedDiagnoses,
    ExplicitAnswer,
    MedicationClasses,
    codes,
)
from remit.core.screening.facts import screen_band
from remit.core.screening.intake import Intake, intake_schema
from remit.core.screening.medications import SEIZURE_THRESHOLD_LOWERING
from remit.core.screening.rule import TMS, Level, Rule

if TYPE_CHECKING:
    from remit.core.screening.settings import ScreeningSettings

ROSSI = (
    "Rossi 2009 IFCN screening questionnaire; Rossi 2011 update: a Yes to Q1-13 needs the physician's "
    "risk/benefit call, not an absolute contraindication [V] (clinical-reference 5, 8)"
)
IFCN_CLINICS = (
    "IFCN contraindications as summarized by clinics (depression.wustl.edu) [V2] (clinical-reference 5)"
)
VERIFY = (
    "IFCN-2021-based VERIFY checklist (Auckland) treats cochlear implant, cortical stimulator, DBS and "
    "VP shunt as absolute contraindications [V2] (clinical-reference 5)"
)
SEIZURE_RISK = (
    "Seizure risk factors: epilepsy, sleep deprivation, alcohol use/withdrawal, seizure-threshold-lowering "
    "drugs such as bupropion and clozapine (Dobek 2015; Stultz 2020) [V2]; daily pre-session checks of "
    "sleep, alcohol and medication changes (clinical-reference 5)"
)


# ICD-10-CM codes that answer a TMS safety question. Not listed in the clinical reference: Remit's reading
# of the ICD-10-CM code titles, to be confirmed with the clinical lead. A recorded code only ever adds a flag.
_TMS_CODES_SOURCE = ICD10CM + ": code titles; not listed in the clinical reference (Remit's reading)"
SEIZURE_CODES = CodedDiagnoses(
    ranges=(
        codes("epilepsy and recurrent seizures", "G40"),
        codes("convulsions, not elsewhere classified", "R56"),
    ),
    statuses=ANY_STATUS,
    source=_TMS_CODES_SOURCE,
)
CARDIAC_DEVICE_CODES = CodedDiagnoses(
    ranges=(
        codes("presence of cardiac pacemaker", "Z95.0"),
        codes("presence of automatic (implantable) cardiac defibrillator", "Z95.810"),
    ),
    statuses=CURRENT,
    source=_TMS_CODES_SOURCE,
)
COCHLEAR_IMPLANT_CODES = CodedDiagnoses(
    ranges=(codes("cochlear implant status", "Z96.21"),), statuses=CURRENT, source=_TMS_CODES_SOURCE
)
NEUROSTIMULATOR_CODES = CodedDiagnoses(
    ranges=(codes("presence of neurostimulator", "Z96.82"),), statuses=CURRENT, source=_TMS_CODES_SOURCE
)
ALCOHOL_USE_DISORDER_CODES = CodedDiagnoses(
    ranges=(codes("alcohol related disorders", *dx.ALCOHOL_RELATED),),
    statuses=CURRENT,
    source=ICD10CM + ": code titles; which codes stand for alcohol misuse is Remit's reading",
)
SEIZURE_THRESHOLD_CLASS = MedicationClasses(
    classes=("seizure_threshold_lowering",),
    source=(
        f"Remit's seizure-threshold-lowering table ({', '.join(sorted(SEIZURE_THRESHOLD_LOWERING))}): "
        "bupropion and clozapine from Dobek 2015 and Stultz 2020 [V2] (clinical-reference 5), the others "
        "recalled from Rossi 2009's table [UNVERIFIED]."
    ),
)


def _answer(name: str) -> Callable[[Intake, ScreeningSettings], bool]:
    return lambda intake, _settings: getattr(intake.tms_safety, name) is True


def _question(name: str) -> ExplicitAnswer:
    """The TMS safety question, worded as the intake form asks it (the schema's description)."""
    wording = str(intake_schema()["properties"]["tms_safety"]["properties"][name]["description"]).rstrip(".")
    return ExplicitAnswer(read=lambda intake: getattr(intake.tms_safety, name), question=wording)


def _item(name: str, level: Level, message: str, source: str, coded: CodedDiagnoses | None = None) -> Rule:
    return Rule(
        id=f"tms_{name}",
        modalities=TMS,
        level=level,
        needs=(f"tms_safety.{name}",),
        condition=_answer(name),
        message=message,
        source=source,
        diagnosis_codes=coded,
        answer=_question(name) if coded is not None else None,
    )


def _alcohol_misuse(intake: Intake, _settings: ScreeningSettings) -> bool:
    return screen_band(intake, "auditc") == "positive"


RULES = (
    _item(
        "metal_in_head",
        "absolute",
        "Metal in the head other than in the mouth (clips, shrapnel, screws, shunt valves): TMS can heat or move it.",
        f"{IFCN_CLINICS}: metal anywhere in the head except the mouth; {ROSSI}",
    ),
    _item(
        "cochlear_implant",
        "absolute",
        "Cochlear implant: TMS can damage it.",
        f"{VERIFY}; {ROSSI}",
        COCHLEAR_IMPLANT_CODES,
    ),
    _item(
        "implanted_stimulator",
        "absolute",
        "Implanted neurostimulator (deep brain, vagus nerve or cortical): TMS can induce currents in it.",
        f"{VERIFY}; {ROSSI}",
        NEUROSTIMULATOR_CODES,
    ),
    _item(
        "cardiac_device",
        "absolute",
        "Cardiac pacemaker, defibrillator or intracardiac lines: TMS near them needs a specialist's clearance.",
        f"{IFCN_CLINICS}: intracardiac electrodes or lines. Rossi 2009/2011 leave a Yes to the physician [V]; "
        "absolute here as the fail-safe reading, a clinic may downgrade it. " + ROSSI,
        CARDIAC_DEVICE_CODES,
    ),
    _item(
        "medication_pump",
        "relative",
        "Implanted medication pump: the physician must weigh TMS near the device.",
        f"{ROSSI} (medication infusion device item)",
    ),
    _item(
        "seizure_history",
        "relative",
        "History of seizures or epilepsy: higher seizure risk with TMS; needs great caution.",
        f"{IFCN_CLINICS}: history of seizures (great caution); {SEIZURE_RISK}; {ROSSI}",
        SEIZURE_CODES,
    ),
    _item(
        "epilepsy_family_history",
        "relative",
        "Family history of epilepsy: needs caution with TMS.",
        f"{IFCN_CLINICS}: family history of epilepsy (great caution); {ROSSI}",
    ),
    _item(
        "head_injury_loss_of_consciousness",
        "relative",
        "Head injury with loss of consciousness: a possible brain lesion raises seizure risk.",
        f"{ROSSI} (head trauma with loss of consciousness item; wording [UNVERIFIED]); brain lesions as a "
        "seizure risk factor [V2] (clinical-reference 5)",
    ),
    Rule(
        id="tms_seizure_threshold_medication",
        modalities=TMS,
        level="relative",
        needs=("tms_safety.seizure_threshold_medication",),
        condition=_answer("seizure_threshold_medication"),
        medication_classes=SEIZURE_THRESHOLD_CLASS,
        answer=_question("seizure_threshold_medication"),
        message="Takes a medicine that lowers the seizure threshold (e.g. bupropion, clozapine): needs great caution.",
        source=f"{IFCN_CLINICS}: seizure-threshold-lowering medication (great caution); {SEIZURE_RISK}",
    ),
    Rule(
        id="tms_alcohol_misuse",
        modalities=TMS,
        level="relative",
        needs=("screens.auditc",),
        condition=_alcohol_misuse,
        diagnosis_codes=ALCOHOL_USE_DISORDER_CODES,
        message="Current alcohol misuse (positive AUDIT-C or active alcohol use disorder): alcohol use and withdrawal raise seizure risk.",
        source=f"{SEIZURE_RISK}; AUDIT-C cut-offs (Bush 1998; Bradley 2007) [V] (clinical-reference 1.8)",
    ),
    _item(
        "sleep_deprivation",
        "relative",
        "Sleep deprivation: raises seizure risk; recheck before each session.",
        SEIZURE_RISK,
    ),
)
