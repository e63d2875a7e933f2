from __future__ import annotations

from typing import Any

from django import forms

from remit.accounts.models import Clinic


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Integration name",
        max_length=100,
        help_text="Who will use it, e.g. “Regional EHR nightly sync”.",
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=200,
        help_text="Why it receives patient data, e.g. “Treatment: the referring practice's records” or "
        "“Payment: prior authorization”. Each patient's accounting of disclosures shows it.",
    )
    clinic = forms.ModelChoiceField(
        label="Clinic",
        queryset=Clinic.objects.none(),
        empty_label=None,
        help_text="The token reads this clinic only.",
    )

    def __init__(self, *args: Any, clinics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinic"].queryset = clinics  # type: ignore[attr-defined]
