"""``remit fhir import``: read a Bundle or NDJSON, validate ALL of it, then store it in one transaction.

All or nothing. Phase 1 reads every resource and checks it: its structure
with fhir.resources' R4B models (an implementation independent of the
fhirclient models the export is built with), then Remit's own rules. Every
problem becomes an issue of an OperationOutcome naming the resource (type/id
and Bundle entry index or NDJSON file and line) and the FHIRPath of the
element. If there is any error, nothing is stored (``ImportRejected``).
Phase 2 stores the plan inside one ``transaction.atomic()`` through the
apps' actions (``create_patient``, ``add_diagnosis``, ``record_assessment``),
so every stored record has its own audit row, and scoring, safety alerts and
audit happen exactly as for answers from the portal; an unexpected error
half-way rolls everything back. One summary audit event closes the run.

What is read:

- **Patient** — matched in the target clinic by identifier: an identifier
  whose system is the clinic's MRN system
  (``https://remit.invalid/fhir/sid/mrn/<clinic-slug>``) gives the MRN; else
  any identifier (whatever its system) whose value equals an MRN already in
  the clinic matches that patient; else the patient is new, with the MRN
  taken from the clinic-system identifier, else the first identifier typed
  ``MR``, else the first identifier with a value. A matched patient's
  demographics are NOT changed. A new patient needs a name (family and
  given), a birth date and a gender (sex at birth from the US Core birthsex
  extension when present).
- **Condition** — ICD-10-CM codings only (other systems are refused, naming
  the coding); stored as a diagnosis. One the matched patient already has
  (same code, live) is matched, not stored again.
- **QuestionnaireResponse** — the Questionnaire is found by the response's
  canonical URL among the Bundle's/files' Questionnaires (by ``url``, by
  ``Questionnaire/<id>`` or by fullUrl), then Remit's own canonical URLs, then
  a LOINC canonical (``http://loinc.org/q/<panel>``); it is matched to a
  built-in instrument by canonical URL or LOINC panel code and the answers
  are scored by Remit. The sender's score (a score Observation whose
  ``derivedFrom`` references the response, else the response's total item)
  is only compared: a difference is REPORTED in the summary, never stored
  nor fatal. A response the patient already has (same instrument, same
  time) is matched, not stored again.
  A Questionnaire the clinic imported earlier with ``remit instruments import``
  (a partner's Questionnaire that is a built-in instrument, remembered by its
  canonical URL and version: ``QuestionnaireAlias``) is found by that URL too, so
  its responses need not carry it.
- **Questionnaire** — used to read responses, not stored (``remit instruments
  import`` stores instruments and aliases). Their structural problems are reported as
  warnings, not errors: Remit only reads their items, codes and ordinal
  values, which its own reader checks (the LHC-Forms PHQ-9 carries STU3-era
  extension values that R4B refuses).
- Everything else (vital signs, ratings, doses, procedures, flags, …) is
  validated and counted as ``skipped``: Remit does not import it.

References (``subject``, ``derivedFrom``) resolve within the import, by
``<Type>/<id>`` or by the entry's fullUrl (``urn:uuid:…`` too).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as PydanticError

from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.core import safejson
from remit.core.instruments import INSTRUMENTS
from remit.fhir.mapping import instrument_questionnaire, questionnaire_for_canonical
from remit.fhir.mapping.systems import ICD10CM, US_CORE_BIRTHSEX, mrn_system
from remit.fhir.models import QuestionnaireAlias
from remit.fhir.questionnaires import QuestionnaireError, score_response
from remit.measures.actions_assessments import record_assessment, taken_at_problem
from remit.measures.models import Assessment
from remit.patients.actions import add_diagnosis, create_patient
from remit.patients.models import Diagnosis, Patient, validate_date_of_birth, validate_icd10cm

JSON = dict[str, Any]
ACTOR_LABEL = "remit fhir import"
MAX_ISSUES = 200
LOINC_CANONICAL = "http://loinc.org/q/"
BUNDLE_TYPES = ("transaction", "collection")
STORED_TYPES = ("Patient", "Condition", "QuestionnaireResponse")

Progress = Callable[[str, int, int], None]


# --- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    severity: str
    code: str
    diagnostics: str
    expression: str

    def to_dict(self) -> JSON:
        return {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
            "expression": [self.expression],
        }


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0

    def error(self, where: str, expression: str, message: str, code: str = "invalid") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ISSUES:
            self.errors.append(Issue("error", code, f"{where}: {message}", expression))

    def warning(self, where: str, expression: str, message: str) -> None:
        if len(self.warnings) < MAX_ISSUES:
            self.warnings.append(Issue("warning", "informational", f"{where}: {message}", expression))

    def operation_outcome(self) -> JSON:
        issues = [issue.to_dict() for issue in self.errors]
        if self.error_count > len(self.errors):
            issues.append(
                {
                    "severity": "information",
                    "code": "too-costly",
                    "diagnostics": f"{self.error_count - len(self.errors)} more error(s) not listed",
                }
            )
        issues += [issue.to_dict() for issue in self.warnings]
        return {"resourceType": "OperationOutcome", "issue": issues}


class ImportRejected(Exception):
    """The import was refused as a whole; ``outcome`` is the OperationOutcome. Nothing was stored."""

    def __init__(self, outcome: JSON, summary: str) -> None:
        self.outcome = outcome
        super().__init__(summary)


# --- reading files -------------------------------------------------------------------------------


@dataclass
class Source:
    """One resource of the import and where it came from."""

    resource: JSON
    where: str  # "entry 12" / "Patient.ndjson line 4" (for people)
    root: str  # FHIRPath of the resource: "Bundle.entry[12].resource" or its type (NDJSON)
    full_url: str | None = None

    @property
    def type(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def label(self) -> str:
        rid = self.resource.get("id")
        return f"{self.where} ({self.type}/{rid})" if rid else f"{self.where} ({self.type})"

    def path(self, element: str = "") -> str:
        """``element`` is a path inside the resource, with or without the resource type in front."""
        for prefix in (self.type, "QuestionnaireResponse"):
            if element == prefix:
                element = ""
            elif element.startswith(prefix + "."):
                element = element[len(prefix) + 1 :]
        return f"{self.root}.{element}" if element else self.root

    def keys(self) -> list[str]:
        keys = []
        if self.resource.get("id"):
            keys.append(f"{self.type}/{self.resource['id']}")
        if self.full_url:
            keys.append(self.full_url)
        return keys


def _ndjson_sources(path: Path, report: Report) -> Iterator[Source]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                resource = safejson.loads(line)
            except safejson.TooDeep as error:
                report.error(where, path.name, str(error), code="too-costly")
                continue
            except json.JSONDecodeError as error:
                report.error(where, path.name, f"not JSON ({error.msg})", code="structure")
                continue
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                report.error(
                    where, path.name, "a line must be one FHIR resource (a JSON object with resourceType)"
                )
                continue
            yield Source(resource, where, resource["resourceType"])


def _bundle_sources(bundle: JSON, name: str, report: Report) -> Iterator[Source]:
    if bundle.get("type") not in BUNDLE_TYPES:
        report.error(
            name,
            "Bundle.type",
            f"{bundle.get('type')!r}: only transaction and collection Bundles are imported",
        )
        return
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        report.error(name, "Bundle.entry", "must be a list")
        return
    for index, entry in enumerate(entries):
        where = f"entry {index}"
        root = f"Bundle.entry[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            report.error(where, root, "an entry needs a resource")
            continue
        request = entry.get("request")
        if isinstance(request, dict) and request.get("method") not in ("POST", "PUT"):
            report.error(
                where,
                f"{root}.request.method",
                f"{request.get('method')!r}: only POST and PUT entries are imported",
            )
        resource = entry["resource"]
        if resource.get("resourceType") == "Bundle":
            report.error(where, f"{root}.resource", "a Bundle inside a Bundle is not imported")
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        yield Source(resource, where, f"{root}.resource", full_url)


def read_sources(path: str | Path, report: Report) -> list[Source]:
    """Every resource in a Bundle JSON file, an NDJSON file, or a directory of ``*.ndjson`` files."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.ndjson"))
        if not files:
            report.error(str(path), str(path), "the directory holds no .ndjson files", code="not-found")
        return [source for file in files for source in _ndjson_sources(file, report)]
    if not path.exists():
        report.error(str(path), str(path), "no such file", code="not-found")
        return []
    if path.suffix == ".ndjson":
        return list(_ndjson_sources(path, report))
    try:
        document = safejson.loads(path.read_text(encoding="utf-8"))
    except safejson.TooDeep as error:
        report.error(path.name, path.name, str(error), code="too-costly")
        return []
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        report.error(path.name, path.name, f"not a JSON file ({error})", code="structure")
        return []
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        found = document.get("resourceType") if isinstance(document, dict) else type(document).__name__
        report.error(path.name, "Bundle", f"expected a Bundle (or NDJSON), got {found!r}", code="structure")
        return []
    return list(_bundle_sources(document, path.name, report))


