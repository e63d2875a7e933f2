"""Screening pages: intake, review and sign, a patient's screenings, the clinic's settings.

Thin views: forms parse, ``remit.screening.actions`` validates, writes and
audits. Patients are looked up through ``Patient.objects.visible_to`` so
another clinic's patient (or screening) is a 404. A page that shows patient
data writes exactly one audit row; a rejected submission writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from remit.accounts.clinics import settings_clinic
from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.core.screening import RULES_BY_ID
from remit.core.screening.medications import CLASS_LABELS
from remit.core.screening.wording import fact_words, plain_source
from remit.pages.forms import apply_validation_error
from remit.patients.access import emergency_readable
from remit.patients.lookups import visible_patient
from remit.screening import actions
from remit.screening.forms import (
    DecisionForm,
    IntakeForm,
    SettingsForm,
    VoidForm,
    intake_error_field,
    registry_initial,
    screens_initial,
)
from remit.screening.models import DECISION_BADGES, DECISION_LABELS, MODALITY_LABELS, Screening

SELF_REPORT = ["auditc", "dast10", "cssrs_screen"]


def _visible_screening(request: HttpRequest, pk: int) -> Screening:
    screenings = Screening.objects.visible_to(request.user, request.staff_capability).select_related(  # type: ignore[attr-defined]
        "patient", "patient__clinic", "created_by", "signed_by", "voided_by"
    )
    return get_object_or_404(screenings, pk=pk)


# --- intake ------------------------------------------------------------------------------


@staff_required("screening.enter")
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    if patient.is_voided:
        raise PermissionDenied("This patient's record is voided.")
    screen_initial, screens_used = screens_initial(patient)
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            doc, facts = form.to_documents()
            try:
                screening = actions.create_screening(
                    actor=request.user, patient=patient, intake=doc, resistance_facts=facts, request=request
                )
            except actions.IntakeValidationError as error:
                form.add_error(intake_error_field(error.field), error.message)
            else:
                messages.success(request, "Intake saved as a draft. A prescriber reviews and signs it.")
                return redirect("screening:detail", pk=screening.pk)
    else:
        form = IntakeForm(initial={**registry_initial(patient), **screen_initial})
        audit.record(
            audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "screening_intake"}
        )
    return render(
        request,
        "screening/intake.html",
        {"patient": patient, "form": form, "screens_used": screens_used, "self_report": SELF_REPORT},
    )


@staff_required("screening.enter")
@require_POST
def send_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """Send AUDIT-C, DAST-10 and the C-SSRS screen to the patient through the measures portal."""
    from remit.measures import actions_portal_links, actions_questionnaire_requests

    patient = visible_patient(request, pk)
    if patient.is_voided:
        raise PermissionDenied("This patient's record is voided.")
    channels = actions_portal_links.consented_channels(patient)
    if not channels:
        messages.error(
            request,
            "Nothing was sent: the patient has no consented channel (text message or email) with a contact recorded.",
        )
        return redirect("screening:intake", pk=patient.pk)
    try:
        with transaction.atomic():
            questionnaire_request = actions_questionnaire_requests.create_questionnaire_request(
                patient=patient,
                instruments=SELF_REPORT,
                reason="screening intake questions",
                actor=request.user,
                request=request,
            )
            actions_portal_links.send_questionnaire_request(
                questionnaire_request, channels[0], actor=request.user, request=request
            )
    except ValidationError as error:
        messages.error(request, "Nothing was sent: " + "; ".join(error.messages))
    else:
        how = "email" if channels[0] == "email" else "text message"
        messages.success(
            request,
            f"Intake questions sent to the patient by {how}. Their answers fill in here when they reply.",
        )
    return redirect("screening:intake", pk=patient.pk)


# --- review and sign ---------------------------------------------------------------------


def _flatten(doc: Any, path: str = "") -> list[tuple[str, str]]:
    """Intake facts as (path, readable value) rows, in the document's order."""
    if isinstance(doc, dict):
        rows: list[tuple[str, str]] = []
        for key, value in doc.items():
            if key in ("diagnoses", "medications", "allergies") or not isinstance(value, dict):
                rows.append((fact_words(f"{path}{key}"), _readable(value)))
            else:
                rows.extend(_flatten(value, f"{path}{key}."))
        return rows
    return [(fact_words(path.rstrip(".")), _readable(doc))]


def _readable(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        if not value:
            return "none"
        parts = []
        for item in value:
            if isinstance(item, dict) and "code" in item:
                parts.append(f"{item['code']} ({item['status'].replace('_', ' ')})")
            elif isinstance(item, dict) and "name" in item:
                dose = item.get("daily_dose_mg")
                text = item["name"] + (f" {dose:g} mg/day" if dose is not None else "")
                if item.get("classes") is not None:
                    labels = [CLASS_LABELS.get(c, c) for c in item["classes"]]
                    text += f" (class boxes ticked: {', '.join(labels) or 'none'})"
                parts.append(text)
            else:
                parts.append("not answered" if item is None else str(item))
        return ", ".join(parts)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_readable(v)}" for k, v in value.items())
    return str(value)


