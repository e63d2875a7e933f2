"""`remit screen` as a person or script runs it: a coded aneurysm, AVM or intracerebral hemorrhage in the
diagnoses makes esketamine and ketamine not eligible, whatever the vascular answers say.

Sources: Spravato contraindications (aneurysmal vascular disease, AVM, history of intracerebral haemorrhage)
[V] (clinical-reference 4), mirrored for racemic ketamine (clinical-reference 3); the ICD-10-CM codes for
them: clinical-reference 8.x, after the ICD-10-CM Tabular List (CDC/NCHS FY2025) [V].
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from remit.core.tests.screening.intakes import with_, without

KETAMINE = ("ketamine_iv", "ketamine_im", "esketamine")


def remit(*args, stdin=None):
    executable = shutil.which("remit", path=str(Path(sys.executable).parent))
    command = [executable] if executable else [sys.executable, "-m", "remit.cli"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, timeout=120)


CASES = [
    ("I67.1", "aneurysmal_vascular_disease", "cerebral aneurysm, nonruptured"),
    ("Q28.2", "arteriovenous_malformation", "arteriovenous malformation of cerebral vessels"),
    ("I61.9", "intracerebral_haemorrhage_history", "nontraumatic intracerebral hemorrhage"),
]


def intake(code, answers):
    doc = with_(diagnoses=[{"code": "F33.2", "status": "active"}, {"code": code, "status": "active"}])
    if answers is None:
        return without(
            doc,
            "vascular.aneurysmal_vascular_disease",
            "vascular.arteriovenous_malformation",
            "vascular.intracerebral_haemorrhage_history",
        )
    doc["vascular"].update(dict.fromkeys(doc["vascular"], answers))
    return doc


@pytest.mark.parametrize("answers", [False, None], ids=["answered no", "unanswered"])
@pytest.mark.parametrize(("code", "fact", "title"), CASES, ids=[c[0] for c in CASES])
def test_remit_screen_gives_esketamine_and_ketamine_not_eligible_for_a_coded_vascular_diagnosis(
    tmp_path, code, fact, title, answers
):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake(code, answers)), encoding="utf-8")
    done = remit("screen", str(path), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for modality in KETAMINE:
        assert result[modality]["decision"] == "contraindicated", modality
        drug = "esketamine" if modality == "esketamine" else "ketamine"
        reason = next(r for r in result[modality]["reasons"] if r["rule"] == f"{fact}_{drug}")
        assert reason["level"] == "absolute"
        assert reason["codes"] == [code]
        assert any(code in text and title in text for text in reason["evidence"])
        assert "Spravato label" in reason["source"]
        assert "ICD-10-CM Tabular List" in reason["source"] and "clinical-reference 8.x" in reason["source"]
        assert bool(reason["contradictions"]) is (answers is False)


def test_remit_screen_says_the_rule_the_code_and_its_source_in_plain_words(tmp_path):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake("I67.1", False)), encoding="utf-8")
    done = remit("screen", str(path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Esketamine (Spravato): not eligible (contraindicated)" in out
    assert "Ketamine (IV): not eligible (contraindicated)" in out
    assert "Aneurysmal vascular disease" in out
    assert "Recorded diagnosis I67.1 (active), read as ICD-10-CM I67.1 cerebral aneurysm, nonruptured" in out
    assert 'Contradiction: The intake answers "no"' in out
    assert "Source: Spravato label" in out and "ICD-10-CM Tabular List" in out
    # Plain words: no rule ids, fact names or evidence markers.
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", out), re.findall(r"\b[a-z]+_[a-z_]+\b", out)
    assert "[V" not in out and "[UNVERIFIED" not in out
