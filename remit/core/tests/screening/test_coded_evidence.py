"""Coded diagnoses and listed medicines drive the screening rules.

A recorded ICD-10-CM diagnosis or a listed medicine of a class counts whatever the explicit answer says:
it wins over an explicit "no" and over an unticked class box, and the contradiction is reported.
"""

from __future__ import annotations

from typing import Any

import pytest

from remit.core.screening import RULES, RULES_BY_ID
from remit.core.tests.screening.intakes import decisions, eligible_doc, expect, results, with_, without

VASCULAR_FACTS = (
    "aneurysmal_vascular_disease",
    "arteriovenous_malformation",
    "intracerebral_haemorrhage_history",
)


def dx(code: str, status: str = "active") -> list[dict[str, str]]:
    return [{"code": "F33.2", "status": "active"}, {"code": code, "status": status}]


def reason(doc: dict[str, Any], modality: str, rule: str) -> Any:
    return next(r for r in results(doc)[modality].reasons if r.rule == rule)


# Clinical-reference 8.x (ICD-10-CM Tabular List, CDC/NCHS FY2025) [V]: code -> the vascular fact it stands for.
CODED_VASCULAR = [
    ("I67.1", "aneurysmal_vascular_disease"),  # cerebral aneurysm, nonruptured
    ("I71.2", "aneurysmal_vascular_disease"),  # thoracic aortic aneurysm, without rupture
    ("I71.40", "aneurysmal_vascular_disease"),  # abdominal aortic aneurysm, without rupture
    ("I72.0", "aneurysmal_vascular_disease"),  # aneurysm of carotid artery
    ("Q28.2", "arteriovenous_malformation"),  # arteriovenous malformation of cerebral vessels
    ("Q28.3", "arteriovenous_malformation"),  # other malformations of cerebral vessels
    ("I77.0", "arteriovenous_malformation"),  # arteriovenous fistula, acquired
    ("I61.9", "intracerebral_haemorrhage_history"),  # nontraumatic intracerebral hemorrhage, unspecified
    ("I60.7", "intracerebral_haemorrhage_history"),  # nontraumatic subarachnoid hemorrhage
    ("I62.00", "intracerebral_haemorrhage_history"),  # nontraumatic subdural hemorrhage
    ("I69.10", "intracerebral_haemorrhage_history"),  # sequelae of nontraumatic intracerebral hemorrhage
    ("S06.360A", "intracerebral_haemorrhage_history"),  # traumatic hemorrhage of cerebrum
    ("S06.4X0A", "intracerebral_haemorrhage_history"),  # epidural hemorrhage
    ("S06.5X0A", "intracerebral_haemorrhage_history"),  # traumatic subdural hemorrhage
    ("S06.6X0A", "intracerebral_haemorrhage_history"),  # traumatic subarachnoid hemorrhage
]


@pytest.mark.parametrize("answer", [False, None])
@pytest.mark.parametrize(("code", "fact"), CODED_VASCULAR)
def test_a_coded_aneurysm_avm_or_intracranial_hemorrhage_rules_out_esketamine_and_ketamine_whatever_the_answer(
    code: str, fact: str, answer: bool | None
) -> None:
    """Spravato contraindications: aneurysmal vascular disease, AVM, history of intracerebral haemorrhage [V]
    (clinical-reference 4), mirrored for racemic ketamine (clinical-reference 3); the ICD-10-CM codes that
    stand for them: clinical-reference 8.x, after the ICD-10-CM Tabular List (CDC/NCHS FY2025) [V].

    On the old code an explicit "no" gave eligible and an unanswered question gave incomplete with no reason.
    """
    doc = with_(diagnoses=dx(code))
    doc["vascular"][fact] = answer
    if answer is None:
        doc = without(doc, f"vascular.{fact}")
    assert decisions(doc) == expect("contraindicated")
    for modality, rule in (("esketamine", f"{fact}_esketamine"), ("ketamine_iv", f"{fact}_ketamine")):
        fired = reason(doc, modality, rule)
        assert fired.level == "absolute"
        assert fired.codes == (code,)
        assert any(code in text for text in fired.evidence)
        assert "clinical-reference 8.x" in fired.source
        assert "Spravato label" in fired.source


