"""The Today board: today's sessions in the user's clinics, by chair or room, with live status.

Front desk sees scheduling only (name, time, room, status). Clinical roles
also see the modality, the running clock (minutes since dosing started), when
vitals are next due (the last ``VitalSign`` plus the clinic's interval), REMS
forms due and open alerts. Every role sees a "Beyond authorization" badge on a
session past its course's payer authorization (``remit.core.authorization``).

The page polls ``treatment:today_board`` every 30 s with htmx; the polling
element carries ``data-background`` so remit.js marks the request as
background and polling does not keep an idle session alive. The page and
each poll write one audit ``view`` row. The number of queries does not grow
with the number of sessions.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from remit.accounts import roles as R
from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.audit import actions as audit
from remit.core.modality import DRUG_MODALITIES
from remit.core.vitals import DEFAULT_VITALS_INTERVAL_MINUTES
from remit.treatment import permissions
from remit.treatment.actions_courses import beyond_for_courses
from remit.treatment.models import ClinicTreatmentSettings, RemsMonitoringForm, Session, VitalSign
from remit.treatment.queues import queues_for

POLL_SECONDS = 30
VITALS_STATUSES = (Session.DOSING, Session.MONITORING)
CLOCK_STATUSES = (Session.DOSING, Session.MONITORING, Session.READY)
STATUS_BADGES = {
    Session.BOOKED: "",
    Session.CHECKED_IN: "warn",
    Session.DOSING: "danger",
    Session.MONITORING: "warn",
    Session.READY: "ok",
    Session.COMPLETED: "ok",
    Session.NO_SHOW: "",
}
UNASSIGNED = "No chair or room assigned"


def maybe_url(name: str, *args: Any) -> str:
    """A URL if that page is installed in this build, else an empty string (no link)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _first_device_at(session: Session) -> dt.datetime | None:
    """Esketamine monitoring counts from the first device."""
    try:
        at = (session.devices or [])[0]["at"]
        return dt.datetime.fromisoformat(at) if isinstance(at, str) else None
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _vitals_due(session: Session, last_vital_at: dt.datetime | None, interval: int, now: dt.datetime) -> Any:
    if session.modality not in DRUG_MODALITIES or session.status not in VITALS_STATUSES:
        return None
    if last_vital_at is not None:
        due = last_vital_at + dt.timedelta(minutes=interval)
    else:  # no reading yet: due from the start of dosing
        due = session.dose_started_at or _first_device_at(session) or session.checked_in_at or now
    seconds = (due - now).total_seconds()
    if seconds <= -60:
        return {"overdue": True, "text": f"overdue by {int(-seconds // 60)} min", "at": due}
    if seconds <= 0:
        return {"overdue": True, "text": "due now", "at": due}
    return {"overdue": False, "text": f"in {math.ceil(seconds / 60)} min", "at": due}


