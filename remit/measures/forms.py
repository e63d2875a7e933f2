"""Forms for the portal's date-of-birth check and the staff pages.

Item answers are not Django choice fields: they are read as text and checked
by the scoring engine (``remit.core.instruments``), so the range in every
message is the instrument's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from remit.core.date_of_birth import DateOfBirthError, parse_date_of_birth
from remit.core.instruments import INSTRUMENTS, AnswerError, Instrument, score
from remit.core.instruments.pages import item_message
from remit.measures.models import PortalLink
from remit.pages.words import code_words

PATIENT_REPORTED = tuple(
    code for code, instrument in INSTRUMENTS.items() if instrument.respondent == "patient"
)


class DateOfBirthForm(forms.Form):
    """One box a phone fills in one go (numeric keypad, the browser's saved birthday), read as
    MM/DD/YYYY or a common variant (``remit.core.date_of_birth``)."""

    date_of_birth = forms.CharField(
        label="Date of birth",
        max_length=20,
        error_messages={"required": "Please enter your date of birth."},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "bday",
                "placeholder": "MM/DD/YYYY",
                "aria-describedby": "dob-hint",
                "size": "12",
            }
        ),
    )

    def clean_date_of_birth(self) -> dt.date:
        try:
            return parse_date_of_birth(self.cleaned_data["date_of_birth"])
        except DateOfBirthError as error:
            raise forms.ValidationError(str(error)) from None


class SendQuestionnaireForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Questionnaires",
        choices=[(code, INSTRUMENTS[code].name) for code in PATIENT_REPORTED],
        widget=forms.CheckboxSelectMultiple,
        initial=["phq9"],
    )
    channel = forms.ChoiceField(
        label="Send by",
        choices=[(code, label) for code, label in PortalLink.CHANNELS if code != PortalLink.KIOSK],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason (for the chart; not sent)", max_length=300, required=False)

    def __init__(self, *args: Any, channels: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channels:
            self.fields["channel"].initial = channels[0]


class KioskVisitForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Questionnaires",
        choices=[(code, INSTRUMENTS[code].name) for code in PATIENT_REPORTED],
        widget=forms.CheckboxSelectMultiple,
        initial=["phq9"],
        error_messages={"required": "Questionnaires: please choose at least one."},
    )


class VoidAssessmentForm(forms.Form):
    reason = forms.CharField(
        label="Reason for voiding", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def answer_choices(instrument: Instrument, item_id: str) -> list[tuple[int, str]]:
    item = instrument.item(item_id)
    return [(option.value, option.label) for option in item.options]


class RateForm(forms.Form):
    """One field per item of a clinician-rated instrument; values checked by the engine, not here."""

    session_id = forms.CharField(label="Session", max_length=60, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            choices = [("", "— not rated —")] + [
                (str(option.value), f"{option.value} · {option.label}") for option in item.options
            ]
            self.fields[item.id] = forms.CharField(
                label=f"{code_words(item.id)}. {item.label}",
                required=False,
                widget=forms.Select(choices=choices),
                help_text=(item.text or "") + f" Range {item.min_value}–{item.max_value}.",
            )
        if instrument.code == "auditc":
            self.fields["sex"] = forms.ChoiceField(
                label="Sex for the cut-off",
                required=False,
                choices=[("", "Unknown"), ("female", "Female"), ("male", "Male")],
            )

    def checked_answers(self, not_answered: str) -> tuple[dict[str, object], str | None]:
        """The typed answers and sex, with the scoring engine's objections added to the form's fields."""
        answers = self.raw_answers()
        sex = self.cleaned_data.get("sex") or None
        try:
            result = score(self.instrument.code, answers, sex=sex)
        except AnswerError as error:
            self.add_error(
                error.item if error.item in self.fields else None, item_message(self.instrument.code, error)
            )
        else:
            for item_id in result.missing:
                self.add_error(item_id, not_answered)
        return answers, sex

    def raw_answers(self) -> dict[str, object]:
        """Answers as typed: whole numbers where they parse, the text otherwise (the engine names it)."""
        answers: dict[str, object] = {}
        for item in self.instrument.items:
            raw = (self.data.get(item.id) or "").strip()
            if raw == "":
                continue
            try:
                answers[item.id] = int(raw)
            except ValueError:
                answers[item.id] = raw
        return answers
