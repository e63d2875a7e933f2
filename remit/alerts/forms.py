from __future__ import annotations

from typing import Any

from django import forms

from remit.accounts.models import Clinic, User
from remit.alerts.models import KINDS, SEVERITIES


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Acknowledgement note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What you did or decided (required). It is kept with the alert.",
        error_messages={"required": "Write a note: what you did or decided about this alert."},
    )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Write a note: what you did or decided about this alert.")
        return note


class EscalationContactForm(forms.Form):
    clinic = forms.ModelChoiceField(queryset=Clinic.objects.none(), empty_label=None)
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")
    order = forms.IntegerField(min_value=1, max_value=99, initial=1, help_text="1 is notified first.")
    notify_by_email = forms.BooleanField(required=False, initial=True, label="Notify by email")
    notify_by_sms = forms.BooleanField(required=False, label="Notify by text message")

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [c.pk for c in clinics]
        self.fields["clinic"].queryset = Clinic.objects.filter(pk__in=ids).order_by("name")  # type: ignore[attr-defined]
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(clinics__in=ids, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()  # type: ignore[attr-defined]
        if len(clinics) == 1:
            self.fields["clinic"].initial = clinics[0].pk
            self.fields["clinic"].widget = forms.HiddenInput()


ANY = ""


class InboxFilterForm(forms.Form):
    """The inbox's filters. Posted and kept in the session (``remit.pages.searches``): never in the address."""

    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        error_messages={"invalid_choice": "Choose a kind of alert from the list."},
    )
    severity = forms.ChoiceField(
        label="Severity", required=False, error_messages={"invalid_choice": "Choose high, medium or low."}
    )
    clinic = forms.ModelChoiceField(
        queryset=Clinic.objects.none(), label="Clinic", required=False, empty_label="Any clinic"
    )
    patient = forms.CharField(
        label="Patient",
        required=False,
        max_length=100,
        help_text="Name or record number",
        widget=forms.TextInput(attrs={"size": 20, "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(ANY, "Any kind"), *sorted(KINDS.items(), key=lambda kv: kv[1])]  # type: ignore[attr-defined]
        self.fields["severity"].choices = [(ANY, "Any severity"), *SEVERITIES]  # type: ignore[attr-defined]
        ids = [c.pk for c in clinics]
        self.fields["clinic"].queryset = Clinic.objects.filter(pk__in=ids).order_by("name")  # type: ignore[attr-defined]
        if len(clinics) < 2:
            del self.fields["clinic"]

    def terms(self) -> dict[str, Any]:
        """What was asked for, JSON-serialisable (the clinic by its id), without the empty filters."""
        data = self.cleaned_data
        kept: dict[str, Any] = {
            "kind": data.get("kind") or "",
            "severity": data.get("severity") or "",
            "patient": (data.get("patient") or "").strip(),
        }
        if data.get("clinic") is not None:
            kept["clinic"] = data["clinic"].pk
        return {name: value for name, value in kept.items() if value}
