"""How the database maps onto remit.core.outcomes: given sessions, assessment ownership, course end,
retreatment, primary instrument; the number of queries is fixed."""

from __future__ import annotations

from django.utils import timezone

from remit.core.outcomes import OutcomeSettings
from remit.decision.course_outcomes import course_outcomes, load_patient_data
from remit.decision.tests.helpers_outcomes import day, make_course, scores
from remit.testing import make_patient
from remit.treatment.models import Course, Session

SESSION_DAYS = [day(-100 + 2 * i) for i in range(6)]


def test_durability_ends_at_the_retreatment_and_the_booster_scores_belong_to_the_booster(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-101, 20), (-88, 8), (-70, 9), (-60, 18), (-50, 16)])
    make_course(world, patient, SESSION_DAYS, status=Course.COMPLETED)
    make_course(world, patient, [day(-58), day(-44)], phase="maintenance")
    views = course_outcomes(load_patient_data(patient), OutcomeSettings())
    induction, booster = views
    assert induction.course_end == SESSION_DAYS[-1]
    assert induction.outcome.durability.event == "retreatment"
    assert induction.outcome.durability.days == (day(-58) - SESSION_DAYS[-1]).days
    # -60 is both the last point of the induction and the baseline of the booster; -50 is the booster's only
    assert [p.total for p in induction.outcome.points] == [8, 9, 18]
    assert booster.outcome.baseline.total == 18 and [p.total for p in booster.outcome.points] == [16]


def test_only_given_sessions_count(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-101, 20)])
    course = make_course(world, patient, SESSION_DAYS)
    Session.objects.filter(course=course, number__gte=5).update(status=Session.BOOKED)
    Session.objects.filter(course=course, number=6).update(signed_at=timezone.now())
    Session.objects.filter(course=course, number=1).update(
        voided_at=timezone.now(), void_reason="wrong chart"
    )
    (view,) = course_outcomes(load_patient_data(patient), OutcomeSettings())
    assert [s.number for s in view.sessions] == [2, 3, 4, 6]


def test_the_primary_instrument_falls_back_to_one_with_a_baseline(world):
    from remit.decision.tests.helpers_outcomes import at_noon
    from remit.measures.models import Assessment

    patient = make_patient(world.clinic)
    Assessment.objects.bulk_create(
        [
            Assessment(
                patient=patient,
                instrument="madrs",
                instrument_version="1",
                total=t,
                max_total=60,
                valid=True,
                respondent="clinician",
                taken_at=at_noon(day(o)),
            )
            for o, t in [(-101, 34), (-90, 12)]
        ]
    )
    scores(world, patient, [(-90, 6)])
    make_course(world, patient, SESSION_DAYS)
    (view,) = course_outcomes(load_patient_data(patient), OutcomeSettings(), primary="phq9")
    assert view.primary == "madrs" and set(view.outcomes) == {"madrs", "phq9"}


def test_loading_takes_three_queries_however_long_the_history(world, django_assert_num_queries):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-101 + i, 15) for i in range(60)])
    make_course(world, patient, SESSION_DAYS, status=Course.COMPLETED)
    make_course(world, patient, [day(-30), day(-15)], phase="maintenance")
    with django_assert_num_queries(3):
        load_patient_data(patient)
