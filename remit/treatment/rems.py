"""The Spravato REMS Patient Monitoring Form: built from the chart at signing, tracked until submitted.

Fields follow clinical-reference §4 and field.md §1 (the Janssen 11/2021 form
and the "Patient Monitoring Form overview"): patient, first treatment,
enrolment, concomitant medicines that may cause sedation or a BP change,
monitoring HCP and setting, treatment date, dose and lot number, minutes from
the first device to the end of monitoring, the REMS evaluation question, vital
signs acceptable before dosing and at completion, BP before dosing / at about
40 minutes / before completion, sedation, dissociation and respiratory
depression (and whether resolved), and adverse events.  The form must reach
the REMS within 7 days; Remit fills and tracks it, the clinic submits it.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from remit.accounts.decorators import recent_auth_required, staff_required
from remit.audit import actions as audit
from remit.core.screening.medications import BENZODIAZEPINES, MAOIS, PSYCHOSTIMULANTS, matching_name
from remit.patients.models import Medication
from remit.treatment import actions_sessions as A
from remit.treatment.models import AdverseEvent, RemsMonitoringForm, Session

DUE_DAYS = 7
# Non-benzodiazepine sedative hypnotics: Remit's own short list (the registry has no such flag);
# staff see the names the form found and can correct the registry.
NON_BENZO_HYPNOTICS = frozenset(
    {
        "zolpidem",
        "ambien",
        "zaleplon",
        "sonata",
        "eszopiclone",
        "lunesta",
        "zopiclone",
        "suvorexant",
        "belsomra",
        "lemborexant",
        "dayvigo",
        "daridorexant",
        "quviviq",
    }
)
OPIOIDS = frozenset(
    {
        "morphine",
        "oxycodone",
        "hydrocodone",
        "hydromorphone",
        "codeine",
        "tramadol",
        "tapentadol",
        "fentanyl",
        "methadone",
        "buprenorphine",
        "oxymorphone",
    }
)

# (key, label) in the order of the paper form.
FIELDS: tuple[tuple[str, str], ...] = (
    ("patient_name", "Patient name"),
    ("patient_dob", "Date of birth"),
    ("patient_sex", "Sex"),
    ("first_treatment", "Is this the patient's first treatment?"),
    ("enrolled_in_rems", "Is the patient enrolled in the REMS?"),
    ("benzodiazepines", "Concomitant benzodiazepines"),
    ("non_benzodiazepine_hypnotics", "Concomitant non-benzodiazepine sedative hypnotics"),
    ("psychostimulants", "Concomitant psychostimulants"),
    ("maois", "Concomitant MAOIs"),
    ("opioids", "Concomitant opioids"),
    ("monitoring_hcp_name", "Monitoring healthcare provider"),
    ("monitoring_hcp_contact", "Monitoring HCP phone / email"),
    ("setting_name", "Healthcare setting name"),
    ("setting_address", "Healthcare setting address"),
    ("treatment_date", "Treatment date"),
    ("dose", "Dose"),
    ("dose_override", "Dose outside the protocol: prescriber override"),
    ("lot_number", "Lot number"),
    ("total_minutes", "Total minutes from first device to end of monitoring"),
    (
        "ready_to_leave_minutes",
        "Without the 2-hour minimum, when would the patient have been ready to leave (minutes)?",
    ),
    ("vitals_ok_pre_dose", "Vital signs acceptable before administration?"),
    ("vitals_ok_at_completion", "Vital signs acceptable before session completion?"),
    ("bp_pre_dose", "BP before dosing"),
    ("bp_40_min", "BP about 40 minutes after dosing"),
    ("bp_pre_discharge", "BP before session completion"),
    ("sedation", "Sedation"),
    ("sedation_resolved", "Sedation resolved?"),
    ("dissociation", "Dissociation"),
    ("dissociation_resolved", "Dissociation resolved?"),
    ("respiratory_depression", "Respiratory depression"),
    ("respiratory_depression_resolved", "Respiratory depression resolved?"),
    ("adverse_events", "Adverse events"),
    ("signed_by", "Session signed by"),
)


def _yes_no(value: Any) -> str:
    return {"yes": "Yes", "no": "No"}.get(value, "")


def _active_on(medication: Medication, day: dt.date) -> bool:
    if medication.started_on and medication.started_on > day:
        return False
    return not (medication.stopped_on and medication.stopped_on < day)


def _concomitant(medications: list[Medication], day: dt.date) -> dict[str, str]:
    classes: dict[str, list[str]] = {
        "benzodiazepines": [],
        "non_benzodiazepine_hypnotics": [],
        "psychostimulants": [],
        "maois": [],
        "opioids": [],
    }
    for med in medications:
        if med.is_voided or not _active_on(med, day):
            continue
        if med.is_benzodiazepine or matching_name(med.name, BENZODIAZEPINES):
            classes["benzodiazepines"].append(med.name)
        if matching_name(med.name, NON_BENZO_HYPNOTICS):
            classes["non_benzodiazepine_hypnotics"].append(med.name)
        if med.is_psychostimulant or matching_name(med.name, PSYCHOSTIMULANTS):
            classes["psychostimulants"].append(med.name)
        if med.is_maoi or matching_name(med.name, MAOIS):
            classes["maois"].append(med.name)
        if med.is_opioid or matching_name(med.name, OPIOIDS):
            classes["opioids"].append(med.name)
    return {key: ("Yes: " + ", ".join(names)) if names else "No" for key, names in classes.items()}


def _bp(vital: Any) -> str:
    if vital is None:
        return ""
    return f"{vital.systolic}/{vital.diastolic} mmHg at {timezone.localtime(vital.taken_at):%H:%M}"


def override_text(session: Session) -> str:
    """The prescriber's dose override in words ("No" when the dose was one the protocol allows)."""
    if not session.dose_override_reason:
        return "No"
    by = session.dose_override_by
    who = (by.get_full_name() or by.get_username()) if by is not None else "a prescriber"
    when = (
        f" on {timezone.localtime(session.dose_override_at):%Y-%m-%d %H:%M}"
        if session.dose_override_at
        else ""
    )
    planned = f"{session.planned_dose_mg} mg " if session.planned_dose_mg else ""
    return f"Yes: {planned}given on the override of {who}{when}. Reason: {session.dose_override_reason}"


