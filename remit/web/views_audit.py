"""The audit report for clinic administrators: who did what, to which patient, from where.

A page of the shell, not of the audit app: the audit app records and verifies the trail and
imports no other app, while this page reads staff and patients to filter it.
"""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from remit.accounts.decorators import recent_auth_required, staff_required
from remit.accounts.models import User
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.patients.models import Patient

PAGE_SIZE = 50
ACTION_CHOICES = [("", "Any action")] + [
    (name, name.replace("_", " "))
    for name in sorted(
        {audit.VIEW, audit.SEARCH, audit.CREATE, audit.UPDATE, audit.VOID, *audit.DISCLOSURE_ACTIONS}
        | audit.SECURITY_ACTIONS
    )
]


class AuditFilterForm(forms.Form):
    patient = forms.CharField(required=False, label="Patient MRN", max_length=40)
    user = forms.CharField(required=False, label="Staff username", max_length=150)
    action = forms.ChoiceField(required=False, choices=ACTION_CHOICES)
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


def events_for(user: Any) -> QuerySet[AuditEvent]:
    """Events of the clinics whose audit trail ``user`` may read, and security events (sign-ins, ...)
    that belong to no clinic, of those clinics' staff."""
    clinic_ids = user.clinic_ids("audit.view")
    staff_ids = User.objects.filter(clinics__in=clinic_ids).values("id")
    return AuditEvent.objects.filter(
        Q(clinic_id__in=clinic_ids) | Q(clinic_id__isnull=True, actor_id__in=staff_ids)
    )


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None)
    events = events_for(request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["patient"]:
            ids = (
                Patient.objects.visible_to(request.user, "audit.view")
                .filter(mrn=data["patient"].strip())
                .values("id")
            )
            events = events.filter(patient_id__in=ids)
        if data["user"]:
            events = events.filter(actor_label=data["user"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            events = events.filter(
                at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
            )
    elif form.is_bound:
        events = events.none()
    return form, events.order_by("-seq")


def _patient_names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {e.patient_id for e in events if e.patient_id}
    return {p.id: f"{p.family_name}, {p.given_name} ({p.mrn})" for p in Patient.objects.filter(id__in=ids)}


@staff_required("audit.view")
def report(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = _patient_names(rows)
    for row in rows:
        row.patient_label = names.get(row.patient_id or 0, "")
    with transaction.atomic():
        audit.record(
            audit.VIEW,
            request=request,
            object_type="audit.report",
            detail={"filters": {k: v for k, v in request.GET.items() if v}, "page": page.number},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/report.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required("audit.view")
@recent_auth_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    form, events = _filtered(request)
    with transaction.atomic():
        audit.record(
            audit.EXPORT,
            request=request,
            object_type="audit.report",
            detail={"format": "csv", "filters": {k: v for k, v in request.GET.items() if v}},
        )
    writer = csv.writer(_Echo())
    columns = [
        "seq",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "patient_id",
        "clinic_id",
        "ip",
        "user_agent",
        "hash",
    ]

    def rows() -> Any:
        yield writer.writerow(columns)
        for e in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    e.seq,
                    e.at.isoformat(),
                    e.actor_label,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.patient_id or "",
                    e.clinic_id or "",
                    e.ip,
                    e.user_agent,
                    e.hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="remit-audit.csv"'
    return response


@staff_required("audit.view")
def disclosures(request: HttpRequest, pk: int) -> HttpResponse:
    """Accounting of disclosures: every export or disclosure of one patient's data."""
    patient = Patient.objects.visible_to(request.user, "audit.view").filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient in your clinics.")
    events = list(
        AuditEvent.objects.filter(patient_id=patient.pk, action__in=audit.DISCLOSURE_ACTIONS).order_by(
            "-seq"
        )[:500]
    )
    with transaction.atomic():
        audit.record(audit.VIEW, request=request, object_type="audit.disclosures", patient=patient)
    return render(request, "audit/disclosures.html", {"patient": patient, "events": events})
