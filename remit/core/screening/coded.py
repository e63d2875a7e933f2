"""Coded evidence a screening rule reads besides the explicit answer: ICD-10-CM diagnoses and medicine classes.

A rule declares the ICD-10-CM codes (``CodedDiagnoses``) and the medicine
classes (``MedicationClasses``) that mean its condition holds, each with its
source. The evaluator then fires the rule on a matching recorded diagnosis
or listed medicine whatever the explicit answer says: a coded diagnosis or
a listed medicine wins over an explicit "no" (or an unticked class box), and
the contradiction is reported so the prescriber sees it at sign-off.

Codes are matched by prefix: ``I71`` matches the category and every subcode
(I71.2, I71.02), ``I67.1`` matches that subcategory and its subcodes, and
``S06.34`` matches S06.340A. Only the codes named by a rule are read;
everything else is simply another diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from remit.core.screening.intake import Diagnosis, DiagnosisStatus, Intake
from remit.core.screening.medications import CLASS_LABELS, CLASS_NAMES, MedicationClass, matching_name

if TYPE_CHECKING:
    from collections.abc import Iterable

CURRENT: frozenset[DiagnosisStatus] = frozenset({"active"})
CURRENT_OR_REMITTED: frozenset[DiagnosisStatus] = frozenset({"active", "in_remission"})
ANY_STATUS: frozenset[DiagnosisStatus] = frozenset({"active", "in_remission", "resolved"})
HISTORY: frozenset[DiagnosisStatus] = frozenset({"in_remission", "resolved"})
RESOLVED: frozenset[DiagnosisStatus] = frozenset({"resolved"})

_STATUS_WORDS: dict[str, str] = {"active": "active", "in_remission": "in remission", "resolved": "resolved"}

ICD10CM = "ICD-10-CM Tabular List (CDC/NCHS, FY2025 edition)"


@dataclass(frozen=True)
class Codes:
    """A code prefix (or several) and the published title of what it covers."""

    prefixes: tuple[str, ...]
    title: str

    def matches(self, code: str) -> bool:
        code = code.upper()
        return any(_matches(code, prefix) for prefix in self.prefixes)


def _matches(code: str, prefix: str) -> bool:
    if "." not in prefix:
        return code.split(".", 1)[0] == prefix
    return code.startswith(prefix)


def codes(title: str, *prefixes: str) -> Codes:
    return Codes(prefixes=prefixes, title=title)


@dataclass(frozen=True)
class Evidence:
    """One recorded diagnosis or listed medicine that makes a rule fire.

    ``code`` is the ICD-10-CM code or the medicine's name as listed;
    ``text`` says it in plain words, with what it was read as.
    """

    kind: str  # "diagnosis" or "medication"
    code: str
    text: str


@dataclass(frozen=True)
class CodedDiagnoses:
    """ICD-10-CM codes that mean a rule's condition holds, the statuses that count, and their source."""

    ranges: tuple[Codes, ...]
    statuses: frozenset[DiagnosisStatus]
    source: str

    def __post_init__(self) -> None:
        if not self.ranges or not self.statuses or not self.source.strip():
            raise ValueError("coded diagnoses need code ranges, statuses and a source")

    def evidence(self, diagnoses: tuple[Diagnosis, ...] | None) -> tuple[Evidence, ...]:
        found = []
        for diagnosis in diagnoses or ():
            if diagnosis.status not in self.statuses:
                continue
            match = next((r for r in self.ranges if r.matches(diagnosis.code)), None)
            if match is not None:
                status = _STATUS_WORDS.get(diagnosis.status, diagnosis.status)
                found.append(
                    Evidence(
                        kind="diagnosis",
                        code=diagnosis.code,
                        text=f"Recorded diagnosis {diagnosis.code} ({status}), read as ICD-10-CM "
                        f"{' / '.join(match.prefixes)} {match.title}",
                    )
                )
        return tuple(found)

    def describe(self) -> str:
        """The code ranges in plain words, for a rule's source line."""
        return "; ".join(f"{'/'.join(r.prefixes)} {r.title}" for r in self.ranges)


@dataclass(frozen=True)
class MedicationClasses:
    """Medicine classes that mean a rule's condition holds, and the source of the class tables.

    A medicine counts when its name is in a class's table (``medications.py``)
    or when the registry's class box for it is ticked (``Medication.classes``).
    """

    classes: tuple[MedicationClass, ...]
    source: str

    def __post_init__(self) -> None:
        unknown = [c for c in self.classes if c not in CLASS_NAMES]
        if not self.classes or unknown or not self.source.strip():
            raise ValueError(f"medication classes need known classes and a source (unknown: {unknown})")

    def evidence(self, intake: Intake) -> tuple[Evidence, ...]:
        found = []
        for medication in intake.medications or ():
            for medication_class in self.classes:
                label = CLASS_LABELS[medication_class]
                known = matching_name(medication.name, CLASS_NAMES[medication_class])
                ticked = medication.classes is not None and medication_class in medication.classes
                if known is not None and known == medication.name.strip().lower():
                    text = f"Listed medicine {medication.name} is {_a(label)}"
                elif known is not None:
                    text = f"Listed medicine {medication.name}: {known} is {_a(label)}"
                elif ticked:
                    text = f"Listed medicine {medication.name}: recorded as {_a(label)}"
                else:
                    continue
                found.append(Evidence(kind="medication", code=medication.name, text=text))
        return tuple(found)

    def unticked(self, intake: Intake) -> tuple[str, ...]:
        """Plain-words contradictions: a listed medicine of a class whose class box was left unticked."""
        out = []
        for medication in intake.medications or ():
            if medication.classes is None:
                continue
            for medication_class in self.classes:
                known = matching_name(medication.name, CLASS_NAMES[medication_class])
                if known is not None and medication_class not in medication.classes:
                    label = CLASS_LABELS[medication_class]
                    out.append(
                        f"Listed medicine {medication.name} has its {label} box unticked, but {known} is "
                        f"{_a(label)}: the medicine counts."
                    )
        return tuple(out)


def _a(label: str) -> str:
    """The label with its article: "an MAOI", "an opioid antagonist", "a psychostimulant"."""
    return f"{'an' if label[:1] in 'aeiouAEIOUM' else 'a'} {label}"


@dataclass(frozen=True)
class ExplicitAnswer:
    """The intake question a rule's coded evidence also answers, and how to read it.

    ``read`` gives the answer (True, False or None for unknown); ``question``
    is the question in plain words, as the prescriber saw it on the intake.
    """

    read: Callable[[Intake], bool | None]
    question: str


def contradiction(answer: ExplicitAnswer | None, intake: Intake, evidence: Iterable[Evidence]) -> str | None:
    """A plain-words note when the explicit answer is "no" but coded evidence says yes."""
    found = list(evidence)
    if answer is None or not found or answer.read(intake) is not False:
        return None
    what = "; ".join(e.text for e in found)
    return (
        f'The intake answers "no" to "{answer.question}", but {what[0].lower()}{what[1:]}. '
        "The recorded evidence counts: check the answer with the patient and correct the record."
    )
