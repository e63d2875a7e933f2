"""Hypothesis properties of the evaluator: the fail-safe, and monotonicity in positive findings."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.modality import MODALITIES
from remit.core.screening import RULES, evaluate, parse_intake
from remit.core.screening.intake import TmsSafety, Vascular

TMS_ITEMS = tuple(TmsSafety.__dataclass_fields__)
VASCULAR_ITEMS = tuple(Vascular.__dataclass_fields__)
NEEDED_FACTS = sorted({fact for rule in RULES for fact in rule.needs})
SEVERITY = {"eligible": 0, "caution": 1, "contraindicated": 2}
FAST = settings(max_examples=60, deadline=None)


def _answers(length: int, max_yes: int, yes_value: int, scored_zero_at: int | None = None) -> Any:
    """Answer lists with at most ``max_yes`` points (DAST-10 item 3 is reverse-scored, so it is answered 1)."""

    def build(positions: list[int]) -> list[int]:
        answers = [0] * length
        if scored_zero_at is not None:
            answers[scored_zero_at] = 1
        for position in positions:
            answers[position] = yes_value
        return answers

    choices = [i for i in range(length) if i != scored_zero_at]
    return st.lists(st.sampled_from(choices), max_size=max_yes, unique=True).map(build)


@st.composite
def eligible_docs(draw: st.DrawFn) -> dict[str, Any]:
    """Complete intakes on which no rule fires (with a low-dose benzodiazepine, so its dose can go missing)."""
    systolic = draw(st.integers(90, 140))
    benzodiazepine = draw(st.sampled_from([("clonazepam", 0.5), ("lorazepam", 1.0), ("diazepam", 15.0)]))
    doc: dict[str, Any] = {
        "age": draw(st.integers(18, 64)),
        "sex": draw(st.sampled_from(["female", "male", "other"])),
        "pregnant": False,
        "breastfeeding": False,
        "blood_pressure": {"systolic": systolic, "diastolic": draw(st.integers(50, min(90, systolic - 1)))},
        "diagnoses": [
            {"code": code, "status": draw(st.sampled_from(["active", "in_remission", "resolved"]))}
            for code in draw(
                st.lists(
                    st.sampled_from(["F33.1", "F33.2", "F41.1", "F43.10", "I10", "F17.210"]), unique=True
                )
            )
        ],
        "medications": [
            {"name": "sertraline", "daily_dose_mg": 100},
            {"name": benzodiazepine[0], "daily_dose_mg": benzodiazepine[1]},
            *[
                {"name": n}
                for n in draw(st.lists(st.sampled_from(["lamotrigine", "levothyroxine"]), unique=True))
            ],
        ],
        "allergies": draw(st.lists(st.sampled_from(["penicillin", "latex", "sulfa"]), unique=True)),
        "vascular": dict.fromkeys(VASCULAR_ITEMS, False),
        "screens": {
            "auditc": draw(_answers(3, 2, 1)),
            "dast10": draw(_answers(10, 2, 1, scored_zero_at=2)),
        },
        "tms_safety": dict.fromkeys(TMS_ITEMS, False),
    }
    if draw(st.booleans()):
        doc["hypersensitivity_ketamine"] = False
    if draw(st.booleans()):
        doc["bipolar_current_mania_or_psychosis"] = False
    return doc


def without_fact(doc: dict[str, Any], fact: str, blank_answer: bool) -> dict[str, Any]:
    """``doc`` with ``fact`` made unknown, by deleting the keys it is known from."""
    out = copy.deepcopy(doc)
    if fact == "hypersensitivity_ketamine":
        out.pop("hypersensitivity_ketamine", None)
        out.pop("allergies", None)
    elif fact == "bipolar_current_mania_or_psychosis":
        # Known from the diagnoses unless a bipolar code leaves the current episode unsaid.
        out.pop(fact, None)
        out["diagnoses"].append({"code": "F31.9", "status": "active"})
    elif fact == "medications.daily_dose_mg":
        for medication in out["medications"]:
            medication.pop("daily_dose_mg", None)
    elif fact.startswith("screens.") and blank_answer:
        out["screens"][fact.split(".")[1]][0] = None
    elif "." in fact:
        group, name = fact.split(".")
        del out[group][name]
    else:
        del out[fact]
    return out


@FAST
@given(eligible_docs())
def test_the_generated_complete_intakes_are_eligible_everywhere(doc: dict[str, Any]) -> None:
    result = evaluate(parse_intake(doc))
    assert {m: (r.decision, r.missing) for m, r in result.items()} == dict.fromkeys(
        MODALITIES, ("eligible", ())
    )


@FAST
@given(eligible_docs(), st.sampled_from(NEEDED_FACTS), st.booleans())
def test_removing_a_needed_fact_never_leaves_a_modality_eligible(
    doc: dict[str, Any], fact: str, blank_answer: bool
) -> None:
    """Screening fail-safe: a fact a rule needs but the intake lacks makes the modality incomplete."""
    stripped = parse_intake(without_fact(doc, fact, blank_answer))
    result = evaluate(stripped)
    for modality in MODALITIES:
        needed = any(
            modality in rule.modalities and fact in rule.needs and rule.needs_apply(stripped)
            for rule in RULES
        )
        if needed:
            assert result[modality].decision == "incomplete"
            assert fact in result[modality].missing
        else:
            assert result[modality].decision == "eligible"


def _maybe(draw: st.DrawFn, doc: dict[str, Any], key: str, values: st.SearchStrategy[Any]) -> None:
    if draw(st.booleans()):
        doc[key] = draw(values)


@st.composite
def any_docs(draw: st.DrawFn) -> dict[str, Any]:
    """Partial intakes, with a mix of negative, positive and missing facts."""
    flag = st.booleans()
    doc: dict[str, Any] = {}
    _maybe(draw, doc, "age", st.integers(0, 120))
    _maybe(draw, doc, "sex", st.sampled_from(["female", "male", "other"]))
    _maybe(draw, doc, "pregnant", flag)
    _maybe(draw, doc, "breastfeeding", flag)
    _maybe(draw, doc, "hypersensitivity_ketamine", flag)
    _maybe(draw, doc, "bipolar_current_mania_or_psychosis", flag)
    _maybe(
        draw,
        doc,
        "blood_pressure",
        st.integers(80, 220).flatmap(
            lambda s: st.fixed_dictionaries(
                {"systolic": st.just(s), "diastolic": st.integers(40, min(200, s - 1))}
            )
        ),
    )
    codes = ["F33.2", "F20.9", "F31.9", "F31.2", "F31.32", "F16.20", "F10.20", "F12.21", "F33.3", "F23"]
    _maybe(
        draw,
        doc,
        "diagnoses",
        st.lists(
            st.fixed_dictionaries(
                {
                    "code": st.sampled_from(codes),
                    "status": st.sampled_from(["active", "in_remission", "resolved"]),
                }
            ),
            max_size=3,
        ),
    )
    names = ["sertraline", "phenelzine", "lorazepam", "naltrexone", "bupropion", "methylphenidate"]
    _maybe(
        draw,
        doc,
        "medications",
        st.lists(
            st.fixed_dictionaries(
                {"name": st.sampled_from(names)},
                optional={"daily_dose_mg": st.sampled_from([0.5, 2.0, 10.0, 50.0])},
            ),
            max_size=3,
        ),
    )
    _maybe(draw, doc, "allergies", st.lists(st.sampled_from(["penicillin", "ketamine"]), max_size=2))
    _maybe(draw, doc, "vascular", st.fixed_dictionaries({}, optional=dict.fromkeys(VASCULAR_ITEMS, flag)))
    _maybe(draw, doc, "tms_safety", st.fixed_dictionaries({}, optional=dict.fromkeys(TMS_ITEMS, flag)))
    answer = st.one_of(st.none(), st.integers(0, 4))
    _maybe(
        draw,
        doc,
        "screens",
        st.fixed_dictionaries(
            {},
            optional={
                "auditc": st.lists(answer, min_size=3, max_size=3),
                "dast10": st.lists(st.one_of(st.none(), st.integers(0, 1)), min_size=10, max_size=10),
            },
        ),
    )
    return doc


def _set(group: str | None, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        (doc.setdefault(group, {}) if group else doc)[key] = value

    return apply


def _append(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        doc.setdefault(key, []).append(value)

    return apply


POSITIVE_FINDINGS: list[Callable[[dict[str, Any]], None]] = [
    _set(None, "pregnant", True),
    _set(None, "breastfeeding", True),
    _set(None, "hypersensitivity_ketamine", True),
    _set(None, "bipolar_current_mania_or_psychosis", True),
    _set(None, "blood_pressure", {"systolic": 230, "diastolic": 130}),
    _set("screens", "auditc", [4, 4, 4]),
    _set("screens", "dast10", [1, 1, 0, 1, 1, 1, 1, 1, 1, 1]),
    *[_set("vascular", item, True) for item in VASCULAR_ITEMS],
    *[_set("tms_safety", item, True) for item in TMS_ITEMS],
    *[
        _append("diagnoses", {"code": code, "status": status})
        for code, status in [
            ("F20.9", "active"),
            ("F23", "resolved"),
            ("F31.2", "active"),
            ("F33.3", "active"),
            ("F16.20", "in_remission"),
            ("F10.20", "active"),
            ("F12.21", "in_remission"),
        ]
    ],
    *[
        _append("medications", {"name": name, "daily_dose_mg": dose})
        for name, dose in [
            ("phenelzine", 45),
            ("dexamfetamine", 20),
            ("lorazepam", 4),
            ("naltrexone", 50),
            ("clozapine", 300),
        ]
    ],
    _append("allergies", "ketamine"),
]


@FAST
@given(any_docs(), st.sampled_from(POSITIVE_FINDINGS))
def test_adding_a_positive_finding_never_makes_a_decision_less_severe(
    doc: dict[str, Any], finding: Callable[[dict[str, Any]], None]
) -> None:
    """Severity is monotone: eligible < caution < contraindicated; incomplete is compared apart.

    A finding only adds reasons, never adds missing facts, and a contraindication stays one.
    """
    before = evaluate(parse_intake(doc))
    changed = copy.deepcopy(doc)
    finding(changed)
    after = evaluate(parse_intake(changed))
    for modality in MODALITIES:
        old, new = before[modality], after[modality]
        assert {r.rule for r in old.reasons} <= {r.rule for r in new.reasons}
        assert set(new.missing) <= set(old.missing)
        if old.decision == "contraindicated":
            assert new.decision == "contraindicated"
        if "incomplete" not in (old.decision, new.decision):
            assert SEVERITY[new.decision] >= SEVERITY[old.decision]
