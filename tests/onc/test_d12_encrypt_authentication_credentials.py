"""45 CFR 170.315(d)(12) Encrypt authentication credentials.

Second factors are credentials too. A TOTP secret is stored only encrypted (Fernet under
REMIT_CREDENTIAL_KEYS), a recovery code only as a salted hash, a passkey only as its public key:
neither ``manage.py dumpdata`` nor a raw SQL read of every table shows a secret or a code. The keys
rotate without anyone enrolling again, a wrong key fails with a message that names the setting, and
production does not start without the setting.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from remit.accounts import actions, sealing
from remit.accounts.models import RecoveryCode, RecoveryCodeDevice, SealedTOTPDevice
from remit.accounts.tests.helpers import code_for, events, password_step
from remit.audit import actions as audit
from remit.testing import PASSWORD, make_user, totp_secret

ROOT = Path(__file__).resolve().parents[2]


def secret_forms(device: SealedTOTPDevice) -> list[str]:
    """Every way the secret could be written down: hex, base32, and both in either case."""
    hex_key = device.key
    b32 = totp_secret(device)
    return [hex_key, hex_key.upper(), b32, b32.lower(), base64.b64encode(bytes.fromhex(hex_key)).decode()]


def raw_database_text() -> str:
    """Every row of every table, read with plain SQL, as text (bytes both decoded and as hex)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        raw = bytes(value)
                        parts += [raw.hex(), raw.decode("latin-1")]
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def enrol_through_the_pages(client, world) -> tuple[SealedTOTPDevice, list[str]]:
    make_user("newbie", ["nurse"], [world.clinic], mfa=False)
    password_step(client, "newbie")
    page = client.get(reverse("accounts:mfa"))
    shown = re.search(rb'id="totp-secret">([A-Z2-7 ]+)<', page.content).group(1).decode().replace(" ", "")
    response = client.post(reverse("accounts:mfa"), {"code": pyotp.TOTP(shown).now()})
    codes = [c.decode() for c in re.findall(rb"<code>([a-z2-7]{16})</code>", response.content)]
    assert len(codes) == 10
    device = SealedTOTPDevice.objects.get(user__username="newbie")
    assert totp_secret(device) == shown
    return device, codes


def test_a_database_dump_shows_no_totp_secret_or_recovery_code(client, world):
    device, codes = enrol_through_the_pages(client, world)
    others = list(SealedTOTPDevice.objects.exclude(pk=device.pk))
    assert len(others) == 6  # the personas' authenticators
    secrets = secret_forms(device) + [form for other in others for form in secret_forms(other)] + codes

    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    dumped = dump.getvalue()
    assert '"model": "accounts.sealedtotpdevice"' in dumped and '"model": "accounts.recoverycode"' in dumped
    raw = raw_database_text()
    assert device.sealed_key in raw  # the read did reach the device table
    for text in (dumped, raw, dumped.lower(), raw.lower()):
        leaked = [s for s in secrets if s.lower() in text.lower()]
        assert not leaked, f"found {len(leaked)} second-factor secret(s) in the dump"


