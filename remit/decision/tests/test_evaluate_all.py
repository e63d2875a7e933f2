"""evaluate_all(clinic): the generator's hook, so the demo inbox shows each kind of decision-support alert."""

from __future__ import annotations

from remit.alerts.models import Alert
from remit.decision.models import BoosterRequest
from remit.decision.rules import evaluate_all
from remit.decision.tests.helpers_outcomes import day, make_course, scores
from remit.patients.models import Medication
from remit.testing import make_patient
from remit.treatment.models import Course

SIX = [day(-14), day(-12), day(-10), day(-7), day(-5), day(-3)]


def test_it_raises_each_kind_once_and_only_for_the_clinic(world):
    nonresponder = make_patient(world.clinic)
    scores(world, nonresponder, [(-15, 20), (-1, 19)])
    make_course(world, nonresponder, SIX)

    relapser = make_patient(world.clinic)
    scores(world, relapser, [(-61, 20), (-47, 8), (-30, 18), (-24, 19)])
    make_course(world, relapser, [day(-60 + 2 * i) for i in range(6)], status=Course.COMPLETED)

    creeper = make_patient(world.clinic)
    make_course(world, creeper, [day(-130 + 2 * i) for i in range(6)], status=Course.COMPLETED)
    make_course(
        world,
        creeper,
        [day(-56), day(-42), day(-28), day(-3)],
        phase="maintenance",
        mg_per_kg=["0.5", "0.6", "0.7", "0.8"],
    )
    BoosterRequest.objects.create(patient=creeper, requested_on=day(0), entered_by=world.users["nurse"])

    blocked = make_patient(world.clinic)
    make_course(world, blocked, SIX[:3])
    Medication.objects.bulk_create([Medication(patient=blocked, name="naltrexone", started_on=day(-8))])

    elsewhere = make_patient(world.other_clinic)
    scores(world, elsewhere, [(-15, 20), (-1, 20)])
    make_course(world, elsewhere, SIX)

    raised = evaluate_all(world.clinic)
    kinds = set(Alert.objects.filter(clinic=world.clinic).values_list("kind", flat=True))
    assert kinds == {"nonresponse", "relapse", "dose_escalation", "misuse_signal", "opioid_antagonist"}
    assert raised == Alert.objects.filter(clinic=world.clinic).count()
    assert not Alert.objects.filter(clinic=world.other_clinic).exists()
    assert evaluate_all(world.clinic) == 0
