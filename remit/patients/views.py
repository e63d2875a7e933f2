"""The patient registry's pages: list and search, create, chart summary, edit, sub-records, void.

Thin views: a form parses input, an action in ``remit.patients.actions``
validates, writes and audits.  Patients are always looked up through
``remit.patients.lookups``, so another clinic's patient is a 404 (unless the user holds emergency
access to them: then the chart opens read-only, ``remit.patients.access``).
A page that shows stored patient data writes exactly one audit row; a
rejected submission re-shows only what the person typed and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.pages import record_notes, searches
from remit.pages.chart_sections import render_banners, render_sections
from remit.pages.forms import apply_validation_error
from remit.patients import actions
from remit.patients.access import emergency_readable
from remit.patients.forms import (
    MEDICATION_FLAG_FIELDS,
    AllergyForm,
    DiagnosisForm,
    MedicationForm,
    PatientForm,
    PatientSearchForm,
    TrialForm,
    VoidForm,
    WeightForm,
)
from remit.patients.lookups import visible_patient
from remit.patients.models import (
    Allergy,
    AntidepressantTrial,
    Diagnosis,
    Medication,
    Patient,
    Voidable,
    WeightEntry,
)

PAGE_SIZE = 25


def _user_clinics(request: HttpRequest) -> list[Clinic]:
    """The clinics where the user holds the capability this page needs."""
    return list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))


# --- list and search -------------------------------------------------------


@staff_required("patient.view")
@require_http_methods(["GET", "POST"])
def patient_list(request: HttpRequest) -> HttpResponse:
    """The registry, and the search.

    The search form posts; its terms are kept in the session and the page redirects to
    ``?search=<handle>`` (``remit.pages.searches``), so no name, MRN or date of birth is ever in
    an address, the history or a log, while paging, reload and the back button still work.
    """
    clinics = _user_clinics(request)
    handle, kept, expired = "", None, False
    if request.method == "POST":
        form = PatientSearchForm(request.POST, clinics=clinics)
        if form.is_valid():
            handle = searches.remember(request, "patients", form.filters_used())
            return redirect(f"{reverse('patients:list')}?search={handle}")
    else:
        handle, kept = searches.recall(request, "patients")
        expired = bool(handle) and kept is None
        form = PatientSearchForm(kept, clinics=clinics)
    patients: QuerySet[Patient] = Patient.objects.filter(clinic_id__in=[c.pk for c in clinics])
    terms: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        terms = form.filters_used()
        for word in (data.get("name") or "").split():
            patients = patients.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
        if data.get("mrn"):
            patients = patients.filter(mrn__istartswith=data["mrn"].strip())
        if data.get("dob"):
            patients = patients.filter(date_of_birth=data["dob"])
        if data.get("clinic") is not None:
            patients = patients.filter(clinic=data["clinic"])
        if not data.get("show_voided"):
            patients = patients.filter(voided_at__isnull=True)
    elif form.is_bound:
        patients = patients.none()  # the errors name the field to fix; no half-applied search
    else:
        patients = patients.filter(voided_at__isnull=True)
    patients = patients.order_by("family_name", "given_name", "id")
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page") if request.method == "GET" else 1)
    clinic_names = {c.pk: c.name for c in clinics}
    rows = [(patient, clinic_names.get(patient.clinic_id, "")) for patient in page.object_list]

    searched = any(name in terms for name in ("name", "mrn", "dob"))
    detail = {"page": page.number, "results": page.paginator.count}
    if searched:
        audit.record(audit.SEARCH, request=request, object_type="patients.list", detail={**terms, **detail})
    else:
        audit.record(audit.VIEW, request=request, object_type="patients.list", detail={**terms, **detail})

    return render(
        request,
        "patients/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "searched": searched,
            "expired": expired,
            "many_clinics": len(clinics) > 1,
            "query": f"search={handle}" if kept is not None else "",
        },
    )


# --- create and edit -------------------------------------------------------


@staff_required("patient.edit")
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    clinics = _user_clinics(request)
    if not clinics:
        raise PermissionDenied("You do not belong to a clinic, so you cannot register patients.")
    form = PatientForm(request.POST or None, clinics=clinics)
    if request.method == "POST" and form.is_valid():
        clinic = form.cleaned_data.get("clinic") or clinics[0]
        data = {name: form.cleaned_data[name] for name in form._meta.fields or []}
        try:
            patient = actions.create_patient(request.user, clinic, data, request=request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("patients:detail", pk=patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@staff_required("patient.edit")
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk, "voided_by")
    if patient.is_voided:
        raise PermissionDenied("This patient's record is voided and cannot be edited.")
    if request.method == "POST":
        # The form works on a copy so the stored values stay available to the action's diff.
        form = PatientForm(request.POST, instance=Patient.objects.select_related("clinic").get(pk=patient.pk))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form._meta.fields or []}
            try:
                actions.update_patient(request.user, patient, data, request=request)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("patients:detail", pk=patient.pk)
    else:
        form = PatientForm(instance=patient)
        audit.record(audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "edit"})
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@staff_required("patient.edit")
@require_http_methods(["GET", "POST"])
def patient_void(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk, "voided_by")
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_patient(request.user, patient, form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("patients:detail", pk=patient.pk)
    elif request.method == "GET":
        audit.record(audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "void"})
    return render(
        request,
        "patients/void.html",
        {"form": form, "patient": patient, "record": patient, "what": "this patient's record"},
    )


# --- the chart's summary page ---------------------------------------------


def _voided_by_first(model: type[Voidable]) -> QuerySet[Any]:
    return model.objects.select_related("voided_by")  # type: ignore[attr-defined]


@staff_required("patient.view")
@emergency_readable
@require_GET
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk, "voided_by")
    # The clinical record shows only to someone clinical in the patient's own clinic.
    clinical = staff(request).can("clinical.view", patient.clinic_id)
    if clinical:
        prefetch_related_objects(
            [patient],
            Prefetch("weights", queryset=_voided_by_first(WeightEntry)),
            Prefetch("diagnoses", queryset=_voided_by_first(Diagnosis)),
            Prefetch("trials", queryset=_voided_by_first(AntidepressantTrial)),
            Prefetch("medications", queryset=_voided_by_first(Medication)),
            Prefetch("allergies", queryset=_voided_by_first(Allergy)),
        )
    context: dict[str, Any] = {"patient": patient, "clinical": clinical}
    # Notes other apps attach to single records (an amended record says so, beside the original).
    notes = record_notes.collect(patient, request.user)
    record_notes.attach(notes, "patients.patient", [patient])
    if clinical:
        weights = list(patient.weights.all())
        trials = list(patient.trials.all())
        diagnoses = list(patient.diagnoses.all())
        medications = list(patient.medications.all())
        allergies = list(patient.allergies.all())
        record_notes.attach(notes, "patients.diagnosis", diagnoses)
        record_notes.attach(notes, "patients.medication", medications)
        record_notes.attach(notes, "patients.allergy", allergies)
        context.update(
            weights=weights,
            latest_weight=next((w for w in weights if not w.is_voided), None),
            diagnoses=diagnoses,
            trials=trials,
            failed_adequate=sum(1 for t in trials if not t.is_voided and t.failed_adequate),
            medications=medications,
            allergies=allergies,
            active_allergies=sum(1 for a in allergies if not a.is_voided),
        )
    context["banners"] = render_banners(request, patient)
    context["sections"] = render_sections(request, patient)
    audit.record(
        audit.VIEW,
        request=request,
        obj=patient,
        patient=patient,
        detail={"page": "chart", "clinical": clinical},
    )
    return render(request, "patients/detail.html", context)


# --- sub-records: add and void ---------------------------------------------


@dataclass(frozen=True)
class Kind:
    slug: str  # in URLs
    label: str  # "weight", "diagnosis", ...
    model: type[Voidable]
    form: type[forms.ModelForm]
    add: Any  # the action
    add_capability: str
    void_capability: str
    anchor: str  # section id on the chart


WEIGHT = Kind(
    "weights",
    "weight",
    WeightEntry,
    WeightForm,
    actions.add_weight,
    "clinical.weight",
    "clinical.weight",
    "weight",
)
DIAGNOSIS = Kind(
    "diagnoses",
    "diagnosis",
    Diagnosis,
    DiagnosisForm,
    actions.add_diagnosis,
    "clinical.edit",
    "clinical.edit",
    "diagnoses",
)
TRIAL = Kind(
    "trials",
    "antidepressant trial",
    AntidepressantTrial,
    TrialForm,
    actions.add_trial,
    "clinical.edit",
    "clinical.edit",
    "trials",
)
MEDICATION = Kind(
    "medications",
    "medication",
    Medication,
    MedicationForm,
    actions.add_medication,
    "clinical.edit",
    "clinical.edit",
    "medications",
)
ALLERGY = Kind(
    "allergies",
    "allergy",
    Allergy,
    AllergyForm,
    actions.add_allergy,
    "clinical.edit",
    "clinical.edit",
    "allergies",
)
KINDS = {kind.slug: kind for kind in (WEIGHT, DIAGNOSIS, TRIAL, MEDICATION, ALLERGY)}


def _chart_url(patient: Patient, kind: Kind) -> str:
    return f"{reverse('patients:detail', kwargs={'pk': patient.pk})}#{kind.anchor}"


def _add_record(request: HttpRequest, pk: int, kind: Kind) -> HttpResponse:
    patient = visible_patient(request, pk, "voided_by")
    if patient.is_voided:
        raise PermissionDenied("This patient's record is voided; nothing can be added to it.")
    if request.method == "POST":
        form = kind.form(request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                kind.add(request.user, patient, data, request=request)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect(_chart_url(patient, kind))
    else:
        initial = {}
        if kind is MEDICATION and request.GET.get("name"):
            initial = {"name": request.GET["name"], **actions.suggested_medication_flags(request.GET["name"])}
        form = kind.form(initial=initial)
        audit.record(
            audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": f"add {kind.label}"}
        )
    return render(request, "patients/record_form.html", {"form": form, "patient": patient, "kind": kind})


def _void_record(request: HttpRequest, pk: int, record_pk: int, kind: Kind) -> HttpResponse:
    patient = visible_patient(request, pk, "voided_by")
    record = get_object_or_404(kind.model.objects.select_related("voided_by"), pk=record_pk, patient=patient)  # type: ignore[attr-defined]
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_record(request.user, record, form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(_chart_url(patient, kind))
    elif request.method == "GET":
        audit.record(audit.VIEW, request=request, obj=record, patient=patient, detail={"page": "void"})
    return render(
        request,
        "patients/void.html",
        {"form": form, "patient": patient, "record": record, "kind": kind, "what": f"this {kind.label}"},
    )


@staff_required("clinical.weight")
@require_http_methods(["GET", "POST"])
def add_weight(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_record(request, pk, WEIGHT)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def add_diagnosis(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_record(request, pk, DIAGNOSIS)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def add_trial(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_record(request, pk, TRIAL)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def add_medication(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_record(request, pk, MEDICATION)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def add_allergy(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_record(request, pk, ALLERGY)


@staff_required("clinical.weight")
@require_http_methods(["GET", "POST"])
def void_weight(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    return _void_record(request, pk, record_pk, WEIGHT)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def void_diagnosis(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    return _void_record(request, pk, record_pk, DIAGNOSIS)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def void_trial(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    return _void_record(request, pk, record_pk, TRIAL)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def void_medication(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    return _void_record(request, pk, record_pk, MEDICATION)


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def void_allergy(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    return _void_record(request, pk, record_pk, ALLERGY)


@staff_required("clinical.edit")
@require_GET
def medication_flags(request: HttpRequest) -> HttpResponse:
    """The class checkboxes, pre-ticked from the name typed so far (htmx swaps them into the form).

    Reads no patient data: it only looks the name up in the screening table.
    """
    name = request.GET.get("name", "")[:120]
    suggested = actions.suggested_medication_flags(name)
    form = MedicationForm(initial={"name": name, **suggested})
    # htmx swaps the fragment into the form; the address opened on its own is a page.
    template = (
        "patients/_medication_flags.html"
        if request.headers.get("HX-Request")
        else "patients/medication_flags.html"
    )
    return render(
        request,
        template,
        {"form": form, "flag_names": MEDICATION_FLAG_FIELDS, "suggested": any(suggested.values())},
    )
