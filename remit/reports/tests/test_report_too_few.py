"""Below the minimum n (REMIT_REPORT_MIN_N, default 10) a rate says "too few to report" and has no number."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from remit.reports.tests import factories as F


def _json():
    out = io.StringIO()
    call_command("report", "outcomes", stdout=out)
    return json.loads(out.getvalue())


def test_nine_courses_are_too_few_with_the_default_minimum(world, settings):
    assert settings.REMIT_REPORT_MIN_N == 10
    for _ in range(9):
        F.induction_course(world.clinic, world.users["prescriber"], followups=[(30, 9)], cadss=(4, 9))
    doc = _json()
    response = doc["end_of_induction"]["response"]
    assert response == {
        "k": None,
        "n": 9,
        "value": None,
        "low": None,
        "high": None,
        "reportable": False,
        "display": "too few to report (n=9)",
    }
    assert doc["durability"]["median_days"] is None
    assert doc["durability"]["display"] == "too few to report (n=9)"
    assert all(row["survival"] is None for row in doc["durability"]["free_at"])
    assert doc["dissociation_vs_benefit"]["rho"] is None
    body = world.client("prescriber").get("/reports/").content.decode()
    assert "too few to report (n=9)" in body
    assert '<dd data-figure="response">too few to report (n=9)</dd>' in body
    assert '<dd data-figure="remission">too few to report (n=9)</dd>' in body


def test_ten_courses_are_reported_with_a_confidence_interval(world):
    for _ in range(10):
        F.induction_course(world.clinic, world.users["prescriber"])
    response = _json()["end_of_induction"]["response"]
    assert response["reportable"] is True
    assert response["n"] == 10 and response["k"] == 10
    assert response["value"] == 1.0
    assert response["low"] < 1.0 and response["high"] == 1.0
    assert response["display"].startswith("100% (95% CI")


def test_the_minimum_is_a_setting(world, settings):
    settings.REMIT_REPORT_MIN_N = 3
    for _ in range(3):
        F.induction_course(world.clinic, world.users["prescriber"])
    assert _json()["end_of_induction"]["response"]["reportable"] is True
