"""A clinic's treatment settings, and the vital-sign thresholds they give."""

from __future__ import annotations

from remit.core import vitals as core_vitals
from remit.treatment.models import ClinicTreatmentSettings


def treatment_settings(clinic_id: int) -> ClinicTreatmentSettings:
    found = ClinicTreatmentSettings.objects.filter(clinic_id=clinic_id).first()
    if found is None:
        found, _ = ClinicTreatmentSettings.objects.get_or_create(clinic_id=clinic_id)
    return found


def thresholds_for(settings: ClinicTreatmentSettings) -> core_vitals.VitalThresholds:
    names = (
        "systolic_high",
        "systolic_low",
        "diastolic_high",
        "diastolic_low",
        "heart_rate_high",
        "heart_rate_low",
        "spo2_low",
        "respiratory_rate_high",
        "respiratory_rate_low",
    )
    source = (
        "clinic settings, confirmed by the medical director"
        if settings.confirmed_by_medical_director
        else core_vitals.EXAMPLE_KETAMINE_THRESHOLDS.source
    )
    return core_vitals.VitalThresholds(
        source=source,
        is_example=not settings.confirmed_by_medical_director,
        **{name: getattr(settings, name) for name in names},
    )
