"""Acknowledging an alert: a clinician, a note, once; audited; escalation stops."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from remit.alerts import actions
from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, login, make_patient

from .conftest import make_alert


def ack_url(alert: Alert) -> str:
    return reverse("alerts:acknowledge", args=[alert.pk])


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"
    ok_status = 302

    def url(self, world, patient):
        return ack_url(make_alert(patient))

    def request(self, client, url):
        return client.post(url, {"note": "Reviewed with the patient by phone."})


def test_it_acknowledges_with_the_note_and_audits(world):
    patient = make_patient(world.clinic)
    alert = make_alert(patient, "high", next_escalation_at=None)
    client = world.client("nurse")
    before = AuditEvent.objects.count()
    response = client.post(ack_url(alert), {"note": "  Called; safety plan in place.  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:inbox")
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert alert.acknowledged_by == world.users["nurse"]
    assert alert.acknowledged_at is not None
    assert alert.acknowledgement_note == "Called; safety plan in place."
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [(r.action, r.object_type, r.detail) for r in rows] == [
        ("update", "alerts.alert", {"acknowledged": True})
    ]
    assert rows[0].actor == world.users["nurse"]
    assert rows[0].patient_id == patient.pk


@pytest.mark.parametrize("note", ["", "   "])
def test_it_requires_a_note_naming_the_field_and_changes_nothing(world, note):
    alert = make_alert(make_patient(world.clinic))
    client = world.client("prescriber")
    before = AuditEvent.objects.count()
    response = client.post(ack_url(alert), {"note": note})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert b"Acknowledgement note: Write a note" in response.content
    alert.refresh_from_db()
    assert alert.status == "open" and alert.acknowledged_by is None and alert.acknowledgement_note == ""
    assert AuditEvent.objects.count() == before


def test_the_action_refuses_a_blank_note(world):
    alert = make_alert(make_patient(world.clinic))
    with pytest.raises(ValidationError) as caught:
        actions.acknowledge_alert(alert, actor=world.users["nurse"], note=" ")
    assert "note" in caught.value.error_dict
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_it_refuses_an_already_acknowledged_alert(world):
    alert = make_alert(make_patient(world.clinic))
    actions.acknowledge_alert(alert, actor=world.users["nurse"], note="First look.")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="already acknowledged by Nurse Persona"):
        actions.acknowledge_alert(alert, actor=world.users["prescriber"], note="Second look.")
    response = world.client("prescriber").post(ack_url(alert), {"note": "Second look."})
    assert response.status_code == 200
    assert b"already acknowledged" in response.content
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.users["nurse"]
    assert alert.acknowledgement_note == "First look."
    assert AuditEvent.objects.count() == before


def test_the_action_refuses_non_clinical_staff_and_other_clinics(world):
    alert = make_alert(make_patient(world.clinic))
    for persona in ("front_desk", "clinic_admin", "other_clinic"):
        with pytest.raises(PermissionDenied):
            actions.acknowledge_alert(alert, actor=world.users[persona], note="Looked.")
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_acknowledging_stops_escalation(world):
    from django.utils import timezone

    alert = make_alert(make_patient(world.clinic), "high", next_escalation_at=timezone.now())
    actions.acknowledge_alert(alert, actor=world.users["prescriber"], note="Seen.")
    assert Alert.objects.get(pk=alert.pk).next_escalation_at is None


def test_another_clinics_alert_is_not_found(world):
    alert = make_alert(make_patient(world.other_clinic))
    response = world.client("prescriber").post(ack_url(alert), {"note": "Looked."})
    assert response.status_code == 404
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_it_needs_a_post(world):
    alert = make_alert(make_patient(world.clinic))
    assert world.client("nurse").get(ack_url(alert)).status_code == 405


def test_it_refuses_a_post_without_the_csrf_token(world, csrf_client):
    alert = make_alert(make_patient(world.clinic))
    login(csrf_client, world.users["nurse"])
    response = csrf_client.post(ack_url(alert), {"note": "Looked."})
    assert response.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == "open"
    # The page's own form carries the token, and then it works.
    page = csrf_client.get(reverse("alerts:detail", args=[alert.pk]))
    token = page.context["csrf_token"]
    response = csrf_client.post(ack_url(alert), {"note": "Looked.", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_in_the_inbox_it_acknowledges_in_place_and_answers_with_the_alert_alone(world):
    alert = make_alert(make_patient(world.clinic), "high", next_escalation_at=None)
    response = world.client("nurse").post(
        ack_url(alert), {"note": "Called; safety plan in place.", "in_place": "1"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="alert-{alert.pk}"' in html and "acknowledged by you" in html
    assert "<html" not in html
    alert.refresh_from_db()
    assert alert.status == "acknowledged"


def test_in_the_inbox_an_empty_note_keeps_the_alert_open_with_the_error_beside_the_box(world):
    alert = make_alert(make_patient(world.clinic), "high")
    response = world.client("nurse").post(ack_url(alert), {"note": "   ", "in_place": "1"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="alert-{alert.pk}"' in html
    assert "Write a note: what you did or decided about this alert." in html
    alert.refresh_from_db()
    assert alert.status == "open"


def test_without_javascript_the_inbox_form_acknowledges_and_returns_to_the_inbox(world):
    alert = make_alert(make_patient(world.clinic))
    response = world.client("nurse").post(ack_url(alert), {"note": "Reviewed.", "in_place": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("alerts:inbox")
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
