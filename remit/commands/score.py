"""`remit score CODE --answers A`: score one instrument from the command line."""

from __future__ import annotations

import argparse
import json
import sys

from remit.core.instruments import (
    INSTRUMENTS,
    AnswerError,
    ScoreResult,
    UnknownInstrument,
    get_instrument,
    parse_answers,
    score,
)

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="remit score",
        description="Score one instrument. Codes: " + ", ".join(INSTRUMENTS),
    )
    parser.add_argument("code", help="instrument code, e.g. phq9")
    parser.add_argument(
        "--answers",
        required=True,
        help="JSON object keyed by item id, or a comma list in item order (empty place = unanswered)",
    )
    parser.add_argument("--sex", choices=("female", "male"), default=None, help="used by AUDIT-C cut-offs")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    return parser


def summary(result: ScoreResult) -> str:
    flags = ", ".join(result.flags) or "none"
    if not result.valid:
        return f"{result.instrument}: incomplete, missing {', '.join(result.missing)}; flags: {flags}"
    total = "" if result.total is None else f" total {result.total}/{result.max}"
    band = "" if result.band is None else f" band {result.band}"
    return f"{result.instrument}:{total}{band}; flags: {flags}"


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT
    try:
        instrument = get_instrument(args.code)
        result = score(instrument.code, parse_answers(instrument, args.answers), sex=args.sex)
    except (UnknownInstrument, AnswerError) as error:
        print(f"remit score: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(result.to_dict()) if args.json else summary(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
