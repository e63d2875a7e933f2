"""`remit screen FILE [--json]`: evaluate a screening intake document for all four modalities."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from remit.core.screening import IntakeError, ModalityResult, evaluate, parse_intake, to_dict
from remit.core.screening.wording import (
    DECISION_WORDS,
    LEVEL_WORDS,
    MODALITY_WORDS,
    fact_words,
    plain_source,
)

EXIT_BAD_INPUT = 2
PROG = "remit screen"


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Evaluate a screening intake (JSON; schema remit/core/screening/intake.schema.json).",
    )
    parser.add_argument("file", metavar="FILE", help='intake JSON document, or "-" for stdin')
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    return parser


class _BadInput(Exception):
    pass


def _read(file: str) -> Any:
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _BadInput(f"FILE: cannot read {file}: {error}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _BadInput(f"FILE: {file} is not valid JSON: {error}")


def summary(results: dict[str, ModalityResult]) -> str:
    """The result in plain words: per modality the decision, each reason with its evidence and source."""
    lines = []
    for modality, result in results.items():
        lines.append(f"{MODALITY_WORDS.get(modality, modality)}: {DECISION_WORDS[result.decision]}")
        for reason in result.reasons:
            lines.append(f"  {LEVEL_WORDS[reason.level]}: {reason.message}")
            lines.extend(f"    {text}." for text in reason.evidence)
            lines.extend(f"    Contradiction: {note}" for note in reason.contradictions)
            lines.append(f"    Source: {plain_source(reason.source)}")
        if result.missing:
            lines.append("  Missing: " + "; ".join(fact_words(fact) for fact in result.missing))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT
    try:
        doc = _read(args.file)
        if not isinstance(doc, dict):
            raise IntakeError("intake", "intake: the document must be a JSON object")
        results = evaluate(parse_intake(doc))
    except (_BadInput, IntakeError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(to_dict(results)) if args.json else summary(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
