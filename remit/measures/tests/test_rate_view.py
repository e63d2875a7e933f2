"""Clinician-rated entry: item labels and ranges, linked to a session, bad answers named and nothing stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.measures.models import Assessment
from remit.testing import PermissionMatrix, make_patient

MADRS = {f"q{i}": "2" for i in range(1, 11)}


def rate_url(patient, code="madrs"):
    return reverse("measures:rate", kwargs={"pk": patient.pk, "code": code})


class TestPermissions(PermissionMatrix):
    capability = "measures.rate"

    def url(self, world, patient):
        return rate_url(patient)


class TestPostPermissions(PermissionMatrix):
    capability = "measures.rate"
    ok_status = 302

    def url(self, world, patient):
        return rate_url(patient)

    def request(self, client, url):
        return client.post(url, MADRS)


@pytest.mark.parametrize("code", ["madrs", "cadss", "cadss6", "cssrs_screen", "moaas", "hamd17"])
def test_it_shows_item_labels_and_ranges(world, code):
    from remit.core.instruments import get_instrument

    patient = make_patient(world.clinic)
    html = world.client("nurse").get(rate_url(patient, code)).content.decode()
    instrument = get_instrument(code)
    for item in instrument.items:
        assert item.label in html.replace("&#x27;", "'")
        assert f"Range {item.min_value}–{item.max_value}" in html


def test_it_stores_a_madrs_rating_entered_by_the_clinician(world):
    patient = make_patient(world.clinic)
    response = world.client("tms_technician").post(rate_url(patient), MADRS)
    assert response.status_code == 302 and response["Location"] == reverse(
        "measures:patient", kwargs={"pk": patient.pk}
    )
    a = Assessment.objects.get()
    assert (a.instrument, a.total, a.band, a.respondent) == ("madrs", 20, "moderate", "clinician")
    assert a.entered_by == world.users["tms_technician"]
    row = AuditEvent.objects.filter(action="create", object_type="measures.assessment").get()
    assert row.actor_id == world.users["tms_technician"].pk and row.patient_id == patient.pk


def test_it_links_the_rating_to_a_session_from_the_query(world):
    patient = make_patient(world.clinic)
    client = world.client("nurse")
    html = client.get(rate_url(patient, "moaas") + "?session=S-42").content.decode()
    assert 'value="S-42"' in html
    client.post(rate_url(patient, "moaas") + "?session=S-42", {"score": "4", "session_id": "S-42"})
    assert Assessment.objects.get().session_id == "S-42"


@pytest.mark.parametrize("bad", ["7", "-1", "two", "2.5"])
def test_an_out_of_range_or_malformed_answer_names_the_item_and_stores_nothing(world, bad):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    response = world.client("nurse").post(rate_url(patient), MADRS | {"q3": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert "Item 3. " in html and ("out of range 0–6" in html or "expected a whole number" in html)
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_an_unrated_item_is_named_and_nothing_is_stored(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").post(rate_url(patient), MADRS | {"q5": ""})
    assert "Not rated" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_cssrs_answers_to_skipped_items_are_refused(world):
    patient = make_patient(world.clinic)
    data = {"q1": "1", "q2": "0", "q3": "1", "q6": "0"}
    html = world.client("prescriber").post(rate_url(patient, "cssrs_screen"), data).content.decode()
    assert "skipped when q2 is No" in html
    assert Assessment.objects.count() == 0


def test_a_high_cssrs_rating_raises_alerts(world):
    patient = make_patient(world.clinic)
    data = {"q1": "1", "q2": "1", "q3": "1", "q4": "1", "q5": "0", "q6": "0"}
    world.client("prescriber").post(rate_url(patient, "cssrs_screen"), data)
    assert dict(Alert.objects.values_list("kind", "severity")) == {
        "suicidal_ideation": "high",
        "cssrs_risk": "high",
    }


def test_an_unknown_instrument_is_not_found(world):
    patient = make_patient(world.clinic)
    assert world.client("nurse").get(rate_url(patient, "nope")).status_code == 404


def test_the_form_is_csrf_protected(world, csrf_client):
    from remit.testing import login

    patient = make_patient(world.clinic)
    login(csrf_client, world.users["nurse"])
    assert csrf_client.post(rate_url(patient), MADRS).status_code == 403
    assert Assessment.objects.count() == 0
