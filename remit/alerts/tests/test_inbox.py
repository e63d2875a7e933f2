"""The alert inbox: open alerts of the user's clinics, most severe first then oldest, paginated, audited."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, login, make_patient, make_user

from .conftest import make_alert

INBOX = reverse("alerts:inbox")


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        make_alert(patient)
        return INBOX


def listed(response) -> list[Alert]:
    return [alert for alert, _ in response.context["rows"]]


def test_it_orders_high_before_medium_before_low_then_oldest_first(world):
    patient = make_patient(world.clinic)
    low_old = make_alert(patient, "low", minutes_ago=300)
    medium_new = make_alert(patient, "medium", minutes_ago=1)
    high_new = make_alert(patient, "high", minutes_ago=2)
    medium_old = make_alert(patient, "medium", minutes_ago=60)
    high_old = make_alert(patient, "high", minutes_ago=90)
    response = world.client("nurse").get(INBOX)
    assert listed(response) == [high_old, high_new, medium_old, medium_new, low_old]


def test_it_shows_only_the_users_clinics(world):
    ours = make_alert(make_patient(world.clinic))
    theirs = make_alert(make_patient(world.other_clinic))
    assert listed(world.client("prescriber").get(INBOX)) == [ours]
    assert listed(world.client("other_clinic").get(INBOX)) == [theirs]


def test_it_hides_acknowledged_alerts_except_in_the_history(world):
    patient = make_patient(world.clinic)
    still_open = make_alert(patient)
    done = make_alert(
        patient,
        status="acknowledged",
        acknowledged_by=world.users["prescriber"],
        acknowledged_at=timezone.now(),
        acknowledgement_note="Called the patient; safety plan reviewed.",
    )
    client = world.client("nurse")
    assert listed(client.get(INBOX)) == [still_open]
    history = client.get(INBOX, {"show": "acknowledged"})
    assert listed(history) == [done]
    assert b"Acknowledged alerts" in history.content


def test_it_shows_patient_link_kind_reason_and_age(world):
    patient = make_patient(world.clinic, family_name="Quinlan", given_name="Ada")
    make_alert(patient, "high", minutes_ago=12, reason="PHQ-9 item 9 answered 2.")
    response = world.client("nurse").get(INBOX)
    html = response.content.decode()
    assert reverse("patients:detail", args=[patient.pk]) in html
    assert "Quinlan, Ada" in html
    assert "Suicidal ideation reported" in html
    assert "PHQ-9 item 9 answered 2." in html
    assert "12\xa0minutes ago" in html


def test_it_writes_one_view_audit_row(world):
    make_alert(make_patient(world.clinic))
    client = world.client("nurse")
    before = AuditEvent.objects.count()
    client.get(INBOX)
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [(r.action, r.object_type, r.actor_label) for r in rows] == [("view", "alerts.inbox", "nurse")]
    assert rows[0].detail["results"] == 1


def test_it_paginates_25_patients_per_page(world):
    for n in range(30):
        make_alert(make_patient(world.clinic), minutes_ago=100 - n)
    client = world.client("nurse")
    first = client.get(INBOX)
    assert len(listed(first)) == 25
    second = client.get(INBOX, {"page": 2})
    assert len(listed(second)) == 5


def test_one_patients_repeated_alerts_are_one_group_on_one_page(world):
    patient = make_patient(world.clinic)
    for n in range(30):
        make_alert(patient, minutes_ago=100 - n)
    response = world.client("nurse").get(INBOX)
    assert len(response.context["groups"]) == 1
    assert len(listed(response)) == 30
    assert "29 more alerts for this patient" in response.content.decode()


def test_its_query_count_does_not_grow_with_the_alerts(world, django_assert_max_num_queries):
    client = world.client("nurse")
    client.get(INBOX)  # warm the session

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(INBOX).status_code == 200
        return len(context.captured_queries)

    for _ in range(3):
        make_alert(make_patient(world.clinic), "high")
    few = count_queries()
    for n in range(27):
        make_alert(make_patient(world.clinic), ["high", "medium", "low"][n % 3])
    many = count_queries()
    assert few == many
    with django_assert_max_num_queries(few):
        client.get(INBOX)


def test_a_filter_is_posted_and_kept_out_of_the_address(world):
    wanted = make_patient(world.clinic, family_name="Quinlan", given_name="Ada")
    make_alert(wanted, "high")
    make_alert(make_patient(world.clinic, family_name="Other"), "high")
    client = world.client("nurse")
    response = client.post(INBOX, {"patient": "Quinlan"})
    assert response.status_code == 302
    assert "Quinlan" not in response["Location"] and "search=" in response["Location"]
    page = client.get(response["Location"])
    assert [a.patient for a in listed(page)] == [wanted]
    assert page.context["form"]["patient"].value() == "Quinlan"


def test_it_filters_by_kind_and_severity(world):
    patient = make_patient(world.clinic)
    wanted = make_alert(patient, "high", kind="seizure")
    make_alert(patient, "medium", kind="seizure")
    make_alert(patient, "high", kind="suicidal_ideation")
    client = world.client("nurse")
    found = client.get(client.post(INBOX, {"kind": "seizure", "severity": "high"})["Location"])
    assert listed(found) == [wanted]


def test_it_filters_by_clinic_for_someone_in_two_clinics(world):
    both = make_user("nurse_in_both", ["nurse"], [world.clinic, world.other_clinic])
    ours = make_alert(make_patient(world.clinic))
    theirs = make_alert(make_patient(world.other_clinic))
    client = login(Client(), both)
    assert set(listed(client.get(INBOX))) == {ours, theirs}
    found = client.get(client.post(INBOX, {"clinic": world.other_clinic.pk})["Location"])
    assert listed(found) == [theirs]


def test_a_filter_naming_an_unknown_kind_shows_the_error_and_no_alerts(world):
    make_alert(make_patient(world.clinic))
    response = world.client("nurse").post(INBOX, {"kind": "not_a_kind"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kind: Choose a kind of alert from the list." in html
    assert "not_a_kind" not in html
    assert listed(response) == []


def test_it_shows_the_patients_phone_as_a_call_link(world):
    make_alert(make_patient(world.clinic, phone="(555) 010-2233"))
    html = world.client("nurse").get(INBOX).content.decode()
    assert 'href="tel:5550102233"' in html
    assert "Call (555) 010-2233" in html


def test_a_suicidal_ideation_alert_offers_the_cssrs_screen_as_the_next_step(world):
    """C-SSRS screen after a positive PHQ-9 item 9 (clinical-reference 1.7, the C-SSRS Screener)."""
    patient = make_patient(world.clinic)
    make_alert(patient, kind="suicidal_ideation")
    html = world.client("nurse").get(INBOX).content.decode()
    assert reverse("measures:rate", args=[patient.pk, "cssrs_screen"]) in html
    assert "Next step: C-SSRS screen" in html


def test_other_kinds_offer_no_cssrs_screen(world):
    make_alert(make_patient(world.clinic), kind="seizure")
    assert "Next step: C-SSRS screen" not in world.client("nurse").get(INBOX).content.decode()
