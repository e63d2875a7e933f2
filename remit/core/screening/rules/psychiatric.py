"""Psychotic and bipolar disorders: ketamine and esketamine can transiently worsen psychosis and mania."""

from __future__ import annotations

from remit.core.screening import diagnoses as dx
from remit.core.screening.rule import ALL_KETAMINE, Rule

_TRIALS_AND_LABEL = (
    "Exclusion in ketamine trial protocols (PMC10812090; PMC6884875) [V]; Spravato label: "
    '"carefully assess patients with psychosis" [V]; ACEP lists schizophrenia as a contraindication '
    "for ED ketamine [V2] (clinical-reference 3)"
)

RULES = (
    Rule(
        id="psychotic_disorder_f20_f29",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("diagnoses",),
        condition=lambda i, _s: dx.has(i.diagnoses, dx.PSYCHOTIC_DISORDERS, dx.CURRENT_OR_REMITTED),
        message=(
            "Schizophrenia spectrum or other psychotic disorder (ICD-10-CM F20-F29): ketamine and "
            "esketamine can worsen psychosis."
        ),
        source=_TRIALS_AND_LABEL + ". Not on the Spravato contraindication list, so not label-mandated.",
    ),
    Rule(
        id="psychotic_disorder_history_f20_f29",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        condition=lambda i, _s: dx.has(i.diagnoses, dx.PSYCHOTIC_DISORDERS, frozenset({"resolved"})),
        message=(
            "History of a psychotic disorder (ICD-10-CM F20-F29, recorded as resolved): the prescriber "
            "should weigh the risk of a relapse of psychosis."
        ),
        source=_TRIALS_AND_LABEL
        + "; a resolved episode is a caution rather than an exclusion (Remit's reading).",
    ),
    Rule(
        id="bipolar_current_mania_or_psychosis",
        modalities=ALL_KETAMINE,
        level="absolute",
        needs=("diagnoses", "bipolar_current_mania_or_psychosis"),
        condition=lambda i, _s: (
            i.bipolar_current_mania_or_psychosis is True
            or dx.has(i.diagnoses, dx.MANIA_OR_PSYCHOSIS_PREFIXES, dx.CURRENT)
        ),
        message=(
            "Bipolar disorder with a current manic, hypomanic or mixed episode or psychotic features: "
            "ketamine and esketamine can worsen mania and psychosis."
        ),
        source=(
            "Current mania and psychosis: exclusion in ketamine trial protocols (PMC10812090; PMC6884875) "
            '[V]; Spravato label: "carefully assess patients with psychosis" [V] (clinical-reference 3). '
            "Read from ICD-10-CM F30, F31.0, F31.1x, F31.2, F31.5, F31.6x, or the explicit answer."
        ),
    ),
    Rule(
        id="depression_with_psychotic_features",
        modalities=ALL_KETAMINE,
        level="relative",
        needs=("diagnoses",),
        condition=lambda i, _s: dx.has(i.diagnoses, dx.DEPRESSION_WITH_PSYCHOTIC_FEATURES, dx.CURRENT),
        message=(
            "Major depression with psychotic features (ICD-10-CM F32.3, F33.3): the prescriber should "
            "assess the psychosis before ketamine or esketamine."
        ),
        source=(
            'Spravato label: "carefully assess patients with psychosis" [V]; psychosis is a ketamine trial '
            "exclusion (PMC10812090; PMC6884875) [V] (clinical-reference 3)"
        ),
    ),
)
