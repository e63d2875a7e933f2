"""Treatment courses and sessions: the second step of a plan.

Drawn from ``stream(seed, "courses", i)`` after the patient, so patient i's
history above is unchanged and patient i's courses do not depend on N.
Calendars come from the clinical core (``remit.core.calendar``), so they
keep the protocols' spacing and clinic days. Shares (approximate): ~55% of
patients have had a course (not with schizophrenia): IV ketamine induction
~60%, esketamine ~20%, TMS 10 Hz ~20%; ~35% of IV ketamine inductions are
followed by maintenance boosters; ~10% of courses are discontinued; ~10% of
patients have a course with a session on ``as_of`` (today), in a spread of
live states, and ~2% a course planned to start soon. Every patient whose
index is 3 modulo 40 has IV ketamine with boosters whose dose creeps up
(0.5 -> 0.8 mg/kg) at shrinking intervals, for the tolerance/misuse review.
Each course is linked to the signed screening made before it (``screening_plan``).
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TypedDict

from remit.core.calendar import plan_sessions as _plan_sessions
from remit.core.dosing import esketamine_session_doses as _esketamine_session_doses
from remit.core.protocols import BUILTIN_PROTOCOLS as _PROTOCOLS
from remit.core.protocols import EsketamineDosing as _EsketamineDosing
from remit.core.protocols import Protocol as _Protocol
from remit.generator.plan import CourseHistoryPlan, PatientPlan, Plan, SessionPlan, VitalPlan
from remit.generator.streams import stream

WEEKDAYS = frozenset({0, 1, 2, 3, 4})

DRUG_CHAIRS = ("Chair 1", "Chair 2", "Chair 3", "Chair 4")

TMS_ROOMS = ("TMS room 1", "TMS room 2")


# Today's live states and their weights; offsets are minutes from "now" (the loader's anchor).
TODAY_STATES = (
    ("booked", 30),
    ("checked_in", 12),
    ("dosing", 14),
    ("monitoring", 18),
    ("ready_for_discharge", 10),
    ("completed", 16),
)

DISCONTINUE_REASONS = (
    "Intolerable nausea and vomiting",
    "Patient moved away",
    "No response at the checkpoint review",
    "Blood pressure rises needed repeated treatment",
    "Payer authorization not renewed",
)
CREEP_EVERY, CREEP_AT = 40, 3


def _latest_weight(p: PatientPlan) -> Decimal:
    return p.weights[0].weight_kg if p.weights else Decimal("75.0")


def _vitals(rng: random.Random, modality: str, upto: int | None) -> tuple[VitalPlan, ...]:
    if modality == "tms":
        return ()
    minutes = (-5, 15, 40, 115) if modality == "esketamine" else (-5, 15, 30, 45)
    sys0, dia0, hr0 = rng.randint(112, 136), rng.randint(68, 86), rng.randint(62, 88)
    out = []
    for m in minutes:
        if upto is not None and m > upto:
            break
        rise = rng.randint(6, 24) if 10 <= m <= 50 else rng.randint(0, 6)
        out.append(
            VitalPlan(
                m,
                sys0 + rise,
                dia0 + rise // 2,
                hr0 + rng.randint(-4, 10),
                rng.randint(95, 99),
                rng.randint(12, 18),
            )
        )
    return tuple(out)


def _dates(code: str, start: date, days: frozenset[int], sessions: int | None = None) -> list[date]:
    protocol = _PROTOCOLS[code]
    planned = _plan_sessions(protocol, start, days)
    return [s.date for s in planned][: sessions or len(planned)]


class _SessionCommon(TypedDict):
    """The fields every session shares, whatever its state."""

    number: int
    day: date
    minute_of_day: int
    room: str
    weight_kg: Decimal | None
    mg_per_kg: Decimal | None
    dose_mg: Decimal | None
    devices: int
    lot_number: str
    pulses: int | None


def _session(
    rng: random.Random,
    p: PatientPlan,
    modality: str,
    number: int,
    day: date,
    as_of: date,
    mg_per_kg: Decimal | None,
    today_state: str | None,
    esketamine_doses: tuple[int, ...] = (56, 84),
) -> SessionPlan:
    room = rng.choice(TMS_ROOMS if modality == "tms" else DRUG_CHAIRS)
    minute = rng.choice(range(8 * 60, 15 * 60 + 1, 30))
    weight = (_latest_weight(p) + Decimal(rng.randint(-15, 15)) / 10).quantize(Decimal("0.1"))
    dose = None
    devices = 0
    if modality in ("ketamine_iv", "ketamine_im") and mg_per_kg is not None:
        dose = (weight * mg_per_kg).quantize(Decimal("0.1"))
    elif modality == "esketamine":
        # Only a dose the protocol allows at this session (remit.core.dosing.esketamine_session_doses).
        if len(esketamine_doses) == 1:
            mg = esketamine_doses[0]
        elif len(esketamine_doses) == 2:
            mg = esketamine_doses[0] if rng.random() < 0.5 else esketamine_doses[1]
        else:
            mg = rng.choice(esketamine_doses)
        devices = mg // 28
        dose = Decimal(mg)
    drug = modality != "tms"
    common: _SessionCommon = {
        "number": number,
        "day": day,
        "minute_of_day": minute,
        "room": room,
        "weight_kg": weight if drug else None,
        "mg_per_kg": mg_per_kg,
        "dose_mg": dose,
        "devices": devices,
        "lot_number": f"SYN{rng.randint(10000, 99999)}" if modality == "esketamine" else "",
        "pulses": 3000 if modality == "tms" else None,
    }
    infusion = {"ketamine_iv": 40, "ketamine_im": 1, "esketamine": 10, "tms": 19}[modality]
    discharge = 10 + infusion + 5 if modality == "tms" else 10 + 120
    if modality == "tms" and today_state == "monitoring":
        today_state = "dosing"  # TMS has no post-dose monitoring: still stimulating
    if day < as_of or today_state == "completed":
        if day < as_of and rng.random() < 0.03:
            return SessionPlan(**common, status=rng.choice(("cancelled", "no_show")))
        offset = -(discharge + rng.randint(20, 120)) if today_state else None
        return SessionPlan(
            **common,
            status="completed",
            today_offset=offset,
            checked_in_at=2,
            dose_at=10,
            end_at=10 + infusion,
            discharge_at=discharge,
            vitals=_vitals(rng, modality, None),
            signed=True,
        )
    if day > as_of or today_state == "booked":
        return SessionPlan(
            **common, status="booked", today_offset=rng.randint(2, 12) * 20 if today_state else None
        )
    # Today, in progress: elapsed minutes since dosing started.
    elapsed: int | None = None
    if today_state == "dosing":
        elapsed = rng.randint(3, max(4, infusion - 2))
    elif today_state == "monitoring":
        elapsed = rng.randint(infusion + 5, discharge - 25)
    elif today_state == "ready_for_discharge":
        elapsed = discharge - 10 + rng.randint(0, 10)
    if elapsed is None:
        return SessionPlan(**common, status="checked_in", today_offset=-rng.randint(3, 12), checked_in_at=2)
    common["pulses"] = 3000 if modality == "tms" and elapsed > infusion else None
    return SessionPlan(
        **common,
        status=today_state or "checked_in",
        today_offset=-(elapsed + 10),
        checked_in_at=2,
        dose_at=10,
        end_at=10 + infusion if elapsed > infusion else None,
        vitals=_vitals(rng, modality, elapsed),
    )


def _esketamine_doses(
    protocol: _Protocol, p: PatientPlan, day: date, previous_mg: int | None
) -> tuple[int, ...]:
    """The doses the protocol allows at this session: day 1 of an induction is the first dose given."""
    dosing = protocol.dosing
    assert isinstance(dosing, _EsketamineDosing)
    return _esketamine_session_doses(
        age=p.age_on(day),
        first_dose=protocol.phase == "induction" and previous_mg is None,
        previous_mg=previous_mg,
        dose_options_mg=dosing.dose_options_mg,
        first_dose_mg=dosing.first_dose_mg,
        older_adults=dosing.older_adults,
    ).allowed_mg


def draw_course(
    rng: random.Random,
    p: PatientPlan,
    code: str,
    start: date,
    as_of: date,
    *,
    days: frozenset[int] = WEEKDAYS,
    mg_per_kg: Decimal | None = None,
    doses: list[Decimal] | None = None,
    dates: list[date] | None = None,
    discontinue: bool = False,
) -> CourseHistoryPlan:
    protocol = _PROTOCOLS[code]
    all_dates = dates or _dates(code, start, days)
    if discontinue:
        all_dates = all_dates[: rng.randint(1, max(1, len(all_dates) - 1))]
    sessions = []
    today_state = rng.choices([s for s, _ in TODAY_STATES], weights=[w for _, w in TODAY_STATES])[0]
    previous_mg: int | None = None
    for n, day in enumerate(all_dates, start=1):
        per_kg = doses[n - 1] if doses else mg_per_kg
        state = today_state if day == as_of else None
        allowed = (
            _esketamine_doses(protocol, p, day, previous_mg) if protocol.modality == "esketamine" else ()
        )
        session = _session(rng, p, protocol.modality, n, day, as_of, per_kg, state, allowed or (56, 84))
        sessions.append(session)
        if session.devices and session.status not in ("cancelled", "no_show"):
            previous_mg = 28 * session.devices
    last = all_dates[-1]
    if discontinue and last < as_of:
        status, end = "discontinued", last
    elif last < as_of or (last == as_of and sessions[-1].status == "completed"):
        status, end = "completed", last
    elif all_dates[0] > as_of:
        status, end = "planned", None
    else:
        status, end = "active", None
    authorised = protocol.planned_sessions + rng.choice((0, 0, 0, 2, 6)) if rng.random() < 0.7 else None
    return CourseHistoryPlan(
        protocol=code,
        modality=protocol.modality,
        phase=protocol.phase,
        start_date=all_dates[0],
        status=status,
        end_date=end,
        discontinue_reason=rng.choice(DISCONTINUE_REASONS) if status == "discontinued" else "",
        mg_per_kg=mg_per_kg if doses is None else doses[0],
        authorised_sessions=authorised,
        authorisation_valid_until=(all_dates[0] + timedelta(days=rng.choice((45, 60, 90))))
        if authorised
        else None,
        sessions=tuple(sessions),
        motor_threshold_pct=rng.randint(38, 72) if protocol.modality == "tms" else None,
    )


def _start_for_today(
    code: str, as_of: date, rng: random.Random, days: frozenset[int]
) -> tuple[date, list[date]]:
    """A start date whose calendar has a session (not the first) on ``as_of``."""
    for back in range(rng.randint(2, 6), 90):
        start = as_of - timedelta(days=back)
        planned = _dates(code, start, days)
        if as_of in planned[1:]:
            return start, planned
    planned = _dates(code, as_of, days)
    return as_of, planned


def _courses(rng: random.Random, p: PatientPlan, as_of: date) -> tuple[CourseHistoryPlan, ...]:
    if "F20.9" in p.codes:
        return ()
    creep = p.index % CREEP_EVERY == CREEP_AT
    if not creep and rng.random() >= 0.55:
        return ()
    roll = rng.random()
    code = (
        "ketamine_iv_induction"
        if creep or roll < 0.60
        else "esketamine_induction"
        if roll < 0.80
        else "tms_10hz"
    )
    if code == "esketamine_induction" and p.age_on(as_of) >= 65:
        code = "ketamine_iv_induction"
    iv_dose = Decimal("0.5")
    mg = iv_dose if code.startswith("ketamine") else None
    when = rng.random()
    days = WEEKDAYS | {as_of.weekday()}
    out: list[CourseHistoryPlan] = []
    if when < 0.18 and not creep:
        start, dates = _start_for_today(code, as_of, rng, days)
        out.append(draw_course(rng, p, code, start, as_of, days=days, mg_per_kg=mg, dates=dates))
        return tuple(out)
    if when < 0.22 and not creep:
        start = as_of + timedelta(days=rng.randint(1, 10))
        out.append(draw_course(rng, p, code, start, as_of, mg_per_kg=mg))
        return tuple(out)
    start = as_of - timedelta(days=rng.randint(60, 330))
    induction = draw_course(
        rng, p, code, start, as_of, mg_per_kg=mg, discontinue=not creep and rng.random() < 0.10
    )
    out.append(induction)
    ended = induction.end_date
    if (
        code == "ketamine_iv_induction"
        and induction.status == "completed"
        and ended is not None
        and (creep or rng.random() < 0.35)
    ):
        first = ended + timedelta(days=rng.randint(14, 35))
        if creep:
            # Boosters asked for sooner and sooner, at higher and higher doses.
            gaps = (21, 17, 14, 11, 9, 7)
            dates, day = [], first
            for gap in gaps:
                while day.weekday() not in WEEKDAYS:
                    day += timedelta(days=1)
                if day > as_of:
                    break
                dates.append(day)
                day += timedelta(days=gap)
            doses = [Decimal("0.5") + Decimal("0.06") * i for i in range(len(dates))]
            doses = [min(d, Decimal("0.8")).quantize(Decimal("0.01")) for d in doses]
            if dates:
                out.append(
                    draw_course(rng, p, "ketamine_iv_maintenance", dates[0], as_of, doses=doses, dates=dates)
                )
        elif first <= as_of:
            out.append(draw_course(rng, p, "ketamine_iv_maintenance", first, as_of, mg_per_kg=iv_dose))
    return tuple(out)


def add_courses(seed: int, plan: Plan) -> Plan:
    """The plan with each patient's courses drawn (from stream(seed, "courses", i))."""
    patients = tuple(
        dataclasses.replace(p, courses=_courses(stream(seed, "courses", p.index), p, plan.as_of))
        for p in plan.patients
    )
    return dataclasses.replace(plan, patients=patients)
