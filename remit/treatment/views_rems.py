"""The Spravato REMS Patient Monitoring Form's pages: the list, one form, its PDF, marking it submitted.

The form's content is built at signing (``remit.treatment.rems_form``); marking
it submitted is an action (``remit.treatment.actions_esketamine.mark_submitted``).
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
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from remit.accounts.decorators import recent_auth_required, staff_required, view_clinic_ids
from remit.audit import actions as audit
from remit.treatment import clock
from remit.treatment.actions_esketamine import mark_submitted
from remit.treatment.models import RemsMonitoringForm
from remit.treatment.rems_form import FIELDS

# --- PDF -----------------------------------------------------------------------------------------


def pdf_bytes(form: RemsMonitoringForm) -> bytes:
    """The form as a PDF: a table of question and answer, on US Letter portrait unless the clinic
    prints on A4, with the clinic, the form's name and the patient on every page and "Page i of N"."""
    from remit.plotting import Document, Flow

    session = form.session
    patient = session.patient
    document = Document(
        title="Spravato REMS Patient Monitoring Form",
        clinic=session.clinic.name,
        patient=f"{patient.given_name} {patient.family_name} · MRN {patient.mrn}",
        paper=settings.REMIT_PAPER_SIZE,
    )
    flow = Flow(document)
    flow.line(
        f"Session of {timezone.localdate(session.scheduled_for):%Y-%m-%d} · signed {form.created_at:%Y-%m-%d} · "
        f"submit by {form.due_by:%Y-%m-%d} · filled by Remit from the chart",
        size=9,
        color="#444444",
    )
    flow.gap()
    rows = [(label, str(form.data.get(key, ""))) for key, label in FIELDS]
    flow.table(("Question", "Answer"), rows, (0.5, 0.5), size=9)
    return document.render({"Title": f"Spravato REMS Patient Monitoring Form {form.pk}"})


# --- pages ---------------------------------------------------------------------------------------


class SubmittedForm(forms.Form):
    reference = forms.CharField(
        label="REMS confirmation or fax reference", max_length=100, required=True, strip=True
    )


def _visible_forms(request: HttpRequest) -> Any:
    return RemsMonitoringForm.objects.filter(session__clinic_id__in=view_clinic_ids(request)).select_related(
        "session", "session__patient", "session__clinic", "submitted_by"
    )


def _days_left(form: RemsMonitoringForm, today: dt.date) -> int:
    return (form.due_by - today).days


@staff_required("sessions.chart")
@require_GET
def rems_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(clock.now())
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
    today = timezone.localdate(clock.now())
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
