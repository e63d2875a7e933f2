"""Move django-otp's plain TOTP secrets and recovery codes into the sealed devices, then delete them.

TOTP secrets are encrypted with the newest key in REMIT_CREDENTIAL_KEYS; recovery codes are hashed
(they keep working: the code a person holds hashes to what is stored). Going back decrypts the TOTP
secrets into django-otp's table again; recovery codes cannot be recovered from their hashes, so
going back drops them and people make new ones from their account page.
"""

from django.db import migrations

from remit.accounts import sealing

TOTP_FIELDS = ["name", "confirmed", "step", "t0", "digits", "tolerance", "drift", "last_t",
               "throttling_failure_timestamp", "throttling_failure_count", "last_used_at"]


def seal_and_hash(apps, schema_editor):
    OldTOTP = apps.get_model("otp_totp", "TOTPDevice")
    SealedTOTP = apps.get_model("accounts", "SealedTOTPDevice")
    for old in OldTOTP.objects.order_by("pk"):
        SealedTOTP.objects.create(
            user_id=old.user_id,
            sealed_key=sealing.seal(bytes.fromhex(old.key)),
            **{field: getattr(old, field) for field in TOTP_FIELDS},
        )
    OldTOTP.objects.all().delete()

    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    CodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    Code = apps.get_model("accounts", "RecoveryCode")
    for old in StaticDevice.objects.order_by("pk"):
        device = CodeDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            salt=sealing.new_salt(),
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
        )
        tokens = {t.strip().lower() for t in StaticToken.objects.filter(device=old).values_list("token", flat=True)}
        Code.objects.bulk_create(
            [Code(device=device, digest=sealing.hash_recovery_code(device.salt, t)) for t in sorted(tokens)]
        )
    StaticToken.objects.all().delete()
    StaticDevice.objects.all().delete()


def unseal(apps, schema_editor):
    OldTOTP = apps.get_model("otp_totp", "TOTPDevice")
    SealedTOTP = apps.get_model("accounts", "SealedTOTPDevice")
    for new in SealedTOTP.objects.order_by("pk"):
        OldTOTP.objects.create(
            user_id=new.user_id,
            key=sealing.unseal(new.sealed_key).hex(),
            **{field: getattr(new, field) for field in TOTP_FIELDS},
        )
    SealedTOTP.objects.all().delete()
    apps.get_model("accounts", "RecoveryCodeDevice").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sealed_second_factors"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_and_hash, unseal)]
