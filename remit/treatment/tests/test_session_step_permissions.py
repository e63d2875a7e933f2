"""Every charting action: allowed roles, front desk 403, TMS technician 403 on drug sessions, other clinic 404, CSRF."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

from typing import Any

from django.utils import timezone

from remit.testing import PermissionMatrix
from remit.treatment.models import Session, VitalSign

from .factories import START, clock, make_session, motor_threshold, step_url  # noqa: F401

DRUG_ROLES = frozenset({"prescriber", "nurse"})
TMS_ROLES = frozenset({"prescriber", "nurse", "tms_technician"})


def _signed(world: Any, session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(
        signed_at=timezone.now(), signed_by=world.users["prescriber"], status=Session.COMPLETED
    )


def _discharged(world: Any, session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(discharged_at=timezone.now(), status=Session.COMPLETED)


def _breach(world: Any, session: Session) -> None:
    VitalSign.objects.create(
        session=session,
        taken_at=timezone.now(),
        systolic=190,
        diastolic=100,
        breaches=[{"field": "systolic", "message": "systolic 190 mmHg is above 180", "severity": "high"}],
        entered_by=world.users["nurse"],
    )


def _within(world: Any, session: Session) -> None:
    VitalSign.objects.create(
        session=session,
        taken_at=timezone.now(),
        systolic=120,
        diastolic=80,
        breaches=[],
        entered_by=world.users["nurse"],
    )


def _mt(world: Any, session: Session) -> None:
    motor_threshold(session.patient, world.users["tms_technician"])


# (step, modality, roles allowed, setup, payload)
CASES: list[tuple[str, str, frozenset[str], Any, dict[str, Any]]] = [
    ("check_in", "ketamine_iv", DRUG_ROLES, None, {}),
    (
        "checklist",
        "ketamine_iv",
        DRUG_ROLES,
        None,
        {
            "fasting": "on",
            "escort": "on",
            "no_new_medications": "on",
            "questionnaire": "on",
            "pregnancy": "negative",
        },
    ),
    (
        "dose",
        "ketamine_iv",
        DRUG_ROLES,
        None,
        {"weight_kg": "70", "mg_per_kg": "0.5", "concentration_mg_per_ml": "10", "infusion_minutes": "40"},
    ),
    ("vitals", "ketamine_iv", DRUG_ROLES, None, {"systolic": "120", "diastolic": "80"}),
    ("vitals_same", "ketamine_iv", DRUG_ROLES, _within, {}),
    ("ratings", "ketamine_iv", DRUG_ROLES, None, {"moaas-score": "5"}),
    ("vital_action", "ketamine_iv", DRUG_ROLES, _breach, {"vital": "0", "kind": "observed"}),
    ("rate_moaas", "ketamine_iv", DRUG_ROLES, None, {"moaas-score": "5"}),
    ("adverse_event", "ketamine_iv", DRUG_ROLES, None, {"kind": "nausea", "severity": "mild"}),
    ("note", "ketamine_iv", DRUG_ROLES, None, {"note": "Calm."}),
    ("sign", "ketamine_iv", DRUG_ROLES, _discharged, {}),
    ("amend", "ketamine_iv", DRUG_ROLES, _signed, {"text": "Correction."}),
    ("rems_enrol", "esketamine", DRUG_ROLES, None, {"enrolled_on": "2024-01-01"}),
    ("rems_answers", "esketamine", DRUG_ROLES, None, {"sedation": "no"}),
    ("esketamine_dose", "esketamine", DRUG_ROLES, None, {"dose_mg": "56"}),
    ("check_in", "tms", TMS_ROLES, None, {}),
    (
        "motor_threshold",
        "tms",
        TMS_ROLES,
        None,
        {"determined_on": "2020-01-01", "pct_mso": "50", "method": "emg"},
    ),
    (
        "tms",
        "tms",
        TMS_ROLES,
        _mt,
        {
            "tms_pattern": "10hz",
            "intensity_pct_mt": "120",
            "pulses_planned": "3000",
            "coil_site_method": "beam_f3",
        },
    ),
    ("adverse_event", "tms", TMS_ROLES, None, {"kind": "headache", "severity": "mild"}),
    ("sign", "tms", frozenset({"prescriber", "tms_technician"}), _discharged, {}),
]


def _make_class(step: str, modality: str, roles: frozenset[str], setup: Any, payload: dict[str, Any]) -> type:
    class Matrix(PermissionMatrix):
        allowed_roles = roles
        ok_status = 302

        def url(self, world, patient):
            session = make_session(world, modality, patient=patient, scheduled_for=timezone.make_aware(START))
            if setup is not None:
                setup(world, session)
            self.data = dict(payload)
            if "vital" in self.data:
                self.data["vital"] = str(
                    VitalSign.objects.filter(session=session).values_list("pk", flat=True).get()
                )
            return step_url(session, step)

        def request(self, client, url):
            return client.post(url, self.data)

    Matrix.__name__ = f"Test_{modality}_{step}"
    return Matrix


for _case in CASES:
    _cls = _make_class(*_case)
    globals()[_cls.__name__] = _cls


def test_a_post_without_the_csrf_token_is_refused(world, csrf_client):
    from remit.testing import login

    session = make_session(world, "ketamine_iv")
    login(csrf_client, world.users["nurse"])
    response = csrf_client.post(step_url(session, "check_in"))
    assert response.status_code == 403
    assert Session.objects.get(pk=session.pk).checked_in_at is None


def test_an_unknown_step_is_not_found(world):
    session = make_session(world, "ketamine_iv")
    assert world.client("nurse").post(step_url(session, "teleport")).status_code == 404


def test_a_get_on_a_step_url_shows_the_session_page_and_charts_nothing(world, clock):
    """Reloading the address a refused step left in the browser shows the session, never a blank 405."""
    session = make_session(world, "ketamine_iv")
    response = world.client("nurse").get(step_url(session, "check_in"))
    assert response.status_code == 200
    assert "Check in" in response.content.decode()
    assert Session.objects.get(pk=session.pk).checked_in_at is None
