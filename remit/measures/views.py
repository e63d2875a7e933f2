"""Staff pages for measures: a patient's trajectory and assessments, clinician rating, sending questionnaires.

Thin views: forms read input, ``remit.measures.actions`` validates, writes and
audits.  Patients are looked up through ``Patient.objects.visible_to`` (another
clinic's patient is a 404); a page that shows patient data writes exactly one
audit row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from remit.accounts.decorators import staff_required
from remit.audit import actions as audit
from remit.core.instruments import (
    INSTRUMENTS,
    AnswerError,
    Instrument,
    UnknownInstrument,
    get_instrument,
    score,
)
from remit.measures import actions
from remit.measures.forms import RateForm, SendQuestionnaireForm, VoidAssessmentForm
from remit.measures.models import Assessment, MeasurementRequest
from remit.pages.forms import apply_validation_error
from remit.patients.lookups import visible_patient
from remit.patients.models import Patient

PAGE_SIZE = 25
CHART_POINTS = 2000
# The C-SSRS "total" is a count of Yes answers, not a severity: its risk level is in the table, not charted.
NOT_CHARTED = frozenset({"cssrs_screen"})
RATED_BY_CLINICIANS = ("madrs", "hamd17", "cadss", "cadss6", "cssrs_screen", "moaas")


def session_dates_for(patient: Patient) -> list[dt.date]:
    """Treatment session dates to mark on the trajectory; the treatment app will provide them."""
    return []


def _epoch_ms(value: dt.datetime | dt.date) -> int:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12))
        from django.utils import timezone

        value = timezone.make_aware(value)
    return int(value.timestamp() * 1000)


def chart_data(points: list[dict[str, Any]], sessions: list[dt.date]) -> list[dict[str, Any]]:
    """One series per instrument: totals over time, band ranges, session dates and the baseline."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for point in points:
        if point["instrument"] in INSTRUMENTS and point["instrument"] not in NOT_CHARTED:
            by_code.setdefault(point["instrument"], []).append(point)
    series = []
    for code in INSTRUMENTS:
        rows = by_code.get(code)
        if not rows:
            continue
        instrument = INSTRUMENTS[code]
        data = [{"x": _epoch_ms(row["taken_at"]), "y": row["total"]} for row in rows]
        series.append(
            {
                "code": code,
                "name": instrument.name,
                "min": instrument.total_min,
                "max": instrument.total_max,
                "bands": [
                    {"name": band.name.replace("_", " "), "low": band.low, "high": band.high}
                    for band in instrument.bands
                    if band.low is not None and band.high is not None
                ],
                "points": data,
                "baseline": data[0]["y"],
                "sessions": [_epoch_ms(day) for day in sessions],
            }
        )
    return series


def _answer_rows(assessment: Assessment) -> list[tuple[str, Any, str]]:
    instrument = INSTRUMENTS.get(assessment.instrument)
    rows = []
    for item_id, value in (assessment.answers or {}).items():
        if instrument is None:
            rows.append((item_id, value, ""))
            continue
        try:
            item = instrument.item(item_id)
        except KeyError:
            rows.append((item_id, value, ""))
            continue
        option = item.option(value) if isinstance(value, int) else None
        rows.append(
            (
                f"{item_id.upper()} {item.label}",
                "—" if value is None else value,
                option.label if option else "",
            )
        )
    return rows


BAND_BADGE = {
    "minimal": "ok",
    "none": "ok",
    "normal": "ok",
    "negative": "ok",
    "mild": "",
    "low": "",
    "moderate": "warn",
    "positive": "warn",
    "moderately_severe": "danger",
    "severe": "danger",
    "very_severe": "danger",
    "substantial": "danger",
    "high": "danger",
}


