"""Questionnaires and clinician ratings: the third step of a plan.

Drawn after the courses from streams of their own, so nothing drawn earlier
changes: ``stream(seed, "assessments", i)`` for the patient's questionnaires
(the PHQ-9 trajectory, GAD-7), ``stream(seed, "ratings", i)`` for the
clinician's CADSS-6 and MOAA/S at each ketamine or esketamine session (a
stream apart, so peak dissociation is independent of benefit and the
report's Spearman correlation sits near 0), and ``stream(seed, "signals", i)``
for the few demo signals below.

Trajectory classes (patients with an induction course; end-of-induction
response and remission land near McInnes 2022 and Oliver 2022, §6 of the
clinical reference): early responders ~35% (>= 50% drop by session
3-4 of a ketamine series, many remitting below 5), late responders ~20%
(response by the end of induction), partial ~20% (25-49% from the
non-response checkpoint on), non-responders ~25% (< 25% throughout).
Boosters go to responders: a patient the course plan gives a maintenance
course is an early or late responder, and the others are drawn with shares
that keep the overall ones near the targets. After a completed series a
responder stays well (censored) or relapses: scores back above half the
baseline from a day drawn around a median of 18 days (Murrough 2013),
confirmed by a second questionnaire 6-9 days later. Patients with planned
boosters relapse in the 6-12 days before the first booster, so the
booster answers the relapse.

Schedule: a baseline PHQ-9 on the day of the first session or up to a week
before; before each ketamine/esketamine session (weekly for TMS); on days
1, 3 and 7 after the first dose (~70%); the day after the last induction
dose (always: the end-of-induction point) and a week after it (~80%); 2, 4,
8 and 12 weeks after the series; before each booster; ~8% missed.
GAD-7 at baseline and at the end of induction for patients with GAD and
~30% of the others. Every answer set is built to sum to the intended total
and checked with the real scorer (``remit.core.instruments.score``); item 9
is mostly 0, now and then 1 when the total is high in the last three weeks
(older flagged answers would have had alerts the inbox cannot show).

Demo signals, per clinic, on the first patient (by index) who fits (a
patient gets one at most; a small clinic may lack a candidate), so each
clinic's inbox shows the decision-support alerts: naltrexone started during
an active ketamine course; a DAST-10 of 3-4 after a ketamine course started;
a booster request sooner after the last session than the maintenance
protocol allows (3-5 days for IV ketamine's 7, 2-3 for esketamine's 4); and
a recent PHQ-9 with item 9 answered 1 (the loader stores it through the
app's own ``record_assessment``, so its suicidal-ideation alert comes from
the real code path). The creeping-booster patients (above) give the
dose-escalation alerts, non-responders at their checkpoint and recent
relapses the others.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from remit.core.instruments import get_instrument as _get_instrument
from remit.core.instruments import score as _score
from remit.core.protocols import BUILTIN_PROTOCOLS as _PROTOCOLS
from remit.generator.course_plan import CREEP_AT, CREEP_EVERY
from remit.generator.plan import AssessmentPlan, CourseHistoryPlan, PatientPlan, Plan, SessionPlan
from remit.generator.streams import stream

TRAJECTORIES = ("early", "late", "partial", "non")

TRAJECTORY_TARGETS = (0.35, 0.20, 0.20, 0.25)

WEIGHTS_WITH_BOOSTERS = (35, 20, 0, 0)

WEIGHTS_WITHOUT_BOOSTERS = (33, 18, 22, 27)

RELAPSE_MEDIAN_DAYS = 18  # Murrough 2013: median time to relapse after a six-infusion series


# Share of responders with no booster planned who relapse: an example value between controlled settings
# (Murrough 2013: median relapse 18 days after the series) and real-world care (McInnes 2022: ~60% of
# responders still responding at 8 weeks without maintenance); clinical-reference §6.
RELAPSE_SHARE = 0.6


# Follow-up questionnaires after a series, in days: 2, 4, 8 and 12 weeks, then 18, 26, 39 and 52 weeks.
# Each patient is followed to a horizon drawn from LONG_FOLLOW_UP: 52 weeks for ~70%, 26 weeks for
# the others (each questionnaire is still ~15% missed, and none is asked after ``as_of``), so the
# report's "still free at 26 weeks" is known.
FOLLOW_UP_DAYS = (14, 28, 56, 84, 126, 182, 273, 364)

LONG_FOLLOW_UP = ((364, 70), (182, 30))


# Share of the maintenance courses (not the dose-creep demo) that are scheduled while the patient is
# still well, so the booster itself ends the durability (a retreatment) instead of a relapse.
SCHEDULED_BOOSTER_SHARE = 0.5

MISSED = 0.08

RECENT_SAFETY_DAYS = 21  # item 9 is answered 1 only in these last days (stored through record_assessment)

SESSION_RATED = frozenset({"completed", "dosing", "monitoring", "ready_for_discharge"})

DRUGS = frozenset({"ketamine_iv", "ketamine_im", "esketamine"})

CHECKPOINTS = {"ketamine_iv": 6, "ketamine_im": 6, "esketamine": 8, "tms": 20}


# (sessions given when the response is first reached, weight), by class and modality family.
RESPONSE_SESSION: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {
    "ketamine": {"early": ((1, 30), (2, 25), (3, 25), (4, 20)), "late": ((5, 45), (6, 55))},
    "esketamine": {"early": ((1, 20), (2, 25), (3, 30), (4, 25)), "late": ((6, 35), (7, 35), (8, 30))},
    "tms": {"early": ((8, 20), (12, 40), (16, 40)), "late": ((22, 35), (28, 40), (34, 25))},
}

PHQ9_ITEM_WEIGHTS = {"q1": 13, "q2": 13, "q3": 12, "q4": 14, "q5": 9, "q6": 10, "q7": 10, "q8": 6}

NO_RESPONSE_REASON = "No response at the checkpoint review"


# Days after the last session a demo booster request comes: sooner than the maintenance protocol's
# minimum (7 days for IV ketamine, 4 for esketamine's weekly stage).
EARLY_REQUEST_GAP = {"ketamine_iv": (3, 5), "esketamine": (2, 3)}


def _family(modality: str) -> str:
    return "tms" if modality == "tms" else "esketamine" if modality == "esketamine" else "ketamine"


def draw_weighted(rng: random.Random, pairs: tuple[tuple[int, int], ...]) -> int:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def _spread(
    rng: random.Random, ids: tuple[str, ...], total: int, cap: int, weights: dict[str, int] | None = None
) -> dict[str, int]:
    """Answers (0..cap) for ``ids`` summing to ``total``, leaning towards the heavier-weighted items."""
    if not 0 <= total <= cap * len(ids):
        raise ValueError(f"cannot spread {total} over {len(ids)} items of at most {cap}")
    answers = dict.fromkeys(ids, 0)
    for _ in range(total):
        open_ids = [i for i in ids if answers[i] < cap]
        pick = rng.choices(open_ids, weights=[(weights or {}).get(i, 10) for i in open_ids])[0]
        answers[pick] += 1
    return answers


def phq9_answers(rng: random.Random, total: int, item9: int = 0) -> tuple[tuple[str, int | None], ...]:
    """PHQ-9 answers whose scored items sum to ``total`` (item 9 as given; item 10 follows the total)."""
    item9 = max(item9, total - 24)
    items = _spread(rng, tuple(PHQ9_ITEM_WEIGHTS), total - item9, 3, PHQ9_ITEM_WEIGHTS)
    difficulty = 0 if total < 5 else 1 if total < 10 else 2 if total < 20 else 3
    difficulty = max(0, min(3, difficulty + rng.choice((-1, 0, 0, 0, 1))))
    return (*items.items(), ("q9", item9), ("q10", difficulty))


def _answers(rng: random.Random, code: str, total: int) -> tuple[tuple[str, int | None], ...]:
    """Answers summing to ``total`` for instruments whose items all score 0..cap (GAD-7, CADSS-6)."""
    instrument = _get_instrument(code)
    ids = tuple(i.id for i in instrument.items)
    cap = max(o.value for o in instrument.items[0].options)
    return tuple(_spread(rng, ids, total, cap).items())


def dast10_answers(rng: random.Random, total: int) -> tuple[tuple[str, int | None], ...]:
    """DAST-10 yes/no answers scoring ``total``; item 3 is reverse-scored ("able to stop": yes = 0)."""
    forward = [f"q{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10)]
    yes = set(rng.sample(forward, min(total, len(forward))))
    item3 = 0 if total > len(forward) else 1  # answering "no" to item 3 scores a point
    return tuple((f"q{n}", item3 if n == 3 else int(f"q{n}" in yes)) for n in range(1, 11))


def checked_assessment(plan: AssessmentPlan) -> AssessmentPlan:
    result = _score(plan.instrument, plan.answer_dict)
    if result.total != plan.total:  # a bug in the builders above, never the data
        raise AssertionError(f"{plan.instrument} answers score {result.total}, not {plan.total}")
    return plan


@dataclass(frozen=True)
class _Trajectory:
    cls: str
    baseline: int
    planned: int  # induction sessions planned
    respond_at: int  # responders: sessions given when the response is first reached
    end_fraction: float  # improvement reached by the end of induction
    checkpoint: int

    def total(self, rng: random.Random, k: int, after_series: bool) -> int:
        """A PHQ-9 total after ``k`` sessions, kept inside the class's band (response, partial, none)."""
        b = self.baseline
        half, three_quarters = b // 2, (3 * b) // 4  # response: total <= b/2; >= 25% better: <= 3b/4
        responder = self.cls in ("early", "late")
        if responder and after_series:
            k = max(k, self.respond_at)
        if responder:
            r = self.respond_at
            if k < r:
                fraction = 0.42 * (k / r) ** 1.2
            else:
                fraction = 0.5 + (self.end_fraction - 0.5) * min(
                    1.0, (k - r + 1) / max(1, self.planned - r + 1)
                )
            low, high = (0, half) if k >= r else (half + 1, 24)
        elif self.cls == "partial":
            fraction = self.end_fraction * min(1.0, k / (0.6 * self.planned))
            low = half + 1
            high = three_quarters if (after_series or k >= self.checkpoint) else 24
        else:
            fraction = self.end_fraction * min(1.0, k / self.planned)
            low, high = three_quarters + 1, 24
        value = round(b * (1 - fraction) + rng.gauss(0, 1.3))
        return max(low, min(high, value))

    def relapsed(self, rng: random.Random) -> int:
        return max(self.baseline // 2 + 1, min(24, round(self.baseline * rng.uniform(0.7, 1.0))))

    def well(self, rng: random.Random) -> int:
        value = round(self.baseline * (1 - self.end_fraction) + rng.gauss(0, 1.3))
        return max(0, min(self.baseline // 2, value))

    def wearing_off(self, rng: random.Random) -> int:
        value = round(self.baseline * rng.uniform(0.5, 0.75))
        return max(self.baseline // 2 + 1, min(24, value))


def draw_minute(rng: random.Random, earliest: int = 7 * 60, latest: int = 21 * 60) -> int:
    return rng.randint(earliest // 5, latest // 5) * 5


def draw_trajectory(
    rng: random.Random, p: PatientPlan, course: CourseHistoryPlan, boosted: bool
) -> _Trajectory:
    weights = WEIGHTS_WITH_BOOSTERS if boosted else WEIGHTS_WITHOUT_BOOSTERS
    cls = rng.choices(TRAJECTORIES, weights=weights)[0]
    if course.discontinue_reason == NO_RESPONSE_REASON:
        cls = "non"
    baseline = max(11, min(24, round(rng.gauss(19.5, 3.2))))
    family = RESPONSE_SESSION[_family(course.modality)]
    respond_at = draw_weighted(rng, family[cls]) if cls in family else 0
    end_fraction = {
        "early": rng.uniform(0.65, 0.98),
        "late": rng.uniform(0.52, 0.85),
        "partial": rng.uniform(0.28, 0.48),
        "non": rng.uniform(-0.10, 0.18),
    }[cls]
    planned = _PROTOCOLS[course.protocol].planned_sessions
    return _Trajectory(cls, baseline, planned, respond_at, end_fraction, CHECKPOINTS[course.modality])


def given_sessions(course: CourseHistoryPlan) -> list[SessionPlan]:
    return [s for s in course.sessions if s.status == "completed"]


def _questionnaires(
    rng: random.Random,
    p: PatientPlan,
    as_of: date,
    horizon: int = FOLLOW_UP_DAYS[-1],
    scheduled_booster: bool = False,
) -> tuple[str, list[AssessmentPlan]]:
    """The PHQ-9 trajectory (and GAD-7) around the patient's induction course and any boosters.

    Follow-up runs to ``horizon`` days after the series; with ``scheduled_booster`` the first
    maintenance course is given while the patient is still well (no relapse before it).
    """
    inductions = [i for i, c in enumerate(p.courses) if c.phase == "induction"]
    if not inductions:
        return "", []
    induction_i = inductions[0]
    course = p.courses[induction_i]
    boosters = [(i, c) for i, c in enumerate(p.courses) if c.phase == "maintenance"]
    traj = draw_trajectory(rng, p, course, bool(boosters))
    given_days = [s.day for s in given_sessions(course)]
    start = given_days[0] if given_days else course.sessions[0].day
    ended = course.status in ("completed", "discontinued") and bool(given_days)
    series_end = given_days[-1] if ended else None
    booster_day = boosters[0][1].sessions[0].day if boosters else None
    creep = p.index % CREEP_EVERY == CREEP_AT
    scheduled = scheduled_booster and booster_day is not None and not creep
    minute_of = {s.day: s.minute_of_day for s in course.sessions}
    for _, b in boosters:
        minute_of.update({s.day: s.minute_of_day for s in b.sessions})

    # When: day -> (kind, course index). The first claim on a day wins.
    when: dict[date, tuple[str, int]] = {}

    def claim(day: date | None, kind: str, course_i: int = induction_i, chance: float = 1.0) -> None:
        if day is None or day >= as_of or day in when:
            return
        if rng.random() < chance:
            when[day] = (kind, course_i)

    baseline_day = start - timedelta(days=rng.choice((0, 0, 0, 0, 1, 2, 3, 5, 7)))
    if baseline_day >= as_of:
        baseline_day = as_of - timedelta(days=rng.randint(1, 6))
    claim(baseline_day, "baseline")
    weekly = course.modality == "tms"
    for s in course.sessions:
        if s.status == "completed" and (not weekly or s.number % 5 == 1 or s.day == given_days[-1]):
            claim(s.day, "pre_session", chance=1 - MISSED)
    drug = course.modality in DRUGS
    if drug and given_days and rng.random() < 0.7:
        for d in (1, 3, 7):
            claim(given_days[0] + timedelta(days=d), "post_dose", chance=0.9)
    if series_end is not None:
        # The end-of-induction questionnaire, the day after the last dose, is always asked for.
        claim(series_end + timedelta(days=1), "post_dose")
        claim(series_end + timedelta(days=7), "post_dose", chance=0.8)

    # Relapse after a completed series (responders only).
    relapse_onset = relapse_confirm = None
    if series_end is not None and course.status == "completed" and traj.cls in ("early", "late"):
        if scheduled:
            pass  # a booster on the calendar, given while still well: no relapse before it
        elif booster_day is not None:
            gap = (booster_day - series_end).days
            relapse_onset = booster_day - timedelta(days=rng.randint(6, max(6, min(12, gap - 8))))
            relapse_confirm = booster_day - timedelta(days=1)
        elif rng.random() < RELAPSE_SHARE:
            days = max(8, min(75, round(math.exp(rng.gauss(math.log(RELAPSE_MEDIAN_DAYS), 0.55)))))
            relapse_onset = series_end + timedelta(days=days)
            relapse_confirm = relapse_onset + timedelta(days=rng.randint(6, 9))
        claim(relapse_onset, "relapse_check")
        claim(relapse_confirm, "relapse_check")
    if series_end is not None:
        offsets = FOLLOW_UP_DAYS if course.status == "completed" else FOLLOW_UP_DAYS[:2]
        for d in (d for d in offsets if d <= horizon):
            day = series_end + timedelta(days=d)
            if booster_day is None or day < booster_day:
                claim(day, "follow_up", chance=0.85)

    # Boosters: before each one, the day after some, and follow-ups after the last.
    booster_pre: dict[date, int] = {}
    for i, b in boosters:
        b_given = [s.day for s in given_sessions(b)]
        for number, day in enumerate(b_given, start=1):
            booster_pre[day] = number
            claim(day, "pre_session", i, chance=1 - MISSED)
            claim(day + timedelta(days=2), "post_dose", i, chance=1.0 if creep else 0.5)
        if b.status == "completed" and b_given:
            for d in (d for d in FOLLOW_UP_DAYS if d <= horizon // 2):
                claim(b_given[-1] + timedelta(days=d), "follow_up", i, chance=0.85)

    plans: list[AssessmentPlan] = []
    totals: dict[date, int] = {}
    for day in sorted(when):
        kind, course_i = when[day]
        if booster_day is not None and day >= booster_day:
            n = booster_pre.get(day)
            if scheduled:
                total = traj.well(rng)
            elif n == 1 or (n is None and day == booster_day):
                total = traj.relapsed(rng)
            elif n is not None and creep:
                total = traj.wearing_off(rng)
            else:
                total = traj.well(rng)
        elif relapse_onset is not None and day >= relapse_onset:
            total = traj.relapsed(rng)
        elif day <= start:
            total = traj.baseline  # the baseline the classes are measured against
        else:
            k = sum(1 for d in given_days if d < day)
            total = traj.total(rng, k, series_end is not None and day > series_end)
        # Item 9 is answered 1 now and then, only in the recent weeks: every flagged answer is stored
        # through the app's record_assessment, whose alert then waits in the inbox as in real use.
        p9 = 0.025 if total >= 15 else 0.008 if total >= 10 else 0.0
        item9 = 1 if rng.random() < p9 and day >= as_of - timedelta(days=RECENT_SAFETY_DAYS) else 0
        if day == booster_day or kind == "pre_session":
            minute = max(7 * 60, minute_of.get(day, 9 * 60) - rng.randint(3, 10) * 5)
        else:
            minute = draw_minute(rng)
        plans.append(
            checked_assessment(
                AssessmentPlan(
                    "phq9", day, minute, phq9_answers(rng, total, item9), total, kind=kind, course=course_i
                )
            )
        )
        totals[day] = total

    # GAD-7 at baseline and at the end of induction, for patients with GAD and some others.
    if totals and baseline_day in totals and ("F41.1" in p.codes or rng.random() < 0.3):
        g0 = max(3, min(21, round(rng.gauss(13 if "F41.1" in p.codes else 9, 3))))
        gad_days = [(baseline_day, g0)]
        if series_end is not None:
            cutoff = series_end + timedelta(days=7)
            end_days = [d for d in totals if start < d <= cutoff and (booster_day is None or d < booster_day)]
            if end_days:
                end = max(end_days)
                better = 1 - totals[end] / traj.baseline
                gad_days.append((end, max(0, min(21, round(g0 * (1 - 0.8 * better) + rng.gauss(0, 1.5))))))
        for day, total in gad_days:
            minute = next(a.minute_of_day for a in plans if a.day == day)
            plans.append(
                checked_assessment(
                    AssessmentPlan(
                        "gad7",
                        day,
                        minute,
                        _answers(rng, "gad7", total),
                        total,
                        kind=when[day][0],
                        course=induction_i,
                    )
                )
            )
    return traj.cls, plans


def draw_ratings(rng: random.Random, p: PatientPlan) -> list[AssessmentPlan]:
    """CADSS-6 about 40 minutes after the dose and MOAA/S during it, at each ketamine/esketamine session.

    Drawn from a stream of their own: how dissociative a patient finds the drug has nothing to do with
    whether it helps them (the report's dissociation-vs-benefit correlation should be near 0).
    """
    plans: list[AssessmentPlan] = []
    susceptibility = rng.betavariate(2.0, 3.0)  # 0..1, mean 0.4
    for i, course in enumerate(p.courses):
        if course.modality not in DRUGS:
            continue
        scale = 0.85 if course.modality == "esketamine" else 1.0
        for s in course.sessions:
            if s.status not in SESSION_RATED or s.dose_at is None:
                continue
            level = 4 * susceptibility * scale * 0.94 ** (s.number - 1)  # dissociation wanes over a series
            items = tuple(
                (item, max(0, min(4, round(rng.gauss(level * 0.6, 0.7)))))
                for item in ("q1", "q2", "q6", "q7", "q15", "q22")
            )
            cadss_after = rng.randint(35, 50)
            sedation = rng.choices((5, 4, 3), weights=(80, 16, 4))[0]
            moaas_after = (
                20 if course.modality == "ketamine_iv" else 15 if course.modality == "ketamine_im" else 30
            )
            for code, answers, after in (
                ("moaas", (("score", sedation),), moaas_after),
                ("cadss6", items, cadss_after),
            ):
                total = sum(v or 0 for _, v in answers)
                plans.append(
                    checked_assessment(
                        AssessmentPlan(
                            code,
                            s.day,
                            min(23 * 60 + 55, s.minute_of_day + s.dose_at + after),
                            answers,
                            total,
                            respondent="clinician",
                            kind="rating",
                            course=i,
                            session=s.number,
                            after_dose=after,
                        )
                    )
                )
    return plans


def add_measures(seed: int, plan: Plan) -> Plan:
    """The plan with each patient's questionnaires and ratings drawn (see above); the demo signals follow
    (``signals_plan.add_demo_signals``)."""
    patients = []
    for p in plan.patients:
        follow = stream(seed, "follow_up", p.index)
        horizon = draw_weighted(follow, LONG_FOLLOW_UP)
        scheduled = follow.random() < SCHEDULED_BOOSTER_SHARE
        cls, questionnaires = _questionnaires(
            stream(seed, "assessments", p.index), p, plan.as_of, horizon, scheduled
        )
        ratings = draw_ratings(stream(seed, "ratings", p.index), p)
        patients.append(dataclasses.replace(p, trajectory=cls, assessments=(*questionnaires, *ratings)))
    return dataclasses.replace(plan, patients=tuple(patients))
