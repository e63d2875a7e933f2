"""``remit outcomes FILE [--json]``: classify one course's trajectory.

FILE (or ``-`` for stdin) is a JSON object::

    {"instrument": "phq9", "sessions": ["2026-01-05", ...],
     "assessments": [{"date": "2026-01-04", "total": 20}, ...],
     "course_end": "2026-01-19", "retreatments": ["2026-03-02"]}

``course_end`` (or null) and ``retreatments`` are optional. With ``--json`` the
output is exactly::

    {"baseline": {"date", "total"} | null,
     "points": [{"date", "total", "pct_change", "response", "partial_response", "remission", "worsened"}],
     "time_to_response_days", "time_to_remission_days", "relapses": [dates],
     "durability": {"days", "event"} | null}

Bad input exits 2 with one line on stderr naming the field, e.g. ``assessments[2].date``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from remit.core import safejson
from remit.core.outcomes import CourseOutcome, OutcomeInputError, evaluate_course

_KEYS = {"instrument", "sessions", "assessments", "course_end", "retreatments"}
_ASSESSMENT_KEYS = {"date", "total"}


def _date(value: object, name: str) -> dt.date:
    if not isinstance(value, str):
        raise OutcomeInputError(name, "must be an ISO date string (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise OutcomeInputError(name, f"{value!r} is not an ISO date (YYYY-MM-DD)")


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise OutcomeInputError(key, "must be a list")
    return value


def parse_document(doc: object) -> dict[str, Any]:
    """Check the input document and turn it into evaluate_course's arguments."""
    if not isinstance(doc, dict):
        raise OutcomeInputError("FILE", "must contain a JSON object")
    for key in doc:
        if key not in _KEYS:
            raise OutcomeInputError(str(key), "unknown field")
    for key in ("instrument", "sessions", "assessments"):
        if key not in doc:
            raise OutcomeInputError(key, "is required")
    instrument = doc["instrument"]
    if not isinstance(instrument, str):
        raise OutcomeInputError("instrument", "must be a string")
    sessions = [_date(v, f"sessions[{i}]") for i, v in enumerate(_list(doc, "sessions"))]
    assessments: list[tuple[dt.date, int]] = []
    for i, item in enumerate(_list(doc, "assessments")):
        name = f"assessments[{i}]"
        if not isinstance(item, dict):
            raise OutcomeInputError(name, "must be an object with date and total")
        for key in item:
            if key not in _ASSESSMENT_KEYS:
                raise OutcomeInputError(f"{name}.{key}", "unknown field")
        for key in ("date", "total"):
            if key not in item:
                raise OutcomeInputError(f"{name}.{key}", "is required")
        # The total's range is checked by the engine, which knows the instrument.
        assessments.append((_date(item["date"], f"{name}.date"), item["total"]))
    raw_end = doc.get("course_end")
    course_end = None if raw_end is None else _date(raw_end, "course_end")
    retreatments = [_date(v, f"retreatments[{i}]") for i, v in enumerate(_list(doc, "retreatments"))]
    return {
        "instrument": instrument,
        "sessions": sessions,
        "assessments": assessments,
        "course_end": course_end,
        "retreatments": retreatments,
    }


def to_json(outcome: CourseOutcome) -> dict[str, Any]:
    """The command's JSON document: exactly the keys of the outcome contract (ARCHITECTURE.md, the clinical core)."""
    baseline = outcome.baseline
    return {
        "baseline": None
        if baseline is None
        else {"date": baseline.date.isoformat(), "total": baseline.total},
        "points": [
            {
                "date": p.date.isoformat(),
                "total": p.total,
                "pct_change": p.pct_change,
                "response": p.response,
                "partial_response": p.partial_response,
                "remission": p.remission,
                "worsened": p.worsened,
            }
            for p in outcome.points
        ],
        "time_to_response_days": outcome.time_to_response_days,
        "time_to_remission_days": outcome.time_to_remission_days,
        "relapses": [r.onset.isoformat() for r in outcome.relapses],
        "durability": None
        if outcome.durability is None
        else {"days": outcome.durability.days, "event": outcome.durability.event},
    }


def _flag(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _text(outcome: CourseOutcome) -> str:
    b = outcome.baseline
    lines = [
        f"instrument {outcome.instrument}; baseline " + ("none" if b is None else f"{b.total} on {b.date}")
    ]
    for p in outcome.points:
        pct = "n/a" if p.pct_change is None else f"{p.pct_change:+.0%}"
        lines.append(
            f"  {p.date}  total {p.total:>2}  improvement {pct:>5}  response {_flag(p.response)}"
            f"  partial {_flag(p.partial_response)}  remission {_flag(p.remission)}  worsened {_flag(p.worsened)}"
        )
    lines.append(f"time to response: {outcome.time_to_response_days} days")
    lines.append(f"time to remission: {outcome.time_to_remission_days} days")
    lines.append(f"onset day: {outcome.onset_day}")
    lines.append("relapses: " + (", ".join(str(r.onset) for r in outcome.relapses) or "none"))
    d = outcome.durability
    lines.append("durability: " + ("not a completed course" if d is None else f"{d.days} days ({d.event})"))
    lines.extend(f"note: {n}" for n in outcome.notes)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="remit outcomes", description="Classify one course's trajectory.")
    parser.add_argument("file", metavar="FILE", help="JSON document, or - for stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    try:
        try:
            if args.file == "-":
                raw = sys.stdin.read()
            else:
                with open(args.file, encoding="utf-8") as fh:
                    raw = fh.read()
        except OSError as exc:
            raise OutcomeInputError("FILE", f"cannot read {args.file}: {exc.strerror}")
        try:
            doc = safejson.loads(raw)
        except safejson.TooDeep as exc:
            raise OutcomeInputError("FILE", str(exc))
        except json.JSONDecodeError as exc:
            raise OutcomeInputError("FILE", f"not valid JSON (line {exc.lineno}, column {exc.colno})")
        outcome = evaluate_course(**parse_document(doc))
    except OutcomeInputError as exc:
        print(f"remit outcomes: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(to_json(outcome)))
    else:
        print(_text(outcome))
    return 0
