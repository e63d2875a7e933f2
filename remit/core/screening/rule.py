"""What a screening rule is: a record of data, one condition, and where it comes from."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from remit.core.modality import DRUG_MODALITIES, MODALITIES, Modality
from remit.core.screening.coded import (
    CodedDiagnoses,
    Evidence,
    ExplicitAnswer,
    MedicationClasses,
    contradiction,
)
from remit.core.screening.facts import KNOWN
from remit.core.screening.intake import Intake

if TYPE_CHECKING:
    from remit.core.screening.settings import ScreeningSettings

ALL_KETAMINE: frozenset[Modality] = DRUG_MODALITIES
ESKETAMINE: frozenset[Modality] = frozenset({"esketamine"})
TMS: frozenset[Modality] = frozenset({"tms"})
EVERY_MODALITY: frozenset[Modality] = frozenset(MODALITIES)

Level = Literal["absolute", "relative"]
LEVELS: tuple[Level, ...] = ("absolute", "relative")

Condition = Callable[[Intake, "ScreeningSettings"], bool]


def never(_intake: Intake, _settings: ScreeningSettings) -> bool:
    """The condition of a rule that fires only on coded evidence."""
    return False


_RULE_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


@dataclass(frozen=True)
class Rule:
    """One contraindication (``absolute``) or caution (``relative``) for some modalities.

    ``condition`` returns True only on positive evidence: it reads unknown
    facts (None) as "no evidence", so a rule can fire on what is known even
    when other facts are missing, and a known contraindication stands.
    ``needs`` names the facts (see ``facts.KNOWN``) without which the rule
    cannot rule the patient *out*: if any is unknown and the rule did not
    fire, its modalities are ``incomplete``. ``needed_when``, if given,
    limits when the needs apply (pregnancy is not asked of men).
    ``label_mandated`` marks an absolute rule that clinic settings may not
    switch off or downgrade (a drug label's contraindication, or Remit's
    own scope); a prescriber can still override it for one patient.

    Where the condition has an ICD-10-CM equivalent, ``diagnosis_codes``
    names the codes, the statuses that count and their source; where a
    listed medicine answers it, ``medication_classes`` names the classes.
    The rule fires on such evidence whatever the explicit answer says;
    ``answer`` names that explicit question, so that an explicit "no"
    beside the evidence is reported as a contradiction.
    """

    id: str
    modalities: frozenset[Modality]
    level: Level
    needs: tuple[str, ...]
    message: str
    source: str
    condition: Condition = never
    label_mandated: bool = False
    needed_when: Callable[[Intake], bool] | None = None
    diagnosis_codes: CodedDiagnoses | None = None
    medication_classes: MedicationClasses | None = None
    answer: ExplicitAnswer | None = None

    def __post_init__(self) -> None:
        if not _RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} is not snake_case")
        if not self.modalities or not self.modalities <= EVERY_MODALITY:
            raise ValueError(f"rule {self.id}: modalities must be a non-empty subset of {MODALITIES}")
        if self.level not in LEVELS:
            raise ValueError(f"rule {self.id}: level {self.level!r} is not one of {LEVELS}")
        unknown = [fact for fact in self.needs if fact not in KNOWN]
        if unknown:
            raise ValueError(f"rule {self.id}: needs unknown facts {unknown}")
        if not self.needs:
            raise ValueError(f"rule {self.id}: needs at least one fact")
        if self.label_mandated and self.level != "absolute":
            raise ValueError(f"rule {self.id}: only an absolute rule can be label-mandated")
        if not self.message.strip() or not self.source.strip():
            raise ValueError(f"rule {self.id}: message and source are required")
        coded = self.diagnosis_codes is not None or self.medication_classes is not None
        if self.condition is never and not coded:
            raise ValueError(f"rule {self.id}: needs a condition, diagnosis codes or medication classes")
        if self.answer is not None and not coded:
            raise ValueError(f"rule {self.id}: an explicit answer is only read beside coded evidence")

    def needs_apply(self, intake: Intake) -> bool:
        return self.needed_when is None or self.needed_when(intake)

    def evidence(self, intake: Intake) -> tuple[Evidence, ...]:
        """The recorded diagnoses and listed medicines that make this rule fire."""
        found: tuple[Evidence, ...] = ()
        if self.diagnosis_codes is not None:
            found += self.diagnosis_codes.evidence(intake.diagnoses)
        if self.medication_classes is not None:
            found += self.medication_classes.evidence(intake)
        return found

    def contradictions(self, intake: Intake, evidence: tuple[Evidence, ...]) -> tuple[str, ...]:
        """Plain-words notes where an explicit "no" or an unticked class box disagrees with the evidence."""
        notes: list[str] = []
        said_no = contradiction(self.answer, intake, evidence)
        if said_no is not None:
            notes.append(said_no)
        if self.medication_classes is not None:
            notes.extend(self.medication_classes.unticked(intake))
        return tuple(notes)

    def source_with(self, evidence: tuple[Evidence, ...]) -> str:
        """The rule's source, and the code ranges' or class tables' source when evidence came from them."""
        own = self.source.rstrip()
        parts = [own if own.endswith(".") or not evidence else own + "."]
        kinds = {e.kind for e in evidence}
        if "diagnosis" in kinds and self.diagnosis_codes is not None:
            parts.append(
                f"Diagnosis codes read: {self.diagnosis_codes.describe()} ({self.diagnosis_codes.source})."
            )
        if "medication" in kinds and self.medication_classes is not None:
            parts.append(f"Medicine classes: {self.medication_classes.source}")
        return " ".join(parts)