def test_an_explicit_no_beside_a_coded_aneurysm_is_reported_as_a_contradiction() -> None:
    """Clinical-reference 4 (Spravato contraindication) and 8.x (I67.1 cerebral aneurysm, nonruptured) [V]."""
    doc = with_(diagnoses=dx("I67.1"))
    fired = reason(doc, "esketamine", "aneurysmal_vascular_disease_esketamine")
    assert len(fired.contradictions) == 1
    note = fired.contradictions[0]
    assert '"no"' in note and "I67.1" in note and "cerebral aneurysm" in note
    assert "_" not in note


def test_an_unanswered_question_with_a_coded_diagnosis_is_no_contradiction() -> None:
    """Only an explicit "no" contradicts the record (clinical-reference 8.x)."""
    doc = without(with_(diagnoses=dx("Q28.2")), "vascular.arteriovenous_malformation")
    assert reason(doc, "esketamine", "arteriovenous_malformation_esketamine").contradictions == ()


@pytest.mark.parametrize("status", ["in_remission", "resolved"])
def test_a_past_intracranial_hemorrhage_still_counts(status: str) -> None:
    """The label names a *history* of intracerebral haemorrhage [V] (clinical-reference 4); clinical-reference
    8.x: intracranial hemorrhage, any history."""
    assert decisions(with_(diagnoses=dx("I61.0", status))) == expect("contraindicated")


@pytest.mark.parametrize(
    "code",
    ["I67.0", "I67.2", "I63.9", "Q28.1", "I77.1", "S06.30XA", "S06.2X0A", "I70.0", "G93.1"],
)
def test_codes_beside_the_listed_ranges_do_not_fire_a_vascular_rule(code: str) -> None:
    """Only the codes of clinical-reference 8.x count (ICD-10-CM Tabular List [V])."""
    doc = with_(diagnoses=dx(code))
    assert decisions(doc) == expect("eligible")


def test_aortic_ectasia_is_a_caution_not_an_aneurysm() -> None:
    """Clinical-reference 8.x: I77.81- aortic ectasia is not an aneurysm (caution at most)."""
    doc = with_(diagnoses=dx("I77.811"))
    assert decisions(doc) == expect("caution")
    assert reason(doc, "esketamine", "aortic_ectasia").codes == ("I77.811",)


@pytest.mark.parametrize("code", ["G93.2", "G93.5", "G93.6"])
def test_a_coded_raised_intracranial_pressure_contraindicates_every_modality_over_an_explicit_no(
    code: str,
) -> None:
    """Clinical-reference 8.x: G93.2 benign intracranial hypertension, G93.5 compression of brain, G93.6
    cerebral edema; raised intracranial pressure: Spravato label [V2] (clinical-reference 4, 8), IFCN [V2]
    (clinical-reference 5)."""
    doc = with_(diagnoses=dx(code))
    assert decisions(doc) == expect("contraindicated", tms="contraindicated")
    assert reason(doc, "tms", "raised_intracranial_pressure_tms").contradictions


def test_a_resolved_raised_intracranial_pressure_does_not_count() -> None:
    """Raised intracranial pressure is a current state (clinical-reference 5, 8.x)."""
    assert decisions(with_(diagnoses=dx("G93.2", "resolved"))) == expect("eligible")


def test_hydrocephalus_is_a_caution_for_ketamine() -> None:
    """Clinical-reference 8.x: G91.- hydrocephalus (caution)."""
    assert decisions(with_(diagnoses=dx("G91.0"))) == expect("caution")


def test_a_coded_manic_episode_wins_over_an_explicit_no() -> None:
    """Current mania: ketamine trial exclusion (PMC10812090; PMC6884875) [V] (clinical-reference 3);
    ICD-10-CM F31.1x bipolar disorder, current episode manic."""
    doc = with_(diagnoses=dx("F31.11"), bipolar_current_mania_or_psychosis=False)
    assert decisions(doc) == expect("contraindicated")
    assert reason(doc, "esketamine", "bipolar_current_mania_or_psychosis").contradictions


def test_a_coded_epilepsy_wins_over_an_explicit_no_to_the_seizure_question() -> None:
    """IFCN as summarized by clinics: history of seizures, great caution [V2] (clinical-reference 5);
    ICD-10-CM G40 epilepsy and recurrent seizures."""
    doc = with_(diagnoses=dx("G40.909", "in_remission"))
    assert decisions(doc) == expect("eligible", tms="caution")
    fired = reason(doc, "tms", "tms_seizure_history")
    assert fired.codes == ("G40.909",) and fired.contradictions


