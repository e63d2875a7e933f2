"""45 CFR 170.315(d)(1) Authentication, access control, and authorization.

Roles are held per clinic membership. The escalation found by the security review, end to end: an
administrator of clinic A gives clinic administrator to a staff member who also works in clinic B.
Before, that made them administrator in B too. Now every step of the attack fails: they cannot list
B's staff, reset a B nurse's second factor, issue a token that reads B, read B's audit trail, or open
B's patients' clinical pages; and B's administrator sees in B's own audit report what A's
administrator changed about their shared staff member.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from remit.accounts import actions as account_actions
from remit.accounts.models import Membership, SealedTOTPDevice, User
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.fhir import actions as fhir_actions
from remit.fhir.models import ApiToken
from remit.patients.models import Diagnosis
from remit.testing import login, make_patient, make_user


@pytest.fixture
def attack(world):
    """Clinic A's administrator makes Sam, a nurse in A who is front desk in B, an administrator."""
    sam = make_user("sam", memberships={world.clinic: ["nurse"], world.other_clinic: ["front_desk"]})
    b_nurse = make_user("bea", ["nurse"], [world.other_clinic])
    shared_nurse = make_user("shay", ["nurse"], [world.clinic, world.other_clinic])
    b_patient = make_patient(world.other_clinic, family_name="Bpatient")
    Diagnosis.objects.create(patient=b_patient, code="F33.2", description="Recurrent severe depression")
    response = world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[sam.pk]),
        {
            "first_name": sam.first_name,
            "last_name": sam.last_name,
            "email": "",
            f"roles_{world.clinic.pk}": ["nurse", "clinic_admin"],
        },
    )
    assert response.status_code == 302
    sam = User.objects.get(pk=sam.pk)
    client = login(world.client("anonymous"), sam)
    return {
        "world": world,
        "sam": sam,
        "client": client,
        "b_nurse": b_nurse,
        "shared_nurse": shared_nurse,
        "b_patient": b_patient,
    }


def test_the_new_administrator_role_is_held_in_clinic_a_only(attack):
    world, sam = attack["world"], attack["sam"]
    assert sam.roles_in(world.clinic) == {"nurse", "clinic_admin"}
    assert sam.roles_in(world.other_clinic) == {"front_desk"}
    assert sam.can("users.manage", world.clinic) and not sam.can("users.manage", world.other_clinic)
    assert sam.clinic_ids("users.manage") == [world.clinic.pk]
    assert sam.clinic_ids("patient.view") == sorted([world.clinic.pk, world.other_clinic.pk])


def test_listing_staff_shows_clinic_a_only_and_never_bs_staff(attack):
    world, client = attack["world"], attack["client"]
    page = client.get(reverse("accounts:users")).content.decode()
    assert "Clinic A" in page
    assert "bea" not in page  # B's nurse
    asked_for_b = client.get(reverse("accounts:users"), {"clinic": world.other_clinic.pk}).content.decode()
    assert "bea" not in asked_for_b and "Clinic B" not in asked_for_b
    assert client.get(reverse("accounts:user_edit", args=[attack["b_nurse"].pk])).status_code == 404


def test_the_user_list_shows_each_members_roles_in_that_clinic(attack):
    page = attack["client"].get(reverse("accounts:users")).content.decode()
    row = page[page.index(">sam<") :]
    row = row[: row.index("</tr>")]
    assert "Clinic A" in row and "Nurse, Clinic administrator" in row
    assert "Front desk" not in row  # the role Sam holds in B is B's business


def test_resetting_a_b_nurses_second_factor_fails(attack):
    client, b_nurse = attack["client"], attack["b_nurse"]
    response = client.post(reverse("accounts:user_reset_mfa", args=[b_nurse.pk]))
    assert response.status_code == 404
    assert SealedTOTPDevice.objects.filter(user=b_nurse).exists()


def test_resetting_the_second_factor_of_someone_who_also_works_in_b_fails_with_the_reason(attack):
    client, shared = attack["client"], attack["shared_nurse"]
    page = client.get(reverse("accounts:user_edit", args=[shared.pk])).content.decode()
    assert "You cannot reset it: they also work in a clinic you do not administer" in page
    response = client.post(reverse("accounts:user_reset_mfa", args=[shared.pk]))
    assert response.status_code == 403
    assert "an administrator of all their clinics resets their two-step sign-in" in response.content.decode()
    assert SealedTOTPDevice.objects.filter(user=shared).exists()
    assert not AuditEvent.objects.filter(action=audit.MFA_RESET).exists()


def test_deactivating_someone_who_also_works_in_b_takes_them_off_clinic_a_only(attack):
    world, client, shared = attack["world"], attack["client"], attack["shared_nurse"]
    page = client.get(reverse("accounts:user_edit", args=[shared.pk])).content.decode()
    assert "deactivating takes them off your clinics only" in page
    response = client.post(reverse("accounts:user_deactivate", args=[shared.pk]), {"reason": "Left clinic A"})
    assert response.status_code == 302
    shared = User.objects.get(pk=shared.pk)
    assert shared.is_active
    assert shared.roles_by_clinic() == {world.other_clinic.pk: frozenset({"nurse"})}
    rows = AuditEvent.objects.filter(action=audit.ROLE_CHANGE, object_id=str(shared.pk))
    assert sorted(r.clinic_id for r in rows) == sorted([world.clinic.pk, world.other_clinic.pk])