@staff_required("clinical.view")
@require_GET
def patient_measures(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    assessments = Assessment.objects.filter(patient=patient).select_related("entered_by", "voided_by")
    page = Paginator(assessments.order_by("-taken_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "assessment": a,
            "name": INSTRUMENTS[a.instrument].name if a.instrument in INSTRUMENTS else a.instrument,
            "badge": BAND_BADGE.get(a.band, ""),
            "band": a.band.replace("_", " "),
            "answers": _answer_rows(a),
        }
        for a in page.object_list
    ]
    points = list(
        Assessment.objects.filter(patient=patient, valid=True, voided_at__isnull=True, total__isnull=False)
        .order_by("taken_at", "id")
        .values("instrument", "total", "taken_at")[:CHART_POINTS]
    )
    requests = list(
        MeasurementRequest.objects.filter(patient=patient, status__in=MeasurementRequest.OPEN).order_by(
            "due_date", "id"
        )[:20]
    )
    audit.record(
        audit.VIEW,
        request=request,
        obj=patient,
        patient=patient,
        detail={"page": "measures", "assessments_page": page.number},
    )
    return render(
        request,
        "measures/patient.html",
        {
            "patient": patient,
            "page": page,
            "rows": rows,
            "series": chart_data(points, session_dates_for(patient)),
            "requests": requests,
            "rated": [INSTRUMENTS[code] for code in RATED_BY_CLINICIANS],
            "can_rate": request.user.can("measures.rate"),  # type: ignore[union-attr]
        },
    )


def _instrument(code: str) -> Instrument:
    try:
        return get_instrument(code)
    except UnknownInstrument:
        raise Http404("No such instrument.")


@staff_required("measures.rate")
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Clinician-rated entry: item labels and ranges; every answer checked by the scoring engine."""
    patient = visible_patient(request, pk)
    instrument = _instrument(code)
    if patient.is_voided:
        raise PermissionDenied(actions.VOIDED_PATIENT)
    session_id = (request.GET.get("session") or "").strip()[:60]
    form = RateForm(request.POST or None, instrument=instrument, initial={"session_id": session_id})
    if request.method == "POST" and form.is_valid():
        answers = form.raw_answers()
        sex = form.cleaned_data.get("sex") or None
        try:
            result = score(instrument.code, answers, sex=sex)
        except AnswerError as error:
            form.add_error(
                error.item if error.item in form.fields else None, actions._item_message(code, error)
            )
        else:
            for item_id in result.missing:
                form.add_error(item_id, "Not rated: rate this item.")
        if form.is_valid():
            try:
                actions.record_assessment(
                    patient=patient,
                    instrument=instrument.code,
                    answers=answers,
                    respondent=Assessment.CLINICIAN,
                    actor=request.user,
                    request=request,
                    session=form.cleaned_data.get("session_id") or None,
                    sex=sex,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{instrument.name} saved.")
                return redirect("measures:patient", pk=patient.pk)
    elif request.method == "GET":
        audit.record(
            audit.VIEW,
            request=request,
            obj=patient,
            patient=patient,
            detail={"page": "rate", "instrument": code},
        )
    return render(request, "measures/rate.html", {"patient": patient, "instrument": instrument, "form": form})


@staff_required("measures.rate")
@require_http_methods(["GET", "POST"])
def send_questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-off questionnaire request, sent now by a channel the patient consents to."""
    patient = visible_patient(request, pk)
    if patient.is_voided:
        raise PermissionDenied(actions.VOIDED_PATIENT)
    channels = actions.consented_channels(patient)
    form = SendQuestionnaireForm(request.POST or None, channels=channels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                measurement = actions.create_request(
                    patient=patient,
                    instruments=data["instruments"],
                    reason=data["reason"] or "one-off request",
                    actor=request.user,
                    request=request,
                )
                actions.send_invitation(measurement, data["channel"], actor=request.user, request=request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            how = "email" if data["channel"] == "email" else "text message"
            messages.success(request, f"Questionnaire sent by {how}.")
            return redirect("measures:patient", pk=patient.pk)
    elif request.method == "GET":
        audit.record(
            audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "send_questionnaire"}
        )
    return render(request, "measures/send.html", {"patient": patient, "form": form, "channels": channels})


@staff_required("measures.rate")
@require_http_methods(["GET", "POST"])
def void(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    assessment = get_object_or_404(Assessment.objects.filter(patient=patient), pk=assessment_pk)
    form = VoidAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_assessment(request.user, assessment, form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Assessment voided.")
            return redirect("measures:patient", pk=patient.pk)
    elif request.method == "GET":
        audit.record(audit.VIEW, request=request, obj=assessment, patient=patient, detail={"page": "void"})
    name = (
        INSTRUMENTS[assessment.instrument].name
        if assessment.instrument in INSTRUMENTS
        else assessment.instrument
    )
    return render(
        request,
        "measures/void.html",
        {"patient": patient, "assessment": assessment, "name": name, "form": form},
    )