def _detail_context(request: HttpRequest, screening: Screening, form: DecisionForm | None) -> dict[str, Any]:
    decisions = {d.modality: d for d in screening.decisions.all()}
    rows = []
    # Where a recorded diagnosis or a listed medicine contradicts an intake answer: once each, for the top.
    contradictions: dict[str, None] = {}
    for row in screening.modality_results():
        reasons = []
        for reason in row["reasons"]:
            rule = RULES_BY_ID.get(reason["rule"])
            notes = reason.get("contradictions") or []
            contradictions.update(dict.fromkeys(notes))
            reasons.append(
                {
                    **reason,
                    "label_mandated": bool(rule and rule.label_mandated),
                    "source_words": plain_source(reason["source"]),
                    "evidence": reason.get("evidence") or [],
                    "contradictions": notes,
                }
            )
        rows.append(
            {
                **row,
                "reasons": reasons,
                "missing_words": [fact_words(fact) for fact in row["missing"]],
                "choice": decisions.get(row["modality"]),
            }
        )
    if form is not None:
        form_rows = {r["modality"]: r for r in form.rows}
        for row in rows:
            row["form"] = form_rows.get(row["modality"])
    can_sign = staff(request).can("screening.sign", screening.patient.clinic_id)
    return {
        "screening": screening,
        "patient": screening.patient,
        "rows": rows,
        "form": form,
        "can_sign": can_sign and not screening.is_signed and not screening.is_voided,
        "can_void": can_sign and not screening.is_voided,
        "void_form": VoidForm(),
        "resistance": screening.resistance or {},
        "intake_rows": _flatten(screening.intake or {}),
        "overrides": [d for d in decisions.values() if d.decision == "overridden"],
        "contradictions": list(contradictions),
    }


@staff_required("clinical.view")
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _visible_screening(request, pk)
    form = DecisionForm(screening=screening) if not screening.is_signed else None
    audit.record(
        audit.VIEW,
        request=request,
        obj=screening,
        patient=screening.patient,
        detail={"page": "screening_detail"},
    )
    return render(request, "screening/detail.html", _detail_context(request, screening, form))


@staff_required("screening.sign")
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _visible_screening(request, pk)
    if screening.is_signed:
        raise PermissionDenied(
            "This screening is signed and cannot be changed; a correction is a new screening."
        )
    form = DecisionForm(request.POST, screening=screening)
    if form.is_valid():
        try:
            actions.sign_screening(
                actor=request.user, screening=screening, choices=form.choices(), request=request
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Screening signed.")
            return redirect("screening:detail", pk=screening.pk)
    screening.refresh_from_db()
    if screening.is_signed:  # signed by someone else meanwhile
        raise PermissionDenied("This screening was signed meanwhile and cannot be changed.")
    return render(request, "screening/detail.html", _detail_context(request, screening, form), status=200)


@staff_required("screening.sign")
@require_POST
def void(request: HttpRequest, pk: int) -> HttpResponse:
    screening = _visible_screening(request, pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            actions.void_screening(request.user, screening, form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            messages.error(request, "Not voided: " + "; ".join(error.messages))
        else:
            messages.success(request, "Screening voided.")
    else:
        messages.error(request, "Not voided: give the reason.")
    return redirect("screening:detail", pk=screening.pk)


# --- a patient's screenings --------------------------------------------------------------


@staff_required("clinical.view")
@emergency_readable
@require_GET
def patient_screenings(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    screenings = list(
        Screening.objects.filter(patient=patient)
        .select_related("created_by", "signed_by")
        .order_by("-created_at", "-id")[:100]
    )
    rows = []
    for s in screenings:
        rows.append(
            {
                "screening": s,
                "modalities": [
                    {
                        "label": MODALITY_LABELS.get(m, m),
                        "decision": r["decision"],
                        "decision_label": DECISION_LABELS.get(r["decision"], r["decision"]),
                        "badge": DECISION_BADGES.get(r["decision"], ""),
                    }
                    for m, r in (s.result or {}).items()
                ],
            }
        )
    audit.record(audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "screening_list"})
    return render(
        request,
        "screening/patient.html",
        {
            "patient": patient,
            "rows": rows,
            "can_enter": staff(request).can("screening.enter", patient.clinic_id),
        },
    )


# --- clinic settings ---------------------------------------------------------------------


@staff_required("screening.configure")
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    clinic = settings_clinic(request)
    stored = actions.settings_for(clinic)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                actions.update_settings(request.user, clinic, form.values(), request=request)
            except ValidationError as error:
                for key, errors in error.message_dict.items():
                    name = SettingsForm.field_for(key)
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, f"Screening settings for {clinic.name} saved.")
                return redirect(f"{request.path}?clinic={clinic.pk}")
    else:
        form = SettingsForm(initial=SettingsForm.initial_from(stored))
    clinics = list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))
    return render(
        request,
        "screening/settings.html",
        {"form": form, "clinic": clinic, "clinics": clinics, "stored": stored},
    )
