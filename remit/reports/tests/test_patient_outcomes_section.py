"""The chart page's outcomes section: one line per course and a link; nothing for front desk."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.decision.tests.helpers_outcomes import day, make_course, scores
from remit.reports.views_patient import section_context
from remit.testing import make_patient
from remit.treatment.models import Course


def test_it_summarises_each_course_without_an_audit_row(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-61, 20), (-52, 9)])
    make_course(world, patient, [day(-60 + 2 * i) for i in range(6)], status=Course.COMPLETED)
    before = AuditEvent.objects.count()
    context = section_context(patient, world.users["nurse"])
    assert AuditEvent.objects.count() == before
    html = render_to_string("reports/_patient_outcomes_section.html", context)
    assert reverse("reports:patient", args=[patient.pk]) in html
    assert "Responding" in html and "Latest PHQ-9 9" in html


def test_front_desk_gets_nothing(world):
    patient = make_patient(world.clinic)
    context = section_context(patient, world.users["front_desk"])
    assert context == {"outcomes_visible": False}
    assert render_to_string("reports/_patient_outcomes_section.html", context).strip() == ""


def test_it_draws_the_latest_courses_trajectory_inline(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-61, 20), (-52, 9)])
    make_course(world, patient, [day(-60 + 2 * i) for i in range(6)], status=Course.COMPLETED)
    html = render_to_string(
        "reports/_patient_outcomes_section.html", section_context(patient, world.users["nurse"])
    )
    assert 'data-testid="chart-trajectory"' in html
    assert 'src="data:image/svg+xml' in html
    assert "PHQ-9 totals during the latest" in html


def test_a_patient_without_a_course_gets_no_trajectory(world):
    patient = make_patient(world.clinic)
    html = render_to_string(
        "reports/_patient_outcomes_section.html", section_context(patient, world.users["nurse"])
    )
    assert "chart-trajectory" not in html
