"""One patient's outcomes per course, computed with ``remit.core.outcomes.evaluate_course`` from the database.

``load_patient_data`` reads everything in three queries (courses with their
protocols, the sessions given, the scored assessments); ``course_outcomes``
then works in memory, so a page or a rule costs the same number of queries
however long the patient's history is.

How the database maps onto the core's inputs (Remit's conventions, stated once):

* A session counts as *given* when it is signed or completed and not voided;
  its date is the local date the dose started (else the date it was booked for).
* A course owns the assessments dated before the first session of the next
  course (any modality): what happens after a retreatment belongs to it.
* ``series_end`` is the last session given of a *completed* course; the
  sessions of later courses are its retreatments.
* Every depression instrument with data is evaluated; decisions are read from
  the clinic's primary instrument when it has a baseline, else from the first
  one that has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from remit.core.outcomes import CourseOutcome, OutcomeInputError, OutcomeSettings, evaluate_course
from remit.measures.models import Assessment
from remit.treatment.models import Course, Session

DEPRESSION_INSTRUMENTS: tuple[str, ...] = ("phq9", "qids_sr16", "madrs", "hamd17")
INSTRUMENT_NAMES = {"phq9": "PHQ-9", "qids_sr16": "QIDS-SR16", "madrs": "MADRS", "hamd17": "HAM-D17"}


@dataclass(frozen=True)
class GivenSession:
    pk: int
    course_id: int
    modality: str
    number: int
    date: dt.date
    mg_per_kg: float | None
    dose_mg: float | None


@dataclass(frozen=True)
class Score:
    pk: int
    instrument: str
    date: dt.date
    total: int


@dataclass
class PatientData:
    courses: list[Course]
    sessions: list[GivenSession]
    scores: list[Score]

    def sessions_of(self, course_id: int) -> list[GivenSession]:
        return [s for s in self.sessions if s.course_id == course_id]

    def scores_on(self, instrument: str) -> list[Score]:
        return [s for s in self.scores if s.instrument == instrument]


def session_date(scheduled_for: dt.datetime, dose_started_at: dt.datetime | None) -> dt.date:
    return timezone.localdate(dose_started_at or scheduled_for)


def given_sessions_q() -> Q:
    return Q(voided_at__isnull=True) & (Q(signed_at__isnull=False) | Q(status=Session.COMPLETED))


def load_patient_data(patient: Any) -> PatientData:
    """Three queries: courses (with protocol), sessions given, valid scored assessments."""
    courses = list(
        Course.objects.filter(patient=patient, voided_at__isnull=True)
        .select_related("protocol")
        .order_by("id")
    )
    sessions = [
        GivenSession(
            pk=row["pk"],
            course_id=row["course_id"],
            modality=row["modality"],
            number=row["number"],
            date=session_date(row["scheduled_for"], row["dose_started_at"]),
            mg_per_kg=None if row["mg_per_kg"] is None else float(row["mg_per_kg"]),
            dose_mg=None if row["dose_mg"] is None else float(row["dose_mg"]),
        )
        for row in Session.objects.filter(given_sessions_q(), patient=patient)
        .order_by("scheduled_for", "id")
        .values(
            "pk",
            "course_id",
            "modality",
            "number",
            "scheduled_for",
            "dose_started_at",
            "mg_per_kg",
            "dose_mg",
        )
    ]
    sessions.sort(key=lambda s: (s.date, s.pk))
    scores = [
        Score(row["pk"], row["instrument"], timezone.localdate(row["taken_at"]), row["total"])
        for row in Assessment.objects.filter(
            patient=patient, valid=True, voided_at__isnull=True, total__isnull=False
        )
        .order_by("taken_at", "id")
        .values("pk", "instrument", "taken_at", "total")
    ]
    return PatientData(courses, sessions, scores)


@dataclass
class CourseView:
    course: Course
    sessions: list[GivenSession]
    first_session: dt.date
    last_session: dt.date
    series_end: dt.date | None
    outcomes: dict[str, CourseOutcome] = field(default_factory=dict)
    primary: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> CourseOutcome | None:
        return self.outcomes.get(self.primary) if self.primary else None

    @property
    def sessions_given(self) -> int:
        return len(self.sessions)

    @property
    def instrument_name(self) -> str:
        return INSTRUMENT_NAMES.get(self.primary or "", self.primary or "")


def course_outcomes(data: PatientData, settings: OutcomeSettings, primary: str = "phq9") -> list[CourseView]:
    """Every course with at least one session given, oldest first, with its outcomes per instrument."""
    by_course: dict[int, list[GivenSession]] = {}
    for s in data.sessions:
        by_course.setdefault(s.course_id, []).append(s)
    started = [c for c in data.courses if by_course.get(c.pk)]
    started.sort(key=lambda c: (by_course[c.pk][0].date, c.pk))
    views: list[CourseView] = []
    for i, course in enumerate(started):
        given = by_course[course.pk]
        first, last = given[0].date, given[-1].date
        next_first = by_course[started[i + 1].pk][0].date if i + 1 < len(started) else None
        series_end = last if course.status == Course.COMPLETED else None
        retreatments = sorted(
            {
                s.date
                for other in started[i + 1 :]
                for s in by_course[other.pk]
                if series_end is not None and s.date > series_end
            }
        )
        view = CourseView(course, given, first, last, series_end)
        for code in DEPRESSION_INSTRUMENTS:
            owned = [
                (s.date, s.total) for s in data.scores_on(code) if next_first is None or s.date < next_first
            ]
            if not owned:
                continue
            try:
                view.outcomes[code] = evaluate_course(
                    code, [s.date for s in given], owned, series_end, retreatments, settings
                )
            except OutcomeInputError as error:
                view.errors.append(f"{INSTRUMENT_NAMES[code]}: {error}")
        with_baseline = [code for code, o in view.outcomes.items() if o.baseline is not None]
        if primary in with_baseline:
            view.primary = primary
        elif with_baseline:
            view.primary = with_baseline[0]
        elif view.outcomes:
            view.primary = primary if primary in view.outcomes else next(iter(view.outcomes))
        views.append(view)
    return views


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
            "retreatment": f"retreated {d.days} days after the series ended",
            "relapse": f"relapsed {d.days} days after the series ended",
            "censored": f"no relapse or retreatment in {d.days} days of follow-up since the series ended",
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
    from remit.plotting import figure

    outcome = view.outcome
    fig = figure(figsize=(6.4, 2.8))
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
        ax.axhline(outcome.baseline.total, color="#6b7280", linewidth=0.8, linestyle=":")
        ax.axhline(
            outcome.baseline.total * (1 - settings.response_fraction),
            color="#2563eb",
            linewidth=0.8,
            linestyle="--",
        )
    ax.axhline(rule.remission_at_or_below + 0.5, color="#15803d", linewidth=0.8, linestyle="--")
    for s in view.sessions:
        ax.axvline(s.date, color="#d1d5db", linewidth=0.6, zorder=0)
    ax.plot(dates, totals, marker="o", color="#111827", linewidth=1.5, markersize=4)
    ax.set_ylim(0, rule.max_total)
    ax.set_ylabel(f"{view.instrument_name} total")
    ax.set_title(
        f"{view.instrument_name}: dotted = baseline, blue = response (−{settings.response_fraction:.0%}), "
        f"green = remission (≤ {rule.remission_at_or_below}); grey = sessions",
        fontsize=7,
        loc="left",
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def dose_figure(doses: list[tuple[dt.date, float]], induction_mg_per_kg: float | None, title: str) -> Any:
    """Maintenance mg/kg by date, the induction dose, and the days between boosters."""
    from remit.plotting import figure

    fig = figure(figsize=(6.4, 2.6))
    ax = fig.add_subplot()
    dates = [d for d, _ in doses]
    values = [v for _, v in doses]
    ax.plot(dates, values, marker="o", color="#b45309", linewidth=1.5, markersize=4)
    if induction_mg_per_kg is not None:
        ax.axhline(induction_mg_per_kg, color="#6b7280", linewidth=0.8, linestyle=":")
    for (a, _), (b, vb) in zip(doses, doses[1:], strict=False):
        ax.annotate(
            f"{(b - a).days} d", (b, vb), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7
        )
    ax.set_ylabel("mg/kg")
    ax.set_ylim(0, max([*values, induction_mg_per_kg or 0]) * 1.3 or 1)
    ax.set_title(
        f"{title}: dotted = induction dose; labels = days since the previous booster", fontsize=7, loc="left"
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def svg_data_uri(fig: Any) -> str:
    """An SVG as a data: URI for <img> (the CSP allows data: images, not inline styles)."""
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass(frozen=True)
class BoosterHistory:
    """One modality's maintenance sessions and the induction dose they are compared with."""

    modality: str
    induction_mg_per_kg: float | None
    boosters: list[GivenSession]
    latest_course: Course

    @property
    def booster_dates(self) -> list[dt.date]:
        return [s.date for s in self.boosters]

    @property
    def doses(self) -> list[tuple[dt.date, float]]:
        return [(s.date, s.mg_per_kg) for s in self.boosters if s.mg_per_kg is not None]