def test_a_coded_cardiac_pacemaker_wins_over_an_explicit_no() -> None:
    """IFCN as summarized by clinics: intracardiac electrodes or lines [V2] (clinical-reference 5);
    ICD-10-CM Z95.0 presence of cardiac pacemaker."""
    assert decisions(with_(diagnoses=dx("Z95.0"))) == expect("eligible", tms="contraindicated")


def test_a_coded_pregnancy_wins_over_an_explicit_no() -> None:
    """Spravato label: fetal harm [V]; pregnancy is a ketamine trial exclusion [V] (clinical-reference 3);
    ICD-10-CM Z33.1 pregnant state, incidental."""
    doc = with_(diagnoses=dx("Z33.1"))
    assert decisions(doc) == expect("contraindicated", tms="caution")
    assert reason(doc, "esketamine", "pregnancy").contradictions


def meds(*medications: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": "sertraline", "daily_dose_mg": 100, "classes": []}, *medications]


@pytest.mark.parametrize(
    ("name", "rule"),
    [("phenelzine", "maoi"), ("lisdexamfetamine", "psychostimulant"), ("naltrexone", "opioid_antagonist")],
)
def test_a_listed_medicine_of_a_class_wins_over_its_unticked_class_box(name: str, rule: str) -> None:
    """Spravato interactions: MAOIs and psychostimulants raise blood pressure [V] (clinical-reference 4);
    naltrexone blocked ketamine's antidepressant effect (Williams 2018) [V] (clinical-reference 3)."""
    doc = with_(medications=meds({"name": name, "daily_dose_mg": 10, "classes": []}))
    assert decisions(doc) == expect("caution")
    fired = reason(doc, "esketamine", rule)
    assert fired.medications == (name,)
    assert len(fired.contradictions) == 1 and "box" in fired.contradictions[0]
    assert "table" in fired.source


def test_a_ticked_class_box_counts_for_a_name_the_tables_do_not_know() -> None:
    """A ticked MAOI box is the registry's explicit answer (Spravato interactions, clinical-reference 4)."""
    doc = with_(medications=meds({"name": "Brandx", "classes": ["maoi"]}))
    assert decisions(doc) == expect("caution")
    fired = reason(doc, "esketamine", "maoi")
    assert fired.contradictions == ()
    assert fired.evidence == ("Listed medicine Brandx: recorded as an MAOI",)


def test_a_listed_seizure_threshold_lowering_medicine_wins_over_an_explicit_no() -> None:
    """Bupropion and clozapine lower the seizure threshold (Dobek 2015; Stultz 2020) [V2] (clinical-reference 5)."""
    doc = with_(medications=meds({"name": "bupropion XL", "daily_dose_mg": 300}))
    assert decisions(doc) == expect("eligible", tms="caution")
    assert reason(doc, "tms", "tms_seizure_threshold_medication").contradictions


def test_every_rule_that_reads_codes_or_classes_fires_on_them_with_their_source() -> None:
    """Code ranges and medicine classes live with the rule, each with its source."""
    coded = [rule for rule in RULES if rule.diagnosis_codes is not None]
    assert {r.id for r in coded} >= {
        f"{fact}_{drug}" for fact in VASCULAR_FACTS for drug in ("esketamine", "ketamine")
    }
    for rule in coded:
        assert rule.diagnosis_codes is not None
        assert rule.diagnosis_codes.source.strip()
        first = rule.diagnosis_codes.ranges[0].prefixes[0]
        code = first if "." in first else f"{first}.9"
        status = sorted(rule.diagnosis_codes.statuses)[0]
        doc = with_(diagnoses=dx(code, status))
        modality = sorted(rule.modalities)[0]
        assert rule.id in {r.rule for r in results(doc)[modality].reasons}, rule.id
    for rule_id in ("maoi", "psychostimulant", "opioid_antagonist", "tms_seizure_threshold_medication"):
        classes = RULES_BY_ID[rule_id].medication_classes
        assert classes is not None and classes.source.strip()


def test_the_eligible_intake_stays_eligible() -> None:
    """Nothing in the hand-built eligible intake is coded evidence."""
    assert decisions(eligible_doc()) == expect("eligible")
