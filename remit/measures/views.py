"""Staff pages for measures: a patient's trajectory and assessments, clinician rating, sending questionnaires.

Thin views: forms read input, the ``remit.measures.actions_*`` modules validate, write and
audit.  Patients are looked up through ``Patient.objects.visible_to`` (another
clinic's patient is a 404); a page that shows patient data writes exactly one
audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.audit import actions as audit
from remit.core.instruments import (
    INSTRUMENTS,
    Instrument,
    UnknownInstrument,
    get_instrument,
)
from remit.measures import (
    actions_assessments,
    actions_follow_up,
    actions_portal_links,
    actions_questionnaire_requests,
)
from remit.measures.forms import RateForm, SendQuestionnaireForm, VoidAssessmentForm
from remit.measures.models import Assessment, QuestionnaireRequest
from remit.pages.forms import apply_validation_error
from remit.pages.qr import qr_svg
from remit.pages.words import code_words
from remit.patients.access import emergency_readable
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
        value = timezone.make_aware(dt.datetime.combine(value, dt.time(12)))
    return int(value.timestamp() * 1000)


def chart_data(points: Sequence[Mapping[str, Any]], sessions: list[dt.date]) -> list[dict[str, Any]]:
    """One series per instrument: totals over time, band ranges, session dates and the baseline."""
    by_code: dict[str, list[Mapping[str, Any]]] = {}
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
            rows.append((code_words(item_id), value, ""))
            continue
        try:
            item = instrument.item(item_id)
        except KeyError:
            rows.append((code_words(item_id), value, ""))
            continue
        option = item.option(value) if isinstance(value, int) else None
        rows.append(
            (
                f"{code_words(item_id)}. {item.label}",
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
@emergency_readable
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
        QuestionnaireRequest.objects.filter(patient=patient, status__in=QuestionnaireRequest.OPEN).order_by(
            "due_date", "id"
        )[:20]
    )
    for questionnaire_request in requests:
        questionnaire_request.names = [instrument_name(code) for code in questionnaire_request.instruments]  # type: ignore[attr-defined]
    follow_up = follow_up_rows(
        list(
            QuestionnaireRequest.objects.filter(patient=patient, status__in=actions_follow_up.FOLLOW_UP)
            .select_related("patient")
            .order_by("-due_date", "-id")[:20]
        )
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
            "follow_up": follow_up,
            "here": request.get_full_path(),
            "rated": [INSTRUMENTS[code] for code in RATED_BY_CLINICIANS],
            "can_rate": staff(request).can("measures.rate", patient.clinic_id),
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
        raise PermissionDenied(actions_assessments.VOIDED_PATIENT)
    session_id = (request.GET.get("session") or "").strip()[:60]
    form = RateForm(request.POST or None, instrument=instrument, initial={"session_id": session_id})
    if request.method == "POST" and form.is_valid():
        answers, sex = form.checked_answers(not_answered="Not rated: rate this item.")
        if form.is_valid():
            try:
                actions_assessments.record_assessment(
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


# The staff session holds the link just sent until the Send page has shown it once (the token is stored
# nowhere else; a reload of the page no longer shows it).
SENT_LINK_KEY = "measures_sent_link"


@staff_required("measures.rate")
@require_http_methods(["GET", "POST"])
def send_questionnaire_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-off questionnaire request, sent now by a channel the patient consents to."""
    patient = visible_patient(request, pk)
    if patient.is_voided:
        raise PermissionDenied(actions_assessments.VOIDED_PATIENT)
    channels = actions_portal_links.consented_channels(patient)
    form = SendQuestionnaireForm(request.POST or None, channels=channels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                questionnaire_request = actions_questionnaire_requests.create_questionnaire_request(
                    patient=patient,
                    instruments=data["instruments"],
                    reason=data["reason"] or "one-off request",
                    actor=request.user,
                    request=request,
                )
                link = actions_portal_links.send_questionnaire_request(
                    questionnaire_request, data["channel"], actor=request.user, request=request
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            how = "email" if data["channel"] == "email" else "text message"
            messages.success(request, f"Questionnaire sent by {how}.")
            # The link is shown once, on the next page: the patient may scan it here instead.
            request.session[SENT_LINK_KEY] = {"patient": patient.pk, "url": link.url}  # type: ignore[attr-defined]
            return redirect("measures:send_questionnaire_request", pk=patient.pk)
    elif request.method == "GET":
        audit.record(
            audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "send_questionnaire"}
        )
    sent = request.session.pop(SENT_LINK_KEY, None) if request.method == "GET" else None
    sent_url = sent["url"] if sent and sent.get("patient") == patient.pk else None
    return render(
        request,
        "measures/send.html",
        {
            "patient": patient,
            "form": form,
            "channels": channels,
            "sent_url": sent_url,
            "sent_qr": qr_svg(sent_url) if sent_url else None,
        },
    )


@staff_required("measures.rate")
@require_http_methods(["GET", "POST"])
def void(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    assessment = get_object_or_404(Assessment.objects.filter(patient=patient), pk=assessment_pk)
    form = VoidAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions_assessments.void_assessment(
                request.user, assessment, form.cleaned_data["reason"], request=request
            )
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


# --- follow-up of missed and partly answered questionnaires --------------------------------

FOLLOW_UP_SHOW = {
    "all": ("Missed or partly answered", actions_follow_up.FOLLOW_UP),
    "missed": ("Missed", (QuestionnaireRequest.MISSED,)),
    "partial": ("Partly answered", (QuestionnaireRequest.PARTIAL,)),
}
FOLLOW_UP_DAYS = (7, 30, 90)


def instrument_name(code: str) -> str:
    return INSTRUMENTS[code].name if code in INSTRUMENTS else code


def short_name(code: str) -> str:
    """ "PHQ-9" for "Patient Health Questionnaire-9 (PHQ-9)": the abbreviation staff use on a button."""
    name = instrument_name(code)
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1]
    return name


def follow_up_rows(requests: list[QuestionnaireRequest]) -> list[dict[str, Any]]:
    """Per visit: each questionnaire with whether it was answered, and what staff can do next."""
    answered: dict[int, set[str]] = {}
    for questionnaire_request_id, code in Assessment.objects.filter(
        questionnaire_request_id__in=[m.pk for m in requests], voided_at__isnull=True
    ).values_list("questionnaire_request_id", "instrument"):
        answered.setdefault(questionnaire_request_id, set()).add(code)
    rows = []
    for questionnaire_request in requests:
        done = answered.get(questionnaire_request.pk, set())
        questionnaires = [
            {
                "code": code,
                "name": instrument_name(code),
                "short": short_name(code),
                "answered": code in done,
            }
            for code in questionnaire_request.instruments
        ]
        rows.append(
            {
                "questionnaire_request": questionnaire_request,
                "questionnaires": questionnaires,
                "unanswered": [q for q in questionnaires if not q["answered"]],
                "can_resend": bool(actions_portal_links.consented_channels(questionnaire_request.patient)),
            }
        )
    return rows


def _clinic_choice(request: HttpRequest) -> tuple[list[Any], Any]:
    from remit.accounts.models import Clinic

    clinics = list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))
    wanted = (request.GET.get("clinic") or "").strip()
    chosen = next((c for c in clinics if str(c.pk) == wanted or c.slug == wanted), None)
    return clinics, chosen


