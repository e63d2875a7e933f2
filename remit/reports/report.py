"""The clinic outcome report: one object the page, the CLI (json, csv, html, pdf) and the charts share.

``build_report(filter)`` loads the data (:mod:`remit.reports.queries`) and
computes every figure with :mod:`remit.core.analytics`, so the page and
``remit report outcomes --format json`` show the same numbers. Each rate has
its n and a Wilson 95 % interval; below ``REMIT_REPORT_MIN_N`` it is "too few
to report" and carries no number.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from remit.core import analytics as A
from remit.core.outcomes import RESPONSE_SOURCE, OutcomeSettings
from remit.reports.queries import (
    NO_BASELINE,
    CourseSummary,
    LoadedData,
    ReportFilter,
    band_order,
    load,
)

SCATTER_MAX_POINTS = 2000
FAILED_TRIAL_ORDER = ["0-1", "2", "3", "4+"]
DURABILITY_FIELDS = [
    "course_id",
    "modality",
    "protocol",
    "days",
    "event",
    "baseline_total",
    "end_total",
    "peak_cadss",
]


def min_n() -> int:
    return int(getattr(settings, "REMIT_REPORT_MIN_N", A.DEFAULT_MIN_N))


def course_id(course_id: int) -> str:
    """A stable, random-looking id for a completed course: not the course's key, not reversible without
    the installation's secret key."""
    return salted_hmac("remit.reports.course_id", str(course_id)).hexdigest()[:16]


