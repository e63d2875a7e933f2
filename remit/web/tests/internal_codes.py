"""What a person reads on a page, and the internal codes and non-US words that must never be in it.

``readable(html)`` gives the visible text and the attribute text people read (title, aria-label,
placeholder, alt, a button's value, option text); ``findings(html)`` names each internal code or
British spelling found in it, with the words around it so a failure says where to look.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from remit.core.instruments import INSTRUMENTS

READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
# A textarea holds what a person typed or edits (a protocol's definition is edited as JSON), not words
# Remit put there for them to read.
NOT_READ = {"script", "style", "template", "noscript", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

_CODES = sorted({code.lower() for code in INSTRUMENTS} | {"q1", "q9", "q10", "cadss6", "moaas"}, key=len)
BRITISH = [
    r"authoris(?:e|ed|es|ing|ation|ations)",
    r"organis(?:e|ed|es|ing|ation|ations)",
    r"recognis(?:e|ed|es|ing|ation|ations)",
    r"summaris(?:e|ed|es|ing|ation|ations)",
    r"prioritis(?:e|ed|es|ing|ation|ations)",
    r"categoris(?:e|ed|es|ing|ation|ations)",
    r"finalis(?:e|ed|es|ing|ation|ations)",
    r"minimis(?:e|ed|es|ing|ation|ations)",
    r"optimis(?:e|ed|es|ing|ation|ations)",
    r"standardis(?:e|ed|es|ing|ation|ations)",
    r"personalis(?:e|ed|es|ing|ation|ations)",
    r"utilis(?:e|ed|es|ing|ation|ations)",
    r"randomis(?:e|ed|es|ing|ation|ations)",
    r"anonymis(?:e|ed|es|ing|ation|ations)",
    r"individualis(?:e|ed|es|ing|ation|ations)",
    r"normalis(?:e|ed|es|ing|ation|ations)",
    r"characteris(?:e|ed|es|ing|ation|ations)",
    r"specialis(?:e|ed|es|ing|ation|ations)",
    r"stabilis(?:e|ed|es|ing|ation|ations)",
    r"visualis(?:e|ed|es|ing|ation|ations)",
    r"hospitalis(?:e|ed|es|ing|ation|ations)",
    r"immunis(?:e|ed|es|ing|ation|ations)",
    r"sensitis(?:e|ed|es|ing|ation|ations)",
    r"memoris(?:e|ed|es|ing|ation|ations)",
    r"synchronis(?:e|ed|es|ing|ation|ations)",
    r"apologis(?:e|ed|es|ing|ation|ations)",
    r"\w*colour\w*",
    r"\w*behaviour\w*",
    r"\w*favour\w*",
    r"\w*honour\w*",
    r"\w*labour\w*",
    r"haem\w*",
    r"anaesth\w*",
    r"oedema",
    r"paediatric\w*",
    r"centre[sd]?",
    r"programme[sd]?",
    r"licence[sd]?",
    r"enrolment\w*",
    r"judgement\w*",
    r"analys(?:e|ed|es|ing)",
    r"travell\w*",
    r"defence",
    r"whilst",
    r"amongst",
    r"fulfil",
    r"grey",
    r"metres?",
    r"litres?",
    r"catalogue[sd]?",
]
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("an internal identifier", re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")),
    ("an instrument code", re.compile(r"\b(?:" + "|".join(map(re.escape, _CODES)) + r")\b")),
    ("a field code", re.compile(r"\b\d+hz\b|\bbeam[ _-]?f\d\b")),
    ("a Python list", re.compile(r"\[\s*['\"]")),
    ("a Python object", re.compile(r"<[A-Za-z_.]+ (?:object|instance)\b|<[A-Z]\w+: ")),
    ("a Python value", re.compile(r"(?<![\w-])(?:None|True|False)(?![\w.-])(?! (?:[a-z]|of\b))")),
    ("a model label", re.compile(r"\b[a-z]+\.[a-z]+ #\d+|\b[a-z]+\.[a-z]+s?\b(?=\s|$)(?<!\.com)(?<!\.org)")),
    ("a marker for people who write the code", re.compile(r"\[UNVERIFIED|No rule fired|TODO|FIXME")),
    ("Django's empty choice", re.compile(r"-{5,}")),
    ("a British spelling", re.compile(r"\b(?:" + "|".join(BRITISH) + r")\b", re.IGNORECASE)),
]
# A model label's shape (app.model) also fits what people do write: e.g. a domain name, "e.g.", "a.m.".
NOT_A_MODEL_LABEL = re.compile(
    r"^(?:e\.g|i\.e|a\.m|p\.m|[a-z0-9-]+\.(?:com|org|net|invalid|example|test|local))"
)


class Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.chunks: list[str] = []
        self.labels: list[str] = []
        self._label: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.chunks.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            self.chunks.append(str(values["value"]))
        if tag == "label":
            self._label = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        if tag == "label" and self._label is not None:
            self.labels.append(" ".join("".join(self._label).split()))
            self._label = None

    def handle_data(self, data: str) -> None:
        if NOT_READ & set(self.stack):
            return
        if data.strip():
            self.chunks.append(data)
        if self._label is not None:
            self._label.append(data)


def readable(html: str) -> tuple[list[str], list[str]]:
    """The pieces of text a person reads, and the text of each label."""
    reader = Reader()
    reader.feed(html)
    return [" ".join(chunk.split()) for chunk in reader.chunks], reader.labels


def findings(html: str) -> list[str]:
    texts, labels = readable(html)
    found = []
    for text in texts:
        for what, pattern in RULES:
            for match in pattern.finditer(text):
                if what == "a model label" and NOT_A_MODEL_LABEL.match(match.group(0)):
                    continue
                start = max(0, match.start() - 40)
                found.append(f"{what} {match.group(0)!r} in “{text[start : match.end() + 40]}”")
    for label in labels:
        if label.rstrip(" *").endswith(":"):
            found.append(f"a label ending in a colon: “{label}”")
    return found


def text_findings(text: str) -> list[str]:
    """The same rules over plain text (a PDF's)."""
    found = []
    for line in text.splitlines():
        line = " ".join(line.split())
        for what, pattern in RULES:
            for match in pattern.finditer(line):
                if what == "a model label" and NOT_A_MODEL_LABEL.match(match.group(0)):
                    continue
                found.append(f"{what} {match.group(0)!r} in “{line[:120]}”")
    return found
