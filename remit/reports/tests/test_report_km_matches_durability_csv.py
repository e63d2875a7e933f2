"""The report's Kaplan–Meier figures equal a by-hand product-limit estimate from the durability CSV.

The recomputation below uses only the CSV rows (days, event) and the textbook
estimator S(t) = prod over event times t_i <= t of (1 - d_i / n_i), with the
exponential Greenwood ("log-log") 95 % band (Kalbfleisch & Prentice) — not the
report's code or scipy.
"""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from django.core.management import call_command

from remit.reports.tests import factories as F

Z = 1.959963984540054


def product_limit(rows):
    """(times, S, low, high) at each distinct event time."""
    times = sorted({r[0] for r in rows if r[1]})
    s, greenwood = 1.0, 0.0
    out = []
    for t in times:
        at_risk = sum(1 for d, _ in rows if d >= t)
        deaths = sum(1 for d, e in rows if e and d == t)
        s *= 1 - deaths / at_risk
        if at_risk > deaths:
            greenwood += deaths / (at_risk * (at_risk - deaths))
        if 0 < s < 1:
            se = math.sqrt(greenwood) / abs(math.log(s))
            low, high = s ** math.exp(Z * se), s ** math.exp(-Z * se)
        else:
            low = high = s
        out.append((t, s, low, high))
    return out


def survival_at(curve, day):
    value = (1.0, 1.0, 1.0)
    for t, s, low, high in curve:
        if t <= day:
            value = (s, low, high)
    return value


@pytest.fixture
def network(world, settings):
    settings.REMIT_REPORT_MIN_N = 10
    user = world.users["prescriber"]
    # Fourteen completed courses: retreatments, relapses (two scores >= 5 days apart without benefit),
    # censored follow-ups, and ties on the same day.
    for after in (10, 10, 21, 35, 35, 60, 90, 200):
        F.induction_course(
            world.clinic, user, baseline=20, during=(12,), end=6, retreat_after=after, cadss=(after % 17,)
        )
    F.induction_course(
        world.clinic, user, baseline=20, during=(9,), end=4, followups=[(20, 15), (26, 16)], cadss=(8,)
    )
    F.induction_course(world.clinic, user, baseline=22, during=(10,), end=5, followups=[(35, 18), (41, 20)])
    for last in (14, 30, 30, 100):
        F.induction_course(
            world.clinic, user, baseline=18, during=(9,), end=3, followups=[(last, 4)], cadss=(last % 13,)
        )
    # Not completed courses: no durability row.
    F.induction_course(world.clinic, user, baseline=20, status="discontinued", discontinue_reason="cost")
    return world


def test_the_kaplan_meier_figures_equal_an_independent_recomputation_from_the_csv(network):
    out = io.StringIO()
    call_command("report", "durability", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 14
    data = [(int(r["days"]), r["event"] != "censored") for r in rows]
    assert {r["event"] for r in rows} == {"retreatment", "relapse", "censored"}

    out = io.StringIO()
    call_command("report", "outcomes", "--format", "json", stdout=out)
    km = json.loads(out.getvalue())["durability"]
    assert km["n"] == 14 and km["reportable"]
    assert km["events"] == sum(e for _, e in data)

    curve = product_limit(data)
    expected_median = next(t for t, s, _, _ in curve if s <= 0.5 + 1e-12)
    assert km["median_days"] == pytest.approx(expected_median)
    expected_median_low = next((t for t, _, low, _ in curve if low <= 0.5 + 1e-12), None)
    expected_median_high = next((t for t, _, _, high in curve if high <= 0.5 + 1e-12), None)
    assert km["median_ci"] == [
        pytest.approx(expected_median_low),
        expected_median_high and pytest.approx(expected_median_high),
    ]

    longest = max(d for d, _ in data)
    for row in km["free_at"]:
        if row["days"] > longest:
            assert row["survival"] is None
            continue
        s, low, high = survival_at(curve, row["days"])
        assert row["survival"] == pytest.approx(s, abs=1e-9), row
        assert row["low"] == pytest.approx(low, abs=1e-6), row
        assert row["high"] == pytest.approx(high, abs=1e-6), row
    # And the whole step curve, point by point at each event time.
    for t, s, _, _ in curve:
        i = km["curve"]["days"].index(float(t))
        assert km["curve"]["survival"][i] == pytest.approx(s)
