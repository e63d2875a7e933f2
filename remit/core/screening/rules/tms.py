"""TMS safety screening after the IFCN questionnaire (Rossi 2009, updated 2011 and 2021).

Rossi 2009/2011: a Yes to questions 1-13 is not an absolute contraindication
but needs the responsible physician's risk/benefit call, so most items here
are relative. The exceptions are absolute because a source treats them so:
metal in the head and intracardiac lines (IFCN contraindications as
summarised by clinics) and cochlear implants and neurostimulators (the
IFCN-2021-based VERIFY checklist). None is label-mandated: a clinic may
downgrade them in its settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from remit.core.screening import diagnoses as dx
from remit.core.screening.facts import screen_band, takes
from remit.core.screening.intake import Intake
from remit.core.screening.rule import TMS, Level, Rule

if TYPE_CHECKING:
    from remit.core.screening.settings import ScreeningSettings

ROSSI = (
    "Rossi 2009 IFCN screening questionnaire; Rossi 2011 update: a Yes to Q1-13 needs the physician's "
    "risk/benefit call, not an absolute contraindication [V] (clinical-reference 5, 8)"
)
IFCN_CLINICS = (
    "IFCN contraindications as summarised by clinics (depression.wustl.edu) [V2] (clinical-reference 5)"
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


def _answer(name: str) -> Callable[[Intake, ScreeningSettings], bool]:
    return lambda intake, _settings: getattr(intake.tms_safety, name) is True


def _item(name: str, level: Level, message: str, source: str) -> Rule:
    return Rule(
        id=f"tms_{name}",
        modalities=TMS,
        level=level,
        needs=(f"tms_safety.{name}",),
        condition=_answer(name),
        message=message,
        source=source,
    )


def _alcohol_misuse(intake: Intake, _settings: ScreeningSettings) -> bool:
    return screen_band(intake, "auditc") == "positive" or dx.has(
        intake.diagnoses, dx.ALCOHOL_RELATED, dx.CURRENT
    )


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
    ),
    _item(
        "implanted_stimulator",
        "absolute",
        "Implanted neurostimulator (deep brain, vagus nerve or cortical): TMS can induce currents in it.",
        f"{VERIFY}; {ROSSI}",
    ),
    _item(
        "cardiac_device",
        "absolute",
        "Cardiac pacemaker, defibrillator or intracardiac lines: TMS near them needs a specialist's clearance.",
        f"{IFCN_CLINICS}: intracardiac electrodes or lines. Rossi 2009/2011 leave a Yes to the physician [V]; "
        "absolute here as the fail-safe reading, a clinic may downgrade it. " + ROSSI,
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
        condition=lambda i, _s: (
            i.tms_safety.seizure_threshold_medication is True or takes(i, "seizure_threshold_lowering")
        ),
        message="Takes a medicine that lowers the seizure threshold (e.g. bupropion, clozapine): needs great caution.",
        source=f"{IFCN_CLINICS}: seizure-threshold-lowering medication (great caution); {SEIZURE_RISK}",
    ),
    Rule(
        id="tms_alcohol_misuse",
        modalities=TMS,
        level="relative",
        needs=("screens.auditc",),
        condition=_alcohol_misuse,
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
