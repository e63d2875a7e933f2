"""The clinic's screening settings page: limits, rule levels, switches; label rules stay on; audited."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.screening.models import ClinicScreeningSettings, Screening
from remit.screening.tests.conftest import complete_doc, draft
from remit.testing import PermissionMatrix

URL = reverse("screening:settings")
VALID = {
    "bp_systolic_limit": "140",
    "bp_diastolic_limit": "90",
    "benzodiazepine_high_dose_diazepam_mg": "20",
    "validity_days": "90",
}


class TestPermissionsToOpen(PermissionMatrix):
    capability = "screening.configure"
    other_clinic_not_applicable = "a clinic-wide settings page: each clinic edits its own"

    def url(self, world, patient):
        return URL


class TestPermissionsToSave(PermissionMatrix):
    capability = "screening.configure"
    other_clinic_not_applicable = "a clinic-wide settings page: each clinic edits its own"
    ok_status = 302

    def url(self, world, patient):
        return URL

    def request(self, client, url):
        return client.post(url, VALID)


def test_it_shows_the_example_values_to_confirm(world):
    page = world.client("clinic_admin").get(URL).content.decode()
    assert "example values" in page and "medical director must confirm" in page
    assert 'value="140"' in page and 'value="90"' in page


def test_a_label_mandated_rule_cannot_be_switched_off(world):
    response = world.client("clinic_admin").post(URL, {**VALID, "off__hypersensitivity_ketamine": "on"})
    assert response.status_code == 200
    errors = response.context["form"].errors["off__hypersensitivity_ketamine"]
    assert "label-mandated contraindication and cannot be switched off" in errors[0]
    assert not ClinicScreeningSettings.objects.exists()
    assert not AuditEvent.objects.filter(object_type="screening.clinicscreeningsettings").exists()


def test_a_label_mandated_rule_cannot_be_downgraded(world):
    response = world.client("clinic_admin").post(
        URL, {**VALID, "level__hypersensitivity_ketamine": "relative"}
    )
    assert "cannot be downgraded" in response.context["form"].errors["level__hypersensitivity_ketamine"][0]
    assert not ClinicScreeningSettings.objects.exists()


def test_an_absolute_rule_must_be_made_relative_before_it_is_switched_off(world):
    response = world.client("clinic_admin").post(URL, {**VALID, "off__psychotic_disorder_f20_f29": "on"})
    assert (
        "only a relative rule can be switched off"
        in response.context["form"].errors["off__psychotic_disorder_f20_f29"][0]
    )


def test_changes_are_saved_and_audited_with_before_and_after(world):
    client = world.client("clinic_admin")
    client.post(URL, {**VALID, "bp_systolic_limit": "150", "off__tms_sleep_deprivation": "on"})
    stored = ClinicScreeningSettings.objects.get(clinic=world.clinic)
    assert stored.bp_systolic_limit == 150 and stored.disabled_rules == ["tms_sleep_deprivation"]
    client.post(URL, {**VALID, "bp_systolic_limit": "160", "level__tms_seizure_history": "absolute"})
    events = list(AuditEvent.objects.filter(object_type="screening.clinicscreeningsettings").order_by("seq"))
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].detail["before"]["bp_systolic_limit"] == 140
    assert events[0].detail["after"]["disabled_rules"] == ["tms_sleep_deprivation"]
    assert events[1].detail["before"]["bp_systolic_limit"] == 150
    assert events[1].detail["after"]["bp_systolic_limit"] == 160
    assert events[1].detail["after"]["level_overrides"] == {"tms_seizure_history": "absolute"}
    assert events[1].detail["after"]["disabled_rules"] == []


def test_bad_limits_name_the_field(world):
    response = world.client("clinic_admin").post(
        URL, {**VALID, "bp_diastolic_limit": "150", "bp_systolic_limit": "140"}
    )
    assert "bp_diastolic_limit" in response.context["form"].errors
    assert not ClinicScreeningSettings.objects.exists()


def test_new_screenings_are_evaluated_with_the_clinics_settings(world, patient):
    world.client("clinic_admin").post(URL, {**VALID, "bp_systolic_limit": "125", "bp_diastolic_limit": "85"})
    screening = draft(world, patient, complete_doc())
    assert screening.result["esketamine"]["decision"] == "caution"
    assert screening.settings_snapshot["bp_systolic_limit"] == 125
    assert Screening.objects.count() == 1


def test_another_clinics_settings_are_not_found(world):
    response = world.client("clinic_admin").get(URL, {"clinic": world.other_clinic.pk})
    assert response.status_code == 404