def build_form_data(session: Session, *, signer: Any) -> dict[str, str]:
    """Every PMF field from the chart, as text; an empty value means the chart lacks it."""
    patient = session.patient
    day = timezone.localdate(A.first_device_at(session) or session.scheduled_for)
    vitals = list(session.vitals.filter(voided_at__isnull=True))
    slots = A.bp_slots(session, vitals)
    answers = session.rems or {}
    enrolment = A.active_enrolment(patient)
    earlier = (
        Session.objects.filter(
            patient=patient, modality="esketamine", discharged_at__isnull=False, voided_at__isnull=True
        )
        .exclude(pk=session.pk)
        .filter(scheduled_for__lt=session.scheduled_for)
        .exists()
    )
    start = A.first_device_at(session)
    end = session.discharged_at
    devices = len(session.devices or [])
    given = devices * 28
    dose = {2: "56 mg", 3: "84 mg"}.get(devices, f"Other: {given} mg" if devices else "")
    if devices and session.planned_dose_mg and session.planned_dose_mg != given:
        dose += (
            f" ({session.planned_dose_mg} mg planned; dosing stopped after {devices} "
            f"device{'s' if devices != 1 else ''})"
        )
    events = [
        f"{dict(A.ADVERSE_EVENT_KINDS).get(e.kind, e.kind)} ({e.severity}{', resolved' if e.resolved else ', not resolved'})"
        for e in AdverseEvent.objects.filter(session=session, voided_at__isnull=True)
    ]
    resolved_text = {"yes": "Yes", "no": "No"}
    data: dict[str, str] = {
        "patient_name": patient.full_name,
        "patient_dob": patient.date_of_birth.isoformat(),
        "patient_sex": patient.get_sex_at_birth_display(),
        "first_treatment": "No" if earlier else "Yes",
        "enrolled_in_rems": (
            f"Yes (enrolled {enrolment.enrolled_on:%Y-%m-%d}"
            + (f", reference {enrolment.reference}" if enrolment.reference else "")
            + ")"
            if enrolment
            else ""
        ),
        **_concomitant(list(patient.medications.all()), day),
        "monitoring_hcp_name": answers.get("monitoring_hcp_name") or "",
        "monitoring_hcp_contact": answers.get("monitoring_hcp_contact") or "",
        "setting_name": session.clinic.name,
        "setting_address": answers.get("setting_address") or "",
        "treatment_date": day.isoformat(),
        "dose": dose,
        "dose_override": override_text(session),
        "lot_number": session.lot_number,
        "total_minutes": str(int((end - start).total_seconds() // 60)) if start and end else "",
        "ready_to_leave_minutes": (
            str(answers["ready_to_leave_minutes"])
            if answers.get("ready_to_leave_minutes") not in (None, "")
            else ""
        ),
        "vitals_ok_pre_dose": _yes_no(answers.get("vitals_ok_pre_dose")),
        "vitals_ok_at_completion": _yes_no(answers.get("vitals_ok_at_completion")),
        "bp_pre_dose": _bp(slots["pre_dose"]),
        "bp_40_min": _bp(slots["forty"]),
        "bp_pre_discharge": _bp(slots["pre_discharge"]),
    }
    for name in A.REMS_YES_NO:
        observed = answers.get(name)
        data[name] = _yes_no(observed)
        data[f"{name}_resolved"] = (
            resolved_text.get(answers.get(f"{name}_resolved"), "")
            if observed == "yes"
            else ("Not applicable (not observed)" if observed == "no" else "")
        )
    data["adverse_events"] = "; ".join(events) if events else "None"
    data["signed_by"] = signer.get_full_name() or signer.get_username()
    return {key: data.get(key, "") for key, _label in FIELDS}


# --- PDF -----------------------------------------------------------------------------------------


def pdf_pages(form: RemsMonitoringForm) -> list[Any]:
    """The form as A4 matplotlib figures: a plain, legible two-column table of label and answer."""
    from remit.plotting import Line2D, figure

    lines: list[tuple[str, str, bool]] = []
    for key, label in FIELDS:
        value = str(form.data.get(key, ""))
        label_lines = textwrap.wrap(label, 44) or [""]
        value_lines = textwrap.wrap(value, 46) or [""]
        for i in range(max(len(label_lines), len(value_lines))):
            lines.append(
                (
                    label_lines[i] if i < len(label_lines) else "",
                    value_lines[i] if i < len(value_lines) else "",
                    i == 0,
                )
            )
    per_page = 50
    figures = []
    for page_start in range(0, len(lines), per_page):
        page = figure(figsize=(8.27, 11.69))
        page.text(0.06, 0.955, "Spravato REMS Patient Monitoring Form", fontsize=15, weight="bold")
        page.text(
            0.06,
            0.93,
            f"Remit session id {form.session_id} · signed {form.created_at:%Y-%m-%d} · submit by "
            f"{form.due_by:%Y-%m-%d} · filled by Remit from the chart",
            fontsize=9,
            color="#444444",
        )
        y = 0.895
        for label, value, first in lines[page_start : page_start + per_page]:
            if first:
                page.add_artist(Line2D([0.06, 0.94], [y + 0.013, y + 0.013], lw=0.4, color="#bbbbbb"))
            page.text(0.06, y, label, fontsize=9.5, color="#222222")
            page.text(0.52, y, value, fontsize=9.5, weight="bold" if first else "normal")
            y -= 0.017
        figures.append(page)
    return figures


def pdf_bytes(form: RemsMonitoringForm) -> bytes:
    """The form as a PDF (matplotlib's PDF backend: no network, no extra fonts)."""
    from remit.plotting import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": f"Spravato REMS Patient Monitoring Form {form.pk}"}) as pdf:
        for page in pdf_pages(form):
            pdf.savefig(page)
    return buffer.getvalue()


# --- actions -------------------------------------------------------------------------------------


def mark_submitted(
    form: RemsMonitoringForm, reference: str, *, actor: Any, request: HttpRequest | None = None
) -> RemsMonitoringForm:
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": ["Enter the REMS confirmation number or fax reference."]})
    if not actor.can("sessions.chart"):
        raise ValidationError("Your role does not allow this.")
    with transaction.atomic():
        locked = RemsMonitoringForm.objects.select_for_update().get(pk=form.pk)
        if locked.submitted_at is not None:
            raise ValidationError("This form is already marked submitted.")
        locked.submitted_at = A.now()
        locked.submitted_by = actor
        locked.submission_reference = reference[:100]
        locked.save(update_fields=["submitted_at", "submitted_by", "submission_reference"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=form.session.patient,
            detail={"step": "rems_submitted", "reference": locked.submission_reference},
        )
    return locked


# --- pages ---------------------------------------------------------------------------------------


class SubmittedForm(forms.Form):
    reference = forms.CharField(
        label="REMS confirmation or fax reference", max_length=100, required=True, strip=True
    )


def _visible_forms(request: HttpRequest) -> Any:
    return RemsMonitoringForm.objects.filter(
        session__clinic_id__in=request.user.clinic_ids()  # type: ignore[union-attr]
    ).select_related("session", "session__patient", "session__clinic", "submitted_by")


def _days_left(form: RemsMonitoringForm, today: dt.date) -> int:
    return (form.due_by - today).days


@staff_required("sessions.chart")
@require_GET
def rems_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(A.now())
    due = list(_visible_forms(request).filter(submitted_at__isnull=True).order_by("due_by", "id")[:200])
    done = list(_visible_forms(request).filter(submitted_at__isnull=False).order_by("-submitted_at")[:20])
    rows = [
        {"form": form, "days_left": _days_left(form, today), "overdue": form.due_by < today} for form in due
    ]
    audit.record(
        audit.VIEW,
        request=request,
        object_type="treatment.rems_list",
        detail={"due": len(due), "submitted_shown": len(done)},
    )
    return render(
        request,
        "treatment/rems_list.html",
        {"rows": rows, "done": done, "today": today, "form": SubmittedForm()},
    )


@staff_required("sessions.chart")
@require_GET
def rems_form_page(request: HttpRequest, pk: int) -> HttpResponse:
    form = get_object_or_404(_visible_forms(request), pk=pk)
    audit.record(
        audit.VIEW, request=request, obj=form, patient=form.session.patient, detail={"page": "rems_form"}
    )
    today = timezone.localdate(A.now())
    return render(
        request,
        "treatment/rems_form.html",
        {
            "rems_form": form,
            "rows": [(label, form.data.get(key, "")) for key, label in FIELDS],
            "days_left": _days_left(form, today),
            "overdue": form.due_by < today and form.submitted_at is None,
            "submit_form": SubmittedForm(),
        },
    )


@staff_required("sessions.chart")
@recent_auth_required
@require_GET
def rems_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    form = get_object_or_404(_visible_forms(request), pk=pk)
    content = pdf_bytes(form)
    audit.record(
        audit.EXPORT,
        request=request,
        obj=form,
        patient=form.session.patient,
        detail={"format": "pdf", "what": "REMS patient monitoring form"},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rems-monitoring-form-{form.pk}.pdf"'
    return response


@staff_required("sessions.chart")
@require_POST
def rems_submit(request: HttpRequest, pk: int) -> HttpResponse:
    form = get_object_or_404(_visible_forms(request), pk=pk)
    bound = SubmittedForm(request.POST)
    if bound.is_valid():
        try:
            mark_submitted(form, bound.cleaned_data["reference"], actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, "REMS form marked submitted.")
            return redirect("treatment:rems")
    else:
        messages.error(request, "REMS confirmation or fax reference: enter it to mark the form submitted.")
    return redirect("treatment:rems_form", pk=form.pk)
