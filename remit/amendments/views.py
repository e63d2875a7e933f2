"""Staff pages for amendment requests: the clinic's work queue, asking on a patient's behalf, deciding,
and the statements after a denial.

Thin views: a form parses, one action in ``remit.amendments.actions`` validates, writes and audits.
Requests and patients are looked up within the user's clinics (another clinic's is a 404). A page
that shows a request writes one audit row; a rejected submission writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.amendments import actions, parts
from remit.amendments.forms import DecisionForm, RequestForm, StatementForm
from remit.amendments.models import AmendmentRequest
from remit.audit import actions as audit
from remit.pages.forms import apply_validation_error
from remit.patients.lookups import visible_patient

PAGE_SIZE = 50


def _chart(amendment: AmendmentRequest) -> str:
    return f"{reverse('patients:detail', args=[amendment.patient_id])}#amendment-{amendment.pk}"


def _visible_request(request: HttpRequest, pk: int) -> AmendmentRequest:
    user = staff(request)
    rows = AmendmentRequest.objects.select_related("patient", "patient__clinic", "decided_by").filter(
        pk=pk, clinic_id__in=view_clinic_ids(request)
    )
    found = rows.first()
    if found is not None and not user.can("clinical.view", found.clinic_id):
        found = None if found.part != AmendmentRequest.DEMOGRAPHICS else found
    if found is None:
        raise Http404("No such amendment request in your clinics.")
    return found


@staff_required("amendments.decide")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open requests of the user's clinics, the most urgent first; overdue ones say so."""
    rows = (
        AmendmentRequest.objects.filter(clinic_id__in=view_clinic_ids(request), status=AmendmentRequest.OPEN)
        .select_related("patient")
        .order_by("due_on", "requested_at", "id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    overdue = rows.filter(due_on__lt=today).count()
    audit.record(
        audit.VIEW,
        request=request,
        object_type="amendments.queue",
        detail={"page": page.number, "open": page.paginator.count, "overdue": overdue},
    )
    return render(
        request,
        "amendments/queue.html",
        {"page": page, "rows": list(page.object_list), "today": today, "overdue": overdue},
    )


@staff_required("amendments.request")
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to amend a part of the record on the patient's behalf (in person, by phone or by letter)."""
    patient = visible_patient(request, pk)
    if patient.is_voided:
        raise Http404("This patient's record is voided.")
    clinical = staff(request).can("clinical.view", patient.clinic_id)
    form = RequestForm(request.POST or None, choices=parts.choices(patient, clinical=clinical))
    if request.method == "POST" and form.is_valid():
        try:
            amendment = actions.request_amendment(
                patient,
                part=form.cleaned_data["part"],
                text=form.cleaned_data["text"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(_chart(amendment))
    elif request.method == "GET":
        audit.record(
            audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "request an amendment"}
        )
    return render(
        request,
        "amendments/new.html",
        {"form": form, "patient": patient, "due_on": actions.due_date(timezone.localdate())},
    )


def _statement_page(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    button: str,
    allowed: Any,
    closed: str,
    save: Any,
) -> HttpResponse:
    amendment = _visible_request(request, pk)
    form: StatementForm | None = StatementForm(request.POST or None)
    status = 200
    if not allowed(amendment):
        form = None
        status = 409
    elif request.method == "POST" and form is not None and form.is_valid():
        try:
            save(amendment, form.cleaned_data["text"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(_chart(amendment))
    if request.method == "GET":
        audit.record(
            audit.VIEW,
            request=request,
            obj=amendment,
            patient=amendment.patient,
            detail={"page": title.lower()},
        )
    context = {
        "form": form,
        "amendment": amendment,
        "patient": amendment.patient,
        "title": title,
        "button": button,
        "closed": closed,
        "today": timezone.localdate(),
    }
    return render(request, "amendments/statement.html", context, status=status)


@staff_required("amendments.decide")
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (append the amendment, keep the original) or deny with a written reason."""
    amendment = _visible_request(request, pk)
    form: DecisionForm | None = DecisionForm(request.POST or None)
    status = 200
    if not amendment.is_open:
        form, status = None, 409
    elif request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.ACCEPT:
                actions.accept(
                    amendment, actor=request.user, amendment_text=data["amendment_text"], request=request
                )
            else:
                actions.deny(amendment, actor=request.user, reason=data["reason"], request=request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(_chart(amendment))
    if request.method == "GET":
        audit.record(
            audit.VIEW, request=request, obj=amendment, patient=amendment.patient, detail={"page": "decide"}
        )
    return render(
        request,
        "amendments/decide.html",
        {"form": form, "amendment": amendment, "patient": amendment.patient, "today": timezone.localdate()},
        status=status,
    )


@staff_required("amendments.request")
@require_http_methods(["GET", "POST"])
def disagreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient's statement of disagreement with a denial, written down by staff on their behalf."""
    return _statement_page(
        request,
        pk,
        title="Statement of disagreement",
        button="Add the patient's statement",
        allowed=lambda a: a.may_disagree,
        closed="A statement of disagreement can be added once, to a denied request.",
        save=lambda a, text: actions.add_disagreement(a, text=text, actor=request.user, request=request),
    )


@staff_required("amendments.decide")
@require_http_methods(["GET", "POST"])
def rebuttal(request: HttpRequest, pk: int) -> HttpResponse:
    """The clinic's rebuttal of the patient's statement of disagreement."""
    return _statement_page(
        request,
        pk,
        title="The clinic's rebuttal",
        button="Add the rebuttal",
        allowed=lambda a: a.may_rebut,
        closed="A rebuttal can be added once, after the patient's statement of disagreement.",
        save=lambda a, text: actions.add_rebuttal(a, actor=request.user, text=text, request=request),
    )
