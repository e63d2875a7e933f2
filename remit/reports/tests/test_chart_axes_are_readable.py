"""Every chart can be read: date axes never repeat or crowd their labels, and every chart has a legend.

Read from the drawn figure itself: the tick labels matplotlib renders and the legend's texts.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from remit.core import chart_style
from remit.plotting import date_axis, figure, finish


def _labels(fig, ax) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]


SPANS = {
    "sixty readings over three weeks": [dt.date(2026, 3, 1) + dt.timedelta(hours=8 * i) for i in range(60)],
    "five readings on one day": [dt.datetime(2026, 3, 3, 9 + i, 0) for i in range(5)],
    "a single reading": [dt.date(2026, 3, 3)],
    "two readings a day apart": [dt.date(2026, 3, 3), dt.date(2026, 3, 4)],
    "weekly readings over a year and a half": [
        dt.date(2025, 1, 6) + dt.timedelta(weeks=i) for i in range(80)
    ],
    "readings across new year": [dt.date(2025, 12, 20) + dt.timedelta(days=2 * i) for i in range(20)],
}


@pytest.mark.parametrize("name", list(SPANS))
def test_a_date_axis_has_a_few_labels_none_repeated(name):
    dates = SPANS[name]
    fig = figure(figsize=(6.4, 3.0))
    ax = fig.add_subplot()
    ax.plot(dates, list(range(len(dates))), marker="o", label="Score")
    date_axis(ax, dates)
    finish(fig)
    labels = _labels(fig, ax)
    assert len(labels) >= 2, labels
    assert len(labels) == len(set(labels)), f"repeated date labels: {labels}"
    assert len(labels) <= chart_style.MAX_DATE_TICKS + 1, f"crowded: {labels}"
    assert all(":" not in label for label in labels), f"hours on a date axis: {labels}"


def test_the_date_labels_of_a_small_chart_do_not_overlap():
    dates = SPANS["sixty readings over three weeks"]
    fig = figure(figsize=(3.2, 2.2))  # the size of a trajectory on a phone
    ax = fig.add_subplot()
    ax.plot(dates, list(range(len(dates))), label="Score")
    date_axis(ax, dates)
    finish(fig)
    fig.canvas.draw()
    boxes = sorted((t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()), key=lambda b: b.x0)
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.x1 <= right.x0, "two date labels overlap"


def _trajectory_view():
    from remit.core.outcomes import OutcomeSettings

    start = dt.date(2026, 2, 2)
    points = [SimpleNamespace(date=start + dt.timedelta(days=2 * i), total=20 - i) for i in range(1, 30)]
    outcome = SimpleNamespace(
        instrument="phq9", points=points, baseline=SimpleNamespace(date=start, total=21)
    )
    view = SimpleNamespace(
        outcome=outcome,
        instrument_name="PHQ-9",
        sessions=[SimpleNamespace(date=start + dt.timedelta(days=2 * i)) for i in range(6)],
    )
    return view, OutcomeSettings()


def test_the_trajectory_chart_has_a_legend_naming_each_line_and_readable_dates():
    from remit.reports.patient_outcomes import trajectory_figure

    view, settings = _trajectory_view()
    fig = trajectory_figure(view, settings)
    assert fig.legends, "no legend"
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[0].startswith("Baseline") and "PHQ-9 total" in texts
    assert any(t.startswith("Response") for t in texts) and any(t.startswith("Remission") for t in texts)
    assert "Sessions" in texts
    labels = _labels(fig, fig.axes[0])
    assert len(labels) == len(set(labels)) and len(labels) <= chart_style.MAX_DATE_TICKS + 1


def test_the_web_charts_read_the_same_style_as_the_pdf_charts():
    from remit.plotting import SETTINGS

    web = chart_style.web()
    assert web["colors"]["primary"] == chart_style.PRIMARY == chart_style.SERIES[0]
    assert SETTINGS["lines.linewidth"] == web["lineWidth"]
    assert SETTINGS["font.family"] in web["font"]["family"]
    assert web["legend"] == "bottom"
