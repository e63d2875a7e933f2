"""`remit screen FILE [--json]`: hand-built intake documents covering every rule."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from remit.commands.screen import main
from remit.core.screening import RULES_BY_ID
from remit.core.tests.screening.intakes import eligible_doc, expect, with_, without

C, X, E = "contraindicated", "caution", "eligible"


def _dx(code: str, status: str = "active") -> dict[str, Any]:
    return {"diagnoses": [{"code": code, "status": status}]}


def _med(name: str, dose: float) -> dict[str, Any]:
    return {"medications": [{"name": name, "daily_dose_mg": dose}]}


def _tms(item: str) -> dict[str, Any]:
    return {"tms_safety": {item: True}}


# rule id -> (changes to the eligible intake, expected decisions). Sources are in each rule's record and in the
# rule-group test files; this table proves each rule end to end through the command.
CASES: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "age_under_18": ({"age": 16}, expect(C, tms=C)),
    "age_65_and_over_esketamine": ({"age": 70}, expect(E, esketamine=X)),
    "pregnancy": ({"pregnant": True}, expect(C, tms=X)),
    "pregnancy_tms": ({"pregnant": True}, expect(C, tms=X)),
    "breastfeeding": ({"breastfeeding": True}, expect(X)),
    "psychotic_disorder_f20_f29": (_dx("F20.9"), expect(C)),
    "psychotic_disorder_history_f20_f29": (_dx("F23", "resolved"), expect(X)),
    "bipolar_current_mania_or_psychosis": (_dx("F31.2"), expect(C)),
    "depression_with_psychotic_features": (_dx("F32.3"), expect(X)),
    "substance_use_disorder_ketamine_related": (_dx("F16.21", "in_remission"), expect(C)),
    "substance_use_disorder_active": (_dx("F14.20"), expect(X)),
    "substance_use_disorder_in_remission": (_dx("F10.21", "in_remission"), expect(X)),
    "dast10_positive": ({"screens": {"dast10": [1, 1, 0, 1, 1, 1, 0, 0, 0, 0]}}, expect(X)),
    "auditc_positive": ({"screens": {"auditc": [2, 1, 1]}}, expect(X, tms=X)),
    "blood_pressure_above_limit": ({"blood_pressure": {"systolic": 165, "diastolic": 100}}, expect(X)),
    "aneurysmal_vascular_disease_esketamine": (
        {"vascular": {"aneurysmal_vascular_disease": True}},
        expect(C),
    ),
    "aneurysmal_vascular_disease_ketamine": ({"vascular": {"aneurysmal_vascular_disease": True}}, expect(C)),
    "arteriovenous_malformation_esketamine": ({"vascular": {"arteriovenous_malformation": True}}, expect(C)),
    "arteriovenous_malformation_ketamine": ({"vascular": {"arteriovenous_malformation": True}}, expect(C)),
    "intracerebral_haemorrhage_history_esketamine": (
        {"vascular": {"intracerebral_haemorrhage_history": True}},
        expect(C),
    ),
    "intracerebral_haemorrhage_history_ketamine": (
        {"vascular": {"intracerebral_haemorrhage_history": True}},
        expect(C),
    ),
    "raised_intracranial_pressure": ({"vascular": {"raised_intracranial_pressure": True}}, expect(C, tms=C)),
    "raised_intracranial_pressure_tms": (
        {"vascular": {"raised_intracranial_pressure": True}},
        expect(C, tms=C),
    ),
    "hydrocephalus": (_dx("G91.1"), expect(X)),
    "aortic_ectasia": (_dx("I77.810"), expect(X)),
    "hypersensitivity_ketamine": ({"allergies": ["esketamine"]}, expect(C)),
    "maoi": (_med("tranylcypromine", 30), expect(X)),
    "psychostimulant": (_med("methylphenidate", 36), expect(X)),
    "benzodiazepine_high_dose": (_med("diazepam", 30), expect(X)),
    "opioid_antagonist": (_med("naltrexone", 50), expect(X)),
    "tms_metal_in_head": (_tms("metal_in_head"), expect(E, tms=C)),
    "tms_cochlear_implant": (_tms("cochlear_implant"), expect(E, tms=C)),
    "tms_implanted_stimulator": (_tms("implanted_stimulator"), expect(E, tms=C)),
    "tms_cardiac_device": (_tms("cardiac_device"), expect(E, tms=C)),
    "tms_medication_pump": (_tms("medication_pump"), expect(E, tms=X)),
    "tms_seizure_history": (_tms("seizure_history"), expect(E, tms=X)),
    "tms_epilepsy_family_history": (_tms("epilepsy_family_history"), expect(E, tms=X)),
    "tms_head_injury_loss_of_consciousness": (_tms("head_injury_loss_of_consciousness"), expect(E, tms=X)),
    "tms_seizure_threshold_medication": (_med("clozapine", 300), expect(E, tms=X)),
    "tms_alcohol_misuse": (_dx("F10.20"), expect(X, tms=X)),
    "tms_sleep_deprivation": (_tms("sleep_deprivation"), expect(E, tms=X)),
}


def run(capsys: pytest.CaptureFixture[str], tmp_path: Path, doc: Any, *flags: str) -> tuple[int, str, str]:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = main([str(path), *flags])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_rule_has_a_hand_built_intake() -> None:
    """`remit screen` covers each rule."""
    assert set(CASES) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_remit_screen_gives_the_decision_for_each_rule(
    rule: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Each rule fires with its level, message and source (sources in the rule record, clinical-reference 3-5)."""
    changes, expected = CASES[rule]
    code, out, err = run(capsys, tmp_path, with_(**changes), "--json")
    assert code == 0 and err == ""
    result = json.loads(out)
    assert {m: r["decision"] for m, r in result.items()} == expected
    record = RULES_BY_ID[rule]
    for modality in record.modalities:
        reason = next(r for r in result[modality]["reasons"] if r["rule"] == rule)
        assert {k: reason[k] for k in ("rule", "level", "message")} == {
            "rule": rule,
            "level": record.level,
            "message": record.message,
        }
        # The rule's own source, then the source of the codes or medicine classes that made it fire.
        assert reason["source"].startswith(record.source.rstrip())
        if reason["codes"]:
            assert record.diagnosis_codes is not None
            assert record.diagnosis_codes.source in reason["source"]
        assert result[modality]["missing"] == []


