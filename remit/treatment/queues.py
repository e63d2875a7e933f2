"""The work queues on Today: what each person has to do, by the roles they hold in each clinic.

A queue is a heading, a few items and a count; each item links to the page where the work is done
(only a page the person may open). Every queue runs a fixed number of queries, whatever the number
of items: it lists at most ``SHOWN`` items and says how many more there are.

- prescriber: screenings to sign, notes to co-sign, open alerts, patients at a non-response
  checkpoint, "My patients" (courses they prescribe);
- nurse: vitals due, discharges pending, notes to sign (the chairs are the board below);
- TMS technician: TMS notes to sign (the board below shows them TMS sessions only);
- front desk: bookings (today's and upcoming), questionnaires missed, unsent REMS forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from remit.accounts import roles as R
from remit.accounts.models import Membership
from remit.alerts.models import Alert
from remit.core.modality import DRUG_MODALITIES
from remit.measures.models import QuestionnaireRequest
from remit.screening.models import Screening
from remit.treatment.models import Course, RemsMonitoringForm, Session

SHOWN = 8
UPCOMING_DAYS = 7
NONRESPONSE = "nonresponse"  # the decision rules' alert kind for a non-response checkpoint


@dataclass
class Item:
    text: str
    url: str = ""
    detail: str = ""
    patient_id: int = 0  # for the page's audit row


@dataclass
class Queue:
    key: str  # the queue's test id and anchor
    title: str
    empty: str
    items: list[Item] = field(default_factory=list)
    more: int = 0

    @property
    def count(self) -> int:
        return len(self.items) + self.more


def url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def name(patient: Any) -> str:
    return f"{patient.family_name}, {patient.given_name}"


def when(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%b %-d, %H:%M") if at else ""


def _fill(queue: Queue, rows: list[Any], make: Any) -> Queue:
    """``rows`` were fetched with one extra beyond ``SHOWN``: the extra only says there are more."""
    queue.items = [make(row) for row in rows[:SHOWN]]
    queue.more = max(0, len(rows) - SHOWN)
    return queue


def role_clinics(user: Any, role: str) -> list[int]:
    return sorted(c for c, roles in user.roles_by_clinic().items() if role in roles)


# --- prescriber ----------------------------------------------------------------


def screenings_to_sign(clinic_ids: list[int]) -> Queue:
    rows = list(
        Screening.objects.filter(clinic_id__in=clinic_ids, status=Screening.DRAFT, voided_at__isnull=True)
        .select_related("patient")
        .order_by("created_at", "id")[: SHOWN + 1]
    )
    return _fill(
        Queue("screenings-to-sign", "Screenings to sign", "No screenings waiting for your signature."),
        rows,
        lambda s: Item(
            name(s.patient), url("screening:detail", s.pk), f"entered {when(s.created_at)}", s.patient_id
        ),
    )


def notes_to_cosign(clinic_ids: list[int]) -> Queue:
    """Sessions signed by a nurse or TMS technician and not yet co-signed (two queries)."""
    prescribers: dict[int, list[int]] = {c: [] for c in clinic_ids}
    for user_id, clinic_id, roles in Membership.objects.filter(clinic_id__in=clinic_ids).values_list(
        "user_id", "clinic_id", "roles"
    ):
        if R.PRESCRIBER in (roles or []):
            prescribers[clinic_id].append(user_id)
    by_clinic = Q()
    for clinic_id, ids in prescribers.items():
        by_clinic |= Q(clinic_id=clinic_id) & ~Q(signed_by_id__in=ids)
    rows = (
        list(
            Session.objects.filter(
                by_clinic, signed_at__isnull=False, voided_at__isnull=True, cosignature__isnull=True
            )
            .select_related("patient", "signed_by")
            .order_by("signed_at", "id")[: SHOWN + 1]
        )
        if clinic_ids
        else []
    )
    return _fill(
        Queue("notes-to-cosign", "Notes to co-sign", "No notes waiting for your co-signature."),
        rows,
        lambda s: Item(
            f"{name(s.patient)}: {s.get_modality_display()} session {s.number}",
            url("treatment:session_cosign", s.pk),
            f"signed by {s.signed_by.get_full_name() or s.signed_by.get_username()}, {when(s.signed_at)}",
            s.patient_id,
        ),
    )


def open_alerts(user: Any, clinic_ids: list[int]) -> Queue:
    rows = list(
        Alert.objects.visible_to(user)
        .filter(clinic_id__in=clinic_ids)
        .open()
        .exclude(kind=NONRESPONSE)
        .most_severe_first()
        .select_related("patient")[: SHOWN + 1]
    )
    return _fill(
        Queue("open-alerts", "Open alerts", "No open alerts."),
        rows,
        lambda a: Item(
            f"{name(a.patient)}: {a.kind_label}",
            url("alerts:detail", a.pk),
            f"{a.get_severity_display()} severity",
            a.patient_id,
        ),
    )


def nonresponse_checkpoints(clinic_ids: list[int]) -> Queue:
    """Patients the decision rules found at a non-response checkpoint (their open alert of that kind)."""
    rows = list(
        Alert.objects.filter(clinic_id__in=clinic_ids, kind=NONRESPONSE)
        .open()
        .select_related("patient")
        .order_by("created_at", "id")[: SHOWN + 1]
    )
    return _fill(
        Queue("nonresponse", "At a non-response checkpoint", "No patients at a non-response checkpoint."),
        rows,
        lambda a: Item(
            name(a.patient),
            url("reports:patient", a.patient_id) or url("alerts:detail", a.pk),
            a.reason,
            a.patient_id,
        ),
    )


def my_patients(user: Any, clinic_ids: list[int]) -> Queue:
    rows = list(
        Course.objects.filter(
            prescriber=user, clinic_id__in=clinic_ids, status__in=[Course.PLANNED, Course.ACTIVE]
        )
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name", "id")[: SHOWN * 4]
    )
    seen: dict[int, Course] = {}
    for course in rows:
        seen.setdefault(course.patient_id, course)
    courses = list(seen.values())
    return _fill(
        Queue("my-patients", "My patients", "No patients on a course you prescribe."),
        courses,
        lambda c: Item(
            name(c.patient),
            url("patients:detail", c.patient_id),
            f"{c.get_modality_display()}, {c.get_status_display().lower()}",
            c.patient_id,
        ),
    )


# --- nurse and TMS technician ------------------------------------------------------


def vitals_due(rows: list[dict[str, Any]]) -> Queue:
    """From the board's rows: sessions being monitored, soonest due first."""
    due = sorted(
        (r for r in rows if r.get("vitals_due") and r.get("session_url")), key=lambda r: r["vitals_due"]["at"]
    )
    return _fill(
        Queue("vitals-due", "Vitals due", "No vitals due."),
        due,
        lambda r: Item(
            f"{name(r['patient'])}, {r['session'].room or 'no chair'}",
            r["session_url"],
            f"vitals {r['vitals_due']['text']}",
            r["patient"].pk,
        ),
    )


