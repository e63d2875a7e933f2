"""The clinic administrator's outcome settings page: documented defaults, labelled examples, audited changes."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.decision.models import ClinicOutcomeSettings
from remit.decision.views import OutcomeSettingsForm
from remit.testing import PermissionMatrix, login

URL = reverse("decision:outcome_settings")


class TestPermissions(PermissionMatrix):
    capability = "outcomes.configure"
    other_clinic_not_applicable = "a clinic-wide settings page: each clinic edits its own"

    def url(self, world, patient):
        return URL


def posted(**changes):
    form = OutcomeSettingsForm(instance=ClinicOutcomeSettings())
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_it_shows_the_defaults_labelled_as_examples(world):
    html = world.client("clinic_admin").get(URL).content.decode()
    assert "Not yet confirmed by the medical director" in html
    assert "Example value, to be confirmed by the medical director." in html
    assert 'name="response_pct" value="50"' in html


def test_a_change_is_saved_and_audited_with_before_and_after(world):
    response = world.client("clinic_admin").post(URL, posted(remission_madrs=12, relapse_min_days_apart=7))
    assert response.status_code == 302
    stored = ClinicOutcomeSettings.objects.get(clinic=world.clinic)
    assert stored.remission_madrs == 12 and stored.relapse_min_days_apart == 7
    assert stored.to_outcome_settings().instruments["madrs"].remission_at_or_below == 12
    event = AuditEvent.objects.filter(action="update", object_type="decision.clinicoutcomesettings").get()
    assert event.detail["changed"]["remission_madrs"] == {"from": 10, "to": 12}
    assert event.clinic_id == world.clinic.pk


def test_bad_input_names_the_field_and_saves_nothing(world):
    response = world.client("clinic_admin").post(URL, posted(partial_response_pct=60))
    assert response.status_code == 200
    assert "Partial response must be below the response %" in response.content.decode()
    response = world.client("clinic_admin").post(URL, posted(response_pct=150))
    assert "Response pct" in response.content.decode() or "response_pct" in response.content.decode()
    assert not ClinicOutcomeSettings.objects.exists()


def test_it_needs_the_csrf_token(world, csrf_client):
    login(csrf_client, world.users["clinic_admin"])
    assert csrf_client.post(URL, posted()).status_code == 403
    assert not ClinicOutcomeSettings.objects.exists()


def test_another_clinics_settings_are_not_found(world):
    response = world.client("clinic_admin").get(f"{URL}?clinic={world.other_clinic.pk}")
    assert response.status_code == 404
