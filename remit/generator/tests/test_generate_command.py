import json
from datetime import date
from io import StringIO

import pyotp
import pytest
from django.core.management import CommandError, call_command

from remit.accounts.models import Clinic, SealedTOTPDevice, User
from remit.audit.actions import verify_trail
from remit.audit.models import AuditEvent
from remit.generator import people_plan, synthetic
from remit.patients.models import Allergy, AntidepressantTrial, Diagnosis, Medication, Patient, WeightEntry

pytestmark = pytest.mark.django_db
AS_OF = "2026-01-15"


def generate(**options):
    out = StringIO()
    call_command("generate", stdout=out, **{"as_of": AS_OF, **options})
    return out.getvalue()


def test_it_loads_the_patients_of_the_plan():
    generate(patients=50, seed=1)
    plan = synthetic.build_plan(1, patients=50, as_of=date.fromisoformat(AS_OF))
    stored = list(
        Patient.objects.order_by("id").values_list("mrn", "given_name", "family_name", "date_of_birth")
    )
    assert stored == [(p.mrn, p.given_name, p.family_name, p.date_of_birth) for p in plan.patients]
    assert AntidepressantTrial.objects.count() == sum(len(p.trials) for p in plan.patients)
    assert Diagnosis.objects.count() == sum(len(p.diagnoses) for p in plan.patients)
    assert Medication.objects.count() == sum(
        len(p.medications) + len(p.extra_medications) for p in plan.patients
    )
    assert WeightEntry.objects.count() == sum(len(p.weights) for p in plan.patients)
    assert Allergy.objects.count() == sum(len(p.allergies) for p in plan.patients)
    assert set(Clinic.objects.values_list("name", flat=True)) == {c.name for c in plan.clinics}


def test_two_runs_with_the_same_seed_load_the_same_people_under_new_mrns():
    fields = ("given_name", "family_name", "date_of_birth", "phone", "clinic__slug")
    generate(patients=30, seed=4)
    first = list(Patient.objects.order_by("id").values_list(*fields))
    generate(patients=30, seed=4)
    second = list(Patient.objects.order_by("id").values_list(*fields)[30:])
    assert first == second
    mrns = list(Patient.objects.order_by("id").values_list("mrn", flat=True))
    assert len(set(mrns)) == 60


def test_the_stored_rows_pass_the_models_own_validation():
    generate(patients=20, seed=2)
    for model in (Patient, Diagnosis, AntidepressantTrial, Medication, WeightEntry, Allergy):
        for row in model.objects.all():
            row.full_clean()


def test_medication_flags_are_stored():
    generate(patients=200, seed=2026)
    assert Medication.objects.filter(is_benzodiazepine=True).exists()
    assert Medication.objects.filter(is_opioid_antagonist=True, name="naltrexone").exists()


def test_each_staff_member_can_sign_in_with_the_planned_totp_secret():
    generate(patients=50, seed=1)
    plan = synthetic.build_plan(1, patients=0, as_of=date.fromisoformat(AS_OF))
    assert User.objects.count() == len(plan.staff)
    for staff in plan.staff:
        user = User.objects.get(username=staff.username)
        # The planned roles are held in each of the planned clinics.
        slugs = dict(Clinic.objects.values_list("pk", "slug"))
        assert {slugs[c]: sorted(r) for c, r in user.roles_by_clinic().items()} == {
            slug: sorted(staff.roles) for slug in staff.clinics
        }
        device = SealedTOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.verify_token(pyotp.TOTP(staff.totp_secret).now())


def test_it_writes_one_audit_event_for_the_generated_rows():
    generate(patients=50, seed=1)
    runs = list(AuditEvent.objects.filter(object_type="patients.patient"))
    assert len(runs) == 1
    event = runs[0]
    assert event.action == "create" and event.actor is None and event.actor_label == "remit generate"
    assert event.detail == {"generator": 1, "patients": 50}
    assert verify_trail().ok


def test_a_second_run_adds_patients_with_new_mrns_and_keeps_staff():
    generate(patients=40, seed=1)
    nurse = User.objects.get(username="nurse")
    hash_before = nurse.password
    generate(patients=40, seed=1)
    assert Patient.objects.count() == 80
    assert Patient.objects.values("clinic", "mrn").distinct().count() == 80
    riverside = sorted(
        Patient.objects.filter(clinic__slug="riverside-synthetic").values_list("mrn", flat=True)
    )
    assert riverside == [people_plan.format_mrn("RKT", n) for n in range(1, len(riverside) + 1)]
    assert User.objects.count() == 11
    assert User.objects.get(username="nurse").password == hash_before
    assert SealedTOTPDevice.objects.count() == 11
    assert AuditEvent.objects.filter(object_type="patients.patient").count() == 2


def test_json_prints_one_document_with_the_summary():
    out = generate(patients=10, seed=3, json=True)
    summary = json.loads(out)
    assert summary["seed"] == 3 and summary["patients"] == 10 and summary["as_of"] == AS_OF
    assert sum(c["patients"] for c in summary["clinics"]) == 10
    assert len(summary["staff_created"]) == 11 and summary["staff_existing"] == []


def test_the_plain_summary_is_one_line():
    out = generate(patients=5, seed=3)
    assert out.count("\n") == 1 and "Generated 5 synthetic patients" in out


def test_it_refuses_bad_arguments():
    with pytest.raises(CommandError, match="--clinics"):
        generate(patients=5, seed=1, clinics=9)
    with pytest.raises(CommandError, match="--patients"):
        generate(patients=-1, seed=1)
    with pytest.raises(CommandError, match="--as-of"):
        generate(patients=1, seed=1, as_of="15/01/2026")
    assert Patient.objects.count() == 0


def test_it_refuses_a_production_set_up_without_force(settings):
    settings.HTTPS = True
    with pytest.raises(CommandError, match="REMIT_HTTPS"):
        generate(patients=5, seed=1)
    assert Patient.objects.count() == 0 and User.objects.count() == 0
    generate(patients=5, seed=1, force=True)
    assert Patient.objects.count() == 5
