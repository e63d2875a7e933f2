"""HTML input for the patient registry.

Forms parse and check what a person typed; ``remit.patients.actions`` then
validates again against the models, writes and audits.  Every error is
attached to the field it is about, so the page can name it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.patients.actions import EDITABLE_PATIENT_FIELDS
from remit.patients.models import (
    Allergy,
    AntidepressantTrial,
    Diagnosis,
    Medication,
    Patient,
    WeightEntry,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _not_in_future(value: Any, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"{label} cannot be in the future.")


# The same fields, in the same order, that ``actions.create_patient``/``update_patient`` accept.
PATIENT_FIELDS = list(EDITABLE_PATIENT_FIELDS)


class PatientForm(forms.ModelForm):
    """Create or edit a patient's demographics, contact and consent.

    ``clinics`` is offered as a choice only on create, and only when the
    user works at more than one clinic.
    """

    class Meta:
        model = Patient
        fields = PATIENT_FIELDS
        labels = {
            "mrn": "MRN",
            "given_name": "Given name",
            "family_name": "Family name",
            "date_of_birth": "Date of birth",
            "sex_at_birth": "Sex at birth",
            "gender_identity": "Gender identity (optional)",
            "preferred_contact": "Preferred contact method",
            "emergency_contact_name": "Emergency contact name",
            "emergency_contact_phone": "Emergency contact phone",
            "postal_code": "Postal code",
        }
        widgets = {
            "date_of_birth": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, clinics: list[Clinic] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clinics is not None and len(clinics) > 1:
            self.fields["clinic"] = forms.ModelChoiceField(
                queryset=Clinic.objects.filter(pk__in=[c.pk for c in clinics]),
                label="Clinic",
                empty_label=None,
            )
            self.order_fields(["clinic", *PATIENT_FIELDS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("consent_sms") and "phone" in data and not data.get("phone"):
            self.add_error("phone", "Phone is needed for consent to text messages.")
        if data.get("consent_email") and "email" in data and not data.get("email"):
            self.add_error("email", "Email is needed for consent to email.")
        return data


class PatientSearchForm(forms.Form):
    name = forms.CharField(required=False, max_length=100, label="Name")
    mrn = forms.CharField(required=False, max_length=40, label="MRN")
    dob = forms.DateField(required=False, label="Date of birth", widget=DateInput())
    show_voided = forms.BooleanField(required=False, label="Show voided")

    def __init__(self, *args: Any, clinics: list[Clinic] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clinics = {c.pk: c for c in clinics or []}
        if len(self._clinics) > 1:
            # The user's clinics are already loaded: a plain choice, no query for the options.
            self.fields["clinic"] = forms.TypedChoiceField(
                required=False,
                label="Clinic",
                choices=[("", "All my clinics"), *[(c.pk, c.name) for c in clinics or []]],
                coerce=int,
                empty_value=None,
            )

    def clean_clinic(self) -> Clinic | None:
        value = self.cleaned_data.get("clinic")
        return None if value is None else self._clinics[value]

    def filters_used(self) -> dict[str, Any]:
        """The search terms a person entered, for the audit row (values, not just names)."""
        if not self.is_valid():
            return {}
        used: dict[str, Any] = {}
        for name in ("name", "mrn", "dob"):
            value = self.cleaned_data.get(name)
            if value:
                used[name] = value.isoformat() if name == "dob" else value
        clinic = self.cleaned_data.get("clinic")
        if clinic is not None:
            used["clinic"] = clinic.pk
        if self.cleaned_data.get("show_voided"):
            used["show_voided"] = True
        return used


class WeightForm(forms.ModelForm):
    class Meta:
        model = WeightEntry
        fields = ["measured_on", "weight_kg"]
        labels = {"measured_on": "Measured on", "weight_kg": "Weight (kg)"}
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].initial = timezone.localdate
        self.fields["weight_kg"].widget.attrs.update({"inputmode": "decimal", "step": "0.1"})
        self.fields["weight_kg"].widget.attrs.pop("min", None)
        self.fields["weight_kg"].widget.attrs.pop("max", None)

    def clean_measured_on(self) -> Any:
        value = self.cleaned_data["measured_on"]
        _not_in_future(value, "Measured on")
        return value

    def clean_weight_kg(self) -> Decimal:
        value = self.cleaned_data["weight_kg"]
        if value is not None and value <= 0:
            raise forms.ValidationError("Enter a weight more than 0 kg.")
        if value is not None and value > 400:
            raise forms.ValidationError("Enter a weight of 400 kg or less.")
        return value


class DiagnosisForm(forms.ModelForm):
    class Meta:
        model = Diagnosis
        fields = ["code", "description", "status", "onset_date", "resolved_date"]
        labels = {"code": "ICD-10-CM code", "onset_date": "Onset date", "resolved_date": "Resolved date"}
        help_texts = {"code": "For example F33.2 (major depressive disorder, recurrent, severe)."}
        widgets = {"onset_date": DateInput(), "resolved_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        onset, resolved = data.get("onset_date"), data.get("resolved_date")
        if onset is not None:
            try:
                _not_in_future(onset, "Onset date")
            except forms.ValidationError as error:
                self.add_error("onset_date", error)
        if resolved is not None:
            try:
                _not_in_future(resolved, "Resolved date")
            except forms.ValidationError as error:
                self.add_error("resolved_date", error)
            if onset is not None and resolved < onset:
                self.add_error("resolved_date", "Resolved date cannot be before the onset date.")
        return data


class TrialForm(forms.ModelForm):
    adequate = forms.TypedChoiceField(
        label="Adequate trial",
        help_text="An adequate dose for an adequate time (usually six weeks or more).",
        choices=[("", "Choose…"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
    )

    class Meta:
        model = AntidepressantTrial
        fields = ["drug", "max_daily_dose_mg", "weeks", "adequate", "outcome", "started_on"]
        labels = {
            "max_daily_dose_mg": "Maximum daily dose (mg)",
            "weeks": "Weeks",
            "started_on": "Started on",
        }
        widgets = {"started_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["max_daily_dose_mg"].widget.attrs.update({"inputmode": "decimal"})

    def clean_started_on(self) -> Any:
        value = self.cleaned_data.get("started_on")
        _not_in_future(value, "Started on")
        return value


MEDICATION_FLAG_FIELDS = [
    "is_benzodiazepine",
    "is_maoi",
    "is_psychostimulant",
    "is_opioid",
    "is_opioid_antagonist",
]


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "daily_dose_mg", "started_on", "stopped_on", *MEDICATION_FLAG_FIELDS]
        labels = {
            "name": "Medication (generic name)",
            "daily_dose_mg": "Daily dose (mg)",
            "started_on": "Started on",
            "stopped_on": "Stopped on",
        }
        widgets = {"started_on": DateInput(), "stopped_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With htmx, leaving the name field re-draws the class boxes ticked from the screening table.
        self.fields["name"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("patients:medication_flags"),
                "hx-trigger": "change",
                "hx-target": "#medication-flags",
                "hx-swap": "outerHTML",
                "autocomplete": "off",
            }
        )

    def flag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MEDICATION_FLAG_FIELDS]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in MEDICATION_FLAG_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        started, stopped = data.get("started_on"), data.get("stopped_on")
        if started is not None and stopped is not None and stopped < started:
            self.add_error("stopped_on", "Stopped on cannot be before the start date.")
        return data


class AllergyForm(forms.ModelForm):
    class Meta:
        model = Allergy
        fields = ["substance", "reaction"]
        labels = {"substance": "Substance", "reaction": "Reaction (optional)"}


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="Reason for voiding",
        max_length=500,
        help_text="Kept with the record, which stays in the chart struck through.",
    )
