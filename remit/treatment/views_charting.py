"""The session page and its charting steps (ketamine IV/IM, esketamine with the REMS, TMS).

Thin views: forms parse, the charting actions (``remit.treatment.actions_checkin``,
``actions_ketamine``, ``actions_dosing``, ``actions_vitals``, ``actions_rating``,
``actions_esketamine``, ``actions_tms``, ``actions_adverse_events``,
``actions_signing``) validate, write and audit.  Sessions are looked up within the user's clinics (another
clinic's session is a 404); a TMS technician may open TMS sessions only (403
otherwise).  The page writes exactly one audit ``view`` row; a refused step
re-renders the page with the message naming the field and writes nothing.

``clock.now()`` is the one clock charting uses: tests replace it to control time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.audit import actions as audit
from remit.core.instruments import get_instrument
from remit.core.modality import DRUG_MODALITIES
from remit.core.vitals import next_vitals_due
from remit.measures.forms import RateForm
from remit.measures.models import Assessment
from remit.pages.forms import apply_validation_error
from remit.patients.models import Medication, WeightEntry
from remit.treatment import (
    actions_adverse_events,
    actions_checkin,
    actions_dosing,
    actions_esketamine,
    actions_ketamine,
    actions_rating,
    actions_signing,
    actions_tms,
    actions_vitals,
    clock,
    monitoring,
    permissions,
    session_chart,
    treatment_settings,
)
from remit.treatment import actions_session_day as day_actions
from remit.treatment import forms_sessions as F
from remit.treatment.clinic_day import at_clinic_time, clinic_day, clinic_today
from remit.treatment.models import RemsMonitoringForm, Session


def _session_for(request: HttpRequest, pk: int) -> Session:
    sessions = Session.objects.filter(patient__clinic_id__in=view_clinic_ids(request)).select_related(
        "patient",
        "clinic",
        "course",
        "course__protocol",
        "motor_threshold",
        "charted_by",
        "signed_by",
        "dose_override_by",
    )
    session = get_object_or_404(sessions, pk=pk)
    if not permissions.may_chart(request.user, session):
        raise PermissionDenied("A TMS technician charts TMS sessions only.")
    return session


def _dosing_defaults(session: Session) -> dict[str, Any]:
    definition = getattr(getattr(session.course, "protocol", None), "definition", None) or {}
    return definition.get("dosing") or {}


def _rate_forms(bound: dict[str, forms.BaseForm]) -> list[tuple[str, Any, forms.BaseForm]]:
    out = []
    for code in actions_rating.RATED_AT_SESSION:
        instrument = get_instrument(code)
        form = bound.get(f"rate_{code}") or RateForm(instrument=instrument, prefix=code)
        form.fields.pop("session_id", None)
        out.append((code, instrument, form))
    return out


def _context(
    request: HttpRequest,
    session: Session,
    bound: dict[str, forms.BaseForm] | None = None,
    preview: Any = None,
) -> dict[str, Any]:
    bound = bound or {}
    at = clock.now()
    today = timezone.localdate(at)
    patient = session.patient
    settings = treatment_settings.treatment_settings(session.clinic_id)
    vitals = list(session.vitals.select_related("entered_by"))
    actions = list(session.actions.select_related("by"))
    for vital in vitals:
        # A display-only attribute the vitals template reads, not a model field.
        vital.action_list = [a for a in actions if a.vital_id == vital.pk]  # type: ignore[attr-defined]
    unanswered = monitoring.unanswered_breaches(vitals, actions)
    events = list(session.adverse_events.select_related("entered_by"))
    amendments = list(session.amendments.select_related("by"))
    assessments = list(
        Assessment.objects.filter(session_type=session_chart.SESSION_TYPE, session_id=str(session.pk))
        .select_related("entered_by")
        .order_by("taken_at", "id")
    )
    allergies = [a.substance for a in patient.allergies.all() if not a.is_voided]
    rems_form = RemsMonitoringForm.objects.filter(session=session).first()

    # Vitals due: from the last reading (or the start of monitoring) at the clinic's interval.
    live = session.discharged_at is None and not session.is_signed
    last_vital = next((v for v in reversed(vitals) if not v.is_voided), None)
    base = (
        last_vital.taken_at
        if last_vital
        else (monitoring.monitoring_start(session) or session.dose_started_at)
    )
    vitals_due = next_vitals_due(base, settings.vitals_interval_minutes) if base and live else None
    if session.modality == "tms":
        vitals_due = None
    start = monitoring.monitoring_start(session)
    clock_since = start or session.checked_in_at
    met, remaining, until = monitoring.monitoring_check(session, at, settings)

    ctx: dict[str, Any] = {
        "session": session,
        "patient": patient,
        "age": patient.age_on(today),
        "allergies": allergies,
        "now": at,
        "settings": settings,
        "vitals": vitals,
        "unanswered": unanswered,
        "events": events,
        "amendments": amendments,
        "assessments": assessments,
        "rems_form": rems_form,
        "vitals_due": vitals_due,
        "vitals_overdue": bool(vitals_due and at > vitals_due),
        "clock_since": clock_since,
        "clock_label": "since the first device"
        if session.modality == "esketamine" and start
        else ("since dosing started" if start else "since check-in"),
        "monitoring_met": met,
        "monitoring_remaining": remaining,
        "monitoring_until": until,
        "monitoring_minimum": monitoring.minimum_minutes(session, settings),
        "total_monitoring": (
            int((session.discharged_at - start).total_seconds() // 60)
            if start and session.discharged_at
            else None
        ),
        "checklist_missing": actions_checkin.checklist_missing(session, today),
        "checklist_items": [
            (label, bool((session.checklist or {}).get(name)))
            for name, label in actions_checkin.checklist_items(session)
        ],
        "pregnancy": actions_checkin.pregnancy_applicable(patient, today) and session.modality != "tms",
        "is_ketamine": session.modality in session_chart.KETAMINE,
        "is_esketamine": session.modality == "esketamine",
        "is_tms": session.modality == "tms",
        "is_drug": session.modality in DRUG_MODALITIES,
        "can_sign": permissions.may_sign(request.user, session),
        "is_prescriber": staff(request).has_role(session.clinic_id, "prescriber"),
        "preview": preview,
        "live": live,
        "measures_url": reverse("measures:patient", args=[patient.pk]),
        "criteria": [
            (name, label, bool((session.discharge or {}).get(name)))
            for name, label in actions_signing.DISCHARGE_CRITERIA
        ],
        "beyond_authorization": session_chart.beyond_authorization(session),
    }

    forms_: dict[str, forms.BaseForm] = {}
    checklist = session.checklist or {}
    if session.modality == "tms":
        forms_["checklist"] = bound.get("checklist") or F.TmsCheckForm(
            initial={
                k: checklist.get(k) for k in (*actions_checkin.TMS_CHECK_FIELDS, "medication_change_detail")
            }
        )
        forms_["seizure_review"] = bound.get("seizure_review") or F.SeizureReviewForm()
    else:
        forms_["checklist"] = bound.get("checklist") or F.ChecklistForm(
            session=session,
            pregnancy=ctx["pregnancy"],
            initial={k: v for k, v in checklist.items() if not k.startswith("saved")},
        )
    ctx["seizure_reported"] = checklist.get("seizure_since_last") == "yes"
    ctx["seizure_review"] = checklist.get("seizure_review")
    forms_["check_in"] = bound.get("check_in") or F.CheckInForm()
    forms_["vitals"] = bound.get("vitals") or F.VitalsForm()
    forms_["vital_action"] = bound.get("vital_action") or F.VitalActionForm()
    forms_["adverse_event"] = bound.get("adverse_event") or F.AdverseEventForm()
    forms_["note"] = bound.get("note") or F.NoteForm(initial={"note": session.note})
    forms_["discharge"] = bound.get("discharge") or F.DischargeForm()
    forms_["amend"] = bound.get("amend") or F.AmendmentForm()
    dosing = _dosing_defaults(session)

    if session.modality in session_chart.KETAMINE:
        latest_weight = (
            WeightEntry.objects.filter(patient=patient, voided_at__isnull=True)
            .order_by("-measured_on", "-id")
            .values_list("weight_kg", flat=True)
            .first()
        )
        forms_["dose"] = bound.get("dose") or F.DoseForm(
            iv=session.modality == "ketamine_iv",
            initial={
                "weight_kg": session.weight_kg or latest_weight,
                "mg_per_kg": session.mg_per_kg or session.course.mg_per_kg or dosing.get("mg_per_kg"),
                "concentration_mg_per_ml": session.concentration_mg_per_ml,
                "infusion_minutes": session.infusion_minutes or dosing.get("infusion_minutes"),
            },
        )
    if session.modality in DRUG_MODALITIES:
        ctx["rate_forms"] = _rate_forms(bound)
    if session.modality == "esketamine":
        enrolment = actions_esketamine.active_enrolment(patient)
        slots = monitoring.bp_slots(session, [v for v in vitals if not v.is_voided])
        first = monitoring.first_device_at(session)
        devices = [{**d, "at_dt": dt.datetime.fromisoformat(d["at"])} for d in (session.devices or [])]
        next_device = (
            devices[-1]["at_dt"] + dt.timedelta(minutes=actions_esketamine.DEVICE_REST_MINUTES)
            if devices and len(devices) < actions_esketamine.MAX_DEVICES
            else None
        )
        answers = dict(session.rems or {})
        if not answers.get("monitoring_hcp_name"):
            answers["monitoring_hcp_name"] = request.user.get_full_name()  # type: ignore[union-attr]
        if not answers.get("monitoring_hcp_contact"):
            answers["monitoring_hcp_contact"] = request.user.phone or request.user.email  # type: ignore[union-attr]
        if not answers.get("setting_address"):
            previous = (
                Session.objects.filter(
                    clinic_id=session.clinic_id, modality="esketamine", signed_at__isnull=False
                )
                .order_by("-signed_at")
                .values_list("rems", flat=True)
                .first()
            )
            answers["setting_address"] = (previous or {}).get("setting_address", "")
        ctx.update(
            {
                "enrolment": enrolment,
                "slots": slots,
                "first_device": first,
                "devices": devices,
                "next_device": next_device,
                "device_wait": bool(next_device and at < next_device),
                "forty_due": first + dt.timedelta(minutes=40) if first else None,
                "rems_missing": monitoring.rems_missing(session, [v for v in vitals if not v.is_voided]),
            }
        )
        try:
            doses = actions_esketamine.esketamine_doses(session)
            dose_error = ""
        except ValidationError as error:
            doses, dose_error = None, "; ".join(error.messages)
        planned = session.planned_dose_mg
        ctx.update(
            {
                "esk_doses": doses,
                "esk_dose_error": dose_error,
                "planned_devices": planned // 28 if planned else 0,
                "devices_left": max(0, planned // 28 - len(devices)) if planned else 0,
            }
        )
        if doses is not None:
            forms_["esketamine_dose"] = bound.get("esketamine_dose") or F.EsketamineDoseForm(
                allowed=doses.allowed_mg,
                prescriber=ctx["is_prescriber"],
                initial={"dose_mg": planned if planned in doses.allowed_mg else doses.suggested_mg},
            )
        forms_["rems_enrol"] = bound.get("rems_enrol") or F.RemsEnrolmentForm(initial={"enrolled_on": today})
        forms_["device"] = bound.get("device") or F.DeviceForm(initial={"lot_number": session.lot_number})
        forms_["rems_answers"] = bound.get("rems_answers") or F.RemsAnswersForm(initial=answers)
    if session.modality == "tms":
        threshold = actions_tms.latest_motor_threshold(patient)
        changed = Medication.objects.filter(patient=patient, voided_at__isnull=True).aggregate(
            started=Max("started_on"), stopped=Max("stopped_on"), created=Max("created_at")
        )
        dates = [changed["started"], changed["stopped"]]
        if changed["created"]:
            dates.append(timezone.localdate(changed["created"]))
        med_changed = max((d for d in dates if d), default=None)
        ctx.update(
            {
                "threshold": threshold,
                "mt_reminder": actions_tms.motor_threshold_reminder(session, threshold, med_changed),
                "pattern_label": dict(actions_tms.TMS_PATTERNS).get(session.tms_pattern, ""),
                "coil_label": dict(actions_tms.COIL_METHODS).get(session.coil_site_method, ""),
            }
        )
        forms_["motor_threshold"] = bound.get("motor_threshold") or F.MotorThresholdForm(
            initial={"determined_on": today}
        )
        previous_site = actions_tms.previous_coil_site(session)
        forms_["tms"] = bound.get("tms") or F.TmsForm(
            initial={
                "tms_pattern": session.tms_pattern or dosing.get("pattern", ""),
                "intensity_pct_mt": session.intensity_pct_mt
                or (
                    int(Decimal(str(dosing["intensity_pct_mt"]))) if dosing.get("intensity_pct_mt") else None
                ),
                "pulses_planned": session.pulses_planned or dosing.get("pulses_per_session"),
                "pulses_delivered": session.pulses_delivered,
                "coil_site_method": session.coil_site_method or previous_site[0],
                "coil_coordinates": session.coil_coordinates or previous_site[1],
            }
        )
        forms_["tms_end"] = bound.get("tms_end") or F.TmsEndForm(
            initial={"pulses_delivered": session.pulses_delivered or session.pulses_planned}
        )
    ctx["forms"] = forms_
    ctx["error_form"] = next((form for form in bound.values() if form.errors), None)
    return ctx


def _move_first(request: HttpRequest, session: Session) -> HttpResponse | None:
    """A booked session of another day goes to the move-to-today page before anything is charted."""
    if not day_actions.needs_move_to_today(session):
        return None
    return redirect("treatment:session_move_to_today", pk=session.pk)


@staff_required("sessions.chart")
@require_GET
def session_page(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    moved = _move_first(request, session)
    if moved is not None:
        return moved
    context = _context(request, session)
    audit.record(
        audit.VIEW,
        request=request,
        obj=session,
        patient=session.patient,
        detail={"page": "session", "session_id": session.pk},
    )
    return render(request, "treatment/session_detail.html", context)


# --- steps ---------------------------------------------------------------------------------------


def _done(request: HttpRequest, session: Session, text: str, anchor: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(reverse("treatment:session", args=[session.pk]) + f"#{anchor}")


def _refused(
    request: HttpRequest,
    session: Session,
    key: str,
    form: forms.BaseForm,
    error: ValidationError | None = None,
    preview: Any = None,
) -> HttpResponse:
    if error is not None:
        apply_validation_error(form, error)
    session.refresh_from_db()
    return render(request, "treatment/session_detail.html", _context(request, session, {key: form}, preview))


def _simple(
    request: HttpRequest,
    session: Session,
    key: str,
    call: Any,
    text: str,
    anchor: str,
    form: forms.BaseForm | None = None,
) -> HttpResponse:
    form = form or forms.Form(request.POST)
    try:
        call()
    except ValidationError as error:
        return _refused(request, session, key, form, error)
    return _done(request, session, text, anchor)


def _step_check_in(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.CheckInForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "check_in", form)
    try:
        actions_checkin.check_in(
            session,
            actor=request.user,
            request=request,
            beyond_authorization_reason=form.cleaned_data.get("beyond_authorization_reason") or "",
        )
    except ValidationError as error:
        return _refused(request, session, "check_in", form, error)
    return _done(request, session, "Checked in.", "checklist")


def _step_checklist(request: HttpRequest, session: Session) -> HttpResponse:
    if session.modality == "tms":
        form: forms.Form = F.TmsCheckForm(request.POST)
    else:
        form = F.ChecklistForm(
            request.POST,
            session=session,
            pregnancy=actions_checkin.pregnancy_applicable(session.patient, timezone.localdate(clock.now())),
        )
    if not form.is_valid():
        return _refused(request, session, "checklist", form)
    try:
        actions_checkin.save_checklist(session, form.cleaned_data, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, "checklist", form, error)
    if session.modality == "tms" and form.cleaned_data.get("seizure_since_last") == "yes":
        messages.error(
            request, "Seizure reported: a high alert was raised; TMS is on hold until a prescriber reviews."
        )
    return _done(request, session, "Checklist saved.", "checklist")


def _step_seizure_review(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.SeizureReviewForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "seizure_review", form)
    try:
        actions_checkin.review_seizure(
            session, form.cleaned_data["note"], actor=request.user, request=request
        )
    except ValidationError as error:
        return _refused(request, session, "seizure_review", form, error)
    return _done(request, session, "Seizure review recorded.", "checklist")


def _step_dose(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.DoseForm(request.POST, iv=session.modality == "ketamine_iv")
    if not form.is_valid():
        return _refused(request, session, "dose", form)
    values: dict[str, Any] = {
        "weight_kg": form.cleaned_data.get("weight_kg"),
        "mg_per_kg": form.cleaned_data.get("mg_per_kg"),
        "concentration_mg_per_ml": form.cleaned_data.get("concentration_mg_per_ml"),
        "infusion_minutes": form.cleaned_data.get("infusion_minutes"),
        "override_reason": form.cleaned_data.get("override_reason") or "",
    }
    difference = form.cleaned_data.get("difference_reason") or ""
    try:
        if "preview" in request.POST:
            dose = actions_ketamine.compute_ketamine_dose(session, actor=request.user, **values)
            return _refused(request, session, "dose", form, preview=dose)
        actions_ketamine.record_ketamine_dose(
            session, actor=request.user, request=request, difference_reason=difference, **values
        )
    except ValidationError as error:
        return _refused(request, session, "dose", form, error)
    return _done(request, session, "Dose confirmed and charted.", "dose")


def _step_dose_start(request: HttpRequest, session: Session) -> HttpResponse:
    label = {"tms": "Stimulation started.", "ketamine_im": "Injection given; monitoring started."}.get(
        session.modality, "Infusion started."
    )
    return _simple(
        request,
        session,
        "dose_start",
        lambda: actions_dosing.start_dose(session, actor=request.user, request=request),
        label,
        "dose",
    )


def _step_dose_end(request: HttpRequest, session: Session) -> HttpResponse:
    if session.modality == "tms" and "pulses_delivered" in request.POST:
        form = F.TmsEndForm(request.POST)
        if not form.is_valid():
            return _refused(request, session, "tms_end", form)
        pulses = form.cleaned_data["pulses_delivered"]
        return _simple(
            request,
            session,
            "tms_end",
            lambda: actions_tms.end_stimulation(session, pulses, actor=request.user, request=request),
            "Stimulation ended.",
            "tms",
            form,
        )
    return _simple(
        request,
        session,
        "dose_end",
        lambda: actions_dosing.end_dose(session, actor=request.user, request=request),
        "Dosing ended; monitoring continues.",
        "dose",
    )


def _step_vitals(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.VitalsForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "vitals", form)
    try:
        vital = actions_vitals.add_vitals(session, form.cleaned_data, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, "vitals", form, error)
    if vital.breaches:
        messages.error(
            request,
            "Outside the threshold: "
            + "; ".join(b["message"] for b in vital.breaches)
            + ". An alert was raised; record the action taken.",
        )
    return _done(request, session, "Vital signs saved.", "vitals")


def _step_vital_action(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.VitalActionForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "vital_action", form)
    try:
        actions_vitals.record_vital_action(
            session,
            vital_id=form.cleaned_data["vital"],
            kind=form.cleaned_data["kind"],
            detail=form.cleaned_data.get("detail") or "",
            actor=request.user,
            request=request,
        )
    except ValidationError as error:
        return _refused(request, session, "vital_action", form, error)
    return _done(request, session, "Action recorded.", "vitals")


def _step_rate(request: HttpRequest, session: Session, code: str) -> HttpResponse:
    instrument = get_instrument(code)
    form = RateForm(request.POST, instrument=instrument, prefix=code)
    form.fields.pop("session_id", None)
    key = f"rate_{code}"
    if not form.is_valid():
        return _refused(request, session, key, form)
    answers: dict[str, object] = {}
    for item in instrument.items:
        raw = (form.cleaned_data.get(item.id) or "").strip()
        if raw == "":
            form.add_error(item.id, "Not rated: rate this item.")
            continue
        try:
            answers[item.id] = int(raw)
        except ValueError:
            answers[item.id] = raw
    if form.errors:
        return _refused(request, session, key, form)
    try:
        actions_rating.rate(session, code, answers, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, key, form, error)
    return _done(request, session, f"{instrument.name} saved.", "ratings")


def _step_rems_enrol(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.RemsEnrolmentForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "rems_enrol", form)
    try:
        actions_esketamine.enrol_rems(
            session.patient,
            enrolled_on=form.cleaned_data["enrolled_on"],
            reference=form.cleaned_data.get("reference") or "",
            actor=request.user,
            request=request,
        )
    except ValidationError as error:
        return _refused(request, session, "rems_enrol", form, error)
    return _done(request, session, "REMS enrolment recorded.", "esketamine")


def _step_esketamine_dose(request: HttpRequest, session: Session) -> HttpResponse:
    if session.modality != "esketamine":
        raise Http404("No such charting step.")
    try:
        doses = actions_esketamine.esketamine_doses(session)
    except ValidationError as error:
        return _refused(request, session, "esketamine_dose", forms.Form(request.POST), error)
    form = F.EsketamineDoseForm(
        request.POST,
        allowed=doses.allowed_mg,
        prescriber=staff(request).has_role(session.clinic_id, "prescriber"),
    )
    if not form.is_valid():
        return _refused(request, session, "esketamine_dose", form)
    override = form.cleaned_data.get("override_dose_mg")
    try:
        current = actions_esketamine.set_esketamine_dose(
            session,
            dose_mg=override or form.cleaned_data.get("dose_mg"),
            override_reason=(form.cleaned_data.get("override_reason") or "") if override else "",
            difference_reason=form.cleaned_data.get("difference_reason") or "",
            actor=request.user,
            request=request,
        )
    except ValidationError as error:
        if override and hasattr(error, "error_dict") and "dose_mg" in error.error_dict:
            error = ValidationError({"override_reason": error.error_dict["dose_mg"]})
        return _refused(request, session, "esketamine_dose", form, error)
    text = f"Today's dose set: {current.planned_dose_mg} mg."
    if current.dose_override_reason:
        text += " Prescriber override recorded with its reason."
    return _done(request, session, text, "esketamine")


def _step_device(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.DeviceForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "device", form)
    try:
        current = actions_esketamine.give_device(
            session, lot_number=form.cleaned_data.get("lot_number") or "", actor=request.user, request=request
        )
    except ValidationError as error:
        return _refused(request, session, "device", form, error)
    return _done(request, session, f"Device {len(current.devices)} given (28 mg).", "esketamine")


def _step_rems_answers(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.RemsAnswersForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "rems_answers", form)
    try:
        actions_esketamine.save_rems_answers(session, form.cleaned_data, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, "rems_answers", form, error)
    return _done(request, session, "REMS observations saved.", "rems-answers")


def _step_motor_threshold(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.MotorThresholdForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "motor_threshold", form)
    if session.is_signed:
        return _refused(request, session, "motor_threshold", form, ValidationError(session_chart.SIGNED))
    try:
        actions_tms.add_motor_threshold(
            session.patient,
            determined_on=form.cleaned_data["determined_on"],
            pct_mso=form.cleaned_data["pct_mso"],
            method=form.cleaned_data["method"],
            actor=request.user,
            request=request,
        )
    except ValidationError as error:
        return _refused(request, session, "motor_threshold", form, error)
    return _done(request, session, "Motor threshold recorded.", "tms")


def _step_tms(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.TmsForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "tms", form)
    start = "start" in request.POST  # "Save and start stimulation"
    record = actions_tms.record_tms_and_start if start else actions_tms.record_tms
    try:
        current = record(session, form.cleaned_data, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, "tms", form, error)
    if start:
        return _done(
            request, session, f"Stimulation started at {current.machine_output_pct}% machine output.", "tms"
        )
    return _done(
        request,
        session,
        f"Stimulation parameters saved: {current.machine_output_pct}% machine output.",
        "tms",
    )


def _step_adverse_event(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.AdverseEventForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "adverse_event", form)
    try:
        event = actions_adverse_events.add_adverse_event(
            session, form.cleaned_data, actor=request.user, request=request
        )
    except ValidationError as error:
        return _refused(request, session, "adverse_event", form, error)
    if event.kind == "seizure":
        messages.error(request, "Seizure documented as a serious adverse event; a high alert was raised.")
    return _done(request, session, "Adverse event recorded.", "events")


def _step_adverse_event_resolve(request: HttpRequest, session: Session) -> HttpResponse:
    return _simple(
        request,
        session,
        "adverse_event",
        lambda: actions_adverse_events.resolve_adverse_event(
            session, request.POST.get("event"), actor=request.user, request=request
        ),
        "Marked resolved.",
        "events",
    )


def _step_note(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.NoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "note", form)
    try:
        actions_signing.save_note(
            session, form.cleaned_data.get("note") or "", actor=request.user, request=request
        )
    except ValidationError as error:
        return _refused(request, session, "note", form, error)
    return _done(request, session, "Note saved.", "events")


def _step_discharge(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.DischargeForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "discharge", form)
    try:
        actions_signing.discharge(session, form.cleaned_data, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, "discharge", form, error)
    text = "Session completed." if session.modality == "esketamine" else "Patient discharged."
    return _done(request, session, text, "discharge")


def _step_sign(request: HttpRequest, session: Session) -> HttpResponse:
    if not permissions.may_sign(request.user, session):
        raise PermissionDenied("Your role may not sign this session.")
    form = forms.Form(request.POST)
    try:
        actions_signing.sign(session, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, "sign", form, error)
    text = "Signed and locked."
    if session.modality == "esketamine":
        text += " The REMS Patient Monitoring Form is ready: submit it within 7 days."
    return _done(request, session, text, "discharge")


def _step_tms_finish(request: HttpRequest, session: Session) -> HttpResponse:
    if not permissions.may_sign(request.user, session):
        raise PermissionDenied("Your role may not sign this session.")
    return _simple(
        request,
        session,
        "tms_finish",
        lambda: actions_tms.complete_and_sign(session, actor=request.user, request=request),
        "Session completed, signed and locked.",
        "discharge",
    )


def _step_amend(request: HttpRequest, session: Session) -> HttpResponse:
    form = F.AmendmentForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, "amend", form)
    try:
        actions_signing.amend(session, form.cleaned_data["text"], actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, session, "amend", form, error)
    return _done(request, session, "Amendment added; the signed note is unchanged.", "amendments")


STEPS = {
    "check_in": _step_check_in,
    "checklist": _step_checklist,
    "seizure_review": _step_seizure_review,
    "dose": _step_dose,
    "dose_start": _step_dose_start,
    "dose_end": _step_dose_end,
    "vitals": _step_vitals,
    "vital_action": _step_vital_action,
    "rems_enrol": _step_rems_enrol,
    "esketamine_dose": _step_esketamine_dose,
    "device": _step_device,
    "rems_answers": _step_rems_answers,
    "motor_threshold": _step_motor_threshold,
    "tms": _step_tms,
    "adverse_event": _step_adverse_event,
    "adverse_event_resolve": _step_adverse_event_resolve,
    "note": _step_note,
    "discharge": _step_discharge,
    "sign": _step_sign,
    "tms_finish": _step_tms_finish,
    "amend": _step_amend,
}


@staff_required("sessions.chart")
@require_POST
def session_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    session = _session_for(request, pk)
    rated = step.startswith("rate_") and step[5:] in actions_rating.RATED_AT_SESSION
    handler = STEPS.get(step)
    if handler is None and not rated:
        raise Http404("No such charting step.")
    moved = _move_first(request, session)
    if moved is not None:
        messages.warning(request, "Nothing was charted: " + day_actions.not_today_error(session).messages[0])
        return moved
    if rated:
        return _step_rate(request, session, step[5:])
    assert handler is not None
    return handler(request, session)


# --- move a session to today ---------------------------------------------------------------------


@staff_required("sessions.chart")
@require_http_methods(["GET", "POST"])
def session_move_to_today(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm moving a booked session to today (the course's later sessions shift), or say why it cannot be."""
    session = _session_for(request, pk)
    today = clinic_today()
    refusal = ""
    plan = None
    if request.method == "POST":
        try:
            day_actions.move_session_to_today(actor=request.user, session=session, request=request)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request, f"Session {session.number} moved to today; the later sessions shifted with it."
            )
            return redirect("treatment:session", pk=session.pk)
    else:
        audit.record(
            audit.VIEW,
            request=request,
            obj=session,
            patient=session.patient,
            detail={"page": "session_move_to_today", "session_id": session.pk},
        )
    try:
        plan = day_actions.plan_move_to_today(session, today=today)
    except ValidationError as error:
        refusal = refusal or " ".join(error.messages)
    rows = []
    if plan is not None and not refusal:
        for shift in plan.shifts:
            row = plan.sessions[shift.number]
            rows.append(
                {
                    "number": shift.number,
                    "before": timezone.localtime(row.scheduled_for),
                    "after": at_clinic_time(shift.after, row.scheduled_for),
                    "changed": shift.after != shift.before,
                }
            )
    return render(
        request,
        "treatment/session_move_today.html",
        {
            "session": session,
            "patient": session.patient,
            "today": today,
            "booked_day": clinic_day(session.scheduled_for),
            "refusal": refusal,
            "rows": rows,
            "already_today": not day_actions.needs_move_to_today(session, today),
        },
    )
