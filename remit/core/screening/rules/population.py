"""Age, pregnancy and breastfeeding."""

from __future__ import annotations

from remit.core.screening.coded import CURRENT, ICD10CM, CodedDiagnoses, ExplicitAnswer, codes
from remit.core.screening.intake import Intake
from remit.core.screening.rule import ALL_KETAMINE, ESKETAMINE, EVERY_MODALITY, TMS, Rule


def could_be_pregnant(intake: Intake) -> bool:
    """Pregnancy and breastfeeding must be answered unless the patient is recorded as male.

    An unknown sex counts as "could be": unknown never reads as eligible.
    """
    return intake.sex != "male"


# ICD-10-CM codes that only stand while a pregnancy is current. Not listed in the clinical reference: Remit's
# reading of the code titles, to be confirmed with the clinical lead; a recorded code only ever adds a flag.
PREGNANCY_CODES = CodedDiagnoses(
    ranges=(
        codes("pregnant state, incidental", "Z33.1"),
        codes("encounter for supervision of normal pregnancy", "Z34"),
        codes("supervision of high risk pregnancy", "O09"),
        codes("weeks of gestation of pregnancy", "Z3A"),
    ),
    statuses=CURRENT,
    source=ICD10CM + ": code titles; not listed in the clinical reference (Remit's reading)",
)
_PREGNANT = ExplicitAnswer(read=lambda i: i.pregnant, question="Currently pregnant")

RULES = (
    Rule(
        id="age_under_18",
        modalities=EVERY_MODALITY,
        level="absolute",
        needs=("age",),
        condition=lambda i, _s: i.age is not None and i.age < 18,
        message=(
            "Under 18: outside the scope of Remit, which is built for adults with treatment-resistant "
            "depression. Refer to a service for young people."
        ),
        source=(
            "Remit's scope (design.md: adult TRD clinics); esketamine is labelled for adults (Spravato label, "
            "clinical-reference 4) [V]; the ketamine and TMS protocols in clinical-reference 3 and 5 are adult "
            "studies. Locked like a label contraindication: no clinic setting brings minors into scope."
        ),
        label_mandated=True,
    ),
    Rule(
        id="age_65_and_over_esketamine",
        modalities=ESKETAMINE,
        level="relative",
        needs=("age",),
        condition=lambda i, _s: i.age is not None and i.age >= 65,
        message="Aged 65 or over: esketamine starts at 28 mg (one device) rather than 56 mg.",
        source="Spravato dosing for age 65 and over, start at 28 mg (MIMS HK) [V2] (clinical-reference 4)",
    ),
    Rule(
        id="pregnancy",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("pregnant",),
        needed_when=could_be_pregnant,
        condition=lambda i, _s: i.pregnant is True,
        diagnosis_codes=PREGNANCY_CODES,
        answer=_PREGNANT,
        message="Pregnant: esketamine can harm the fetus and ketamine in pregnancy was excluded from the trials.",
        source=(
            "Spravato label: fetal harm [V]; pregnancy is a ketamine trial exclusion [V] (clinical-reference 3). "
            "The label advises against use rather than listing a contraindication, so this is not label-mandated."
        ),
    ),
    Rule(
        id="pregnancy_tms",
        modalities=TMS,
        level="relative",
        needs=("pregnant",),
        needed_when=could_be_pregnant,
        condition=lambda i, _s: i.pregnant is True,
        diagnosis_codes=PREGNANCY_CODES,
        answer=_PREGNANT,
        message="Pregnant: TMS needs the responsible physician's risk/benefit decision.",
        source=(
            "IFCN contraindications as summarized by clinics: pregnancy (caution) [V2]; Rossi 2009/2011: a Yes "
            "to the screening questions needs a physician's risk/benefit call [V] (clinical-reference 5, 8)"
        ),
    ),
    Rule(
        id="breastfeeding",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("breastfeeding",),
        needed_when=could_be_pregnant,
        condition=lambda i, _s: i.breastfeeding is True,
        message="Breastfeeding: the esketamine label advises against breastfeeding during treatment.",
        source=(
            "Spravato label: avoid breastfeeding [V]; lactation is a ketamine trial exclusion [V] "
            "(clinical-reference 3)"
        ),
    ),
)