def discharges_pending(rows: list[dict[str, Any]]) -> Queue:
    ready = [r for r in rows if r["session"].status == Session.READY and r.get("session_url")]
    return _fill(
        Queue("discharges-pending", "Discharges pending", "No one waiting for discharge."),
        ready,
        lambda r: Item(
            f"{name(r['patient'])}, {r['session'].room or 'no chair'}",
            r["session_url"],
            "ready for discharge",
            r["patient"].pk,
        ),
    )


def notes_to_sign(clinic_ids: list[int], *, modalities: tuple[str, ...], key: str, title: str) -> Queue:
    """Sessions finished (discharged) and not signed, of the modalities this person signs."""
    rows = list(
        Session.objects.filter(
            clinic_id__in=clinic_ids,
            modality__in=modalities,
            status=Session.COMPLETED,
            signed_at__isnull=True,
            voided_at__isnull=True,
        )
        .select_related("patient")
        .order_by("scheduled_for", "id")[: SHOWN + 1]
    )
    return _fill(
        Queue(key, title, "No notes waiting for your signature."),
        rows,
        lambda s: Item(
            f"{name(s.patient)}: {s.get_modality_display()} session {s.number}",
            url("treatment:session", s.pk),
            when(s.scheduled_for),
            s.patient_id,
        ),
    )


# --- front desk ----------------------------------------------------------------


