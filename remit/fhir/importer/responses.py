"""Planning QuestionnaireResponses: read and scored by the core's reader; the sender's score only compared.

The response is matched to a built-in instrument (by canonical URL or LOINC
panel code) and its answers are scored by Remit. The sender's score (a score
Observation whose ``derivedFrom`` references the response, else the
response's total item) is only compared: a difference is reported in the
summary, never stored nor fatal.
"""

from __future__ import annotations

from decimal import Decimal

from remit.core.instruments.questionnaire import QuestionnaireError, score_response
from remit.fhir.importer.plan import ImportPlan, ResponsePlan
from remit.fhir.importer.questionnaires import questionnaire_for
from remit.fhir.importer.references import patient_of
from remit.fhir.importer.sources import Source
from remit.fhir.importer.values import number, parse_datetime
from remit.measures.actions_assessments import taken_at_problem
from remit.measures.models import Assessment


def incoming_scores(plan: ImportPlan, observations: list[Source]) -> dict[int, tuple[Decimal, Source]]:
    """Response source id -> (score, Observation) for score Observations derived from a response."""
    found: dict[int, tuple[Decimal, Source]] = {}
    for source in observations:
        resource = source.resource
        targets = [
            plan.refs.get(r.get("reference", ""))
            for r in resource.get("derivedFrom") or []
            if isinstance(r, dict)
        ]
        response = next((t for t in targets if t is not None and t.type == "QuestionnaireResponse"), None)
        value = None
        if isinstance(resource.get("valueQuantity"), dict):
            value = number(resource["valueQuantity"].get("value"))
        elif "valueInteger" in resource:
            value = number(resource["valueInteger"])
        if response is not None and value is not None:
            found[id(response)] = (value, source)
            plan.used["Observation"] += 1
        else:
            plan.skipped["Observation"] += 1
    return found


def plan_response(plan: ImportPlan, source: Source, incoming: dict[int, tuple[Decimal, Source]]) -> None:
    resource = source.resource
    status = resource.get("status")
    if status == "entered-in-error":
        plan.skipped["QuestionnaireResponse"] += 1
        return
    if status not in ("completed", "amended"):
        plan.report.error(
            source.label,
            source.path("status"),
            f"{status!r}: only completed or amended responses are scored",
        )
        return
    patient = patient_of(plan, source)
    taken_at = parse_datetime(resource.get("authored"))
    if taken_at is None:
        plan.report.error(
            source.label,
            source.path("authored"),
            "needs the date-time it was answered (with a time zone) or a full date",
        )
    questionnaire = questionnaire_for(plan, source)
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
        plan.report.error(source.label, source.path(where), message, code="invalid")
        return
    if not any(value is not None for value in scored.read.answers.values()):
        plan.report.error(source.label, source.path("item"), "no item is answered")
        return
    if patient is None or taken_at is None:
        return
    problem = taken_at_problem(patient.date_of_birth, taken_at)
    if problem:
        plan.report.error(source.label, source.path("authored"), problem)
        return
    instrument = scored.read.instrument
    planned = ResponsePlan(
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
        planned.incoming_total, planned.incoming_from = value, observation.label
    elif scored.read.incoming_total is not None:
        planned.incoming_total, planned.incoming_from = (
            scored.read.incoming_total,
            "the response's total item",
        )
    plan.responses.append(planned)
