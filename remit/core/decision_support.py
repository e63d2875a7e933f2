"""Decision-support rules: pure functions that return a :class:`Finding` or None.

Each rule looks at plain values (dates, totals, doses, codes) and says whether
a clinician should look at something, why, and with which data. Raising,
routing, de-duplicating and acknowledging alerts is the alerts app's job: a
rule fires every time its condition holds, so the caller decides whether an
alert for the same course is already open.

Every threshold is a field of :class:`DecisionSettings` with its source; the
ones no source quantifies are example values, to be confirmed by the medical
director (clinical-reference §3 "Tolerance, misuse and mechanism").

No rule here is ``high``: high alerts page the on-call clinician within minutes
(the alerts app's escalation), which is kept for safety events that cannot wait
(suicidal ideation, vital signs, seizures). A relapse, a dose trend or a misuse
signal needs a prescriber's review, not a page, so these are ``medium``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from remit.core.modality import DRUG_MODALITIES, MODALITIES, Modality
from remit.core.outcomes import CourseOutcome, improvement

Severity = Literal["high", "medium", "low"]
FindingKind = Literal[
    "nonresponse_checkpoint",
    "relapse_after_course",
    "dose_escalation",
    "shrinking_booster_intervals",
    "booster_frequency",
    "early_booster_request",
    "repeated_early_requests",
    "positive_dast10",
    "new_substance_use_diagnosis",
    "opioid_antagonist",
]
KETAMINE_MODALITIES: tuple[Modality, ...] = tuple(m for m in MODALITIES if m in DRUG_MODALITIES)

UNCONFIRMED = "example value, to be confirmed by the medical director"


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    severity: Severity
    reason: str
    data: Mapping[str, object]
    source: str


@dataclass(frozen=True)
class DecisionSettings:
    """Per-clinic thresholds for the decision-support rules."""

    checkpoint_session: Mapping[Modality, int] = field(
        default_factory=lambda: {"ketamine_iv": 6, "ketamine_im": 6, "esketamine": 8, "tms": 20}
    )
    """Session after which non-response is reviewed, used when a protocol sets none. IV ketamine 6:
    Murrough 2013 and Oliver 2022 six-infusion series; esketamine 8 = end of the 4-week twice-weekly
    induction, where the label says to check benefit; TMS 20 and IM ketamine 6: example defaults,
    example values to be confirmed by the medical director."""
    checkpoint_source: str = (
        "Checkpoints: Murrough 2013; Oliver 2022 (6 infusions); Spravato label (benefit checked at end "
        "of 4-week induction); TMS session 20 is an example value, to be confirmed by the medical director"
    )
    nonresponse_min_improvement: float = 0.25
    """Less improvement than this at the checkpoint raises a review: the lower edge of the partial-response
    band (clinical-reference §2, a convention [UNVERIFIED] as a standard)."""

    relapse_source: str = (
        "Relapse rule of remit.core.outcomes (Remit's own default; SUSTAIN-1 definitions not found, §8); "
        "median relapse ~18 days after a course: Murrough 2013; Phillips 2019"
    )

    max_dose_rise_fraction: float = 0.25
    """Maintenance mg/kg above the induction mg/kg by more than this fraction is flagged.
    [UNVERIFIED]: no source quantifies ketamine tolerance (clinical-reference §3); example value."""
    shrinking_interval_run: int = 3
    """Consecutive booster intervals, each shorter than the one before, that raise a flag. Example value."""
    booster_window_days: int = 30
    max_boosters_per_window: Mapping[Modality, int] = field(
        default_factory=lambda: {"ketamine_iv": 2, "ketamine_im": 2, "esketamine": 5}
    )
    """More maintenance sessions than this in ``booster_window_days`` is flagged. Ketamine: example value.
    Esketamine 5: the label allows weekly maintenance, and a 30-day window can hold five weekly doses."""

    dast10_positive_at_or_above: int = 3
    """DAST-10 band 3-5 "moderate, further investigation" (Skinner 1982; comorbidityguidelines.org.au).
    Bands 1-2 are "low, monitor"; a clinic may lower this to 1. Clinic setting."""
    substance_use_code_prefixes: tuple[str, ...] = tuple(f"F{n}" for n in range(10, 20))
    """ICD-10-CM F10-F19, mental and behavioral disorders due to psychoactive substance use.
    F17 (nicotine) is in the block; a clinic may drop it."""
    repeated_early_requests: int = 2
    repeated_early_window_days: int = 90
    """Early booster requests this many times within the window raise a high-severity flag. Example value."""

    opioid_antagonists: tuple[str, ...] = ("naltrexone", "vivitrol", "samidorphan", "nalmefene")
    """Opioid antagonists that may block ketamine's antidepressant effect (Williams 2018 used naltrexone;
    samidorphan and nalmefene are included by mechanism, an extrapolation). Matched case-insensitively
    within the medication name. Naloxone is left out: given for overdose it acts for minutes, and
    in buprenorphine/naloxone it is barely absorbed by mouth."""


DEFAULT_SETTINGS = DecisionSettings()


def nonresponse_at_checkpoint(
    sessions_given: int,
    checkpoint_session: int,
    baseline_total: int | None,
    trajectory: Sequence[tuple[dt.date, int]],
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """Less than the minimum improvement once the protocol's checkpoint session has been given.

    ``trajectory`` is the course's assessments after the first session, oldest first; the latest is judged.
    Missing baseline or assessment at the checkpoint is itself reported (low), not silently skipped.
    """
    if sessions_given < checkpoint_session:
        return None
    data: dict[str, object] = {
        "sessions_given": sessions_given,
        "checkpoint_session": checkpoint_session,
        "baseline_total": baseline_total,
        "trajectory": [(d.isoformat(), t) for d, t in trajectory],
    }
    if baseline_total is None or not trajectory:
        missing = "baseline" if baseline_total is None else "assessment since the first session"
        return Finding(
            "nonresponse_checkpoint",
            "low",
            f"checkpoint session {checkpoint_session} reached but there is no {missing}: improvement cannot be judged",
            data,
            settings.checkpoint_source,
        )
    latest = trajectory[-1][1]
    gain = improvement(baseline_total, latest)
    data["improvement"] = gain
    if gain is not None and gain >= settings.nonresponse_min_improvement:
        return None
    shown = "undefined (baseline 0)" if gain is None else f"{gain:.0%}"
    return Finding(
        "nonresponse_checkpoint",
        "medium",
        f"improvement {shown} after {sessions_given} sessions is below "
        f"{settings.nonresponse_min_improvement:.0%}: review the course",
        data,
        settings.checkpoint_source,
    )


def relapse_after_course(
    outcome: CourseOutcome, settings: DecisionSettings = DEFAULT_SETTINGS
) -> Finding | None:
    """A relapse after a completed course: propose a booster (a draft maintenance course to confirm)."""
    if outcome.course_end is None:
        return None
    end = outcome.course_end
    relapse = next((r for r in outcome.relapses if r.onset > end), None)
    if relapse is None:
        return None
    return Finding(
        "relapse_after_course",
        "medium",
        f"relapse from {relapse.onset} ({(relapse.onset - end).days} days after the course ended), "
        f"confirmed {relapse.confirmed}: consider a booster",
        {
            "course_end": end.isoformat(),
            "onset": relapse.onset.isoformat(),
            "confirmed": relapse.confirmed.isoformat(),
            "days_after_course": (relapse.onset - end).days,
            "proposal": "booster",
        },
        settings.relapse_source,
    )


def dose_escalation(
    induction_mg_per_kg: float,
    maintenance_doses: Sequence[tuple[dt.date, float]],
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """The latest maintenance dose is above the induction dose by more than the set fraction."""
    if induction_mg_per_kg <= 0:
        raise ValueError("induction_mg_per_kg: must be positive")
    if not maintenance_doses:
        return None
    latest_date, latest = maintenance_doses[-1]
    rise = (latest - induction_mg_per_kg) / induction_mg_per_kg
    if rise <= settings.max_dose_rise_fraction:
        return None
    return Finding(
        "dose_escalation",
        "medium",
        f"maintenance dose {latest:g} mg/kg on {latest_date} is {rise:.0%} above the induction dose "
        f"{induction_mg_per_kg:g} mg/kg (limit {settings.max_dose_rise_fraction:.0%})",
        {
            "induction_mg_per_kg": induction_mg_per_kg,
            "doses": [(d.isoformat(), v) for d, v in maintenance_doses],
            "rise": rise,
        },
        f"Tolerance not quantified by any source (clinical-reference §3, [UNVERIFIED]); {UNCONFIRMED}",
    )


def _intervals(dates: Sequence[dt.date]) -> list[int]:
    ordered = sorted(dates)
    return [(b - a).days for a, b in zip(ordered, ordered[1:], strict=False)]


def shrinking_booster_intervals(
    booster_dates: Sequence[dt.date], settings: DecisionSettings = DEFAULT_SETTINGS
) -> Finding | None:
    """The last ``shrinking_interval_run`` intervals between boosters each shorter than the one before."""
    intervals = _intervals(booster_dates)
    run = settings.shrinking_interval_run
    if len(intervals) < run:
        return None
    last = intervals[-run:]
    if not all(b < a for a, b in zip(last, last[1:], strict=False)):
        return None
    return Finding(
        "shrinking_booster_intervals",
        "medium",
        f"intervals between boosters shrinking over {run} consecutive intervals: {', '.join(map(str, last))} days",
        {"booster_dates": [d.isoformat() for d in sorted(booster_dates)], "intervals_days": intervals},
        f"Tolerance not quantified by any source (clinical-reference §3, [UNVERIFIED]); {UNCONFIRMED}",
    )


def booster_frequency(
    modality: Modality,
    booster_dates: Sequence[dt.date],
    as_of: dt.date,
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """More boosters in the window ending ``as_of`` than the clinic's rate for the modality."""
    limit = settings.max_boosters_per_window.get(modality)
    if limit is None:
        return None
    start = as_of - dt.timedelta(days=settings.booster_window_days)
    recent = sorted(d for d in booster_dates if start < d <= as_of)
    if len(recent) <= limit:
        return None
    return Finding(
        "booster_frequency",
        "medium",
        f"{len(recent)} boosters in the {settings.booster_window_days} days to {as_of} (limit {limit})",
        {"modality": modality, "booster_dates": [d.isoformat() for d in recent], "limit": limit},
        f"Booster rate: {UNCONFIRMED}; esketamine limit from the Spravato label's weekly maintenance",
    )