def test_remit_screen_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(eligible_doc())))
    assert main(["-", "--json"]) == 0
    assert {m: r["decision"] for m, r in json.loads(capsys.readouterr().out).items()} == expect(E)


def test_remit_screen_lists_missing_facts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Screening fail-safe: missing keys lead to incomplete, naming what is missing."""
    doc = eligible_doc()
    del doc["pregnant"], doc["tms_safety"]["metal_in_head"]
    code, out, _ = run(capsys, tmp_path, doc, "--json")
    result = json.loads(out)
    assert code == 0
    assert result["esketamine"] == {"decision": "incomplete", "reasons": [], "missing": ["pregnant"]}
    assert result["tms"]["missing"] == ["pregnant", "tms_safety.metal_in_head"]


def test_without_json_it_prints_a_readable_summary_in_plain_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = without(with_(pregnant=True), "tms_safety.metal_in_head")
    code, out, _ = run(capsys, tmp_path, doc)
    assert code == 0
    assert "Esketamine (Spravato): not eligible (contraindicated)" in out
    assert "  Absolute: Pregnant: esketamine can harm the fetus" in out
    assert "Source: Spravato label: fetal harm (verified)" in out
    assert "Missing: Metal anywhere in the head" in out
    assert "tms_safety" not in out and "pregnancy:" not in out and "[V]" not in out


@pytest.mark.parametrize(
    ("doc", "named"),
    [
        (with_(blood_pressure={"systolic": 90, "diastolic": 95}), "blood_pressure.diastolic"),
        (with_(diagnoses=[{"code": "depression", "status": "active"}]), "diagnoses[0].code"),
        (with_(favourite_colour="blue"), "favourite_colour"),
        (with_(tms_safety={"metal_in_head": "no"}), "tms_safety.metal_in_head"),
        ([], "intake"),
    ],
)
def test_malformed_intake_exits_2_naming_the_field_on_stderr(
    doc: Any, named: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Malformed values exit non-zero naming the field."""
    code, out, err = run(capsys, tmp_path, doc, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("remit screen: ") and named in err
    assert err.count("\n") == 1


def test_unreadable_or_invalid_json_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main([str(bad), "--json"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main([str(tmp_path / "absent.json"), "--json"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_missing_file_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("remit screen: ")
