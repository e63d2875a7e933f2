"""One questionnaire per instrument per patient per day, across courses.

A patient is texted at most once a day per instrument, whichever course (an
esketamine induction followed by its maintenance course, or two courses at
once) or person asked for it.  ``RequestedInstrument`` holds one row per
questionnaire of a questionnaire request, and a database constraint allows one live item per
patient, instrument and due date.  This module is where that rule is applied:

- ``already_asked`` tells ``actions_questionnaire_requests.create_request`` which instruments the
  patient is already asked on a day, so they are dropped (and the rest is
  added to that day's unsent visit, so the patient gets one text);
- ``merge_duplicate_questionnaires`` is the data migration that gave every
  stored request its items and merged the duplicates stored before the rule.
  It never deletes and never moves an answer: an assessment stays on the
  visit it was given in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Q

# Statuses, as stored (the migration runs on historical models without the class constants).
PENDING, SENT, COMPLETED, PARTIAL, MISSED, CANCELLED = (
    "pending",
    "sent",
    "completed",
    "partial",
    "missed",
    "cancelled",
)
OPEN = (PENDING, SENT)

# Which duplicate survives when none of them was answered: a link already out beats one not sent,
# which beats a questionnaire request already closed.
SURVIVOR_RANK = {SENT: 0, PENDING: 1, COMPLETED: 2, PARTIAL: 3, MISSED: 4}
MERGED_NOTE = "merged into questionnaire request {survivor}: the same questionnaire was asked twice that day"


def already_asked(patient_id: int, due_date: dt.date, codes: Iterable[str]) -> dict[str, Any]:
    """The live item of each of ``codes`` the patient is already asked on ``due_date``, by code."""
    from remit.measures.models import RequestedInstrument

    return {
        item.instrument: item
        for item in RequestedInstrument.objects.select_related("questionnaire_request").filter(
            patient_id=patient_id, due_date=due_date, instrument__in=list(codes), live=True
        )
    }


def _models_as_migrated(apps: Any) -> tuple[Any, Any, str]:
    """The request and item models and the item's link to its request, by the names ``apps`` knows.

    Migration 0004 runs this on the models as they stood then (``MeasurementRequest``,
    ``MeasurementItem``, ``request``), before migration 0006 renamed them; the tests run it
    on today's models.
    """
    try:
        return (
            apps.get_model("measures", "QuestionnaireRequest"),
            apps.get_model("measures", "RequestedInstrument"),
            "questionnaire_request",
        )
    except LookupError:
        return (
            apps.get_model("measures", "MeasurementRequest"),
            apps.get_model("measures", "MeasurementItem"),
            "request",
        )


def merge_duplicate_questionnaires(apps: Any, schema_editor: Any = None) -> dict[str, int]:
    """Give every stored request its items, then merge any instrument asked twice on a day.

    For each patient, instrument and day asked more than once, one item stays
    live: the first answered (by request id), else a sent link, else a pending
    one, else the earliest closed one.  Each other one stops being live and
    points at it.  An unanswered duplicate is taken out of its questionnaire request (a questionnaire request
    left with nothing to ask is cancelled; a closed one gets the status its
    remaining answers give it); an answered one keeps its answer where it is.
    Returns counts, for the tests and the migration's output.
    """
    Request, Item, fk = _models_as_migrated(apps)
    fk_id = f"{fk}_id"
    Assessment = apps.get_model("measures", "Assessment")

    # 1. Items for the requests stored before items existed, not live yet (so the constraint,
    #    when present, is never in the way); step 3 makes one per patient, instrument and day live.
    first_new = (Item.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    have_items = set(Item.objects.values_list(fk_id, flat=True).distinct())
    created = 0
    batch: list[Any] = []
    for request in Request.objects.order_by("id").iterator():
        if request.pk in have_items:
            continue
        for code in dict.fromkeys(request.instruments or []):
            batch.append(
                Item(
                    **{fk_id: request.pk},
                    patient_id=request.patient_id,
                    instrument=code,
                    due_date=request.due_date,
                    live=False,
                )
            )
        if len(batch) >= 1000:
            created += len(Item.objects.bulk_create(batch))
            batch = []
    if batch:
        created += len(Item.objects.bulk_create(batch))
    if not created:
        return {"items": 0, "merged": 0, "cancelled": 0}

    # 2. The candidates: the new items of requests not cancelled, and any item already live.
    #    Where a patient, instrument and day has several, one survives; the others point at it.
    candidates = Item.objects.filter(
        (Q(pk__gte=first_new) & ~Q(**{f"{fk}__status": CANCELLED})) | Q(live=True)
    )
    duplicated = list(
        candidates.values("patient_id", "instrument", "due_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("patient_id", "due_date", "instrument")
    )

    merged = 0
    touched: set[int] = set()
    for key in duplicated:
        code = key["instrument"]
        items = list(
            candidates.filter(patient_id=key["patient_id"], instrument=code, due_date=key["due_date"])
            .select_related(fk)
            .order_by("id")
        )
        answered = set(
            Assessment.objects.filter(
                **{f"{fk_id}__in": [getattr(item, fk_id) for item in items]},
                instrument=code,
                voided_at__isnull=True,
            ).values_list(fk_id, flat=True)
        )
        survivor = min(
            items,
            key=lambda item: (
                getattr(item, fk_id) not in answered,
                SURVIVOR_RANK.get(getattr(item, fk).status, 9),
                getattr(item, fk_id),
            ),
        )
        losers = [item for item in items if item.pk != survivor.pk]
        Item.objects.filter(pk__in=[item.pk for item in losers]).update(live=False, merged_into=survivor.pk)
        for item in losers:
            merged += 1
            request = Request.objects.get(pk=getattr(item, fk_id))
            note = MERGED_NOTE.format(survivor=getattr(survivor, fk_id))
            request.reason = (f"{request.reason}; {note}" if request.reason else note)[:300]
            if getattr(item, fk_id) not in answered:
                request.instruments = [c for c in request.instruments if c != code]
            request.save(update_fields=["reason", "instruments"])
            touched.add(request.pk)

    # 3. Every new item of a request not cancelled that was not merged away is live.
    Item.objects.filter(pk__gte=first_new, merged_into__isnull=True).exclude(
        **{f"{fk}__status": CANCELLED}
    ).update(live=True)

    cancelled = 0
    for request in Request.objects.filter(pk__in=touched).exclude(status=CANCELLED):
        stored = dict(
            Assessment.objects.filter(**{fk_id: request.pk}, voided_at__isnull=True).values_list(
                "instrument", "taken_at"
            )
        )
        codes = list(request.instruments)
        fields = ["status"]
        if not codes:
            request.status = CANCELLED
            cancelled += 1
        elif request.status in OPEN:
            continue  # still open: the patient answers what is left of it
        elif all(code in stored for code in codes):
            request.status = COMPLETED
            if request.completed_at is None:
                request.completed_at = max(stored.values())
                fields.append("completed_at")
        elif any(code in stored for code in codes):
            request.status = PARTIAL
        else:
            request.status = MISSED
        request.save(update_fields=fields)
    Item.objects.filter(**{f"{fk}__status": CANCELLED}, live=True).update(live=False)
    return {"items": created, "merged": merged, "cancelled": cancelled}


def noop(apps: Any, schema_editor: Any) -> None:
    """Reversing the merge keeps the items (nothing to undo that lost data)."""
