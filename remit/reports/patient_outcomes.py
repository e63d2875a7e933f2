"""How one patient's outcomes per course read on a page: status words, plain sentences, table rows and charts.

The outcomes themselves are computed by ``remit.decision.course_outcomes`` (decision support reads
the same figures); this module only presents them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from remit.core.outcomes import CourseOutcome, OutcomeSettings
from remit.decision.course_outcomes import CourseView

# --- words a clinician reads at a glance --------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def status_words(view: CourseView) -> tuple[str, str]:
    """(badge class, short status) of the course's latest point on the primary instrument."""
    outcome = view.outcome
    if outcome is None:
        return "", "No depression scores"
    if outcome.relapses:
        latest = outcome.relapses[-1]
        regained = any(p.date > latest.confirmed and (p.response or p.remission) for p in outcome.points)
        if not regained:
            return "danger", "Relapsed"
    if not outcome.points:
        return "", "No scores since the first session"
    last = outcome.points[-1]
    if last.remission:
        return "ok", "In remission"
    if last.response:
        return "ok", "Responding"
    if outcome.baseline is None:
        return "warn", "No baseline"
    if last.partial_response:
        return "warn", "Partial response"
    if last.worsened:
        return "danger", "Worse"
    return "danger", "Not responding"


def decision_lines(view: CourseView) -> list[str]:
    """Plain sentences: baseline, latest, response, remission, relapse, durability."""
    outcome = view.outcome
    name = view.instrument_name
    if outcome is None:
        return [f"No depression scores during this course ({view.sessions_given} sessions given)."]
    lines = []
    if outcome.baseline is not None:
        lines.append(f"Baseline {name} {outcome.baseline.total} on {outcome.baseline.date:%Y-%m-%d}.")
    else:
        lines.append(
            f"No {name} baseline within the window before the first session: response cannot be judged."
        )
    if outcome.points:
        last = outcome.points[-1]
        change = "" if last.pct_change is None else f" ({_pct(last.pct_change)} better than baseline)"
        if last.pct_change is not None and last.pct_change < 0:
            change = f" ({_pct(-last.pct_change)} worse than baseline)"
        lines.append(
            f"Latest {name} {last.total} on {last.date:%Y-%m-%d}{change}, after {last.sessions_before} session"
            f"{'s' if last.sessions_before != 1 else ''}."
        )
    if outcome.time_to_response_days is not None:
        lines.append(f"First response on day {outcome.time_to_response_days} after the first session.")
    elif outcome.baseline is not None and outcome.points:
        lines.append("No response (≥ 50% improvement) so far.")
    if outcome.time_to_remission_days is not None:
        lines.append(f"First remission on day {outcome.time_to_remission_days}.")
    if outcome.onset_day is not None:
        lines.append(f"Rapid onset: responding on day {outcome.onset_day} after the first dose.")
    for relapse in outcome.relapses:
        lines.append(f"Relapse from {relapse.onset:%Y-%m-%d}, confirmed {relapse.confirmed:%Y-%m-%d}.")
    if outcome.durability is not None:
        d = outcome.durability
        words = {
            "retreatment": f"retreated {d.days} days after the course ended",
            "relapse": f"relapsed {d.days} days after the course ended",
            "censored": f"no relapse or retreatment in {d.days} days of follow-up since the course ended",
        }
        lines.append(f"Durability: {words[d.event]}.")
    return lines


def point_rows(outcome: CourseOutcome) -> list[dict[str, Any]]:
    rows = []
    for p in outcome.points:
        verdict = (
            "Remission"
            if p.remission
            else "Response"
            if p.response
            else "Partial"
            if p.partial_response
            else "Worse"
            if p.worsened
            else "—"
            if p.response is None
            else "No response"
        )
        rows.append(
            {
                "date": p.date,
                "total": p.total,
                "change": p.change,
                "pct": _pct(p.pct_change),
                "sessions_before": p.sessions_before,
                "verdict": verdict,
            }
        )
    return rows


# --- charts (matplotlib through remit.plotting, no Django) ---------------------------------------------------------------


def trajectory_figure(view: CourseView, settings: OutcomeSettings) -> Any:
    """The primary instrument's totals over the course, with baseline, response and remission lines."""
    from remit.plotting import date_axis, figure, finish, style

    outcome = view.outcome
    fig = figure(figsize=(6.4, 3.2))
    ax = fig.add_subplot()
    if outcome is None:
        ax.text(0.5, 0.5, "No depression scores", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    rule = settings.instruments[outcome.instrument]
    dates = [p.date for p in outcome.points]
    totals = [p.total for p in outcome.points]
    if outcome.baseline is not None:
        dates = [outcome.baseline.date, *dates]
        totals = [outcome.baseline.total, *totals]
        ax.axhline(
            outcome.baseline.total,
            color=style.MUTED,
            linewidth=style.REFERENCE_WIDTH,
            dashes=style.DASHES["baseline"],
            label=f"Baseline ({outcome.baseline.total})",
        )
        ax.axhline(
            outcome.baseline.total * (1 - settings.response_fraction),
            color=style.PRIMARY,
            linewidth=style.REFERENCE_WIDTH,
            dashes=style.DASHES["response"],
            label=f"Response (−{settings.response_fraction:.0%})",
        )
    ax.axhline(
        rule.remission_at_or_below + 0.5,
        color=style.SECONDARY,
        linewidth=style.REFERENCE_WIDTH,
        dashes=style.DASHES["remission"],
        label=f"Remission (≤ {rule.remission_at_or_below})",
    )
    for i, s in enumerate(view.sessions):
        ax.axvline(
            s.date,  # type: ignore[arg-type]  # dates are converted
            color=style.GRID,
            linewidth=style.REFERENCE_WIDTH,
            zorder=0,
            label="Sessions" if i == 0 else None,
        )
    ax.plot(
        dates,  # type: ignore[arg-type]
        totals,
        marker="o",
        color="#111827",
        label=f"{view.instrument_name} total",
    )
    ax.set_ylim(0, rule.max_total)
    ax.set_ylabel(f"{view.instrument_name} total")
    date_axis(ax, [*dates, *(s.date for s in view.sessions)])
    finish(fig)
    return fig


def dose_figure(doses: list[tuple[dt.date, float]], induction_mg_per_kg: float | None, title: str) -> Any:
    """Maintenance mg/kg by date, the induction dose, and the days between boosters."""
    from remit.plotting import date_axis, figure, finish, style

    fig = figure(figsize=(6.4, 3.0))
    ax = fig.add_subplot()
    dates = [d for d, _ in doses]
    values = [v for _, v in doses]
    ax.plot(dates, values, marker="o", color=style.ACCENT, label="Booster dose (mg/kg)")  # type: ignore[arg-type]
    if induction_mg_per_kg is not None:
        ax.axhline(
            induction_mg_per_kg,
            color=style.MUTED,
            linewidth=style.REFERENCE_WIDTH,
            dashes=style.DASHES["baseline"],
            label="Induction dose",
        )
    for (a, _), (b, vb) in zip(doses, doses[1:], strict=False):
        ax.annotate(
            f"{(b - a).days} d",
            (b, vb),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=style.SMALL_SIZE,
            color=style.MUTED,
        )
    ax.set_ylabel("mg/kg")
    ax.set_ylim(0, max([*values, induction_mg_per_kg or 0]) * 1.3 or 1)
    ax.set_title(title)
    date_axis(ax, dates)
    finish(fig, "Labels: days since the previous booster.")
    return fig


def svg_data_uri(fig: Any) -> str:
    """An SVG as a data: URI for <img> (the CSP allows data: images, not inline styles)."""
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