def board_context(request: HttpRequest, now: dt.datetime | None = None) -> dict[str, Any]:
    user = request.user
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = _day_bounds(today)
    clinic_ids = view_clinic_ids(request)
    # Roles are per clinic: the clinical columns show for sessions of clinics where the user is clinical.
    clinical_ids = set(staff(request).clinic_ids("clinical.view")) & set(clinic_ids)
    schedule_ids = set(staff(request).clinic_ids("courses.schedule"))
    clinical = bool(clinical_ids)
    # A TMS technician (neither prescriber, nurse nor front desk there) sees that clinic's TMS sessions only.
    user_roles = staff(request).roles_by_clinic()
    tms_only = {
        c for c in clinical_ids if not user_roles.get(c, frozenset()) & {R.PRESCRIBER, R.NURSE, R.FRONT_DESK}
    }

    last_vital = (
        VitalSign.objects.filter(session=OuterRef("pk"), voided_at__isnull=True)
        .order_by("-taken_at", "-id")
        .values("taken_at")[:1]
    )
    sessions = list(
        Session.objects.filter(
            clinic_id__in=clinic_ids, scheduled_for__gte=start, scheduled_for__lt=end, voided_at__isnull=True
        )
        .exclude(status=Session.CANCELLED)
        .select_related("patient", "course")
        .annotate(last_vital_at=Subquery(last_vital))
        .order_by("room", "scheduled_for", "id")
    )
    intervals = dict(
        ClinicTreatmentSettings.objects.filter(clinic_id__in=clinic_ids).values_list(
            "clinic_id", "vitals_interval_minutes"
        )
    )
    beyond = beyond_for_courses({s.course_id: s.course for s in sessions}.values())
    rows = []
    for s in sessions:
        if s.clinic_id in tms_only and s.modality != "tms":
            continue
        started = s.dose_started_at or _first_device_at(s)
        elapsed = _minutes(now - started) if started and s.status in CLOCK_STATUSES else None
        row: dict[str, Any] = {
            "session": s,
            "patient": s.patient,
            "time": timezone.localtime(s.scheduled_for),
            "status": s.get_status_display(),
            "badge": STATUS_BADGES.get(s.status, ""),
            "booked": s.status == Session.BOOKED,
            "beyond": beyond.get(s.pk),
            "clinical": s.clinic_id in clinical_ids,
            "can_schedule": s.clinic_id in schedule_ids,
        }
        if row["clinical"]:
            row["modality"] = s.get_modality_display()
            row["elapsed"] = elapsed
            interval = intervals.get(s.clinic_id, DEFAULT_VITALS_INTERVAL_MINUTES)
            row["vitals_due"] = _vitals_due(s, s.last_vital_at, interval, now)
            row["course_url"] = reverse("treatment:course", args=[s.course_id])
            # Only a link the person may open (a TMS technician charts TMS sessions only).
            may_open = permissions.may_chart(user, s)
            row["session_url"] = maybe_url("treatment:session", s.pk) if may_open else ""
            # Checking in from Today opens the session (the check-in step redirects to it).
            row["can_check_in"] = s.status == Session.BOOKED and s.checked_in_at is None and may_open
        rows.append(row)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["session"].room or UNASSIGNED, []).append(row)
    rooms = sorted(groups.items(), key=lambda item: (item[0] == UNASSIGNED, item[0].lower()))

    context: dict[str, Any] = {
        "today": today,
        "now": timezone.localtime(now),
        "rooms": rooms,
        "rows": rows,
        "count": len(rows),
        "clinical": clinical,
        "poll_seconds": POLL_SECONDS,
    }
    if clinical:
        from remit.alerts.models import Alert

        rems = RemsMonitoringForm.objects.filter(
            session__clinic_id__in=clinical_ids, submitted_at__isnull=True
        ).aggregate(due=Count("id"), overdue=Count("id", filter=Q(due_by__lt=today)))
        context.update(
            {
                "rems_due": rems["due"],
                "rems_overdue": rems["overdue"],
                "rems_url": maybe_url("treatment:rems"),
                "alerts_open": Alert.objects.visible_to(user).open().count(),
                "alerts_url": maybe_url("alerts:inbox"),
            }
        )
    return context


def _audit(request: HttpRequest, context: dict[str, Any], *, poll: bool) -> None:
    seen = {row["patient"].pk for _, rows in context["rooms"] for row in rows}
    seen |= {
        item.patient_id for queue in context.get("queues", []) for item in queue.items if item.patient_id
    }
    patients = sorted(seen)
    audit.record(
        audit.VIEW,
        request=request,
        object_type="treatment.today",
        detail={"page": "today", "poll": poll, "date": context["today"].isoformat(), "patients": patients},
    )


@staff_required("today.view")
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    context = board_context(request)
    context["queues"] = queues_for(staff(request), context["rows"])
    _audit(request, context, poll=False)
    return render(request, "treatment/today.html", context)


@staff_required("today.view")
@require_GET
def today_board(request: HttpRequest) -> HttpResponse:
    """The board alone, for htmx to swap in every 30 seconds."""
    context = board_context(request)
    _audit(request, context, poll=True)
    return render(request, "treatment/today_board.html", context)
