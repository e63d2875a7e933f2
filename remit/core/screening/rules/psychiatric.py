"""Psychotic and bipolar disorders: ketamine and esketamine can transiently worsen psychosis and mania."""

from __future__ import annotations

from remit.core.screening import diagnoses as dx
from remit.core.screening.coded import (
    ICD10CM,
    CodedDiagnoses,
    ExplicitAnswer,
    codes,
)
from remit.core.screening.rule import ALL_KETAMINE, Rule

_TRIALS_AND_LABEL = (
    "Exclusion in ketamine trial protocols (PMC10812090; PMC6884875) [V]; Spravato label: "
    '"carefully assess patients with psychosis" [V]; ACEP lists schizophrenia as a contraindication '
    "for ED ketamine [V2] (clinical-reference 3)"
)

_PSYCHOTIC = (
    codes(
        "schizophrenia, schizotypal, delusional and other non-mood psychotic disorders",
        *dx.PSYCHOTIC_DISORDERS,
    ),
)
_CODES_SOURCE = ICD10CM + ": code titles; which codes stand for the exclusion is Remit's reading"
PSYCHOTIC_DISORDER_CODES = CodedDiagnoses(
    ranges=_PSYCHOTIC, statuses=dx.CURRENT_OR_REMITTED, source=_CODES_SOURCE
)
PSYCHOTIC_DISORDER_HISTORY_CODES = CodedDiagnoses(
    ranges=_PSYCHOTIC, statuses=frozenset({"resolved"}), source=_CODES_SOURCE
)
MANIA_OR_PSYCHOSIS_CODES = CodedDiagnoses(
    ranges=(
        codes("manic episode", "F30"),
        codes("bipolar disorder, current episode hypomanic", "F31.0"),
        codes("bipolar disorder, current episode manic", "F31.1", "F31.2"),
        codes("bipolar disorder, current episode depressed, severe, with psychotic features", "F31.5"),
        codes("bipolar disorder, current episode mixed", "F31.6"),
    ),
    statuses=dx.CURRENT,
    source=_CODES_SOURCE,
)
DEPRESSION_WITH_PSYCHOTIC_FEATURES_CODES = CodedDiagnoses(
    ranges=(codes("major depressive disorder, severe with psychotic features", "F32.3", "F33.3"),),
    statuses=dx.CURRENT,
    source=_CODES_SOURCE,
)

RULES = (
    Rule(
        id="psychotic_disorder_f20_f29",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("diagnoses",),
        message=(
            "Schizophrenia spectrum or other psychotic disorder (ICD-10-CM F20-F29): ketamine and "
            "esketamine can worsen psychosis."
        ),
        source=_TRIALS_AND_LABEL + ". Not on the Spravato contraindication list, so not label-mandated.",
        diagnosis_codes=PSYCHOTIC_DISORDER_CODES,
    ),
    Rule(
        id="psychotic_disorder_history_f20_f29",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        message=(
            "History of a psychotic disorder (ICD-10-CM F20-F29, recorded as resolved): the prescriber "
            "should weigh the risk of a relapse of psychosis."
        ),
        source=_TRIALS_AND_LABEL
        + "; a resolved episode is a caution rather than an exclusion (Remit's reading).",
        diagnosis_codes=PSYCHOTIC_DISORDER_HISTORY_CODES,
    ),
    Rule(
        id="bipolar_current_mania_or_psychosis",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("diagnoses", "bipolar_current_mania_or_psychosis"),
        condition=lambda i, _s: i.bipolar_current_mania_or_psychosis is True,
        message=(
            "Bipolar disorder with a current manic, hypomanic or mixed episode or psychotic features: "
            "ketamine and esketamine can worsen mania and psychosis."
        ),
        source=(
            "Current mania and psychosis: exclusion in ketamine trial protocols (PMC10812090; PMC6884875) "
            '[V]; Spravato label: "carefully assess patients with psychosis" [V] (clinical-reference 3). '
            "Read from ICD-10-CM F30, F31.0, F31.1x, F31.2, F31.5, F31.6x, or the explicit answer."
        ),
        diagnosis_codes=MANIA_OR_PSYCHOSIS_CODES,
        answer=ExplicitAnswer(
            read=lambda i: i.bipolar_current_mania_or_psychosis,
            question=(
                "Bipolar disorder with a current manic, hypomanic or mixed episode, or psychotic features"
            ),
        ),
    ),
    Rule(
        id="depression_with_psychotic_features",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        message=(
            "Major depression with psychotic features (ICD-10-CM F32.3, F33.3): the prescriber should "
            "assess the psychosis before ketamine or esketamine."
        ),
        source=(
            'Spravato label: "carefully assess patients with psychosis" [V]; psychosis is a ketamine trial '
            "exclusion (PMC10812090; PMC6884875) [V] (clinical-reference 3)"
        ),
        diagnosis_codes=DEPRESSION_WITH_PSYCHOTIC_FEATURES_CODES,
    ),
)