def booster_histories(data: PatientData) -> list[BoosterHistory]:
    """Per drug modality with maintenance sessions given: boosters in date order and the induction dose.

    The induction dose is the first given session's mg/kg of the latest induction course of the same
    modality that started before the first booster (else that course's ordered mg/kg).
    """
    courses = {c.pk: c for c in data.courses}
    histories = []
    for modality in ("ketamine_iv", "ketamine_im", "esketamine"):
        boosters = [
            s
            for s in data.sessions
            if s.modality == modality
            and courses.get(s.course_id)
            and courses[s.course_id].phase == "maintenance"
        ]
        if not boosters:
            continue
        first_booster = boosters[0].date
        induction_sessions = [
            s
            for s in data.sessions
            if s.modality == modality
            and courses.get(s.course_id)
            and courses[s.course_id].phase == "induction"
            and s.date < first_booster
        ]
        induction = None
        if induction_sessions:
            last_course_id = induction_sessions[-1].course_id
            of_course = [s for s in induction_sessions if s.course_id == last_course_id]
            induction = of_course[0].mg_per_kg
            if induction is None and courses[last_course_id].mg_per_kg is not None:
                induction = float(courses[last_course_id].mg_per_kg)
        latest_course = courses[boosters[-1].course_id]
        histories.append(BoosterHistory(modality, induction, boosters, latest_course))
    return histories