def test_django_otps_plain_tables_stay_empty(client, world):
    enrol_through_the_pages(client, world)
    with connection.cursor() as cursor:
        for table in ("otp_totp_totpdevice", "otp_static_statictoken", "otp_static_staticdevice"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            assert cursor.fetchone()[0] == 0, table


def test_a_sealed_secret_still_checks_codes_and_a_recovery_code_checks_by_its_hash(world):
    nurse = world.users["nurse"]
    device = SealedTOTPDevice.objects.get(user=nurse)
    assert device.verify_token(pyotp.TOTP(totp_secret(device)).now())
    codes = actions.generate_recovery_codes(user=nurse)
    code_device = RecoveryCodeDevice.objects.get(user=nurse)
    assert set(code_device.codes.values_list("digest", flat=True)) == {
        sealing.hash_recovery_code(code_device.salt, code) for code in codes
    }
    assert code_device.verify_token(codes[3])
    assert not code_device.verify_token(codes[3])


def test_keys_rotate_without_anyone_enrolling_again(settings, world):
    old, new = sealing.new_key(), sealing.new_key()
    settings.REMIT_CREDENTIAL_KEYS = [old]
    nurse = world.users["nurse"]
    SealedTOTPDevice.objects.all().delete()
    device = SealedTOTPDevice.objects.create(user=nurse, name="authenticator", confirmed=True)
    secret = totp_secret(device)
    before = device.sealed_key

    settings.REMIT_CREDENTIAL_KEYS = [new, old]
    status = StringIO()
    call_command("credentials", "status", stdout=status)
    assert "0 sealed with the newest key, 1 with an older key" in status.getvalue()
    out = StringIO()
    call_command("credentials", "rotate", stdout=out)
    assert "Re-encrypted 1 TOTP secret(s) with the newest key" in out.getvalue()
    device.refresh_from_db()
    assert device.sealed_key != before and sealing.sealed_with_newest(device.sealed_key)
    assert events(audit.CREDENTIAL_KEYS_ROTATED)[-1].detail == {"re_encrypted": 1}

    settings.REMIT_CREDENTIAL_KEYS = [new]  # the old key is gone
    device.refresh_from_db()
    assert totp_secret(device) == secret
    assert device.verify_token(pyotp.TOTP(secret).now())
    status = StringIO()
    call_command("credentials", "status", stdout=status)
    assert "1 sealed with the newest key, 0 with an older key" in status.getvalue()


def test_a_wrong_key_fails_clearly_and_changes_nothing(settings, client, world):
    nurse = world.users["nurse"]
    code = code_for(nurse)
    before = SealedTOTPDevice.objects.get(user=nurse).sealed_key
    settings.REMIT_CREDENTIAL_KEYS = [sealing.new_key()]

    with pytest.raises(CommandError, match="cannot be decrypted with any key in REMIT_CREDENTIAL_KEYS"):
        call_command("credentials", "rotate")
    assert SealedTOTPDevice.objects.get(user=nurse).sealed_key == before
    with pytest.raises(CommandError, match="6 TOTP secret"):
        call_command("credentials", "status", stdout=StringIO())

    password_step(client, "nurse")
    response = client.post(reverse("accounts:mfa"), {"code": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be checked right now because of a problem on the server" in page
    assert "Tell your system administrator" in page and "REMIT_" not in page
    assert "_auth_user_id" not in client.session
    with pytest.raises(sealing.CredentialKeyError, match="REMIT_CREDENTIAL_KEYS"):
        SealedTOTPDevice.objects.get(user=nurse).key


def _start(env_changes: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMIT_")}
    env.update({"REMIT_VAR_DIR": str(var_dir), **env_changes})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "remit.settings"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_production_does_not_start_without_credential_keys_or_with_a_bad_one(tmp_path):
    production = {"REMIT_HTTPS": "true", "REMIT_SECRET_KEY": "p" * 60}
    missing = _start(production, tmp_path)
    assert missing.returncode != 0
    assert "REMIT_CREDENTIAL_KEYS must be set when REMIT_HTTPS is on" in missing.stderr
    bad = _start({**production, "REMIT_CREDENTIAL_KEYS": "not-a-key"}, tmp_path)
    assert bad.returncode != 0
    assert "REMIT_CREDENTIAL_KEYS: key 1 of 1 is not a key made by `remit credentials new-key`" in bad.stderr
    good = _start(
        {**production, "REMIT_CREDENTIAL_KEYS": f"{sealing.new_key()},{sealing.new_key()}"}, tmp_path
    )
    assert good.returncode == 0, good.stderr


def test_a_new_key_is_printed_ready_to_use():
    out = StringIO()
    call_command("credentials", "new-key", stdout=out)
    key = out.getvalue().strip()
    assert sealing.check_key(key) is None and len(base64.urlsafe_b64decode(key)) == 32


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_existing_totp_secrets_and_hashes_existing_recovery_codes():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0002_sealed_second_factors")]
    after = [("accounts", "0003_move_second_factors_sealed")]
    executor.migrate(before)
    plain = [("otp_totp", "0003_add_timestamps"), ("otp_static", "0003_add_timestamps")]
    old_apps = executor.loader.project_state(before + plain).apps
    User = old_apps.get_model("accounts", "User")
    user = User.objects.create(username="veteran", password="!")
    hex_key = "3132333435363738393031323334353637383930"
    old_apps.get_model("otp_totp", "TOTPDevice").objects.create(
        user=user, name="authenticator", confirmed=True, key=hex_key, last_t=7
    )
    static = old_apps.get_model("otp_static", "StaticDevice").objects.create(
        user=user, name="recovery codes", confirmed=True
    )
    StaticToken = old_apps.get_model("otp_static", "StaticToken")
    StaticToken.objects.create(device=static, token="abcdefghijkmnpqr")
    StaticToken.objects.create(device=static, token="stuvwxyz23456723")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    device = SealedTOTPDevice.objects.get(user_id=user.pk)
    assert device.key == hex_key and device.last_t == 7 and device.confirmed
    assert hex_key not in device.sealed_key
    codes = RecoveryCodeDevice.objects.get(user_id=user.pk)
    assert RecoveryCode.objects.filter(device=codes).count() == 2
    assert "abcdefghijkmnpqr" not in raw_database_text()
    assert codes.verify_token("abcdefghijkmnpqr") and not codes.verify_token("abcdefghijkmnpqr")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
        assert cursor.fetchone()[0] == 0


def test_the_users_password_is_still_hashed_beside_them(world):
    """The password, the first credential, stays an Argon2 (or test-speed) hash, never the text."""
    assert PASSWORD not in raw_database_text()
