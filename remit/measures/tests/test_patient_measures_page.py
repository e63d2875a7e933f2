"""The measures page of a patient's chart: trajectory, assessments, who may see it, what it records."""

from __future__ import annotations

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.measures import actions_assessments
from remit.measures.models import Assessment
from remit.testing import PermissionMatrix, make_patient

PHQ9 = {f"q{i}": 2 for i in range(1, 10)} | {"q9": 0, "q10": 1}


def page(patient):
    return reverse("measures:patient", kwargs={"pk": patient.pk})


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"

    def url(self, world, patient):
        return page(patient)


def add_assessments(patient, user, n):
    start = timezone.now() - timedelta(days=n)
    for i in range(n):
        actions_assessments.record_assessment(
            patient=patient,
            instrument="phq9",
            answers=PHQ9 | {"q1": i % 4},
            respondent="patient",
            actor=user,
            taken_at=start + timedelta(days=i),
        )
        actions_assessments.record_assessment(
            patient=patient,
            instrument="madrs",
            answers={f"q{j}": 3 for j in range(1, 11)},
            respondent="clinician",
            actor=user,
            taken_at=start + timedelta(days=i),
        )


def test_opening_it_writes_exactly_one_audit_view_row(world):
    patient = make_patient(world.clinic)
    add_assessments(patient, world.users["nurse"], 2)
    before = AuditEvent.objects.count()
    assert world.client("nurse").get(page(patient)).status_code == 200
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert len(rows) == 1
    assert rows[0].action == "view" and rows[0].patient_id == patient.pk
    assert rows[0].actor_id == world.users["nurse"].pk


def test_it_shows_the_table_with_item_labels_bands_and_flags(world):
    patient = make_patient(world.clinic)
    user = world.users["prescriber"]
    actions_assessments.record_assessment(
        patient=patient, instrument="phq9", answers=PHQ9 | {"q9": 1}, respondent="patient", actor=user
    )
    html = world.client("prescriber").get(page(patient)).content.decode()
    assert "Patient Health Questionnaire-9" in html
    assert "Item 9. Thoughts of death or self-harm" in html and "Several days" in html
    assert "Suicidal ideation" in html and "suicidal_ideation" not in html
    assert "moderately severe" in html


def test_it_passes_the_trajectory_as_json_with_bands_and_baseline(world):
    patient = make_patient(world.clinic)
    add_assessments(patient, world.users["nurse"], 3)
    response = world.client("nurse").get(page(patient))
    html = response.content.decode()
    start = html.index('id="measures-series"')
    blob = html[html.index(">", start) + 1 : html.index("</script>", start)]
    series = {s["code"]: s for s in json.loads(blob)}
    assert set(series) == {"phq9", "madrs"}
    phq9 = series["phq9"]
    assert [p["y"] for p in phq9["points"]] == [14, 15, 16]
    assert phq9["baseline"] == 14
    assert phq9["bands"][0] == {"name": "minimal", "low": 0, "high": 4}
    assert phq9["sessions"] == []
    assert 'src="/static/remit/measures/trajectory.js"' in html
    assert "<script>" not in html  # no inline scripts (CSP)


def test_voided_and_invalid_assessments_are_not_charted(world):
    patient = make_patient(world.clinic)
    user = world.users["nurse"]
    kept = actions_assessments.record_assessment(
        patient=patient,
        instrument="gad7",
        answers={f"q{i}": 1 for i in range(1, 8)},
        respondent="patient",
        actor=user,
    )
    voided = actions_assessments.record_assessment(
        patient=patient,
        instrument="gad7",
        answers={f"q{i}": 3 for i in range(1, 8)},
        respondent="patient",
        actor=user,
    )
    actions_assessments.void_assessment(user, voided, "entered twice")
    actions_assessments.record_assessment(
        patient=patient, instrument="gad7", answers={"q1": 1}, respondent="patient", actor=user
    )
    html = world.client("nurse").get(page(patient)).content.decode()
    start = html.index('id="measures-series"')
    series = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert [p["y"] for p in series[0]["points"]] == [kept.total]
    assert "entered twice" in html and "incomplete" in html


def test_its_query_count_does_not_grow_with_the_assessments(world, django_assert_max_num_queries):
    few, many = make_patient(world.clinic), make_patient(world.clinic)
    user = world.users["nurse"]
    add_assessments(few, user, 1)
    add_assessments(many, user, 20)
    client = world.client("nurse")
    client.get(page(few))  # warm the session
    with django_assert_max_num_queries(18) as few_queries:
        client.get(page(few))
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        client.get(page(many))


def test_it_paginates_the_table(world):
    patient = make_patient(world.clinic)
    add_assessments(patient, world.users["nurse"], 15)
    html = world.client("nurse").get(page(patient)).content.decode()
    assert "Page 1 of 2" in html
    assert Assessment.objects.filter(patient=patient).count() == 30
