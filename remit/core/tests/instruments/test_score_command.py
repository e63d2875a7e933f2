"""`remit score CODE --answers A` (design.md, Contracts)."""

from __future__ import annotations

import json

import pytest

from remit.commands.score import main
from remit.core.instruments import INSTRUMENTS, score


def test_json_output_is_the_score_result(capsys: pytest.CaptureFixture[str]) -> None:
    """With --json it prints exactly one JSON document (design.md); PHQ-9 total 12 is moderate (Kroenke)."""
    assert main(["phq9", "--answers", "2,2,2,2,1,1,2,0,0,1", "--json"]) == 0
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert (
        document
        == score(
            "phq9",
            {"q1": 2, "q2": 2, "q3": 2, "q4": 2, "q5": 1, "q6": 1, "q7": 2, "q8": 0, "q9": 0, "q10": 1},
        ).to_dict()
    )
    assert set(document) == {
        "instrument",
        "version",
        "valid",
        "total",
        "max",
        "band",
        "flags",
        "missing",
        "loinc",
    }
    assert document["total"] == 12 and document["band"] == "moderate"
    assert err == ""


def test_human_output_is_one_short_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Item 9 >= 1 is flagged (clincalc phq9.rs)."""
    assert main(["phq9", "--answers", '{"q1": 1, "q9": 1}']) == 0
    out, _ = capsys.readouterr()
    assert out.count("\n") == 1
    assert "incomplete" in out and "suicidal_ideation" in out


def test_out_of_range_answer_exits_2_naming_the_item(capsys: pytest.CaptureFixture[str]) -> None:
    """Items are 0-3 (clincalc phq9.rs); errors go to stderr with exit code 2."""
    assert main(["phq9", "--answers", "0,0,4,0,0,0,0,0,0", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "phq9 q3: 4 is out of range 0–3" in err
    assert err.count("\n") == 1


def test_unknown_code_exits_2_listing_the_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """Instrument codes are a fixed contract (design.md)."""
    assert main(["phq10", "--answers", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "phq10" in err and all(code in err for code in INSTRUMENTS)


def test_cssrs_comma_places_are_q1_to_q6_then_q6_recent(capsys: pytest.CaptureFixture[str]) -> None:
    """Q6 with recent behaviour is HIGH risk (SPiER pathway spec; cssrs.columbia.edu)."""
    assert main(["cssrs_screen", "--answers", "0,0,,,,1,1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["band"] == "high"


def test_sex_reaches_the_auditc_cutoff(capsys: pytest.CaptureFixture[str]) -> None:
    """Positive >= 4 men, >= 3 women (clincalc auditc.rs)."""
    assert main(["auditc", "--answers", "1,1,1", "--sex", "male", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["band"] == "negative"
    assert main(["auditc", "--answers", "1,1,1", "--sex", "female", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["band"] == "positive"


def test_bad_sex_and_missing_answers_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Bad input exits 2 with one line on stderr."""
    assert main(["auditc", "--answers", "1,1,1", "--sex", "other"]) == 2
    assert "--sex" in capsys.readouterr().err
    assert main(["auditc"]) == 2
    assert "--answers" in capsys.readouterr().err


def test_an_answer_to_a_skipped_cssrs_item_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Q3-Q5 are skipped when Q2 = No (rula.com; Millisecond manual)."""
    assert main(["cssrs_screen", "--answers", "0,0,1,,,0"]) == 2
    assert "q3 is skipped when q2 is No" in capsys.readouterr().err