@dataclass
class OutcomeReport:
    filter: ReportFilter
    filter_labels: dict[str, str]
    min_n: int
    generated_at: Any
    counts: A.CourseCounts
    maintenance_started: int
    evaluated: int
    without_sessions: int
    end_of_induction: A.ResponseRemission
    curve: list[A.CurvePoint]
    durability: A.DurabilityCurve
    dissociation: A.Correlation
    scatter: list[tuple[float, float]]
    scatter_total: int
    onset: dict[int, A.Rate]
    by_band: dict[str, A.ResponseRemission]
    by_failed_trials: dict[str, A.ResponseRemission]
    completed: list[CourseSummary] = field(repr=False, default_factory=list)

    # --- serialisations -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = self.durability
        ok = d.reportable
        return {
            "report": "outcomes",
            "generated_at": self.generated_at.isoformat(),
            "filters": {**self.filter.as_dict(), "labels": self.filter_labels},
            "instrument": self.filter.instrument,
            "min_n": self.min_n,
            "definitions": {"response": RESPONSE_SOURCE, "rates": A.WILSON_SOURCE, "too_few": A.TOO_FEW},
            "courses": {
                "started": self.counts.started,
                "completed": self.counts.completed,
                "discontinued": self.counts.discontinued,
                "ongoing": self.counts.ongoing,
                "discontinued_reasons": dict(self.counts.discontinued_reasons),
                "completion_rate": rate_dict(self.counts.completion),
                "maintenance_started": self.maintenance_started,
                "induction_evaluated": self.evaluated,
            },
            "end_of_induction": rr_dict(self.end_of_induction),
            "session_curve": [
                {
                    "session": p.session_number,
                    "n": p.n,
                    "response": rate_dict(p.response),
                    "remission": rate_dict(p.remission),
                }
                for p in self.curve
            ],
            "durability": {
                "n": d.n,
                "events": d.events,
                "reportable": ok,
                "display": None if ok else f"{A.TOO_FEW} (n={d.n})",
                "median_days": d.median_days if ok else None,
                "median_ci": [d.median_low, d.median_high] if ok else None,
                "free_at": [
                    {
                        "weeks": s.day // 7,
                        "days": s.day,
                        "survival": s.survival if ok else None,
                        "low": s.low if ok else None,
                        "high": s.high if ok else None,
                    }
                    for s in d.free_at
                ],
                "curve": {
                    "days": list(d.times) if ok else [],
                    "survival": list(d.survival) if ok else [],
                    "low": list(d.low) if ok else [],
                    "high": list(d.high) if ok else [],
                },
                "event": "retreatment (booster or new course) or relapse; censored at the last follow-up",
                "source": d.source,
            },
            "dissociation_vs_benefit": {
                "n": self.dissociation.n,
                "reportable": self.dissociation.reportable,
                "display": corr_display(self.dissociation),
                "rho": self.dissociation.rho if self.dissociation.reportable else None,
                "ci": [self.dissociation.low, self.dissociation.high]
                if self.dissociation.reportable
                else None,
                "p_value": self.dissociation.p_value if self.dissociation.reportable else None,
                "source": self.dissociation.source,
            },
            "onset": {str(day): rate_dict(r) for day, r in self.onset.items()},
            "by_baseline_band": {k: rr_dict(v) for k, v in self.by_band.items()},
            "by_failed_trials": {k: rr_dict(v) for k, v in self.by_failed_trials.items()},
        }

    def csv_rows(self) -> Iterator[list[Any]]:
        """The figures as one flat table: section, measure, group, k, n, value, low, high, display."""
        yield ["section", "measure", "group", "k", "n", "value", "low", "high", "display"]
        c = self.counts
        for measure, value in (
            ("started", c.started),
            ("completed", c.completed),
            ("discontinued", c.discontinued),
            ("ongoing", c.ongoing),
            ("maintenance_started", self.maintenance_started),
        ):
            yield ["courses", measure, "", "", value, "", "", "", str(value)]
        for reason, n in c.discontinued_reasons.items():
            yield ["courses", "discontinued_reason", reason, "", n, "", "", "", str(n)]
        yield _rate_row("courses", "completion", "", c.completion)
        yield _rate_row("end_of_induction", "response", "", self.end_of_induction.response)
        yield _rate_row("end_of_induction", "remission", "", self.end_of_induction.remission)
        for p in self.curve:
            yield _rate_row("session_curve", "response", f"session {p.session_number}", p.response)
            yield _rate_row("session_curve", "remission", f"session {p.session_number}", p.remission)
        d = self.durability
        ok = d.reportable
        yield [
            "durability",
            "median_days",
            "",
            d.events,
            d.n,
            _num(d.median_days) if ok else "",
            _num(d.median_low) if ok else "",
            _num(d.median_high) if ok else "",
            durability_median_display(d),
        ]
        for s in d.free_at:
            yield [
                "durability",
                "still_free",
                f"week {s.day // 7}",
                "",
                d.n,
                _num(s.survival) if ok else "",
                _num(s.low) if ok else "",
                _num(s.high) if ok else "",
                free_display(d, s),
            ]
        r = self.dissociation
        yield [
            "dissociation_vs_benefit",
            "spearman_rho",
            "",
            "",
            r.n,
            _num(r.rho) if r.reportable else "",
            _num(r.low) if r.reportable else "",
            _num(r.high) if r.reportable else "",
            corr_display(r),
        ]
        for day, rt in self.onset.items():
            yield _rate_row("onset", "response", f"day {day}", rt)
        for label, rr in self.by_band.items():
            yield _rate_row("baseline_band", "response", label, rr.response)
            yield _rate_row("baseline_band", "remission", label, rr.remission)
        for label, rr in self.by_failed_trials.items():
            yield _rate_row("failed_trials", "response", label, rr.response)
            yield _rate_row("failed_trials", "remission", label, rr.remission)

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(self.csv_rows())
        return out.getvalue()

    def durability_rows(self) -> Iterator[list[Any]]:
        """One de-identified row per completed course; no patient identifier, dates or course key."""
        yield list(DURABILITY_FIELDS)
        for s in self.completed:
            if s.durability_days is None:
                continue
            yield [
                course_id(s.course_id),
                s.modality,
                s.protocol,
                s.durability_days,
                s.durability_event,
                _blank(s.baseline_total),
                _blank(s.end_total),
                _blank(s.peak_cadss),
            ]

    def durability_csv(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(self.durability_rows())
        return out.getvalue()

    # --- for templates ----------------------------------------------------------------------------------
    @property
    def median_display(self) -> str:
        return durability_median_display(self.durability)

    @property
    def free_at_display(self) -> list[tuple[int, str]]:
        return [(s.day // 7, free_display(self.durability, s)) for s in self.durability.free_at]

    @property
    def by_band_display(self) -> list[tuple[str, A.ResponseRemission]]:
        return [(label.replace("_", " "), rr) for label, rr in self.by_band.items()]

    @property
    def dissociation_display(self) -> str:
        return corr_display(self.dissociation)


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _num(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def rate_dict(r: A.Rate) -> dict[str, Any]:
    return {
        "k": r.k if r.reportable else None,
        "n": r.n,
        "value": r.value,
        "low": r.low,
        "high": r.high,
        "reportable": r.reportable,
        "display": r.display,
    }


def rr_dict(rr: A.ResponseRemission) -> dict[str, Any]:
    return {"response": rate_dict(rr.response), "remission": rate_dict(rr.remission)}


def _rate_row(section: str, measure: str, group: str, r: A.Rate) -> list[Any]:
    return [
        section,
        measure,
        group,
        r.k if r.reportable else "",
        r.n,
        _num(r.value),
        _num(r.low),
        _num(r.high),
        r.display,
    ]


def durability_median_display(d: A.DurabilityCurve) -> str:
    if not d.reportable:
        return f"{A.TOO_FEW} (n={d.n})"
    if d.median_days is None:
        return f"not reached (n={d.n}, {d.events} events)"
    low = "?" if d.median_low is None else f"{d.median_low:.0f}"
    high = "not reached" if d.median_high is None else f"{d.median_high:.0f}"
    return f"{d.median_days:.0f} days (95% CI {low} to {high}; n={d.n}, {d.events} events)"


def free_display(d: A.DurabilityCurve, s: A.SurvivalAt) -> str:
    if not d.reportable:
        return f"{A.TOO_FEW} (n={d.n})"
    if s.survival is None or s.low is None or s.high is None:
        return "not yet known (follow-up too short)"
    return f"{s.survival:.0%} (95% CI {s.low:.0%}-{s.high:.0%})"


def corr_display(r: A.Correlation) -> str:
    if not r.reportable or r.rho is None or r.low is None or r.high is None:
        return f"{A.TOO_FEW} (n={r.n})"
    return f"rho {r.rho:.2f} (95% CI {r.low:.2f} to {r.high:.2f}; n={r.n})"


def _rr(courses: list[CourseSummary], n_min: int) -> A.ResponseRemission:
    ended = [c for c in courses if c.completed_courses and c.end_remission is not None]
    return A.ResponseRemission(
        A.rate_of((c.end_response for c in ended), n_min), A.rate_of((c.end_remission for c in ended), n_min)
    )


def compute(
    f: ReportFilter, data: LoadedData, n_min: int, filter_labels: dict[str, str] | None = None
) -> OutcomeReport:
    courses = data.courses
    curve = [
        A.CurvePoint(
            number,
            row[0],
            A.rate(row[2], row[1], n_min),
            A.rate(row[3], row[0], n_min),
        )
        for number, row in sorted(data.curve.counts.items())
    ]
    completed = [c for c in courses if c.durability_days is not None]
    durability = A.durability_curve(
        [c.durability_days for c in completed],  # type: ignore[misc]
        [c.durability_event != "censored" for c in completed],
        n_min,
    )
    pairs = [
        (float(c.peak_cadss), float(c.end_pct_change))
        for c in courses
        if c.completed_courses and c.peak_cadss is not None and c.end_pct_change is not None
    ]
    dissociation = A.dissociation_vs_benefit([p[0] for p in pairs], [p[1] for p in pairs], n_min)
    scatter = (
        pairs if len(pairs) <= SCATTER_MAX_POINTS else random.Random(0).sample(pairs, SCATTER_MAX_POINTS)
    )

    onset_days = sorted({day for c in courses for day, _ in c.onset}) or list(OutcomeSettings().onset_days)
    onset = {
        day: A.rate_of((responded for c in courses for d, responded in c.onset if d == day), n_min)
        for day in onset_days
    }

    groups: dict[str, list[CourseSummary]] = {}
    failed_groups: dict[str, list[CourseSummary]] = {}
    for c in courses:
        groups.setdefault(c.baseline_band, []).append(c)
        failed_groups.setdefault(A.failed_trials_stratum(c.failed_trials), []).append(c)
    by_band = {b: _rr(groups[b], n_min) for b in band_order(f.instrument) if b in groups}
    by_failed = {b: _rr(failed_groups[b], n_min) for b in FAILED_TRIAL_ORDER if b in failed_groups}

    return OutcomeReport(
        filter=f,
        filter_labels=filter_labels or {},
        min_n=n_min,
        generated_at=timezone.now(),
        counts=A.course_counts(data.statuses, data.reasons, n_min),
        maintenance_started=data.maintenance_started,
        evaluated=len(courses),
        without_sessions=data.without_sessions,
        end_of_induction=_rr(courses, n_min),
        curve=curve,
        durability=durability,
        dissociation=dissociation,
        scatter=scatter,
        scatter_total=len(pairs),
        onset=onset,
        by_band=by_band,
        by_failed_trials=by_failed,
        completed=completed,
    )


def build_report(f: ReportFilter, filter_labels: dict[str, str] | None = None) -> OutcomeReport:
    return compute(f, load(f), min_n(), filter_labels)


__all__ = ["NO_BASELINE", "OutcomeReport", "ReportFilter", "build_report", "compute", "course_id"]
