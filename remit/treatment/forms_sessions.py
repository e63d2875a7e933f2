"""Forms for session charting. They parse; the charting actions validate against the clinic and the core.

Numeric fields carry no bounds of their own: the clinical core names the field
in its message (weight 0, BP 300/20), so the page says exactly what the core
refused.
"""

from __future__ import annotations

from typing import Any

from django import forms

from remit.treatment import actions_adverse_events, actions_checkin, actions_tms
from remit.treatment.models import AdverseEvent, MotorThreshold, SessionAction

YES_NO = [("yes", "Yes"), ("no", "No")]


def _radios(
    label: str, *, required: bool = True, choices: list[tuple[str, str]] = YES_NO
) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=required)


class CheckInForm(forms.Form):
    beyond_authorization_reason = forms.CharField(
        label="Reason for treating beyond the payer's authorization",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when this session is beyond the authorization and no reason was recorded when it was booked.",
    )


class ChecklistForm(forms.Form):
    """Ketamine and esketamine pre-session checklist; pregnancy only when applicable."""

    def __init__(self, *args: Any, session: Any, pregnancy: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in actions_checkin.checklist_items(session):
            self.fields[name] = forms.BooleanField(label=label, required=False)
        if pregnancy:
            self.fields["pregnancy"] = _radios(
                "Pregnancy test",
                required=False,
                choices=[("negative", "Negative today"), ("not_applicable", "Not applicable")],
            )
            self.fields["pregnancy_na_reason"] = forms.CharField(
                label="Reason a pregnancy test is not applicable", required=False, max_length=300
            )


class TmsCheckForm(forms.Form):
    sleep_hours = forms.DecimalField(
        label="Hours of sleep last night", required=False, max_digits=4, decimal_places=1
    )
    alcohol_24h = _radios("Alcohol in the last 24 hours?", required=False)
    medication_changes = _radios("Any medication change since the last session?", required=False)
    medication_change_detail = forms.CharField(
        label="Which medication changed", required=False, max_length=300
    )
    seizure_since_last = _radios("Any seizure since the last session?", required=False)


class SeizureReviewForm(forms.Form):
    note = forms.CharField(
        label="Prescriber review of the reported seizure", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "seizure_%s")  # the page also has the session note's "note"
        super().__init__(*args, **kwargs)


class DoseForm(forms.Form):
    weight_kg = forms.DecimalField(
        label="Today's weight (kg)", required=False, max_digits=6, decimal_places=1
    )
    mg_per_kg = forms.DecimalField(label="Dose (mg/kg)", required=False, max_digits=5, decimal_places=2)
    concentration_mg_per_ml = forms.DecimalField(
        label="Concentration (mg/mL)", required=False, max_digits=7, decimal_places=2
    )
    infusion_minutes = forms.IntegerField(label="Infusion time (minutes)", required=False)
    override_reason = forms.CharField(
        label="Prescriber override reason (only above the clinic maximum)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    difference_reason = forms.CharField(
        label="Reason the dose differs from the order (only when it does)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, iv: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not iv:
            del self.fields["infusion_minutes"]


class VitalsForm(forms.Form):
    systolic = forms.IntegerField(label="Systolic BP (mmHg)", required=False)
    diastolic = forms.IntegerField(label="Diastolic BP (mmHg)", required=False)
    heart_rate = forms.IntegerField(label="Heart rate (/min)", required=False)
    spo2 = forms.IntegerField(label="SpO2 (%)", required=False)
    respiratory_rate = forms.IntegerField(label="Respiratory rate (/min)", required=False)


class VitalActionForm(forms.Form):
    vital = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Action taken", choices=[("", "— choose —"), *SessionAction.KINDS])
    detail = forms.CharField(label="Detail (e.g. drug and dose given)", required=False, max_length=500)


def _dose_label(mg: int) -> str:
    devices = mg // 28
    return f"{mg} mg ({devices} device{'s' if devices != 1 else ''})"


class EsketamineDoseForm(forms.Form):
    """Today's esketamine dose: the doses the protocol allows at this session, and for a prescriber
    another dose with a written reason. Values are parsed here; ``actions_ketamine`` and ``actions_esketamine`` decide."""

    dose_mg = forms.IntegerField(label="Dose to give", required=False, widget=forms.RadioSelect)
    override_dose_mg = forms.IntegerField(
        label="Another dose (prescriber override)", required=False, widget=forms.Select
    )
    override_reason = forms.CharField(
        label="Written reason for the override",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    difference_reason = forms.CharField(
        label="Reason the dose differs from the order (only when it does)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, allowed: tuple[int, ...], prescriber: bool, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "esk_%s")  # the ketamine dose form also has override_reason
        super().__init__(*args, **kwargs)
        self.fields["dose_mg"].widget.choices = [(mg, _dose_label(mg)) for mg in allowed]
        others = [mg for mg in (28, 56, 84) if mg not in allowed]
        if prescriber and others:
            self.fields["override_dose_mg"].widget.choices = [
                ("", "No override"),
                *[(mg, _dose_label(mg)) for mg in others],
            ]
        else:
            del self.fields["override_dose_mg"]
            del self.fields["override_reason"]


class DeviceForm(forms.Form):
    lot_number = forms.CharField(label="Lot number", required=False, max_length=60)


class RemsEnrolmentForm(forms.Form):
    enrolled_on = forms.DateField(label="Enrolled on", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label="REMS patient reference (optional)", required=False, max_length=60)


class RemsAnswersForm(forms.Form):
    sedation = _radios("Sedation observed?", required=False)
    sedation_resolved = _radios("Sedation resolved?", required=False)
    dissociation = _radios("Dissociation observed?", required=False)
    dissociation_resolved = _radios("Dissociation resolved?", required=False)
    respiratory_depression = _radios("Respiratory depression observed?", required=False)
    respiratory_depression_resolved = _radios("Respiratory depression resolved?", required=False)
    ready_to_leave_minutes = forms.IntegerField(
        label="Without the 2-hour minimum, when would the patient have been ready to leave (minutes from the first device)?",
        required=False,
    )
    vitals_ok_pre_dose = _radios("Vital signs acceptable before dosing?", required=False)
    vitals_ok_at_completion = _radios("Vital signs acceptable before completion?", required=False)
    monitoring_hcp_name = forms.CharField(
        label="Monitoring healthcare provider", required=False, max_length=200
    )
    monitoring_hcp_contact = forms.CharField(
        label="Monitoring HCP phone or email", required=False, max_length=200
    )
    setting_address = forms.CharField(label="Healthcare setting address", required=False, max_length=300)


class MotorThresholdForm(forms.Form):
    determined_on = forms.DateField(label="Determined on", widget=forms.DateInput(attrs={"type": "date"}))
    pct_mso = forms.IntegerField(label="Motor threshold (% machine output)")
    method = forms.ChoiceField(label="Method", choices=[("", "— choose —"), *MotorThreshold.METHODS])


class TmsForm(forms.Form):
    tms_pattern = forms.ChoiceField(
        label="Protocol pattern", choices=[("", "— choose —"), *actions_tms.TMS_PATTERNS]
    )
    intensity_pct_mt = forms.IntegerField(label="Intensity (% of motor threshold)")
    pulses_planned = forms.IntegerField(label="Pulses planned")
    pulses_delivered = forms.IntegerField(label="Pulses delivered", required=False)
    coil_site_method = forms.ChoiceField(
        label="Coil site method", choices=[("", "— choose —"), *actions_tms.COIL_METHODS]
    )
    coil_coordinates = forms.CharField(label="Coil coordinates", required=False, max_length=120)


class TmsEndForm(forms.Form):
    pulses_delivered = forms.IntegerField(label="Pulses delivered", min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "end_%s")  # the parameters form also has "pulses_delivered"
        super().__init__(*args, **kwargs)


class AdverseEventForm(forms.Form):
    kind = forms.ChoiceField(
        label="Event", choices=[("", "— choose —"), *actions_adverse_events.ADVERSE_EVENT_KINDS]
    )
    severity = forms.ChoiceField(
        label="Severity", choices=[("", "— choose —"), *AdverseEvent.SEVERITY], required=False
    )
    action = forms.CharField(label="Action taken for the event", required=False, max_length=300)
    resolved = forms.BooleanField(label="Resolved", required=False)
    note = forms.CharField(label="Event note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "event_%s")  # ids unique on the session page
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(label="Session note", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DischargeForm(forms.Form):
    alert_oriented = forms.BooleanField(label="Alert and oriented", required=False)
    vitals_in_range = forms.BooleanField(label="Vital signs within the clinic's range", required=False)
    escort_present = forms.BooleanField(label="Escort present to take the patient home", required=False)


class AmendmentForm(forms.Form):
    text = forms.CharField(label="Amendment text", widget=forms.Textarea(attrs={"rows": 3}))