# --- structure -----------------------------------------------------------------------------------


def _loc_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def check_structure(source: Source, report: Report) -> bool:
    """Parse with the R4B model; each pydantic complaint becomes an issue at its path."""
    try:
        model_class = get_fhir_model_class(source.type)
    except (ValueError, KeyError):
        report.error(
            source.label,
            source.path("resourceType"),
            f"{source.type!r} is not an R4 resource type",
            code="structure",
        )
        return False
    try:
        model_class.model_validate(copy.deepcopy(source.resource))
    except PydanticError as error:
        for problem in error.errors():
            element = _loc_path(tuple(problem.get("loc") or ()))
            message = f"{problem.get('msg')}" + (f" (at {element})" if element else "")
            if source.type == "Questionnaire":
                report.warning(source.label, source.path(element), message + "; read only for matching")
            else:
                report.error(source.label, source.path(element), message, code="structure")
        return source.type == "Questionnaire"
    except Exception as error:  # noqa: BLE001 - a model that cannot even parse it
        report.error(source.label, source.root, f"cannot be read: {error}", code="structure")
        return False
    return True


# --- values --------------------------------------------------------------------------------------


def parse_date(value: object) -> dt.date | None:
    """A full FHIR date (or the date part of a dateTime); None for partial dates (YYYY, YYYY-MM)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_datetime(value: object) -> dt.datetime | None:
    """A FHIR dateTime with a time zone, or a full date (local midnight); None otherwise."""
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        day = parse_date(value)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if day else None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plain(value: Decimal | int) -> int | str:
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else str(value)


# --- plans ---------------------------------------------------------------------------------------


@dataclass
class PatientPlan:
    source: Source
    mrn: str
    existing: Patient | None = None
    values: JSON = field(default_factory=dict)
    stored: Patient | None = None

    @property
    def date_of_birth(self) -> dt.date | None:
        if self.existing is not None:
            return self.existing.date_of_birth
        born = self.values.get("date_of_birth")
        return born if isinstance(born, dt.date) else None

    @property
    def sex(self) -> str:
        return self.existing.sex_at_birth if self.existing else str(self.values.get("sex_at_birth", ""))

    def patient(self) -> Patient:
        found = self.existing or self.stored
        assert found is not None, "a new patient is stored before its records"
        return found


@dataclass
class ConditionPlan:
    source: Source
    patient: PatientPlan
    values: JSON
    matched: bool = False


@dataclass
class ResponsePlan:
    source: Source
    patient: PatientPlan
    instrument: str
    answers: dict[str, int | None]
    respondent: str
    taken_at: dt.datetime
    remit_total: int | None
    incoming_total: Decimal | int | None = None
    incoming_from: str = ""
    matched: bool = False

    def mismatch(self) -> JSON | None:
        if self.incoming_total is None:
            return None
        if self.remit_total is not None and Decimal(self.remit_total) == Decimal(self.incoming_total):
            return None
        reason = (
            f"the sender's total is {_plain(self.incoming_total)}; Remit scores {self.remit_total}"
            if self.remit_total is not None
            else f"the sender's total is {_plain(self.incoming_total)}, but the answers are incomplete "
            "so Remit gives no total"
        )
        return {
            "resource": self.source.label,
            "instrument": self.instrument,
            "response_id": self.source.resource.get("id"),
            "incoming_total": _plain(self.incoming_total),
            "incoming_from": self.incoming_from,
            "remit_total": self.remit_total,
            "reason": reason,
        }


@dataclass
class ImportResult:
    dry_run: bool
    clinic: str
    resources: int
    by_type: dict[str, int]
    created: dict[str, int]
    matched: dict[str, int]
    skipped: dict[str, int]
    used: dict[str, int]
    mismatches: list[JSON]
    warnings: list[JSON]
    stored: bool
    audit_event: int | None = None

    def to_dict(self) -> JSON:
        return {
            "dry_run": self.dry_run,
            "stored": self.stored,
            "clinic": self.clinic,
            "resources": self.resources,
            "by_type": self.by_type,
            "created": self.created,
            "matched": self.matched,
            "skipped": self.skipped,
            "used": self.used,
            "mismatches": self.mismatches,
            "warnings": self.warnings,
            "audit_event": self.audit_event,
        }


# --- the importer --------------------------------------------------------------------------------


class Importer:
    def __init__(self, clinic: Clinic, progress: Progress | None = None) -> None:
        self.clinic = clinic
        self.progress = progress
        self.report = Report()
        self.sources: list[Source] = []
        self.refs: dict[str, Source] = {}
        self.questionnaires: list[Source] = []
        self.patients: dict[int, PatientPlan] = {}  # id(source) -> plan
        self.conditions: list[ConditionPlan] = []
        self.responses: list[ResponsePlan] = []
        self.skipped: Counter[str] = Counter()
        self.used: Counter[str] = Counter()
        self._canonical_cache: dict[str, JSON | None] = {}

    # -- phase 1 --

    def _tick(self, phase: str, done: int) -> None:
        if self.progress is not None:
            self.progress(phase, done, len(self.sources))

    def validate(self, path: str | Path) -> None:
        self.sources = read_sources(path, self.report)
        ok: list[Source] = []
        for index, source in enumerate(self.sources, start=1):
            if check_structure(source, self.report):
                ok.append(source)
            if index % 100 == 0:
                self._tick("validating", index)
        for source in ok:
            for key in source.keys():
                if key in self.refs and self.refs[key] is not source:
                    self.report.error(
                        source.label, source.path("id"), f"{key} appears twice (also {self.refs[key].where})"
                    )
                self.refs[key] = source
        self.questionnaires = [s for s in ok if s.type == "Questionnaire"]
        self._plan_patients([s for s in ok if s.type == "Patient"])
        incoming = self._incoming_scores([s for s in ok if s.type == "Observation"])
        done = 0
        for source in ok:
            if source.type == "Condition":
                self._plan_condition(source)
            elif source.type == "QuestionnaireResponse":
                self._plan_response(source, incoming)
            elif source.type == "Questionnaire":
                self.used["Questionnaire"] += 1
            elif source.type not in ("Patient", "Observation"):
                self.skipped[source.type] += 1
            done += 1
            if done % 100 == 0:
                self._tick("checking", done)
        self._mark_duplicates()
        self._tick("checked", len(self.sources))

    def _resolve(self, reference: object, source: Source, path: str, want: str) -> Source | None:
        if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
            self.report.error(
                source.label, source.path(path), f"needs a reference to a {want} in this import"
            )
            return None
        text = reference["reference"]
        target = self.refs.get(text)
        if target is None and "/" in text:
            tail = "/".join(text.rstrip("/").split("/")[-2:])
            target = self.refs.get(tail)
        if target is None or target.type != want:
            self.report.error(
                source.label, source.path(f"{path}.reference"), f"{text!r} is not a {want} in this import"
            )
            return None
        return target

    def _patient_of(self, source: Source, path: str = "subject") -> PatientPlan | None:
        target = self._resolve(source.resource.get(path), source, path, "Patient")
        if target is None:
            return None
        plan = self.patients.get(id(target))
        if plan is None:  # the Patient itself was refused; its own issue says why
            self.report.error(source.label, source.path(path), f"its Patient ({target.where}) was refused")
        return plan

    # Patients

    def _plan_patients(self, sources: list[Source]) -> None:
        system = mrn_system(self.clinic.slug)
        values: set[str] = set()
        for source in sources:
            for identifier in source.resource.get("identifier") or []:
                if isinstance(identifier, dict) and identifier.get("value"):
                    values.add(str(identifier["value"]))
        existing = {p.mrn: p for p in Patient.objects.filter(clinic=self.clinic, mrn__in=sorted(values))}
        seen: dict[str, Source] = {}
        for source in sources:
            identifiers = [
                (index, i)
                for index, i in enumerate(source.resource.get("identifier") or [])
                if isinstance(i, dict) and i.get("value")
            ]
            if not identifiers:
                self.report.error(
                    source.label, source.path("identifier"), "a Patient needs an identifier (its MRN)"
                )
                continue
            ours = [i for _, i in identifiers if i.get("system") == system]
            match: Patient | None = None
            if ours:
                mrn = str(ours[0]["value"])
                match = existing.get(mrn)
            else:
                found = {
                    existing[str(i["value"])].pk: existing[str(i["value"])]
                    for _, i in identifiers
                    if str(i["value"]) in existing
                }
                if len(found) > 1:
                    self.report.error(
                        source.label,
                        source.path("identifier"),
                        "its identifiers match more than one patient of the clinic",
                    )
                    continue
                match = next(iter(found.values()), None)
                typed = [
                    i
                    for _, i in identifiers
                    if any(
                        c.get("code") == "MR"
                        for c in (i.get("type") or {}).get("coding") or []
                        if isinstance(c, dict)
                    )
                ]
                mrn = match.mrn if match else str((typed or [identifiers[0][1]])[0]["value"])
            if mrn in seen:
                self.report.error(
                    source.label,
                    source.path("identifier"),
                    f"MRN {mrn!r} is also the Patient of {seen[mrn].where}",
                )
                continue
            seen[mrn] = source
            if match is not None:
                if match.is_voided:
                    self.report.error(
                        source.label,
                        source.path("identifier"),
                        f"MRN {mrn!r} is a voided patient; nothing can be added",
                    )
                    continue
                self.patients[id(source)] = PatientPlan(source, mrn, existing=match)
                continue
            new = self._new_patient_values(source, mrn)
            if new is not None:
                self.patients[id(source)] = PatientPlan(source, mrn, values=new)

    def _new_patient_values(self, source: Source, mrn: str) -> JSON | None:
        resource = source.resource
        errors_before = self.report.error_count
        names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
        name = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
        family = (name or {}).get("family") or ""
        given = " ".join((name or {}).get("given") or [])
        if not family or not given:
            self.report.error(
                source.label, source.path("name"), "a new patient needs a family and a given name"
            )
        birth = parse_date(resource.get("birthDate"))
        if birth is None:
            self.report.error(source.label, source.path("birthDate"), "a new patient needs a full birth date")
        else:
            try:
                validate_date_of_birth(birth)
            except ValidationError as error:
                self.report.error(source.label, source.path("birthDate"), " ".join(error.messages))
        sex = None
        for extension in resource.get("extension") or []:
            if isinstance(extension, dict) and extension.get("url") == US_CORE_BIRTHSEX:
                sex = {"F": "female", "M": "male"}.get(extension.get("valueCode"))
        if sex is None:
            sex = {"female": "female", "male": "male", "other": "intersex", "unknown": "unknown"}.get(
                resource.get("gender") or ""
            )
        if sex is None:
            self.report.error(
                source.label, source.path("gender"), "a new patient needs a gender (or US Core birthsex)"
            )
        phone = email = ""
        for index, telecom in enumerate(resource.get("telecom") or []):
            if not isinstance(telecom, dict):
                continue
            if telecom.get("system") == "phone" and not phone:
                phone = str(telecom.get("value") or "")[:40]
            if telecom.get("system") == "email" and not email:
                email = str(telecom.get("value") or "")
                try:
                    validate_email(email)
                except ValidationError:
                    self.report.error(
                        source.label,
                        source.path(f"telecom[{index}].value"),
                        f"{email!r} is not an email address",
                    )
        for value, limit, path in ((mrn, 40, "identifier"), (family, 100, "name"), (given, 100, "name")):
            if len(value) > limit:
                self.report.error(
                    source.label, source.path(path), f"{value[:20]!r}… is longer than {limit} characters"
                )
        if self.report.error_count > errors_before:
            return None
        return {
            "mrn": mrn,
            "given_name": given,
            "family_name": family,
            "date_of_birth": birth,
            "sex_at_birth": sex,
            "phone": phone,
            "email": email,
        }

    # Conditions

    STATUS = {
        "active": "active",
        "recurrence": "active",
        "relapse": "active",
        "remission": "in_remission",
        "inactive": "resolved",
        "resolved": "resolved",
    }

    def _plan_condition(self, source: Source) -> None:
        resource = source.resource
        verification = _code_of(resource.get("verificationStatus"))
        if verification in ("entered-in-error", "refuted"):
            self.skipped["Condition"] += 1
            return
        patient = self._patient_of(source)
        codings = [c for c in (resource.get("code") or {}).get("coding") or [] if isinstance(c, dict)]
        icd = [(index, c) for index, c in enumerate(codings) if c.get("system") == ICD10CM]
        if not icd:
            systems = ", ".join(sorted({str(c.get("system")) for c in codings})) or "no coding"
            self.report.error(
                source.label,
                source.path("code.coding"),
                f"only ICD-10-CM diagnoses ({ICD10CM}) are imported; got {systems}",
                code="code-invalid",
            )
            return
        index, coding = icd[0]
        code = str(coding.get("code") or "").strip().upper()
        try:
            validate_icd10cm(code)
        except ValidationError as error:
            self.report.error(
                source.label,
                source.path(f"code.coding[{index}].code"),
                " ".join(error.messages),
                code="code-invalid",
            )
            return
        status = self.STATUS.get(_code_of(resource.get("clinicalStatus")) or "active")
        if status is None:
            self.report.error(source.label, source.path("clinicalStatus"), "is not a condition-clinical code")
            return
        values: JSON = {
            "code": code,
            "description": _description(coding, resource.get("code") or {}, code),
            "status": status,
        }
        for element, key in (("onsetDateTime", "onset_date"), ("abatementDateTime", "resolved_date")):
            if element in resource:
                day = parse_date(resource[element])
                if day is None:
                    self.report.warning(source.label, source.path(element), "a partial date is not kept")
                values[key] = day
        if status == "active":
            values.pop("resolved_date", None)
        if patient is not None:
            self.conditions.append(ConditionPlan(source, patient, values))

    # QuestionnaireResponses

    def _incoming_scores(self, observations: list[Source]) -> dict[int, tuple[Decimal, Source]]:
        """Response source id -> (score, Observation) for score Observations derived from a response."""
        found: dict[int, tuple[Decimal, Source]] = {}
        for source in observations:
            resource = source.resource
            targets = [
                self.refs.get(r.get("reference", ""))
                for r in resource.get("derivedFrom") or []
                if isinstance(r, dict)
            ]
            response = next((t for t in targets if t is not None and t.type == "QuestionnaireResponse"), None)
            value = None
            if isinstance(resource.get("valueQuantity"), dict):
                value = _number(resource["valueQuantity"].get("value"))
            elif "valueInteger" in resource:
                value = _number(resource["valueInteger"])
            if response is not None and value is not None:
                found[id(response)] = (value, source)
                self.used["Observation"] += 1
            else:
                self.skipped["Observation"] += 1
        return found

    def _questionnaire_for(self, source: Source) -> JSON | None:
        canonical = source.resource.get("questionnaire")
        if not isinstance(canonical, str) or not canonical:
            self.report.error(
                source.label,
                source.path("questionnaire"),
                "names no Questionnaire, so Remit cannot tell which instrument it is",
            )
            return None
        bare, _, version = canonical.partition("|")
        bare = bare.rstrip("/")
        key = f"{bare}|{version}"
        if key not in self._canonical_cache:
            self._canonical_cache[key] = self._find_questionnaire(bare, version)
        found = self._canonical_cache[key]
        if found is None:
            self.report.error(
                source.label,
                source.path("questionnaire"),
                f"{canonical!r} is neither in this import, nor a Questionnaire this clinic imported "
                "(remit instruments import), nor one of Remit's Questionnaires; include the Questionnaire",
                code="not-found",
            )
        return found

    def _find_questionnaire(self, bare: str, version: str = "") -> JSON | None:
        for q in self.questionnaires:
            url = str(q.resource.get("url") or "").split("|", 1)[0].rstrip("/")
            if bare in (url, q.full_url) or bare in q.keys() or (url and bare == url):
                return q.resource
        alias = QuestionnaireAlias.find(self.clinic, f"{bare}|{version}" if version else bare)
        if alias is not None:
            self.used["Questionnaire (imported earlier)"] += 1
            return dict(alias.questionnaire)
        builtin = questionnaire_for_canonical(bare)
        if builtin is not None:
            return builtin
        if bare.startswith(LOINC_CANONICAL):
            panel = bare[len(LOINC_CANONICAL) :]
            for q in self.questionnaires:
                codes = {c.get("code") for c in q.resource.get("code") or [] if isinstance(c, dict)}
                if panel in codes:
                    return q.resource
            for instrument in INSTRUMENTS.values():
                if instrument.loinc_panel == panel:
                    return instrument_questionnaire(instrument)
        return None

    def _plan_response(self, source: Source, incoming: dict[int, tuple[Decimal, Source]]) -> None:
        resource = source.resource
        status = resource.get("status")
        if status == "entered-in-error":
            self.skipped["QuestionnaireResponse"] += 1
            return
        if status not in ("completed", "amended"):
            self.report.error(
                source.label,
                source.path("status"),
                f"{status!r}: only completed or amended responses are scored",
            )
            return
        patient = self._patient_of(source)
        taken_at = parse_datetime(resource.get("authored"))
        if taken_at is None:
            self.report.error(
                source.label,
                source.path("authored"),
                "needs the date-time it was answered (with a time zone) or a full date",
            )
        questionnaire = self._questionnaire_for(source)
        if questionnaire is None:
            return
        response = dict(resource)
        response.pop("questionnaire", None)  # already resolved (by URL, id or fullUrl)
        sex = patient.sex if patient is not None and patient.sex in ("female", "male") else None
        try:
            scored = score_response(questionnaire, response, sex=sex)
        except QuestionnaireError as error:
            where = error.path if error.path.startswith("QuestionnaireResponse") else "questionnaire"
            message = error.message if where != "questionnaire" else f"its Questionnaire: {error}"
            self.report.error(source.label, source.path(where), message, code="invalid")
            return
        if not any(value is not None for value in scored.read.answers.values()):
            self.report.error(source.label, source.path("item"), "no item is answered")
            return
        if patient is None or taken_at is None:
            return
        problem = taken_at_problem(patient.date_of_birth, taken_at)
        if problem:
            self.report.error(source.label, source.path("authored"), problem)
            return
        instrument = scored.read.instrument
        plan = ResponsePlan(
            source=source,
            patient=patient,
            instrument=instrument.code,
            answers=dict(scored.read.answers),
            respondent=Assessment.CLINICIAN if instrument.respondent == "clinician" else Assessment.PATIENT,
            taken_at=taken_at,
            remit_total=scored.result.total,
        )
        if id(source) in incoming:
            value, observation = incoming[id(source)]
            plan.incoming_total, plan.incoming_from = value, observation.label
        elif scored.read.incoming_total is not None:
            plan.incoming_total, plan.incoming_from = scored.read.incoming_total, "the response's total item"
        self.responses.append(plan)

    def _mark_duplicates(self) -> None:
        """Records the clinic already holds (re-imports) are matched, not stored twice."""
        matched_ids = {p.existing.pk for p in self.patients.values() if p.existing is not None}
        if not matched_ids:
            return
        codes = set(
            Diagnosis.objects.filter(patient_id__in=matched_ids, voided_at__isnull=True).values_list(
                "patient_id", "code"
            )
        )
        times = {r.taken_at for r in self.responses}
        held = set(
            Assessment.objects.filter(
                patient_id__in=matched_ids, voided_at__isnull=True, taken_at__in=times
            ).values_list("patient_id", "instrument", "taken_at")
        )
        for condition in self.conditions:
            existing = condition.patient.existing
            if existing is not None and (existing.pk, condition.values["code"]) in codes:
                condition.matched = True
        for response in self.responses:
            existing = response.patient.existing
            if existing is not None and (existing.pk, response.instrument, response.taken_at) in held:
                response.matched = True

    # -- phase 2 --

    def store(self) -> int:
        """Write the plan in one transaction; returns the summary audit event's seq."""
        total = len(self.patients) + len(self.conditions) + len(self.responses)
        done = 0
        current: Source | None = None
        try:
            with transaction.atomic():
                for plan in self.patients.values():
                    current = plan.source
                    if plan.existing is None:
                        plan.stored = create_patient(None, self.clinic, plan.values)
                    done += 1
                    if done % 100 == 0:
                        self._tick("storing", done)
                for condition in self.conditions:
                    current = condition.source
                    if not condition.matched:
                        add_diagnosis(None, condition.patient.patient(), condition.values)
                    done += 1
                    if done % 100 == 0:
                        self._tick("storing", done)
                for response in self.responses:
                    current = response.source
                    if not response.matched:
                        record_assessment(
                            patient=response.patient.patient(),
                            instrument=response.instrument,
                            answers=response.answers,
                            respondent=response.respondent,
                            taken_at=response.taken_at,
                            sex=response.patient.sex if response.instrument == "auditc" else None,
                            actor_label=ACTOR_LABEL,
                        )
                    done += 1
                    if done % 100 == 0:
                        self._tick("storing", done)
                current = None
                event = audit.record(
                    audit.CREATE,
                    actor_label=ACTOR_LABEL,
                    object_type="fhir.import",
                    clinic_id=self.clinic.pk,
                    detail=self.counts(),
                )
        except ValidationError as error:
            where = current.label if current else "import"
            root = current.root if current else "Bundle"
            report = Report()
            report.error(where, root, "; ".join(error.messages))
            raise ImportRejected(
                report.operation_outcome(), "the import was refused while storing; nothing was stored"
            ) from None
        self._tick("stored", total)
        return event.seq

    # -- summary --

    def counts(self) -> JSON:
        created: Counter[str] = Counter()
        matched: Counter[str] = Counter()
        for plan in self.patients.values():
            (matched if plan.existing else created)["Patient"] += 1
        for condition in self.conditions:
            (matched if condition.matched else created)["Condition"] += 1
        for response in self.responses:
            (matched if response.matched else created)["QuestionnaireResponse"] += 1
        return {
            "created": dict(sorted(created.items())),
            "matched": dict(sorted(matched.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "used": dict(sorted(self.used.items())),
            "mismatches": sum(1 for r in self.responses if r.mismatch() is not None),
        }


def _description(coding: JSON, concept: JSON, code: str) -> str:
    """The coding's display, else the concept's text unless that is only the code again."""
    text = coding.get("display") or (concept.get("text") if concept.get("text") != code else "") or ""
    return str(text)[:200]


def _code_of(concept: object) -> str | None:
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("code"):
            return str(coding["code"])
    return None


def import_path(
    path: str | Path,
    *,
    clinic: Clinic,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate everything at ``path``; unless ``dry_run``, store it all. Raises ImportRejected."""
    importer = Importer(clinic, progress)
    importer.validate(path)
    report = importer.report
    if report.error_count:
        raise ImportRejected(
            report.operation_outcome(),
            f"{report.error_count} error(s) in {len(importer.sources)} resource(s); nothing was stored",
        )
    seq = None if dry_run else importer.store()
    counts = importer.counts()
    return ImportResult(
        dry_run=dry_run,
        clinic=clinic.slug,
        resources=len(importer.sources),
        by_type=dict(sorted(Counter(s.type for s in importer.sources).items())),
        created=counts["created"],
        matched=counts["matched"],
        skipped=counts["skipped"],
        used=counts["used"],
        mismatches=[m for r in importer.responses if (m := r.mismatch()) is not None],
        warnings=[issue.to_dict() for issue in report.warnings],
        stored=not dry_run,
        audit_event=seq,
    )


__all__ = [
    "ACTOR_LABEL",
    "ImportRejected",
    "ImportResult",
    "Importer",
    "Report",
    "Source",
    "import_path",
    "read_sources",
]
