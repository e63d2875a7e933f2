from __future__ import annotations

from typing import Any

from django import forms

TEXT_ATTRS = {"rows": 5, "maxlength": 4000}


class RequestForm(forms.Form):
    part = forms.ChoiceField(label="Which part of the record")
    text = forms.CharField(
        label="What is wrong, and what should it say",
        widget=forms.Textarea(attrs=TEXT_ATTRS),
        max_length=4000,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [("", "Choose…"), *choices]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    ACCEPT, DENY = "accept", "deny"
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, "Accept: append the amendment to the record (the original stays, marked as amended)"),
            (DENY, "Deny: the patient is told why and may add a statement of disagreement"),
        ],
    )
    amendment_text = forms.CharField(
        label="The amendment (when accepting)",
        required=False,
        widget=forms.Textarea(attrs=TEXT_ATTRS),
        max_length=4000,
        help_text="What the record should say from now on; it is shown beside the original.",
    )
    reason = forms.CharField(
        label="Reason for the denial (when denying)",
        required=False,
        widget=forms.Textarea(attrs=TEXT_ATTRS),
        max_length=4000,
        help_text="In plain words the patient will read, e.g. that the record is accurate and complete.",
    )


class StatementForm(forms.Form):
    text = forms.CharField(label="Statement", widget=forms.Textarea(attrs=TEXT_ATTRS), max_length=4000)
