"""Which medicines on an intake belong to the classes the screening rules ask about.

Intake medications are free-text names. A name is put in a class when one of
the class's generic or brand names appears in it as a whole word, so
"naltrexone ER", "olanzapine/samidorphan" and "Adderall XR" are recognised.
The tables are deliberately small: a medicine they do not know is not in any
class, which is why the TMS screen also asks the patient directly about
seizure-threshold-lowering medicines. Registries should store generic names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

MedicationClass = Literal[
    "maoi",
    "psychostimulant",
    "benzodiazepine",
    "opioid_antagonist",
    "seizure_threshold_lowering",
]

# Spravato label, drug interactions: MAOIs and psychostimulants raise blood pressure (clinical-reference 4) [V];
# MAOIs are also a ketamine trial exclusion (PMC6884875, PMC10812090) [V].
MAOIS = frozenset(
    {
        "phenelzine",
        "tranylcypromine",
        "isocarboxazid",
        "selegiline",
        "rasagiline",
        "safinamide",
        "moclobemide",
        "nardil",
        "parnate",
        "marplan",
        "emsam",
        "azilect",
    }
)

# Spravato label interactions name psychostimulants (amphetamines, methylphenidate, modafinil, armodafinil).
PSYCHOSTIMULANTS = frozenset(
    {
        "methylphenidate",
        "dexmethylphenidate",
        "amphetamine",
        "dextroamphetamine",
        "dexamfetamine",
        "lisdexamfetamine",
        "methamphetamine",
        "modafinil",
        "armodafinil",
        "adderall",
        "ritalin",
        "concerta",
        "focalin",
        "vyvanse",
        "provigil",
        "nuvigil",
    }
)

# Williams 2018 (AJP): naltrexone blocked ketamine's antidepressant effect (clinical-reference 3) [V];
# nalmefene and samidorphan are the other mu-opioid antagonists in outpatient use. Naloxone is left out:
# it is carried for overdose rescue, not taken daily.
OPIOID_ANTAGONISTS = frozenset(
    {"naltrexone", "nalmefene", "samidorphan", "vivitrol", "revia", "contrave", "lybalvi"}
)

# Seizure-threshold-lowering medicines named by Dobek 2015 and Stultz 2020 (bupropion, clozapine;
# clinical-reference 5) [V2], plus the "strong potential" group recalled from Rossi 2009's table
# [UNVERIFIED: table not retrieved]. SSRIs and most antipsychotics (Rossi's "relative hazard") are left
# out on purpose: they would flag nearly every patient; the patient's own answer covers them.
SEIZURE_THRESHOLD_LOWERING = frozenset(
    {
        "bupropion",
        "clozapine",
        "tramadol",
        "theophylline",
        "aminophylline",
        "maprotiline",
        "chlorpromazine",
        "imipramine",
        "amitriptyline",
        "clomipramine",
        "doxepin",
        "nortriptyline",
        "wellbutrin",
        "zyban",
        "clozaril",
        "ultram",
        "contrave",
    }
)

# Approximate oral doses equivalent to diazepam 10 mg (Ashton, "Benzodiazepines: how they work and how to
# withdraw", 2002) [UNVERIFIED: not in clinical-reference; equivalences are approximate and the
# pharmacist should confirm]. Used only to add doses up for the high-dose rule.
DIAZEPAM_10MG_EQUIVALENT_MG: dict[str, float] = {
    "alprazolam": 0.5,
    "bromazepam": 5.0,
    "chlordiazepoxide": 25.0,
    "clobazam": 20.0,
    "clonazepam": 0.5,
    "clorazepate": 15.0,
    "diazepam": 10.0,
    "estazolam": 1.0,
    "flurazepam": 15.0,
    "lorazepam": 1.0,
    "lormetazepam": 1.0,
    "nitrazepam": 10.0,
    "oxazepam": 20.0,
    "temazepam": 20.0,
    "triazolam": 0.5,
    "xanax": 0.5,
    "klonopin": 0.5,
    "ativan": 1.0,
    "valium": 10.0,
    "restoril": 20.0,
}
BENZODIAZEPINES = frozenset(DIAZEPAM_10MG_EQUIVALENT_MG)

CLASS_NAMES: dict[MedicationClass, frozenset[str]] = {
    "maoi": MAOIS,
    "psychostimulant": PSYCHOSTIMULANTS,
    "benzodiazepine": BENZODIAZEPINES,
    "opioid_antagonist": OPIOID_ANTAGONISTS,
    "seizure_threshold_lowering": SEIZURE_THRESHOLD_LOWERING,
}

# The classes in plain words, as the registry's class boxes and the screening pages name them.
CLASS_LABELS: dict[MedicationClass, str] = {
    "maoi": "MAOI",
    "psychostimulant": "psychostimulant",
    "benzodiazepine": "benzodiazepine",
    "opioid_antagonist": "opioid antagonist",
    "seizure_threshold_lowering": "seizure-threshold-lowering medicine",
}

_WORD = re.compile(r"[a-z]+")


def _words(name: str) -> set[str]:
    return set(_WORD.findall(name.lower()))


def matching_name(name: str, names: Iterable[str]) -> str | None:
    """The first table name that appears as a word in ``name``, or None."""
    words = _words(name)
    return next((known for known in sorted(names) if known in words), None)


def in_class(name: str, medication_class: MedicationClass) -> bool:
    return matching_name(name, CLASS_NAMES[medication_class]) is not None


def diazepam_equivalent_mg(name: str, daily_dose_mg: float) -> float | None:
    """The diazepam-equivalent daily dose of a benzodiazepine, or None for other medicines."""
    benzodiazepine = matching_name(name, BENZODIAZEPINES)
    if benzodiazepine is None:
        return None
    return daily_dose_mg * 10.0 / DIAZEPAM_10MG_EQUIVALENT_MG[benzodiazepine]
