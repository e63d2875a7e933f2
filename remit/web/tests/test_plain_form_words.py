"""Every form names the field in its errors, has no colon after a label and offers "Choose…" for no choice."""

from __future__ import annotations

from django import forms

from remit.accounts.models import Clinic
from remit.web.tests.internal_codes import findings


class Vitals(forms.Form):
    heart_rate = forms.IntegerField(label="Heart rate (bpm)", min_value=20, max_value=250)
    taken_on = forms.DateField(label="Date taken")
    position = forms.ChoiceField(label="Position", choices=[("", "---------"), ("sitting", "Sitting")])
    note = forms.CharField(label="Note", max_length=5, required=False)


class Own(forms.Form):
    count = forms.IntegerField(label="Count", error_messages={"invalid": "Count the chairs."})


class WithClinic(forms.Form):
    clinic = forms.ModelChoiceField(queryset=Clinic.objects.none(), label="Clinic")


def test_default_messages_name_the_field_in_plain_words():
    form = Vitals({"heart_rate": "fast", "taken_on": "yesterday", "position": "lying", "note": "too long"})
    assert not form.is_valid()
    assert form.errors["heart_rate"] == ["Heart rate (bpm) must be a whole number."]
    assert form.errors["taken_on"] == ["Date taken must be a date, like 2026-03-31."]
    assert form.errors["position"] == ["Position must be one of the choices offered."]
    assert form.errors["note"] == ["Note must be at most 5 characters (it has 8)."]


def test_a_missing_value_and_a_limit_name_the_field():
    form = Vitals({"heart_rate": "400"})
    assert not form.is_valid()
    assert form.errors["heart_rate"] == ["Heart rate (bpm) must be 250 or less."]
    assert form.errors["taken_on"] == ["Date taken is required."]
    assert "This field is required." not in str(form.errors)


def test_a_forms_own_message_is_kept():
    form = Own({"count": "x"})
    assert not form.is_valid()
    assert form.errors["count"] == ["Count the chairs."]


def test_labels_have_no_colon_and_an_empty_choice_says_choose():
    form = Vitals()
    assert form["heart_rate"].label_tag().endswith("Heart rate (bpm)</label>")
    assert ">Choose…</option>" in str(form["position"])
    assert not findings(form.as_div())


def test_a_model_choice_offers_choose_not_dashes(db):
    assert '<option value="" selected>Choose…</option>' in str(WithClinic()["clinic"])


def test_the_page_check_finds_each_kind_of_internal_code():
    """The words test can fail: each code the issue names is found."""
    for text in (
        "phq9",
        "q9",
        "heart_rate",
        "beam_f3",
        "10hz",
        "Assessment_id",
        "['suicidal_ideation']",
        "measures.assessment #2749",
        "login_success",
        "[UNVERIFIED: example]",
        "No rule fired.",
        "Prior authorisation",
        "haemorrhage",
        "---------",
        "&lt;Foo object at 0x1&gt;",
        "None",
        "True",
    ):
        assert findings(f"<p>{text}</p>"), text
    assert findings('<label for="x">Name:</label>')
    assert findings('<button aria-label="Open phq9">x</button>')
    assert not findings("<p>None of the above. Authorization for 10 Hz TMS, e.g. PHQ-9.</p>")
