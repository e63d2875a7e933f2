"""Forms for planning a course, moving a session, ending a course and editing a protocol."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from django import forms
from django.utils import timezone

from remit.accounts.models import User
from remit.core import safejson
from remit.pages import form_words
from remit.treatment.actions_courses import DEFAULT_CLINIC_DAYS, CoursePlan
from remit.treatment.models import MODALITIES, Protocol

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class ProtocolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Protocol) -> str:
        return f"{obj.name} (v{obj.version})"


class PrescriberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class ModalityForm(forms.Form):
    modality = forms.ChoiceField(choices=MODALITIES, widget=forms.RadioSelect, label="Modality")


class CourseForm(forms.Form):
    modality = forms.ChoiceField(choices=MODALITIES, widget=forms.HiddenInput)
    protocol = ProtocolChoiceField(queryset=Protocol.objects.none(), label="Protocol", empty_label=None)
    start_date = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))
    clinic_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Clinic days",
        required=False,
        help_text="Sessions are planned on these weekdays only.",
    )
    session_time = forms.TimeField(
        label="Usual start time", initial=dt.time(9, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    room = forms.CharField(label="Chair / room", max_length=40, required=False)
    planned_sessions = forms.IntegerField(
        label="Planned sessions",
        required=False,
        help_text="Leave empty for the protocol's number; fewer drops the last ones, more lengthens the last stage.",
    )
    mg_per_kg = forms.DecimalField(
        label="Ketamine dose (mg/kg)",
        required=False,
        max_digits=4,
        decimal_places=2,
        help_text="Ketamine only; empty takes the protocol's default.",
    )
    prescriber = PrescriberChoiceField(queryset=User.objects.none(), label="Prescriber", required=False)
    authorised_sessions = forms.IntegerField(label="Payer: authorized sessions", required=False)
    authorisation_valid_until = forms.DateField(
        label="Payer: valid until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    authorisation_reference = forms.CharField(label="Payer: reference", max_length=100, required=False)
    beyond_authorization_reason = forms.CharField(
        label="Reason for booking beyond the authorization",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when more sessions are booked than the payer authorized, or after the authorization ends.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, clinic_id: int, modality: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        protocol_field = cast(ProtocolChoiceField, self.fields["protocol"])
        protocol_field.queryset = Protocol.objects.filter(
            clinic_id=clinic_id, modality=modality, is_active=True
        ).order_by("phase", "name")
        prescribers = [
            u.pk
            for u in User.objects.filter(clinics__id=clinic_id, is_active=True)
            if u.has_role(clinic_id, "prescriber")
        ]
        prescriber_field = cast(PrescriberChoiceField, self.fields["prescriber"])
        prescriber_field.queryset = User.objects.filter(pk__in=prescribers).order_by(
            "last_name", "first_name"
        )
        if modality not in ("ketamine_iv", "ketamine_im"):
            del self.fields["mg_per_kg"]
        self.chosen_modality = modality

    def clean_planned_sessions(self) -> int | None:
        value = self.cleaned_data.get("planned_sessions")
        if value is not None and not 1 <= value <= 200:
            raise forms.ValidationError("Must be between 1 and 200.")
        return value

    def clean_clinic_days(self) -> list[int]:
        days = self.cleaned_data.get("clinic_days") or []
        if not days:
            raise forms.ValidationError("Choose at least one clinic day.")
        return days

    def clean_start_date(self) -> dt.date:
        day = self.cleaned_data["start_date"]
        if day < timezone.localdate() - dt.timedelta(days=1):
            raise forms.ValidationError("Cannot be more than 1 day in the past.")
        return day

    def clean_authorised_sessions(self) -> int | None:
        value = self.cleaned_data.get("authorised_sessions")
        if value is not None and value < 0:
            raise forms.ValidationError("Cannot be negative.")
        return value

    def to_plan(self) -> CoursePlan:
        data = self.cleaned_data
        protocol = data["protocol"]
        mg_per_kg = data.get("mg_per_kg")
        if mg_per_kg is None and "mg_per_kg" in self.fields:
            from decimal import Decimal

            default = (protocol.definition.get("dosing") or {}).get("mg_per_kg")
            mg_per_kg = Decimal(default) if default is not None else None
        return CoursePlan(
            modality=self.chosen_modality,
            protocol=protocol,
            start_date=data["start_date"],
            clinic_days=frozenset(data["clinic_days"]),
            session_time=data["session_time"],
            room=data.get("room") or "",
            planned_sessions=data.get("planned_sessions"),
            mg_per_kg=mg_per_kg,
            authorised_sessions=data.get("authorised_sessions"),
            authorisation_valid_until=data.get("authorisation_valid_until"),
            authorisation_reference=data.get("authorisation_reference") or "",
            prescriber=data.get("prescriber"),
            notes=data.get("notes") or "",
            beyond_authorization_reason=data.get("beyond_authorization_reason") or "",
        )


def course_initial(user: Any, modality: str, clinic_id: int) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "modality": modality,
        "start_date": timezone.localdate(),
        "clinic_days": [str(d) for d in sorted(DEFAULT_CLINIC_DAYS)],
        "session_time": dt.time(9, 0),
    }
    if user.has_role(clinic_id, "prescriber"):
        initial["prescriber"] = user.pk
    return initial


class RescheduleForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    room = forms.CharField(label="Chair / room", max_length=40, required=False)

    def when(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class DiscontinueForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError("Say why the course is discontinued.")
        return reason


class AuthorisationForm(forms.Form):
    authorised_sessions = forms.IntegerField(label="Authorized sessions", required=False, min_value=0)
    valid_until = forms.DateField(
        label="Valid until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label="Reference", max_length=100, required=False)


class DoseOrderForm(forms.Form):
    """The prescriber's order for a course: mg/kg for ketamine, a dose in mg (devices) for esketamine."""

    def __init__(self, *args: Any, modality: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if modality == "esketamine":
            self.fields["ordered"] = forms.TypedChoiceField(
                label="Ordered dose",
                coerce=int,
                choices=[(28, "28 mg (1 device)"), (56, "56 mg (2 devices)"), (84, "84 mg (3 devices)")],
            )
        else:
            self.fields["ordered"] = forms.DecimalField(
                label="Ordered dose (mg/kg)",
                max_digits=4,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
            )
        # Added after the form was built, so it is made plain here (remit.pages.form_words).
        form_words.plain_field("ordered", self.fields["ordered"])


class ProtocolEditForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    definition = forms.CharField(
        label="Definition (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
        help_text=(
            "Stages, dosing, sources and the names of example values. Saving makes a new version; "
            "courses already planned keep the version they were planned with."
        ),
    )

    def clean_definition(self) -> dict[str, Any]:
        try:
            data = safejson.loads(self.cleaned_data["definition"])
        except safejson.TooDeep as error:
            raise forms.ValidationError(f"{str(error)[0].upper()}{str(error)[1:]}.") from None
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"Not valid JSON: {error.msg} (line {error.lineno}).") from None
        if not isinstance(data, dict):
            raise forms.ValidationError("Must be a JSON object.")
        return data

    def data_for_save(self) -> dict[str, Any]:
        return {**self.cleaned_data["definition"], "name": self.cleaned_data["name"]}