def bookings(clinic_ids: list[int], now: dt.datetime) -> Queue:
    rows = list(
        Session.objects.filter(
            clinic_id__in=clinic_ids,
            status=Session.BOOKED,
            voided_at__isnull=True,
            scheduled_for__gte=now - dt.timedelta(hours=2),
            scheduled_for__lt=now + dt.timedelta(days=UPCOMING_DAYS),
        )
        .select_related("patient")
        .order_by("scheduled_for", "id")[: SHOWN + 1]
    )
    return _fill(
        Queue("bookings", "Bookings, today and the next 7 days", "No bookings."),
        rows,
        lambda s: Item(
            f"{name(s.patient)}, {when(s.scheduled_for)}",
            url("treatment:session_reschedule", s.pk),
            f"{s.room or 'no chair or room'} · move or confirm",
            s.patient_id,
        ),
    )


def questionnaires_missed(clinic_ids: list[int], now: dt.datetime) -> Queue:
    rows = list(
        QuestionnaireRequest.objects.filter(
            patient__clinic_id__in=clinic_ids,
            status=QuestionnaireRequest.MISSED,
            closes_at__gte=now - dt.timedelta(days=14),
        )
        .select_related("patient")
        .order_by("-closes_at", "-id")[: SHOWN + 1]
    )
    return _fill(
        Queue("questionnaires-missed", "Questionnaires missed (last 14 days)", "No questionnaires missed."),
        rows,
        lambda q: Item(
            name(q.patient),
            url("patients:detail", q.patient_id),
            f"closed {when(q.closes_at)} unanswered",
            q.patient_id,
        ),
    )


def unsent_rems_forms(user: Any, clinic_ids: list[int]) -> Queue:
    """Esketamine REMS monitoring forms not yet submitted; linked only for someone who may open them."""
    rows = list(
        RemsMonitoringForm.objects.filter(session__clinic_id__in=clinic_ids, submitted_at__isnull=True)
        .select_related("session", "session__patient")
        .order_by("due_by", "id")[: SHOWN + 1]
    )
    return _fill(
        Queue("unsent-rems", "REMS forms not yet submitted", "Every REMS form is submitted."),
        rows,
        lambda f: Item(
            name(f.session.patient),
            url("treatment:rems_form", f.pk) if user.can("sessions.chart", f.session.clinic_id) else "",
            f"due {f.due_by:%b %-d}",
            f.session.patient_id,
        ),
    )


# --- by person -------------------------------------------------------------------


def queues_for(user: Any, board_rows: list[dict[str, Any]], now: dt.datetime | None = None) -> list[Queue]:
    """The queues of every role the user holds, in the order a day goes; each role's in its own clinics."""
    now = now or timezone.now()
    prescriber = role_clinics(user, R.PRESCRIBER)
    nurse = role_clinics(user, R.NURSE)
    technician = [c for c in role_clinics(user, R.TMS_TECHNICIAN) if c not in prescriber and c not in nurse]
    front_desk = role_clinics(user, R.FRONT_DESK)
    queues: list[Queue] = []
    if prescriber:
        queues += [
            screenings_to_sign(prescriber),
            notes_to_cosign(prescriber),
            open_alerts(user, prescriber),
            nonresponse_checkpoints(prescriber),
        ]
    if nurse or prescriber:
        mine = set(nurse) | set(prescriber)
        rows = [r for r in board_rows if r["session"].clinic_id in mine]
        queues += [vitals_due(rows), discharges_pending(rows)]
    if nurse:
        queues.append(
            notes_to_sign(
                nurse, modalities=tuple(DRUG_MODALITIES), key="notes-to-sign", title="Notes to sign"
            )
        )
    if technician:
        rows = [r for r in board_rows if r["session"].clinic_id in technician]
        queues.append(discharges_pending(rows))
        queues.append(
            notes_to_sign(technician, modalities=("tms",), key="notes-to-sign", title="TMS notes to sign")
        )
    if front_desk:
        queues += [
            bookings(front_desk, now),
            questionnaires_missed(front_desk, now),
            unsent_rems_forms(user, front_desk),
        ]
    if prescriber:
        queues.append(my_patients(user, prescriber))
    return queues
