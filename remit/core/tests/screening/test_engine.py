"""The evaluator: precedence, ordering, missing facts and the output shape."""

from __future__ import annotations

import re

import pytest

from remit.core.modality import MODALITIES
from remit.core.screening import RULES, Intake, Rule, evaluate, parse_intake, to_dict
from remit.core.screening.facts import KNOWN
from remit.core.tests.screening.intakes import eligible_doc, results, with_


def test_an_empty_intake_is_incomplete_for_every_modality_never_eligible() -> None:
    """Screening fail-safe: unknown never reads as eligible."""
    result = evaluate(parse_intake({}))
    assert list(result) == list(MODALITIES)
    assert all(r.decision == "incomplete" and r.missing and not r.reasons for r in result.values())
    assert "tms_safety.metal_in_head" in result["tms"].missing
    assert "tms_safety.metal_in_head" not in result["esketamine"].missing


def test_an_absolute_reason_wins_over_missing_facts_which_are_still_listed() -> None:
    """A known contraindication stands; missing facts are listed anyway."""
    result = evaluate(parse_intake({"diagnoses": [{"code": "F20.9", "status": "active"}]}))
    assert result["ketamine_iv"].decision == "contraindicated"
    assert "age" in result["ketamine_iv"].missing
    assert result["tms"].decision == "incomplete"


def test_missing_facts_win_over_a_relative_reason_which_is_still_shown() -> None:
    """Unknown never reads as eligible, nor as a mere caution."""
    doc = with_(breastfeeding=True)
    del doc["age"]
    result = results(doc)["esketamine"]
    assert result.decision == "incomplete"
    assert [r.rule for r in result.reasons] == ["breastfeeding"]
    assert result.missing == ("age",)


def test_reasons_are_ordered_absolute_first_then_by_rule_id() -> None:
    """Reasons ordered by severity."""
    doc = with_(
        breastfeeding=True,
        pregnant=True,
        blood_pressure={"systolic": 150, "diastolic": 95},
        diagnoses=[{"code": "F20.9", "status": "active"}],
    )
    reasons = results(doc)["esketamine"].reasons
    assert [(r.level, r.rule) for r in reasons] == [
        ("absolute", "pregnancy"),
        ("absolute", "psychotic_disorder_f20_f29"),
        ("relative", "blood_pressure_above_limit"),
        ("relative", "breastfeeding"),
    ]


def test_to_dict_has_exactly_the_documented_shape() -> None:
    """The engine's output contract."""
    out = to_dict(results(with_(pregnant=True)))
    assert list(out) == list(MODALITIES)
    for entry in out.values():
        assert set(entry) == {"decision", "reasons", "missing"}
        assert isinstance(entry["missing"], list)
        assert isinstance(entry["reasons"], list)
        for reason in entry["reasons"]:
            assert set(reason) == {
                "rule",
                "level",
                "message",
                "source",
                "codes",
                "medications",
                "evidence",
                "contradictions",
            }
    assert out["ketamine_iv"]["reasons"][0]["rule"] == "pregnancy"


def test_missing_facts_are_sorted_names() -> None:
    """ModalityResult.missing is a sorted tuple of fact names."""
    missing = evaluate(Intake())["esketamine"].missing
    assert list(missing) == sorted(missing)
    assert set(missing) <= set(KNOWN)


def test_every_rule_is_data_with_a_stable_id_a_message_and_a_source() -> None:
    """clinical-reference: every rule names its source."""
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", rule.id)
        assert rule.message.strip() and rule.source.strip()
        assert rule.modalities <= set(MODALITIES)
        assert set(rule.needs) <= set(KNOWN)


def test_a_rule_with_an_unknown_fact_is_refused() -> None:
    """Needs drive the fail-safe, so a typo in a fact name must not pass silently."""
    with pytest.raises(ValueError, match="unknown facts"):
        Rule(
            id="typo",
            modalities=frozenset({"tms"}),
            level="relative",
            needs=("tms_safety.metal_in_hed",),
            condition=lambda _i, _s: False,
            message="m",
            source="s",
        )


def test_only_an_absolute_rule_can_be_label_mandated() -> None:
    """Label-mandated means an absolute rule from a drug label."""
    with pytest.raises(ValueError, match="label-mandated"):
        Rule(
            id="odd",
            modalities=frozenset({"tms"}),
            level="relative",
            needs=("age",),
            condition=lambda _i, _s: False,
            message="m",
            source="s",
            label_mandated=True,
        )


def test_the_issue_sample_intake_lacks_the_vascular_facts_and_is_incomplete() -> None:
    """The issue's sample omits vascular history, which esketamine's label contraindications need (clinical-reference 4)."""
    doc = eligible_doc()
    del doc["vascular"], doc["hypersensitivity_ketamine"], doc["bipolar_current_mania_or_psychosis"]
    result = results(doc)
    assert result["esketamine"].missing == (
        "vascular.aneurysmal_vascular_disease",
        "vascular.arteriovenous_malformation",
        "vascular.intracerebral_haemorrhage_history",
        "vascular.raised_intracranial_pressure",
    )
    assert result["tms"].missing == ("vascular.raised_intracranial_pressure",)


def test_every_rule_that_needs_a_dependent_fact_also_needs_its_prerequisite() -> None:
    """A dependent fact is reported only once its prerequisite is known, so the prerequisite must be needed too."""
    prerequisites = {
        "medications.daily_dose_mg": "medications",
        "bipolar_current_mania_or_psychosis": "diagnoses",
    }
    for rule in RULES:
        for fact, prerequisite in prerequisites.items():
            if fact in rule.needs:
                assert prerequisite in rule.needs, rule.id
