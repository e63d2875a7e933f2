"""The FHIR R4 read API under ``/fhir/r4/`` (plain Django views, ``application/fhir+json``).

- ``GET metadata`` — the CapabilityStatement (no token needed).
- ``GET openapi.json`` — a hand-made OpenAPI 3 document of these endpoints (no token needed).
- ``GET Patient/{id}``.
- ``GET Observation?patient=&code=&date=`` — score and rating Observations and vital signs.
  ``code`` is a token (``system|code``, ``|code`` or ``code``; commas = any of them);
  ``date`` takes the prefixes ``eq``, ``ge``, ``le``, ``gt``, ``lt`` on the effective date and
  may be repeated (all must hold); dates without a time zone are the clinic's local time.
- ``GET QuestionnaireResponse?patient=``, ``GET Condition?patient=``.

Searches need ``patient`` (``123`` or ``Patient/123``) and return ``searchset`` Bundles with
``total`` and ``self``/``next``/``previous`` links; ``_count`` (default 50, at most 200; 0 gives
the total only) and ``_offset`` page them. A page's queries do not grow with the data.

Authentication: ``Authorization: Bearer <token>`` with a token a clinic administrator issued
(``fhir:tokens``); read-only, scoped to its clinic. A signed-in staff session is NOT accepted
(tokens only): staff read patients through the pages, where every read is tied to a person.
Every authenticated request is one ``view`` audit row (actor ``token:<name>``, the clinic, the
patient where there is one); an answer that sends a patient's data out adds one ``disclose`` row per
such patient (``record_disclosures``: recipient = the token's integration name, purpose = the token's
declared purpose), which the patient's accounting of disclosures lists. Errors are OperationOutcomes: no, unknown or revoked token 401
(with ``WWW-Authenticate: Bearer``); a patient not in the token's clinic 404 (never 403, for a
read or a search); an unknown resource type or interaction 404; a bad search parameter 400;
any method but GET/HEAD 405.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from remit.audit import actions as audit
from remit.core.fhir_systems import INSTRUMENT_SYSTEM, LOINC
from remit.core.instruments import INSTRUMENTS
from remit.fhir.actions import hash_api_token
from remit.fhir.export import (
    RATING_INSTRUMENTS,
    SESSION_TYPE,
    assessment_resources,
    row_assessment,
    row_condition,
    row_patient,
    row_vitals,
    row_weight,
    session_reference,
)
from remit.fhir.mapping import (
    build,
    condition_resource,
    patient_resource,
    questionnaire_response,
    vital_sign_observations,
)
from remit.fhir.models import ApiToken
from remit.measures.models import Assessment
from remit.patients.models import Diagnosis, Patient, WeightEntry
from remit.treatment.models import Session, VitalSign

JSON = dict[str, Any]
FHIR_JSON = "application/fhir+json"
DEFAULT_COUNT = 50
MAX_COUNT = 200
COMMON_PARAMS = frozenset({"_count", "_offset", "_format"})
FORMATS = frozenset({"json", "application/json", "application/fhir+json"})


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(message)


def fhir_response(document: JSON, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), status=status, content_type=f"{FHIR_JSON}; charset=utf-8"
    )
    return response


def outcome(status: int, code: str, message: str) -> HttpResponse:
    severity = "error" if status < 500 else "fatal"
    response = fhir_response(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": message}],
        },
        status,
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="remit-fhir"'
    if status == 405:
        response["Allow"] = "GET, HEAD"
    return response


def authenticate(request: HttpRequest) -> ApiToken:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise ApiError(401, "login", "send an API token: Authorization: Bearer <token>")
    token = ApiToken.objects.select_related("clinic").filter(token_hash=hash_api_token(raw)).first()
    if token is None:
        raise ApiError(401, "login", "this token is not valid")
    if token.is_revoked:
        raise ApiError(401, "expired", "this token was revoked")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


@dataclass
class Answer:
    document: JSON
    patient: Patient | None = None
    object_id: str = ""
    results: int | None = None
    # Every patient whose data this answer sends out, when it is not just ``patient`` (a search
    # across patients names each of them here).
    disclosed: list[Patient] | None = None

    def patients_out(self) -> list[Patient]:
        if self.disclosed is not None:
            return self.disclosed
        return [self.patient] if self.patient is not None else []


def endpoint(resource_type: str, *, public: bool = False) -> Callable[..., Any]:
    """GET-only, CSRF-exempt (token auth, read-only), token-authenticated, audited once per request."""

    def decorator(view: Callable[..., Answer]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return outcome(
                    405, "not-supported", f"{request.method} is not allowed: this API is read-only"
                )
            if public:
                return fhir_response(view(request, None, *args, **kwargs).document)
            try:
                token = authenticate(request)
            except ApiError as error:
                return outcome(error.status, error.code, error.message)
            status, answer, message = 200, None, ""
            try:
                answer = view(request, token, *args, **kwargs)
                response = fhir_response(answer.document)
            except ApiError as error:
                status, message = error.status, error.message
                response = outcome(error.status, error.code, error.message)
            detail: JSON = {
                "path": request.path,
                "query": request.META.get("QUERY_STRING", "")[:500],
                "status": status,
                "token": token.prefix,
            }
            if answer is not None and answer.results is not None:
                detail["results"] = answer.results
            if message:
                detail["error"] = message[:200]
            # The caller is the token, never a staff session that happens to share the browser.
            shim = SimpleNamespace(user=AnonymousUser(), META=request.META)
            with transaction.atomic():
                event = audit.record(
                    audit.VIEW,
                    actor_label=token.actor_label,
                    request=shim,  # type: ignore[arg-type]
                    object_type=f"fhir.{resource_type}",
                    object_id=answer.object_id if answer else "",
                    patient=answer.patient if answer else None,
                    clinic_id=token.clinic_id,
                    detail=detail,
                )
                if answer is not None and status == 200:
                    record_disclosures(token, resource_type, answer, event.seq, shim)
            return response

        return wrapper

    return decorator


def record_disclosures(
    token: ApiToken, resource_type: str, answer: Answer, request_seq: int, shim: Any
) -> None:
    """One ``disclose`` row per patient whose data the answer sent out, written as one batch.

    The patient's accounting of disclosures lists it with the recipient (the integration's name)
    and the purpose declared when its token was issued. The request's own ``view`` row
    (``request_seq``) keeps the path and query.
    """
    patients = answer.patients_out()
    if not patients:
        return
    base = {
        "recipient": token.name,
        "purpose": token.purpose or "not stated (token issued before a purpose was asked for)",
        "channel": "FHIR API",
        "resource": resource_type,
        "token": token.prefix,
    }
    audit.record_many(
        audit.DISCLOSE,
        [
            {
                "patient": patient,
                "clinic_id": patient.clinic_id,
                "detail": {**base, "results": answer.results}
                if len(patients) == 1 and answer.results is not None
                else base,
            }
            for patient in patients
        ],
        actor_label=token.actor_label,
        request=shim,
        object_type="fhir.api",
        object_id=request_seq,
    )


# --- parameters ----------------------------------------------------------------------------------


def check_params(request: HttpRequest, allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.GET) - allowed - COMMON_PARAMS)
    if unknown:
        raise ApiError(400, "not-supported", f"unknown search parameter(s): {', '.join(unknown)}")
    fmt = request.GET.get("_format")
    if fmt is not None and fmt not in FORMATS:
        raise ApiError(400, "not-supported", "_format: only JSON is served")


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    values = request.GET.getlist(name)
    if not values:
        return default
    if len(values) > 1 or not re.fullmatch(r"\d{1,9}", values[0]):
        raise ApiError(400, "invalid", f"{name} must be one whole number of 0 or more")
    return int(values[0])


def paging(request: HttpRequest) -> tuple[int, int]:
    count = min(_int_param(request, "_count", DEFAULT_COUNT), MAX_COUNT)
    return count, _int_param(request, "_offset", 0)


def search_patient(request: HttpRequest, token: ApiToken) -> Patient:
    values = request.GET.getlist("patient")
    if not values:
        raise ApiError(400, "required", "patient is required (patient=<id> or patient=Patient/<id>)")
    if len(values) > 1:
        raise ApiError(400, "invalid", "give patient once")
    match = re.fullmatch(r"(?:Patient/)?(\d{1,18})", values[0].strip())
    if match is None:
        raise ApiError(400, "invalid", "patient must be a Patient id (123 or Patient/123)")
    return clinic_patient(token, match.group(1))


def clinic_patient(token: ApiToken, patient_id: str) -> Patient:
    if not re.fullmatch(r"\d{1,18}", patient_id):
        raise ApiError(404, "not-found", f"Patient/{patient_id} is not known")
    patient = (
        Patient.objects.select_related("clinic")
        .filter(pk=int(patient_id), clinic_id=token.clinic_id, voided_at__isnull=True)
        .first()
    )
    if patient is None:
        raise ApiError(404, "not-found", f"Patient/{patient_id} is not known")
    return patient


DATE = re.compile(
    r"^(eq|ne|gt|lt|ge|le|sa|eb|ap)?"
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


@dataclass(frozen=True)
class DateBound:
    prefix: str
    start: dt.datetime
    end: dt.datetime

    def q(self, field: str) -> Q:
        return {
            "eq": Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end}),
            "ge": Q(**{f"{field}__gte": self.start}),
            "gt": Q(**{f"{field}__gte": self.end}),
            "le": Q(**{f"{field}__lt": self.end}),
            "lt": Q(**{f"{field}__lt": self.start}),
        }[self.prefix]

    def holds(self, moment: dt.datetime) -> bool:
        return {
            "eq": self.start <= moment < self.end,
            "ge": moment >= self.start,
            "gt": moment >= self.end,
            "le": moment < self.end,
            "lt": moment < self.start,
        }[self.prefix]


def parse_date_param(value: str) -> DateBound:
    """``[prefix]YYYY[-MM[-DD[Thh:mm[:ss][tz]]]]`` as the interval [start, end) it names."""
    match = DATE.match(value.strip())
    if match is None:
        raise ApiError(400, "invalid", f"date: {value!r} is not a FHIR date (e.g. ge2024-01-31)")
    prefix, year, month, day, hour, minute, second, zone = match.groups()
    prefix = prefix or "eq"
    if prefix not in ("eq", "ge", "le", "gt", "lt"):
        raise ApiError(
            400, "not-supported", f"date: the prefix {prefix!r} is not supported (eq, ge, le, gt, lt)"
        )
    try:
        if hour is not None:
            naive = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
            if zone:
                start = dt.datetime.fromisoformat(naive.isoformat() + ("+00:00" if zone == "Z" else zone))
            else:
                start = timezone.make_aware(naive)
            end = start + (dt.timedelta(seconds=1) if second is not None else dt.timedelta(minutes=1))
        else:
            first = dt.date(int(year), int(month or 1), int(day or 1))
            if day is not None:
                after = first + dt.timedelta(days=1)
            elif month is not None:
                after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            else:
                after = first.replace(year=first.year + 1)
            start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
            end = timezone.make_aware(dt.datetime.combine(after, dt.time.min))
    except (ValueError, OverflowError):
        raise ApiError(400, "invalid", f"date: {value!r} is not a real date") from None
    return DateBound(prefix, start, end)


def _code_tokens(values: list[str]) -> list[list[tuple[str | None, str]]]:
    """Each ``code`` parameter as a list of (system or None for any, code) alternatives."""
    parsed: list[list[tuple[str | None, str]]] = []
    for value in values:
        alternatives: list[tuple[str | None, str]] = []
        for token in value.split(","):
            token = token.strip()
            if not token:
                raise ApiError(400, "invalid", "code: an empty token")
            if "|" in token:
                system, code = token.split("|", 1)
                alternatives.append((system or "", code))
            else:
                alternatives.append((None, token))
        parsed.append(alternatives)
    return parsed


# --- search bundles ------------------------------------------------------------------------------


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/r4/").rstrip("/")


def searchset(
    request: HttpRequest, resource_type: str, resources: list[JSON], total: int, count: int, offset: int
) -> JSON:
    base = base_url(request)
    params = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in ("_count", "_offset")
        for value in values
    ]

    def link(relation: str, at: int) -> JSON:
        query = urlencode([*params, ("_count", count), ("_offset", at)])
        return {"relation": relation, "url": f"{base}/{resource_type}?{query}"}

    links = [link("self", offset)]
    if count and offset + count < total:
        links.append(link("next", offset + count))
    if count and offset > 0:
        links.append(link("previous", max(0, offset - count)))
    bundle: JSON = {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links}
    if resources:
        bundle["entry"] = [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ]
    return bundle


# --- views ---------------------------------------------------------------------------------------


def capability_statement(request: HttpRequest) -> JSON:
    search = [
        {
            "name": "_count",
            "type": "number",
            "documentation": f"page size, default {DEFAULT_COUNT}, at most {MAX_COUNT}",
        },
        {
            "name": "_offset",
            "type": "number",
            "documentation": "how many matches to skip (the links carry it)",
        },
    ]
    patient = {
        "name": "patient",
        "type": "reference",
        "documentation": "required: the Patient (id or Patient/id)",
    }
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.localdate().isoformat(),
        "publisher": "Remit",
        "kind": "instance",
        "software": {"name": "Remit"},
        "implementation": {"description": "Remit FHIR R4 read API", "url": base_url(request)},
        "fhirVersion": "4.0.1",
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read-only. Searches must name a patient of the token's clinic.",
                "security": {
                    "cors": False,
                    "description": "Authorization: Bearer <token>; tokens are issued per integration by a "
                    "clinic administrator, read-only and scoped to one clinic. Every request is audited.",
                },
                "resource": [
                    {"type": "Patient", "interaction": [{"code": "read"}]},
                    {
                        "type": "Observation",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [
                            patient,
                            {
                                "name": "code",
                                "type": "token",
                                "documentation": "LOINC or Remit's system|code",
                            },
                            {"name": "date", "type": "date", "documentation": "prefixes eq, ge, le, gt, lt"},
                            *search,
                        ],
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [patient, *search],
                    },
                    {
                        "type": "Condition",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [patient, *search],
                    },
                ],
            }
        ],
    }
    return build(statement)


@endpoint("CapabilityStatement", public=True)
def metadata(request: HttpRequest, token: None) -> Answer:
    return Answer(capability_statement(request))


@endpoint("OpenAPI", public=True)
def openapi(request: HttpRequest, token: None) -> Answer:
    from remit.fhir.openapi import document

    return Answer(document())


@endpoint("Patient")
def patient_read(request: HttpRequest, token: ApiToken, patient_id: str) -> Answer:
    if request.GET:
        check_params(request, frozenset())
    patient = clinic_patient(token, patient_id)
    return Answer(patient_resource(row_patient(patient)), patient=patient, object_id=str(patient.pk))


@endpoint("Condition")
def condition_search(request: HttpRequest, token: ApiToken) -> Answer:
    check_params(request, frozenset({"patient"}))
    count, offset = paging(request)
    patient = search_patient(request, token)
    rows = Diagnosis.objects.filter(patient=patient, voided_at__isnull=True).order_by("id")
    total = rows.count()
    page = list(rows[offset : offset + count]) if count else []
    resources = [condition_resource(row_condition(d)) for d in page]
    return Answer(
        searchset(request, "Condition", resources, total, count, offset), patient, results=len(resources)
    )


@endpoint("QuestionnaireResponse")
def questionnaire_response_search(request: HttpRequest, token: ApiToken) -> Answer:
    check_params(request, frozenset({"patient"}))
    count, offset = paging(request)
    patient = search_patient(request, token)
    rows = Assessment.objects.filter(
        patient=patient, voided_at__isnull=True, instrument__in=sorted(_questionnaires())
    ).order_by("taken_at", "id")
    total = rows.count()
    page = list(rows[offset : offset + count]) if count else []
    resources = [questionnaire_response(row_assessment(a)) for a in page]
    return Answer(
        searchset(request, "QuestionnaireResponse", resources, total, count, offset),
        patient,
        results=len(resources),
    )


def _questionnaires() -> set[str]:
    return set(INSTRUMENTS) - RATING_INSTRUMENTS


VITAL_CODES: dict[str, tuple[tuple[str, str], ...]] = {
    "bp": ((LOINC, "85354-9"),),
    "hr": ((LOINC, "8867-4"),),
    "spo2": ((LOINC, "2708-6"), (LOINC, "59408-5")),
    "rr": ((LOINC, "9279-1"),),
    "weight": ((LOINC, "29463-7"),),
}
VITAL_FIELDS = {
    "bp": ("systolic", "diastolic"),
    "hr": ("heart_rate",),
    "spo2": ("spo2",),
    "rr": ("respiratory_rate",),
}
VITAL_ORDER = ("bp", "hr", "spo2", "rr")


def _instrument_codes(code: str) -> tuple[tuple[str, str], ...]:
    instrument = INSTRUMENTS[code]
    codes = [(INSTRUMENT_SYSTEM, code)]
    if instrument.loinc_total:
        codes.append((LOINC, instrument.loinc_total))
    return tuple(codes)


def _matches(codes: tuple[tuple[str, str], ...], tokens: list[list[tuple[str | None, str]]]) -> bool:
    return all(
        any(
            code == want and (system is None or system == have)
            for have, code in codes
            for system, want in alternatives
        )
        for alternatives in tokens
    )


@endpoint("Observation")
def observation_search(request: HttpRequest, token: ApiToken) -> Answer:
    check_params(request, frozenset({"patient", "code", "date"}))
    count, offset = paging(request)
    tokens = _code_tokens(request.GET.getlist("code"))
    dates = [parse_date_param(value) for value in request.GET.getlist("date")]
    patient = search_patient(request, token)

    instruments = [code for code in INSTRUMENTS if _matches(_instrument_codes(code), tokens)]
    signs = [kind for kind in VITAL_ORDER if _matches(VITAL_CODES[kind], tokens)]
    weights = _matches(VITAL_CODES["weight"], tokens)

    # 1. The keys of every matching Observation (a few columns; three queries), sorted by date.
    keys: list[tuple[dt.datetime, int, int, int, str]] = []
    when = Q()
    for bound in dates:
        when &= bound.q("taken_at")
    if instruments:
        for pk, taken_at in Assessment.objects.filter(
            when,
            patient=patient,
            voided_at__isnull=True,
            valid=True,
            total__isnull=False,
            instrument__in=instruments,
        ).values_list("id", "taken_at"):
            keys.append((taken_at, 0, pk, 0, "assessment"))
    if signs:
        rows = VitalSign.objects.filter(
            when, session__patient=patient, voided_at__isnull=True, session__voided_at__isnull=True
        ).values_list("id", "taken_at", "systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")
        for pk, taken_at, systolic, diastolic, heart_rate, spo2, rr in rows:
            present = {
                "bp": systolic is not None and diastolic is not None,
                "hr": heart_rate is not None,
                "spo2": spo2 is not None,
                "rr": rr is not None,
            }
            for position, kind in enumerate(VITAL_ORDER):
                if kind in signs and present[kind]:
                    keys.append((taken_at, 1, pk, position, kind))
    if weights:
        for pk, measured_on in WeightEntry.objects.filter(
            patient=patient, voided_at__isnull=True
        ).values_list("id", "measured_on"):
            moment = timezone.make_aware(dt.datetime.combine(measured_on, dt.time.min))
            if all(bound.holds(moment) for bound in dates):
                keys.append((moment, 2, pk, 0, "weight"))
    keys.sort()
    total = len(keys)
    page = keys[offset : offset + count] if count else []

    # 2. The rows of this page only (at most four queries), built into resources in key order.
    assessment_ids = [k[2] for k in page if k[4] == "assessment"]
    vital_ids = [k[2] for k in page if k[1] == 1]
    weight_ids = [k[2] for k in page if k[4] == "weight"]
    assessments = (
        {a.pk: a for a in Assessment.objects.filter(pk__in=assessment_ids)} if assessment_ids else {}
    )
    session_ids = {
        int(a.session_id)
        for a in assessments.values()
        if a.session_type == SESSION_TYPE and a.session_id.isdigit()
    }
    sessions = {s.pk: s for s in Session.objects.filter(pk__in=session_ids)} if session_ids else {}
    vitals = (
        {v.pk: v for v in VitalSign.objects.filter(pk__in=vital_ids).select_related("session")}
        if vital_ids
        else {}
    )
    weight_rows = {w.pk: w for w in WeightEntry.objects.filter(pk__in=weight_ids)} if weight_ids else {}
    resources: list[JSON] = []
    for _when, _order, pk, _position, kind in page:
        if kind == "assessment":
            assessment = assessments[pk]
            session = (
                sessions.get(int(assessment.session_id))
                if assessment.session_type == SESSION_TYPE and assessment.session_id.isdigit()
                else None
            )
            built = assessment_resources(assessment, session_reference(session) if session else None)
            resources.extend(r for r in built if r["resourceType"] == "Observation")
        elif kind == "weight":
            resources.extend(vital_sign_observations(row_weight(weight_rows[pk])))
        else:
            wanted = f"vitals-{pk}-{kind}"
            resources.extend(r for r in vital_sign_observations(row_vitals(vitals[pk])) if r["id"] == wanted)
    return Answer(
        searchset(request, "Observation", resources, total, count, offset), patient, results=len(resources)
    )


@endpoint("unknown")
def unknown(request: HttpRequest, token: ApiToken, rest: str = "") -> Answer:
    kind = rest.split("/", 1)[0] or "(none)"
    raise ApiError(
        404,
        "not-supported",
        f"{kind!r}: this server offers metadata, Patient/<id> and searches on "
        "Observation, QuestionnaireResponse and Condition",
    )
