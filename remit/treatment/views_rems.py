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
import io
import textwrap
from typing import Any

from django import forms
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
