"""``remit outcomes FILE --json``: the outcome contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from remit.commands.outcomes import main

# Six infusions (Murrough 2013 / Oliver 2022 shape), response by infusion 4, remission at course end,
# then a relapse 22 days after the course (cf. the 18-19 day medians, Murrough 2013; Phillips 2019).
DOC: dict[str, Any] = {
    "instrument": "phq9",
    "sessions": ["2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12", "2026-01-14", "2026-01-19"],
    "assessments": [
        {"date": "2026-01-04", "total": 20},
        {"date": "2026-01-06", "total": 14},
        {"date": "2026-01-12", "total": 9},
        {"date": "2026-01-19", "total": 4},
        {"date": "2026-02-10", "total": 12},
        {"date": "2026-02-17", "total": 15},
    ],
    "course_end": "2026-01-19",
    "retreatments": ["2026-03-02"],
}


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: object, *extra: str) -> tuple[int, str, str]:
    path = tmp_path / "course.json"
    path.write_text(json.dumps(doc))
    code = main([str(path), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_exactly_the_contract_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Keys as Remit's outcome definitions name them; definitions from clinical-reference §2 (McInnes 2022 PHQ-9 <5)."""
    code, out, err = run(tmp_path, capsys, DOC, "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert set(doc) == {
        "baseline",
        "points",
        "time_to_response_days",
        "time_to_remission_days",
        "relapses",
        "durability",
    }
    assert doc["baseline"] == {"date": "2026-01-04", "total": 20}
    assert {tuple(sorted(p)) for p in doc["points"]} == {
        ("date", "partial_response", "pct_change", "remission", "response", "total", "worsened")
    }
    assert [p["date"] for p in doc["points"]] == [a["date"] for a in DOC["assessments"][1:]]
    assert [p["response"] for p in doc["points"]] == [False, True, True, False, False]
    assert [p["remission"] for p in doc["points"]] == [False, False, True, False, False]
    assert doc["points"][0]["pct_change"] == pytest.approx(0.3)
    assert doc["time_to_response_days"] == 7
    assert doc["time_to_remission_days"] == 14
    assert doc["relapses"] == ["2026-02-10"]
    assert doc["durability"] == {"days": 22, "event": "relapse"}


def test_optional_fields_may_be_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {k: DOC[k] for k in ("instrument", "sessions", "assessments")}
    code, out, _ = run(tmp_path, capsys, doc, "--json")
    assert code == 0
    assert json.loads(out)["durability"] is None


def test_without_json_it_prints_a_readable_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(tmp_path, capsys, DOC)
    assert code == 0
    assert "durability: 22 days (relapse)" in out


def _with(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(DOC))
    doc.update(changes)
    return doc


BAD_ASSESSMENTS = [dict(a) for a in DOC["assessments"]]
BAD_ASSESSMENTS[2] = {"date": "2026-02-30", "total": 9}


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (_with(assessments=BAD_ASSESSMENTS), "assessments[2].date"),
        (_with(assessments=[{"date": "2026-01-04", "total": 40}]), "assessments[0].total"),
        (_with(assessments=[{"date": "2026-01-04"}]), "assessments[0].total"),
        (_with(assessments=[{"date": "2026-01-04", "total": 3, "score": 3}]), "assessments[0].score"),
        (_with(sessions=["2026-01-05", 7]), "sessions[1]"),
        (_with(sessions=[]), "sessions"),
        (_with(instrument="phq-9"), "instrument"),
        (_with(course_end="19/01/2026"), "course_end"),
        (_with(retreatments=["2026-01-10"]), "retreatments[0]"),
        (_with(retreatment=["2026-03-02"]), "retreatment"),
        ([1, 2], "FILE"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: object, field: str
) -> None:
    code, out, err = run(tmp_path, capsys, doc, "--json")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"{field}:" in err


def test_a_missing_file_or_broken_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.json"), "--json"]) == 2
    assert "FILE:" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main([str(broken), "--json"]) == 2
    assert "FILE: not valid JSON" in capsys.readouterr().err