def test_issuing_a_token_for_clinic_b_fails(attack):
    world, client, sam = attack["world"], attack["client"], attack["sam"]
    page = client.get(reverse("fhir:tokens")).content.decode()
    assert f'value="{world.other_clinic.pk}"' not in page
    response = client.post(
        reverse("fhir:tokens"),
        {"name": "B sync", "purpose": "treatment: the referring practice", "clinic": world.other_clinic.pk},
    )
    assert response.status_code == 200
    assert not ApiToken.objects.filter(clinic=world.other_clinic).exists()
    with pytest.raises(ValidationError, match="clinics you administer"):
        fhir_actions.issue_token(
            actor=sam, clinic=world.other_clinic, name="B sync", purpose="treatment: the referring practice"
        )
    assert not ApiToken.objects.filter(clinic=world.other_clinic).exists()


def test_reading_bs_audit_trail_fails(attack):
    world, client = attack["world"], attack["client"]
    b_patient = attack["b_patient"]
    marker = audit.record(
        audit.VIEW, actor=attack["b_nurse"], patient=b_patient, detail={"page": "b-only marker"}
    )
    report = client.get(reverse("audit:report")).content.decode()
    assert "b-only marker" not in report and "Bpatient" not in report
    assert (
        client.post(reverse("audit:report"), {"patient": b_patient.mrn}, follow=True)
        .context["page"]
        .paginator.count
        == 0
    )
    assert client.get(reverse("audit:disclosures", args=[b_patient.pk])).status_code == 404
    b_admin_report = world.client("other_clinic").post(reverse("audit:report"), {"user": "bea"}, follow=True)
    assert marker.pk in [row.pk for row in b_admin_report.context["rows"]]


def test_bs_patients_clinical_pages_are_closed_while_their_demographics_stay_open(attack):
    client, b_patient = attack["client"], attack["b_patient"]
    chart = client.get(reverse("patients:detail", args=[b_patient.pk]))
    assert chart.status_code == 200  # front desk in B: demographics
    page = chart.content.decode()
    assert "Bpatient" in page and "F33.2" not in page and "Recurrent severe depression" not in page
    for name in (
        "measures:patient",
        "screening:patient",
        "treatment:patient_courses",
        "reports:patient",
        "patients:add_diagnosis",
    ):
        assert client.get(reverse(name, args=[b_patient.pk])).status_code == 404, name
    a_patient = make_patient(attack["world"].clinic, family_name="Apatient")
    Diagnosis.objects.create(patient=a_patient, code="F32.1", description="Moderate depression")
    assert "F32.1" in client.get(reverse("patients:detail", args=[a_patient.pk])).content.decode()


def test_bs_administrator_sees_in_bs_audit_trail_what_as_administrator_changed_about_sam(attack):
    world, sam = attack["world"], attack["sam"]
    rows = AuditEvent.objects.filter(action=audit.ROLE_CHANGE, object_id=str(sam.pk))
    assert sorted(r.clinic_id for r in rows) == sorted([world.clinic.pk, world.other_clinic.pk])
    b_report = world.client("other_clinic").post(
        reverse("audit:report"), {"action": audit.ROLE_CHANGE}, follow=True
    )
    seen = [row for row in b_report.context["rows"] if row.object_id == str(sam.pk)]
    assert len(seen) == 1
    row = seen[0]
    assert row.actor_label == "clinic_admin" and row.clinic_id == world.other_clinic.pk
    assert row.detail["changed_in"] == ["Clinic A"]
    assert row.detail["before"]["Clinic A"] == ["nurse"]
    assert row.detail["after"]["Clinic A"] == ["nurse", "clinic_admin"]
    assert row.detail["after"]["Clinic B"] == ["front_desk"]


def test_an_administrator_cannot_give_roles_in_a_clinic_they_do_not_administer(attack):
    world, sam = attack["world"], attack["sam"]
    with pytest.raises(PermissionDenied, match="not an administrator of Clinic B"):
        account_actions.set_memberships(
            actor=sam, user=sam, memberships={world.other_clinic: ["clinic_admin"]}
        )
    assert Membership.objects.get(user=sam, clinic=world.other_clinic).roles == ["front_desk"]


def test_a_prescriber_in_a_who_is_front_desk_in_b_cannot_sign_bs_screenings_or_sessions(world):
    from remit.treatment.models import Session
    from remit.treatment.permissions import may_chart, may_sign

    doc = make_user("doc", memberships={world.clinic: ["prescriber"], world.other_clinic: ["front_desk"]})
    b_session = Session(clinic=world.other_clinic, modality="ketamine_iv")
    a_session = Session(clinic=world.clinic, modality="ketamine_iv")
    assert may_sign(doc, a_session) and may_chart(doc, a_session)
    assert not may_sign(doc, b_session) and not may_chart(doc, b_session)
    assert doc.can("screening.sign", world.clinic) and not doc.can("screening.sign", world.other_clinic)
