"""The chart page gathers the other apps' sections, by role."""

from remit.measures.actions_assessments import record_assessment
from remit.testing import make_patient


def test_a_nurse_sees_the_latest_scores_on_the_chart(world):
    patient = make_patient(world.clinic)
    record_assessment(
        patient=patient,
        instrument="phq9",
        answers={f"q{i}": 2 for i in range(1, 10)},
        respondent="clinician",
        actor=world.users["nurse"],
    )
    body = world.client("nurse").get(f"/patients/{patient.pk}/").content.decode()
    assert 'id="measures-heading"' in body
    assert "safety flag" in body  # item 9 = 2


def test_front_desk_sees_no_scores_or_screening_on_the_chart(world):
    patient = make_patient(world.clinic)
    record_assessment(
        patient=patient,
        instrument="phq9",
        answers={f"q{i}": 1 for i in range(1, 10)},
        respondent="clinician",
        actor=world.users["nurse"],
    )
    body = world.client("front_desk").get(f"/patients/{patient.pk}/").content.decode()
    assert 'id="measures-heading"' not in body
    assert "Screening" not in body


def test_a_prescriber_can_plan_a_course_from_the_chart_and_front_desk_cannot(world):
    patient = make_patient(world.clinic)
    prescriber = world.client("prescriber").get(f"/patients/{patient.pk}/").content.decode()
    assert f"/treatment/patients/{patient.pk}/courses/new/" in prescriber
    front_desk = world.client("front_desk").get(f"/patients/{patient.pk}/").content.decode()
    assert "courses/new/" not in front_desk
