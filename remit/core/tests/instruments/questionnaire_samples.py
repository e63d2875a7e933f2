"""A made-up SDC Questionnaire (matches no built-in instrument) and helpers to build responses."""

from __future__ import annotations

import copy
from typing import Any

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def _options(*labels: str) -> list[dict[str, Any]]:
    return [
        {
            "valueCoding": {"system": "http://example.org/answers", "code": f"a{index}", "display": label},
            "extension": [{"url": ORDINAL, "valueDecimal": index}],
        }
        for index, label in enumerate(labels)
    ]


SLEEP = {
    "resourceType": "Questionnaire",
    "id": "sleep-mini",
    "url": "http://example.org/fhir/Questionnaire/sleep-mini",
    "version": "2.1",
    "name": "SleepMini",
    "title": "Sleep mini scale (made up for tests)",
    "status": "active",
    "item": [
        {
            "linkId": "intro",
            "type": "display",
            "text": "Think about the last week.",
        },
        {
            "linkId": "grp",
            "type": "group",
            "item": [
                {
                    "linkId": "falling",
                    "type": "choice",
                    "required": True,
                    "text": "Trouble falling asleep",
                    "answerOption": _options("Never", "Sometimes", "Often"),
                },
                {
                    "linkId": "waking",
                    "type": "choice",
                    "required": True,
                    "text": "Waking at night",
                    "answerOption": _options("Never", "Sometimes", "Often", "Every night"),
                },
            ],
        },
        {
            "linkId": "naps",
            "type": "choice",
            "required": False,
            "text": "Daytime naps",
            "answerOption": _options("No", "Yes"),
        },
        {"linkId": "comment", "type": "string", "text": "Anything else?"},
        {"linkId": "score", "type": "integer", "readOnly": True, "text": "Total"},
    ],
}


def sleep_questionnaire() -> dict[str, Any]:
    return copy.deepcopy(SLEEP)


def sleep_response(
    falling: int | None, waking: int | None, naps: int | None, total: int | None = None
) -> dict[str, Any]:
    def answer(value: int | None) -> list[dict[str, Any]]:
        if value is None:
            return []
        return [{"valueCoding": {"system": "http://example.org/answers", "code": f"a{value}"}}]

    items: list[dict[str, Any]] = [
        {
            "linkId": "grp",
            "item": [
                {"linkId": "falling", "answer": answer(falling)},
                {"linkId": "waking", "answer": answer(waking)},
            ],
        },
        {"linkId": "naps", "answer": answer(naps)},
        {"linkId": "comment", "answer": [{"valueString": "fine"}]},
    ]
    if total is not None:
        items.append({"linkId": "score", "answer": [{"valueInteger": total}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": "sleep-r1",
        "questionnaire": SLEEP["url"],
        "status": "completed",
        "item": items,
    }
