"""May this user read this patient, and how: the one place that answers it for every patient page.

A staff member reads the patients of the clinics they belong to. A clinician (prescriber, nurse, TMS
technician) may also read a patient of another clinic under *emergency access* ("break the glass",
``remit.patients.actions_emergency``): with a written reason, for REMIT_EMERGENCY_ACCESS_MINUTES, and
read-only. The expiry is checked here at every request, so nothing has to run to end a grant.

Under emergency access only pages that declare themselves readable (``@emergency_readable``: the
chart and the patient's screening, courses, questionnaires and outcomes pages) open, and only with
GET; every other page of the patient (anything that changes the record, exports, and any page not
yet reviewed for it) is refused with a plain-words message. For the rest of such a request the
user may only read (``User.emergency_read_only``), so no page offers a button that changes the
record, and every audit row the request writes is marked with the grant (``remit.audit``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from remit.audit.actions import REQUEST_EMERGENCY_GRANT
from remit.patients.models import EmergencyAccess, Patient

View = TypeVar("View", bound=Callable[..., Any])

# When this session's latest emergency access runs out (a Unix time), so the page banner
# (remit.patients.context) looks grants up only while one may be in force.
SESSION_UNTIL = "emergency_access_until"

MEMBER = "member"
EMERGENCY = "emergency"


@dataclass(frozen=True)
class Access:
    """How a user reaches a patient: as a member of the patient's clinic, or under an emergency grant."""

    how: str  # MEMBER or EMERGENCY
    grant: EmergencyAccess | None = None

    @property
    def is_emergency(self) -> bool:
        return self.how == EMERGENCY


def access_to(
    user: Any, patient: Patient, capability: str = "patient.view", now: datetime | None = None
) -> Access | None:
    """May ``user`` read ``patient`` on a page that needs ``capability``, and how; None if not at all.

    Roles are per clinic: as a member, they must hold ``capability`` in the patient's clinic. Emergency
    access is for patients of clinics they do not belong to.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.can(capability, patient.clinic_id):
        return Access(MEMBER)
    if patient.clinic_id in user.member_clinic_ids():
        return None
    if not user.can_in_any_clinic("patient.emergency_access"):
        return None
    grant = (
        EmergencyAccess.objects.active(now)
        .filter(user=user, patient=patient)
        .order_by("-expires_at", "-id")
        .first()
    )
    return Access(EMERGENCY, grant) if grant is not None else None


def emergency_readable(view: View) -> View:
    """Mark a patient page as safe to open under emergency access (it only shows the record)."""
    view.emergency_readable = True  # type: ignore[attr-defined]
    return view


def page_is_readable(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "func", None)
    return request.method in ("GET", "HEAD") and bool(getattr(view, "emergency_readable", False))


def read_only_refusal(patient: Patient) -> str:
    return (
        "You are reading this patient's record under emergency access, which is read-only: "
        f"you cannot change it or download it. Ask a member of {patient.clinic.name} to do this."
    )


def enter(request: HttpRequest, patient: Patient, access: Access) -> None:
    """Apply ``access`` to the rest of the request: under emergency access, read-only and marked."""
    if not access.is_emergency:
        return
    if not page_is_readable(request):
        request.emergency_access_refused = True  # type: ignore[attr-defined]
        raise PermissionDenied(read_only_refusal(patient))
    assert access.grant is not None
    setattr(request, REQUEST_EMERGENCY_GRANT, access.grant.pk)
    request.emergency_access = access.grant  # type: ignore[attr-defined]
    request.user.emergency_read_only = True  # type: ignore[union-attr]
    request.user.emergency_clinic_id = patient.clinic_id  # type: ignore[union-attr]


def active_grants(user: Any, now: datetime | None = None) -> list[EmergencyAccess]:
    """The user's emergency accesses still in force, soonest to end first (for the page banner)."""
    if not getattr(user, "is_authenticated", False) or not user.can_in_any_clinic("patient.emergency_access"):
        return []
    return list(
        EmergencyAccess.objects.active(now or timezone.now())
        .filter(user=user)
        .select_related("patient", "patient__clinic")
        .order_by("expires_at", "id")[:5]
    )
