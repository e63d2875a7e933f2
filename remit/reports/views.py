"""The clinic outcome report page, its charts and downloads (prescribers and clinic administrators).

The page audits one ``view`` per load; downloads ask for a recent password and
are audited as ``export`` with the filters. Charts are aggregate figures served
as their own SVG addresses, so the page keeps its strict CSP (matplotlib's SVG
carries style attributes, which an ``<img>`` may load but a page may not).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse

from remit.accounts import roles as R
from remit.accounts.decorators import recent_auth_required, staff_required
from remit.accounts.models import Clinic, Membership
from remit.audit import actions as audit
from remit.reports import charts, pdf
from remit.reports.queries import REPORT_INSTRUMENTS, ReportFilter
from remit.reports.report import OutcomeReport, build_report
from remit.treatment.models import MODALITIES, Protocol

CACHE_SECONDS = 300


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="Courses started from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    clinic = forms.ChoiceField(required=False, label="Clinic")
    modality = forms.ChoiceField(required=False, choices=[("", "All modalities"), *MODALITIES])
    protocol = forms.ChoiceField(required=False)
    prescriber = forms.ChoiceField(required=False)
    instrument = forms.ChoiceField(required=False, choices=REPORT_INSTRUMENTS, label="Outcome measure")

    def __init__(self, data: Any, user: Any) -> None:
        super().__init__(data)
        ids = user.clinic_ids("reports.view")
        self.clinics = list(Clinic.objects.filter(id__in=ids).values_list("id", "name"))
        self.choice("clinic").choices = [("", "All my clinics")] + [(str(i), n) for i, n in self.clinics]
        codes = (
            Protocol.objects.filter(clinic_id__in=ids).order_by("code").values_list("code", "name").distinct()
        )
        seen: dict[str, str] = {}
        for code, name in codes:
            seen.setdefault(code, name)
        self.choice("protocol").choices = [("", "All protocols")] + [(c, n) for c, n in seen.items()]
        # Prescribers of these clinics: people who are prescribers there (not elsewhere).
        memberships = Membership.objects.filter(clinic_id__in=ids).select_related("user")
        staff = {m.user.pk: m.user for m in memberships if R.PRESCRIBER in (m.roles or [])}
        self.prescribers = [
            (str(u.pk), u.get_full_name() or u.username)
            for u in sorted(staff.values(), key=lambda u: (u.last_name, u.first_name, u.pk))
        ]
        self.choice("prescriber").choices = [("", "All prescribers"), *self.prescribers]

    def choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def report_filter(self, user: Any) -> tuple[ReportFilter, dict[str, str]]:
        """The filter, limited to the reader's clinics, and labels for people to read."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        clinic_ids = tuple(sorted(user.clinic_ids("reports.view")))
        labels: dict[str, str] = {"clinic": ", ".join(n for _, n in self.clinics) or "none"}
        if data.get("clinic"):
            clinic_ids = (int(data["clinic"]),)
            labels["clinic"] = dict((str(i), n) for i, n in self.clinics)[data["clinic"]]
        if data.get("modality"):
            labels["modality"] = dict(MODALITIES)[data["modality"]]
        if data.get("prescriber"):
            labels["prescriber"] = dict(self.prescribers)[data["prescriber"]]
        instrument = data.get("instrument") or "phq9"
        labels["instrument"] = dict(REPORT_INSTRUMENTS)[instrument]
        f = ReportFilter(
            clinic_ids=clinic_ids,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            modality=data.get("modality") or "",
            protocol=data.get("protocol") or "",
            prescriber_id=int(data["prescriber"]) if data.get("prescriber") else None,
            instrument=instrument,
        )
        return f, labels


def _cache_key(f: ReportFilter) -> str:
    digest = hashlib.sha256(json.dumps(f.as_dict(), sort_keys=True).encode()).hexdigest()
    return f"remit.reports.outcomes:{digest}"


def _report(
    request: HttpRequest, *, fresh: bool = False
) -> tuple[ReportFilterForm, ReportFilter, OutcomeReport | None]:
    """The report for the request's filters; None when the filters are invalid (the form says why)."""
    form = ReportFilterForm(request.GET or None, request.user)
    f, labels = form.report_filter(request.user)
    if form.is_bound and not form.is_valid():
        return form, f, None
    key = _cache_key(f)
    report = None if fresh else cache.get(key)
    if report is None:
        report = build_report(f, labels)
        cache.set(key, report, CACHE_SECONDS)
    return form, f, report


def _filters_detail(request: HttpRequest) -> dict[str, str]:
    return {k: str(v) for k, v in request.GET.items() if v}


def _audit(request: HttpRequest, action: str, what: str, f: ReportFilter, **extra: Any) -> None:
    with transaction.atomic():
        audit.record(
            action,
            request=request,
            object_type=f"reports.{what}",
            detail={"filters": _filters_detail(request), "clinic_ids": list(f.clinic_ids), **extra},
        )


@staff_required("reports.view")
def outcomes(request: HttpRequest) -> HttpResponse:
    form, f, report = _report(request, fresh=True)
    _audit(request, audit.VIEW, "outcomes", f)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    chart_list = [
        {"name": name, "title": title, "url": f"{reverse('reports:chart', args=[name])}?{query}"}
        for name, (title, _) in charts.CHARTS.items()
    ]
    return render(
        request,
        "reports/outcomes.html",
        {"form": form, "report": report, "charts": chart_list, "query": query},
    )


@staff_required("reports.view")
def chart(request: HttpRequest, name: str) -> HttpResponse:
    if name not in charts.CHARTS:
        raise Http404("No such chart.")
    _, _, report = _report(request)
    if report is None:
        return HttpResponseBadRequest("Invalid filters.")
    response = HttpResponse(charts.svg(report, name), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _invalid(form: ReportFilterForm) -> HttpResponse:
    return HttpResponseBadRequest(
        "Invalid filters: " + "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
    )


def _download(request: HttpRequest, body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required("reports.view")
@recent_auth_required
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    form, f, report = _report(request, fresh=True)
    if report is None:
        return _invalid(form)
    _audit(request, audit.EXPORT, "outcomes", f, format="csv")
    return _download(request, report.to_csv(), "text/csv; charset=utf-8", "outcome-report.csv")


@staff_required("reports.view")
@recent_auth_required
def outcomes_pdf(request: HttpRequest) -> HttpResponse:
    form, f, report = _report(request, fresh=True)
    if report is None:
        return _invalid(form)
    _audit(request, audit.EXPORT, "outcomes", f, format="pdf")
    return _download(request, pdf.render(report), "application/pdf", "outcome-report.pdf")


@staff_required("reports.view")
@recent_auth_required
def durability_csv(request: HttpRequest) -> HttpResponse:
    form, f, report = _report(request, fresh=True)
    if report is None:
        return _invalid(form)
    _audit(request, audit.EXPORT, "durability", f, format="csv")
    return _download(request, report.durability_csv(), "text/csv; charset=utf-8", "durability.csv")