def early_booster_request(
    requested_on: dt.date,
    last_session: dt.date,
    min_interval_days: int,
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """A booster requested sooner after the last session than the protocol's minimum interval."""
    gap = (requested_on - last_session).days
    if gap >= min_interval_days:
        return None
    return Finding(
        "early_booster_request",
        "medium",
        f"booster requested {gap} days after the last session; the protocol's minimum is {min_interval_days}",
        {
            "requested_on": requested_on.isoformat(),
            "last_session": last_session.isoformat(),
            "min_interval_days": min_interval_days,
        },
        "Spravato label §5.3: assess abuse risk during treatment (Schedule III); interval from the protocol",
    )


def repeated_early_requests(
    early_request_dates: Sequence[dt.date],
    as_of: dt.date,
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """Early booster requests repeated within the window (count and window are example values)."""
    start = as_of - dt.timedelta(days=settings.repeated_early_window_days)
    recent = sorted(d for d in early_request_dates if start < d <= as_of)
    if len(recent) < settings.repeated_early_requests:
        return None
    return Finding(
        "repeated_early_requests",
        "medium",
        f"{len(recent)} early booster requests in the {settings.repeated_early_window_days} days to {as_of}",
        {"request_dates": [d.isoformat() for d in recent]},
        f"Spravato label §5.3 (abuse potential); count and window: {UNCONFIRMED}",
    )


def positive_dast10_after_start(
    course_start: dt.date,
    dast10: Sequence[tuple[dt.date, int]],
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """A DAST-10 total at or above the positive threshold dated after the course started."""
    for when, total in sorted(dast10):
        if when > course_start and total >= settings.dast10_positive_at_or_above:
            return Finding(
                "positive_dast10",
                "medium",
                f"DAST-10 total {total} on {when}, after the course started on {course_start}",
                {"date": when.isoformat(), "total": total, "threshold": settings.dast10_positive_at_or_above},
                "DAST-10 bands (Skinner 1982; comorbidityguidelines.org.au); Spravato label §5.3",
            )
    return None


_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def new_substance_use_diagnosis(
    course_start: dt.date,
    diagnoses: Sequence[tuple[str, dt.date]],
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """An ICD-10-CM substance-use diagnosis (F10-F19 by default) recorded after the course started."""
    new: list[tuple[str, dt.date]] = []
    for i, (code, recorded) in enumerate(diagnoses):
        normal = code.strip().upper()
        if not _ICD10.match(normal):
            raise ValueError(f"diagnoses[{i}].code: {code!r} is not an ICD-10-CM code")
        if recorded > course_start and normal.startswith(settings.substance_use_code_prefixes):
            new.append((normal, recorded))
    if not new:
        return None
    return Finding(
        "new_substance_use_diagnosis",
        "medium",
        "new substance-use diagnosis after the course started: " + ", ".join(f"{c} ({d})" for c, d in new),
        {"diagnoses": [(c, d.isoformat()) for c, d in new], "course_start": course_start.isoformat()},
        "ICD-10-CM F10-F19; Spravato label §5.3 (abuse potential)",
    )


def opioid_antagonist_during_course(
    modality: Modality,
    course_start: dt.date,
    course_end: dt.date | None,
    medications: Sequence[tuple[str, dt.date, dt.date | None]],
    settings: DecisionSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """An opioid antagonist taken at any time during a ketamine or esketamine course.

    ``medications`` are (name, start, stop or None). Started during the course or already running when
    it began: both overlap the course, and both may blunt the antidepressant effect (Williams 2018).
    """
    if modality not in KETAMINE_MODALITIES:
        return None
    hits: list[dict[str, object]] = []
    for name, start, stop in medications:
        lowered = name.lower()
        if not any(drug in lowered for drug in settings.opioid_antagonists):
            continue
        overlaps = (course_end is None or start <= course_end) and (stop is None or stop >= course_start)
        if overlaps:
            hits.append(
                {"name": name, "start": start.isoformat(), "started_during_course": start >= course_start}
            )
    if not hits:
        return None
    return Finding(
        "opioid_antagonist",
        "medium",
        "opioid antagonist during a ketamine course ("
        + ", ".join(str(h["name"]) for h in hits)
        + "): it may block the antidepressant effect",
        {"medications": hits},
        "Williams, Heifets, Schatzberg et al. 2018, Am J Psychiatry (naltrexone blocked ketamine's effect)",
    )
