"""Substance use: ketamine and esketamine carry abuse potential; alcohol adds CNS depression."""

from __future__ import annotations

from remit.core.screening import diagnoses as dx
from remit.core.screening.coded import ICD10CM, CodedDiagnoses, codes
from remit.core.screening.facts import screen_band
from remit.core.screening.intake import DiagnosisStatus
from remit.core.screening.rule import ALL_KETAMINE, Rule

_SUD_SOURCES = (
    'Ketamine trial exclusion "past or current moderate or severe substance dependence" (PMC6884875) [V]; '
    "Spravato label caution for substance use disorder history; esketamine is Schedule III, assess abuse "
    "risk before and during treatment (Spravato label 5.3) [V] (clinical-reference 3)"
)
# For substance use disorders there is no "resolved": a history counts as remission.
_HISTORY: frozenset[DiagnosisStatus] = frozenset({"in_remission", "resolved"})
# DAST-10 3-5 "moderate: further investigation" and above (clinical-reference 1.9) [V].
DAST10_POSITIVE_BANDS = frozenset({"moderate", "substantial", "severe"})

_CODES_SOURCE = ICD10CM + ": code titles; which codes stand for the exclusion is Remit's reading"
KETAMINE_RELATED_CODES = CodedDiagnoses(
    ranges=(
        codes("hallucinogen related disorders (including phencyclidine and ketamine)", "F16"),
        codes("other psychoactive substance related disorders", "F19"),
    ),
    statuses=dx.ANY_STATUS,
    source=_CODES_SOURCE,
)
_OTHER_SUD = (
    codes(
        "alcohol, opioid, cannabis, sedative, cocaine, other stimulant or inhalant related disorders",
        *dx.OTHER_SUBSTANCE_USE_DISORDERS,
    ),
)
ACTIVE_SUD_CODES = CodedDiagnoses(ranges=_OTHER_SUD, statuses=dx.CURRENT, source=_CODES_SOURCE)
SUD_HISTORY_CODES = CodedDiagnoses(ranges=_OTHER_SUD, statuses=_HISTORY, source=_CODES_SOURCE)

RULES = (
    Rule(
        id="substance_use_disorder_ketamine_related",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("diagnoses",),
        message=(
            "Hallucinogen (incl. ketamine/phencyclidine) or other/multiple substance use disorder "
            "(ICD-10-CM F16, F19), current or past: ketamine treatment carries a high risk of relapse and misuse."
        ),
        source=_SUD_SOURCES + ". F16/F19 (ketamine-related) treated as the most severe, per issue 4.",
        diagnosis_codes=KETAMINE_RELATED_CODES,
    ),
    Rule(
        id="substance_use_disorder_active",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        message=(
            "Active substance use disorder (ICD-10-CM F10-F15 or F18): weigh the risk of misuse "
            "of ketamine or esketamine."
        ),
        source=_SUD_SOURCES + ". Nicotine (F17) is not counted; F16/F19 have their own absolute rule.",
        diagnosis_codes=ACTIVE_SUD_CODES,
    ),
    Rule(
        id="substance_use_disorder_in_remission",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        message=(
            "Substance use disorder in remission (ICD-10-CM F10-F15 or F18): weigh the risk of "
            "relapse and misuse of ketamine or esketamine."
        ),
        source=_SUD_SOURCES + ". Nicotine (F17) is not counted; F16/F19 have their own absolute rule.",
        diagnosis_codes=SUD_HISTORY_CODES,
    ),
    Rule(
        id="dast10_positive",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("screens.dast10",),
        condition=lambda i, _s: screen_band(i, "dast10") in DAST10_POSITIVE_BANDS,
        message="DAST-10 score of 3 or more (moderate or higher drug use problems): assess abuse risk.",
        source=(
            "DAST-10 bands 3-5 moderate (further investigation), 6-8 substantial, 9-10 severe "
            "(comorbidityguidelines.org.au; NIDA CDE) [V] (clinical-reference 1.9); Spravato label 5.3: "
            "assess abuse risk [V]"
        ),
    ),
    Rule(
        id="auditc_positive",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("screens.auditc",),
        condition=lambda i, _s: screen_band(i, "auditc") == "positive",
        message=(
            "Positive AUDIT-C (4 or more for men, 3 or more for women or when sex is not male): assess "
            "alcohol use; alcohol adds to ketamine's sedation and misuse risk."
        ),
        source=(
            "AUDIT-C cut-offs (Bush 1998; Bradley 2007) [V] (clinical-reference 1.8); Spravato label: CNS "
            "depressants increase sedation, assess abuse risk (5.3) [V] (clinical-reference 3, 4)"
        ),
    ),
)
