"""Course pages: plan a course (through the screening gate), a patient's courses, a course, move a session,
update the payer authorization, complete or discontinue.

Thin views: forms parse, ``remit.treatment.actions_courses`` validates, writes
and audits. Patients and courses are looked up through the user's clinics, so
another clinic's are a 404. A page that shows patient data writes exactly one
audit ``view`` row; a rejected submission writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.audit import actions as audit
from remit.core.modality import CHOICES as MODALITY_CHOICES
from remit.pages.forms import apply_validation_error
from remit.patients.access import emergency_readable
from remit.patients.lookups import visible_patient
from remit.patients.models import Patient
from remit.treatment import actions_courses as actions
from remit.treatment import actions_dose_order
from remit.treatment.forms_courses import (
    AuthorisationForm,
    CourseForm,
    DiscontinueForm,
    DoseOrderForm,
    ModalityForm,
    RescheduleForm,
    course_initial,
)
from remit.treatment.models import Course, Session

MODALITY_LABELS = dict(MODALITY_CHOICES)
STATUS_BADGES = {
    Course.PLANNED: "",
    Course.ACTIVE: "ok",
    Course.COMPLETED: "",
    Course.DISCONTINUED: "warn",
}
USED_STATUSES = (Session.CHECKED_IN, Session.DOSING, Session.MONITORING, Session.READY, Session.COMPLETED)


def _visible_course(request: HttpRequest, pk: int) -> Course:
    courses = Course.objects.filter(clinic_id__in=view_clinic_ids(request)).select_related(
        "patient", "protocol", "prescriber", "created_by", "screening"
    )
    return get_object_or_404(courses, pk=pk)


def _gate(patient: Patient, modality: str) -> Any:
    from remit.screening.gate import check_gate

    return check_gate(patient, modality)


# --- plan ------------------------------------------------------------------------------------


@staff_required("courses.plan")
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    if patient.is_voided:
        raise PermissionDenied("This patient's record is voided.")
    modality = request.POST.get("modality") or request.GET.get("modality") or ""
    if modality not in MODALITY_LABELS:
        audit.record(audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "course_new"})
        return render(request, "treatment/course_modality.html", {"patient": patient, "form": ModalityForm()})
    actions.ensure_protocols(patient.clinic_id, actor=request.user)
    gate_refusal = ""
    if request.method == "POST":
        form = CourseForm(request.POST, clinic_id=patient.clinic_id, modality=modality)
        if form.is_valid():
            try:
                course = actions.plan_course(
                    actor=request.user, patient=patient, plan=form.to_plan(), request=request
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "gate":
                    gate_refusal = error.messages[0]
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    f"Course planned: {course.planned_sessions} sessions from {course.start_date:%Y-%m-%d}, "
                    "with its questionnaire schedule.",
                )
                return redirect("treatment:course", pk=course.pk)
        gate = None
    else:
        form = CourseForm(
            clinic_id=patient.clinic_id,
            modality=modality,
            initial=course_initial(request.user, modality, patient.clinic_id),
        )
        audit.record(audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "course_new"})
        gate = _gate(patient, modality)
    return render(
        request,
        "treatment/course_form.html",
        {
            "patient": patient,
            "form": form,
            "modality": modality,
            "modality_label": MODALITY_LABELS[modality],
            "gate": gate,
            "gate_refusal": gate_refusal,
        },
    )


# --- a patient's courses ---------------------------------------------------------------------


@staff_required("courses.view")
@emergency_readable
def patient_courses(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    courses = list(
        Course.objects.filter(patient=patient)
        .select_related("protocol")
        .annotate(done=Count("sessions", filter=Q(sessions__status=Session.COMPLETED)))
        .order_by("-start_date", "-id")
    )
    for course in courses:
        course.badge = STATUS_BADGES.get(course.status, "")  # type: ignore[attr-defined]  # for the template only
    audit.record(audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "courses"})
    return render(
        request,
        "treatment/course_list.html",
        {"patient": patient, "courses": courses},
    )


# --- a course ------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, course: Course, **forms_: Any) -> dict[str, Any]:
    sessions = list(course.sessions.filter(voided_at__isnull=True).order_by("number", "scheduled_for"))
    used = sum(1 for s in sessions if s.status in USED_STATUSES)
    booked_days = [timezone.localdate(s.scheduled_for) for s in sessions if s.status == Session.BOOKED]
    today = timezone.localdate()
    open_course = course.status in (Course.PLANNED, Course.ACTIVE) and not course.is_voided
    user = request.user
    return {
        "course": course,
        "patient": course.patient,
        "sessions": sessions,
        "used": used,
        "remaining_authorised": (
            course.authorised_sessions - used if course.authorised_sessions is not None else None
        ),
        "warnings": actions.authorization_warnings(
            course, used, today=today, planned_after=booked_days, bookings=actions.course_bookings(course)
        ),
        "beyond": actions.beyond_for_courses([course]),
        "today": today,
        "open_course": open_course,
        "can_plan": user.can("courses.plan", course.clinic_id),  # type: ignore[union-attr]
        "can_schedule": user.can("courses.schedule", course.clinic_id),  # type: ignore[union-attr]
        "badge": STATUS_BADGES.get(course.status, ""),
        "discontinue_form": forms_.get("discontinue_form") or DiscontinueForm(),
        "dose_order": actions_dose_order.course_order_text(course),
        "dose_order_form": (
            forms_.get("dose_order_form")
            or (
                DoseOrderForm(
                    modality=course.modality,
                    initial={
                        "ordered": course.esketamine_dose_mg
                        if course.modality == "esketamine"
                        else course.mg_per_kg
                    },
                )
                if course.modality != "tms"
                else None
            )
        ),
        "authorisation_form": forms_.get("authorisation_form")
        or AuthorisationForm(
            initial={
                "authorised_sessions": course.authorised_sessions,
                "valid_until": course.authorisation_valid_until,
                "reference": course.authorisation_reference,
            }
        ),
        "definition": course.protocol.definition,
    }


@staff_required("courses.view")
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _visible_course(request, pk)
    context = _detail_context(request, course)
    audit.record(audit.VIEW, request=request, obj=course, patient=course.patient, detail={"page": "course"})
    return render(request, "treatment/course_detail.html", context)


@staff_required("courses.plan")
@require_POST
def course_discontinue(request: HttpRequest, pk: int) -> HttpResponse:
    course = _visible_course(request, pk)
    form = DiscontinueForm(request.POST)
    if form.is_valid():
        try:
            actions.discontinue_course(
                actor=request.user, course=course, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, "Not discontinued: " + "; ".join(error.messages))
                return redirect("treatment:course", pk=course.pk)
            apply_validation_error(form, error)
        else:
            messages.success(request, "Course discontinued; its remaining booked sessions were cancelled.")
            return redirect("treatment:course", pk=course.pk)
    return render(
        request, "treatment/course_detail.html", _detail_context(request, course, discontinue_form=form)
    )


@staff_required("courses.plan")
@require_POST
def course_complete(request: HttpRequest, pk: int) -> HttpResponse:
    course = _visible_course(request, pk)
    try:
        actions.complete_course(actor=request.user, course=course, request=request)
    except ValidationError as error:
        messages.error(request, "Not completed: " + "; ".join(error.messages))
    else:
        messages.success(request, "Course completed.")
    return redirect("treatment:course", pk=course.pk)


@staff_required("courses.plan")
@require_POST
def course_authorisation(request: HttpRequest, pk: int) -> HttpResponse:
    course = _visible_course(request, pk)
    form = AuthorisationForm(request.POST)
    if form.is_valid():
        try:
            actions.update_authorisation(
                actor=request.user,
                course=course,
                authorised_sessions=form.cleaned_data.get("authorised_sessions"),
                valid_until=form.cleaned_data.get("valid_until"),
                reference=form.cleaned_data.get("reference") or "",
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Payer authorization updated.")
            return redirect("treatment:course", pk=course.pk)
    return render(
        request,
        "treatment/course_detail.html",
        _detail_context(request, course, authorisation_form=form),
    )


@staff_required("courses.plan")
@require_POST
def course_dose_order(request: HttpRequest, pk: int) -> HttpResponse:
    """A prescriber sets or changes the course's dose order; nurses chart against it."""
    course = _visible_course(request, pk)
    form = DoseOrderForm(request.POST, modality=course.modality)
    if form.is_valid():
        try:
            actions_dose_order.change_dose_order(
                course, ordered=form.cleaned_data["ordered"], actor=request.user, request=request
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Dose order saved.")
            return redirect("treatment:course", pk=course.pk)
    return render(
        request, "treatment/course_detail.html", _detail_context(request, course, dose_order_form=form)
    )


# --- move a session --------------------------------------------------------------------------


@staff_required("courses.schedule")
@require_http_methods(["GET", "POST"])
def session_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    sessions = Session.objects.filter(clinic_id__in=view_clinic_ids(request)).select_related(
        "patient", "course", "course__protocol"
    )
    session = get_object_or_404(sessions, pk=pk)
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                actions.reschedule_session(
                    actor=request.user,
                    session=session,
                    when=form.when(),
                    room=form.cleaned_data.get("room") or "",
                    request=request,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Session {session.number} moved.")
                if staff(request).can("courses.view", session.clinic_id):
                    return redirect("treatment:course", pk=session.course_id)
                return redirect("treatment:today")
    else:
        local = timezone.localtime(session.scheduled_for)
        form = RescheduleForm(initial={"date": local.date(), "time": local.time(), "room": session.room})
        audit.record(
            audit.VIEW,
            request=request,
            obj=session,
            patient=session.patient,
            detail={"page": "session_reschedule"},
        )
    return render(
        request,
        "treatment/course_reschedule.html",
        {"session": session, "patient": session.patient, "form": form},
    )
