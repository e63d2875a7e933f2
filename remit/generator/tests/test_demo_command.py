import json
from io import StringIO

import pyotp
import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from remit.accounts.models import SealedTOTPDevice, User
from remit.generator import people_plan, streams
from remit.patients.models import Patient

pytestmark = pytest.mark.django_db
KEYS = {"username", "password", "roles", "roles_by_clinic", "clinic", "clinics", "totp_secret"}


@pytest.fixture
def var(settings, tmp_path, monkeypatch, request):
    settings.VAR_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    if "with_static" not in request.fixturenames:
        # Collecting (and compressing) static files takes seconds; one test proves it happens.
        from remit.web.management.commands import demo as command

        real = command.call_command

        def skip_collectstatic(name, *args, **kwargs):
            if name != "collectstatic":
                real(name, *args, **kwargs)

        monkeypatch.setattr(command, "call_command", skip_collectstatic)
    return tmp_path


def demo():
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    return out.getvalue()


def accounts(var):
    return json.loads((var / "demo-accounts.json").read_text())


def test_it_loads_the_demo_clinic_and_writes_the_accounts_file(var):
    out = demo()
    assert Patient.objects.count() == 200
    listed = accounts(var)
    assert [a["username"] for a in listed] == [
        s.username for s in people_plan.staff_plans(2026, people_plan.clinic_plans(2))
    ]
    for account in listed:
        assert set(account) == KEYS
        assert isinstance(account["roles"], list) and account["roles"]
        assert list(account["roles_by_clinic"]) == account["clinics"]  # the roles held in each clinic
        assert account["clinic"] == account["clinics"][0]
        assert account["username"] in out and account["password"] in out and account["totp_secret"] in out
    multisite = next(a for a in listed if a["username"] == "multisite")
    assert multisite["clinics"] == [
        "Riverside Ketamine & TMS (synthetic)",
        "Hillcrest Interventional Psychiatry (synthetic)",
    ]
    assert "http://127.0.0.1:8000/" in out and "pyotp.TOTP('SECRET').now()" in out
    assert "TMS technician" in out and "Clinic administrator" in out  # roles in words, not codes
    assert "tms_technician" not in out and "clinic_admin" not in out


@pytest.fixture
def with_static():
    """Asks the ``var`` fixture to let collectstatic run."""


def test_it_migrates_and_collects_static_files(with_static, var):
    out = demo()
    assert "Applying migrations" in out
    assert (var / "static" / "remit" / "remit.css").exists()


def test_a_second_run_adds_no_patients_and_lists_the_same_accounts(var):
    demo()
    first = accounts(var)
    out = demo()
    assert Patient.objects.count() == 200
    assert User.objects.count() == 11
    assert accounts(var) == first
    assert "already has patients" in out


def test_each_printed_password_and_secret_signs_in(var):
    demo()
    factory = RequestFactory()
    for account in accounts(var):
        request = factory.post("/accounts/login/")
        user = authenticate(request, username=account["username"], password=account["password"])
        assert user is not None, account["username"]
        device = SealedTOTPDevice.objects.get(user=user, confirmed=True)
        assert device.verify_token(pyotp.TOTP(account["totp_secret"]).now())


def test_it_says_when_a_password_was_changed_since(var):
    demo()
    nurse = User.objects.get(username="nurse")
    nurse.set_password("a different long passphrase 9")
    nurse.save()
    out = demo()
    assert "stale" in out
    assert any(line.startswith("nurse ") and " *" in line for line in out.splitlines())


def test_it_shows_the_secret_of_a_re_enrolled_device(var):
    demo()
    user = User.objects.get(username="tech")
    SealedTOTPDevice.objects.filter(user=user).delete()
    device = SealedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    demo()
    tech = next(a for a in accounts(var) if a["username"] == "tech")
    assert device.verify_token(pyotp.TOTP(tech["totp_secret"]).now())


def test_it_uses_the_seed_the_database_was_generated_with(var):
    call_command("generate", patients=10, seed=77, stdout=StringIO())
    demo()
    assert Patient.objects.count() == 10
    prescriber = next(a for a in accounts(var) if a["username"] == "prescriber")
    assert prescriber["password"] == streams.staff_password(77, "prescriber")


def test_the_demo_clinic_has_screenings_awaiting_sign_off_and_rems_forms_due(var):
    from django.utils import timezone

    from remit.screening.models import Screening
    from remit.treatment.models import RemsMonitoringForm

    out = demo()
    waiting = Screening.objects.filter(signed_at__isnull=True)
    assert waiting.count() >= 3
    assert all(s.result for s in waiting)  # evaluated by the rules, ready for a prescriber
    due = RemsMonitoringForm.objects.filter(submitted_at__isnull=True)
    assert due.exists()
    today = timezone.localdate()
    assert any(form.due_by >= today for form in due)  # at least one still due, not only overdue
    for form in due:
        assert form.session.modality == "esketamine" and form.session.signed_at is not None
    assert f"{waiting.count()} screenings to sign, {due.count()} REMS forms to send" in out
