"""The words a person reads for the codes Remit keeps: one place, so a code never reaches a page.

Codes stay in the database and the code (``phq9``, ``suicidal_ideation``, ``tms_10hz``); what people
read is ``PHQ-9``, "Suicidal ideation", "10 Hz". ``code_words`` turns any code into words (a known
word from ``KNOWN``, else the code's parts with the abbreviations clinicians write);
``value_words`` does the same for a stored value of any shape (a list, a pair, True, None);
``source_words`` rewrites a cited source's marker for people who write the code ("[UNVERIFIED…]")
into plain words. The template filters ``words`` and ``value_words`` (``remit.web.templatetags.words``,
loaded in every template) call them.
"""

from __future__ import annotations

import re
from typing import Any

# Whole codes whose words are not the code's parts.
KNOWN: dict[str, str] = {
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
    "qids_sr16": "QIDS-SR16",
    "madrs": "MADRS",
    "hamd17": "HAM-D17",
    "cadss": "CADSS",
    "cadss6": "CADSS-6",
    "cssrs_screen": "C-SSRS screen",
    "auditc": "AUDIT-C",
    "dast10": "DAST-10",
    "pcl5": "PCL-5",
    "moaas": "MOAA/S",
    "ketamine_iv": "IV ketamine",
    "ketamine_im": "IM ketamine",
    "esketamine": "Esketamine",
    "tms": "TMS",
    "maoi": "MAOI",
    "suicidal_ideation": "Suicidal ideation",
    "heart_rate": "Heart rate",
    "spo2": "SpO₂",
    "bp_systolic": "Blood pressure, systolic",
    "bp_diastolic": "Blood pressure, diastolic",
}
# One part of a code: the abbreviation or US spelling a clinician writes.
PARTS: dict[str, str] = {
    "tms": "TMS",
    "iv": "IV",
    "im": "IM",
    "bp": "BP",
    "hz": "Hz",
    "itbs": "iTBS",
    "dlpfc": "DLPFC",
    "icd": "ICD",
    "mg": "mg",
    "kg": "kg",
    "url": "link",
    "id": "number",
    "haemorrhage": "hemorrhage",
    "oedema": "edema",
    "anaesthesia": "anesthesia",
    "behaviour": "behavior",
    "authorised": "authorized",
    "authorisation": "authorization",
    "enrolment": "enrollment",
    "colour": "color",
    **{code: words for code, words in KNOWN.items() if "_" not in code},
}
ITEM = re.compile(r"^q(\d+)(?:_(\w+))?$")
ICD_RANGE = re.compile(r"^([a-z])(\d\d)$")
ICD_PAIR = re.compile(r"\b([A-Z]\d\d) ([A-Z]\d\d)\b")
# A code ending in a modality names what it is for: ``pregnancy_tms`` → "Pregnancy (TMS)".
MODALITY_PARTS = {"tms": "TMS", "ketamine": "ketamine", "esketamine": "esketamine"}
UNVERIFIED = re.compile(r"\s*\[UNVERIFIED[^\]]*\]", re.IGNORECASE)


def code_words(code: Any) -> str:
    """``suicidal_ideation`` → "Suicidal ideation", ``q9`` → "Item 9", ``tms_10hz`` → "TMS 10 Hz"."""
    text = str(code)
    key = text.lower()
    if key in KNOWN:
        return KNOWN[key]
    item = ITEM.match(key)
    if item:
        rest = f" ({code_words(item.group(2)).lower()})" if item.group(2) else ""
        return f"Item {item.group(1)}{rest}"
    words: list[str] = []
    for part in re.split(r"[_\s]+", text):
        low = part.lower()
        hz = re.fullmatch(r"(\d+)hz", low)
        icd = ICD_RANGE.match(low)
        if hz:
            words.append(f"{hz.group(1)} Hz")
        elif low in PARTS:
            words.append(PARTS[low])
        elif icd:
            words.append(low.upper())
        elif part:
            words.append(low if part.isupper() or part[:1].isupper() else part)
    if len(words) > 1 and words[-1].lower() in MODALITY_PARTS:
        words[-1] = f"({MODALITY_PARTS[words[-1].lower()]})"
    sentence = ICD_PAIR.sub(r"(\1–\2)", " ".join(words))
    return sentence[:1].upper() + sentence[1:] if sentence else ""


def value_words(value: Any) -> str:
    """A stored value in words: lists joined, pairs as "a: b", yes/no for booleans, codes as words."""
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{code_words(k)}: {value_words(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (list, tuple)) and len(v) == 2 for v in value):
            return "; ".join(f"{value_words(a)}: {value_words(b)}" for a, b in value)
        return ", ".join(value_words(v) for v in value)
    if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+\d+", value):
        return code_words(value)
    if isinstance(value, str):
        return source_words(value)
    return str(value)


def source_words(text: Any) -> str:
    """A cited source for a person: the "[UNVERIFIED…]" marker becomes "(not yet verified)"."""
    return UNVERIFIED.sub(" (not yet verified)", str(text))


def path_words(path: Any) -> str:
    """A place in a stored document: ``stages[0].sessions_per_day`` → "Stage 1 › sessions per day"."""
    parts = []
    for part in str(path).split("."):
        indexed = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        if indexed:
            name = code_words(indexed.group(1))
            parts.append(f"{name.removesuffix('s')} {int(indexed.group(2)) + 1}")
        else:
            parts.append(code_words(part))
    text = " › ".join(p[:1].lower() + p[1:] if i and not p[1:2].isupper() else p for i, p in enumerate(parts))
    return text
