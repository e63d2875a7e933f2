"""The chart's screening section: latest signed screening per modality, with links."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from remit.screening.actions import Choice
from remit.screening.chart import section_context
from remit.screening.tests.conftest import complete_doc, draft, signed


def test_it_shows_the_latest_signed_decisions_with_links(world, patient):
    screening = signed(
        world,
        patient,
        complete_doc(diagnoses=[{"code": "F20.9", "status": "active"}]),
        ketamine_iv=Choice("declined"),
    )
    draft(world, patient)
    context = section_context(patient, world.users["nurse"])
    rows = {r["modality"]: r for r in context["screening_rows"]}
    assert (
        rows["ketamine_iv"]["decision"] == "contraindicated"
        and rows["ketamine_iv"]["choice"] == "Decline this treatment"
    )
    assert rows["tms"]["allows_start"] is True
    assert context["screening_draft"] is not None
    html = render_to_string("screening/_chart_section.html", context)
    assert reverse("screening:detail", kwargs={"pk": screening.pk}) in html
    assert "Contraindicated" in html and "awaits a prescriber" in html


def test_front_desk_gets_nothing(world, patient):
    signed(world, patient)
    context = section_context(patient, world.users["front_desk"])
    assert context == {"screening_visible": False}
    assert render_to_string("screening/_chart_section.html", context).strip() == ""
