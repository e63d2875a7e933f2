"""The `remit` command as scripts and other tools call it: a real process, JSON on stdout, errors on stderr."""

import json
import shutil
import subprocess
import sys
from pathlib import Path


def remit(*args, stdin=None):
    executable = shutil.which("remit", path=str(Path(sys.executable).parent))
    command = [executable] if executable else [sys.executable, "-m", "remit.cli"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_score_prints_one_json_document():
    """PHQ-9 nine answers of 1 total 9, band mild (Kroenke 2001), and item 9 >= 1 flags suicidal ideation."""
    done = remit("score", "phq9", "--answers", "1,1,1,1,1,1,1,1,1", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total"] == 9
    assert result["band"] == "mild"
    assert "suicidal_ideation" in result["flags"]
    assert done.stderr == ""


def test_score_refuses_an_out_of_range_answer_naming_the_item():
    done = remit("score", "phq9", "--answers", "1,1,1,4,1,1,1,1,1", "--json")
    assert done.returncode != 0
    assert done.stdout == ""
    assert "q4" in done.stderr


def test_outcomes_reads_a_document_from_stdin():
    """A fall from 20 to 8 is a 60% reduction: a response (>= 50%, Trivedi 2006) but not remission (PHQ-9 < 5)."""
    document = {
        "instrument": "phq9",
        "sessions": ["2026-01-05", "2026-01-07"],
        "assessments": [{"date": "2026-01-04", "total": 20}, {"date": "2026-01-12", "total": 8}],
        "course_end": "2026-01-19",
        "retreatments": [],
    }
    done = remit("outcomes", "-", "--json", stdin=json.dumps(document))
    assert done.returncode == 0, done.stderr
    point = json.loads(done.stdout)["points"][0]
    assert point["response"] is True
    assert point["remission"] is False


def test_django_commands_run_through_the_same_command():
    done = remit("help")
    assert done.returncode == 0
    assert "audit" in done.stdout


def test_score_screen_and_outcomes_refuse_a_document_nested_thousands_deep_naming_the_depth_limit():
    deep = '{"q1": ' + "[" * 5000 + "]" * 5000 + "}"
    runs = [
        remit("score", "phq9", "--answers", deep, "--json"),
        remit("screen", "-", "--json", stdin=deep),
        remit("outcomes", "-", "--json", stdin=deep),
    ]
    for done in runs:
        assert done.returncode != 0
        assert done.stdout == ""
        assert "depth limit is 100" in done.stderr and "Traceback" not in done.stderr