@staff_required("measures.rate")
@require_GET
def follow_up(request: HttpRequest) -> HttpResponse:
    """The clinic's worklist of questionnaires missed or partly answered: resend, or enter answers by phone."""
    asked = request.GET.get("show") or ""
    show = asked if asked in FOLLOW_UP_SHOW else "all"
    try:
        days = int(request.GET.get("days") or 30)
    except ValueError:
        days = 30
    if days not in FOLLOW_UP_DAYS:
        days = 30
    clinics, clinic = _clinic_choice(request)
    since = timezone.localdate() - dt.timedelta(days=days)
    patients = Patient.objects.filter(clinic_id__in=view_clinic_ids(request), voided_at__isnull=True)
    if clinic is not None:
        patients = patients.filter(clinic=clinic)
    requests = (
        QuestionnaireRequest.objects.filter(
            patient__in=patients, status__in=FOLLOW_UP_SHOW[show][1], due_date__gte=since
        )
        .select_related("patient", "patient__clinic")
        .order_by("-due_date", "-id")
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = follow_up_rows(list(page.object_list))
    audit.record(
        audit.VIEW,
        request=request,
        object_type="measures.follow_up",
        detail={
            "show": show,
            "days": days,
            "clinic": getattr(clinic, "pk", None),
            "page": page.number,
            "results": page.paginator.count,
        },
    )
    query = urlencode(
        {k: v for k, v in (("show", show), ("days", days), ("clinic", getattr(clinic, "pk", ""))) if v}
    )
    return render(
        request,
        "measures/follow_up.html",
        {
            "page": page,
            "rows": rows,
            "show": show,
            "show_choices": [(key, label) for key, (label, _s) in FOLLOW_UP_SHOW.items()],
            "days": days,
            "day_choices": FOLLOW_UP_DAYS,
            "clinics": clinics,
            "clinic": clinic,
            "many_clinics": len(clinics) > 1,
            "query": query,
            "here": f"{request.path}?{query}" if query else request.path,
        },
    )


def _visible_request(request: HttpRequest, pk: int) -> QuestionnaireRequest:
    """A questionnaire request of a patient the user may see, else 404."""
    return get_object_or_404(
        QuestionnaireRequest.objects.select_related("patient", "patient__clinic").filter(
            patient__clinic_id__in=view_clinic_ids(request)
        ),
        pk=pk,
    )


def _back(request: HttpRequest, questionnaire_request: QuestionnaireRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("measures:follow_up")


@staff_required("measures.rate")
@require_POST
def resend_questionnaire_request(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a new link for a missed, partly answered or open questionnaire."""
    questionnaire_request = _visible_request(request, pk)
    try:
        link = actions_follow_up.resend_questionnaire_request(
            request.user, questionnaire_request, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        how = "email" if link.channel == "email" else "text message"
        patient = questionnaire_request.patient
        messages.success(
            request, f"Questionnaire sent again to {patient.given_name} {patient.family_name} by {how}."
        )
    return redirect(_back(request, questionnaire_request))


@staff_required("measures.rate")
@require_http_methods(["GET", "POST"])
def phone_answers(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Enter the answers a patient gave by phone for one questionnaire of a questionnaire request."""
    questionnaire_request = _visible_request(request, pk)
    patient = questionnaire_request.patient
    if code not in questionnaire_request.instruments:
        raise Http404("That questionnaire is not asked in this questionnaire request.")
    instrument = _instrument(code)
    if patient.is_voided:
        raise PermissionDenied(actions_assessments.VOIDED_PATIENT)
    stored = actions_questionnaire_requests.live_assessments(questionnaire_request)
    form = RateForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        answers, sex = form.checked_answers(not_answered="Not answered: enter the patient's answer.")
        if form.is_valid():
            try:
                actions_follow_up.record_phone_answers(
                    request.user, questionnaire_request, code, answers, request=request, sex=sex
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{instrument.name}: answers given by phone saved.")
                left = [
                    c
                    for c in questionnaire_request.instruments
                    if c not in actions_questionnaire_requests.live_assessments(questionnaire_request)
                ]
                if left and questionnaire_request.status != QuestionnaireRequest.CANCELLED:
                    return redirect(
                        f"{reverse('measures:phone_answers', args=[questionnaire_request.pk, left[0]])}"
                        f"?{urlencode({'next': _back(request, questionnaire_request)})}"
                    )
                return redirect(_back(request, questionnaire_request))
    elif request.method == "GET":
        audit.record(
            audit.VIEW,
            request=request,
            obj=questionnaire_request,
            patient=patient,
            detail={"page": "phone_answers", "instrument": code},
        )
    return render(
        request,
        "measures/phone_answers.html",
        {
            "patient": patient,
            "questionnaire_request": questionnaire_request,
            "instrument": instrument,
            "form": form,
            "already": stored.get(code),
            "next": _back(request, questionnaire_request),
        },
    )
