"""`remit credentials`: the keys that seal second-factor secrets at rest (REMIT_CREDENTIAL_KEYS).

remit credentials new-key   print a fresh key to put first in REMIT_CREDENTIAL_KEYS
remit credentials rotate    re-encrypt every TOTP secret with the newest key (then drop the old key)
remit credentials status    how many secrets each state is in; exits 1 if any cannot be opened
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from remit.accounts import actions, sealing
from remit.accounts.models import SealedTOTPDevice


class Command(BaseCommand):
    help = "Keys that seal second-factor secrets: `remit credentials new-key | rotate | status`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("new-key", help="print a fresh key for REMIT_CREDENTIAL_KEYS")
        sub.add_parser("rotate", help="re-encrypt every TOTP secret with the newest key (audited)")
        sub.add_parser("status", help="count secrets sealed with the newest key, an older key, or none")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "new-key":
            self.stdout.write(sealing.new_key())
            return
        if getattr(settings, "REMIT_CREDENTIAL_KEYS_DERIVED", False):
            self.stderr.write(
                "Note: REMIT_CREDENTIAL_KEYS is not set, so the key is derived from the secret key "
                "(development only)."
            )
        if action == "rotate":
            try:
                count = actions.rotate_credential_keys()
            except sealing.CredentialKeyError as error:
                raise CommandError(f"{error} Nothing was changed.")
            self.stdout.write(
                f"Re-encrypted {count} TOTP secret(s) with the newest key. "
                "Older keys can now be removed from REMIT_CREDENTIAL_KEYS."
            )
            return
        newest = older = unreadable = 0
        for token in SealedTOTPDevice.objects.values_list("sealed_key", flat=True).iterator():
            if sealing.sealed_with_newest(token):
                newest += 1
                continue
            try:
                sealing.unseal(token)
            except sealing.CredentialKeyError:
                unreadable += 1
            else:
                older += 1
        self.stdout.write(
            f"TOTP secrets: {newest} sealed with the newest key, {older} with an older key "
            f"(run `remit credentials rotate`), {unreadable} that no configured key opens."
        )
        if unreadable:
            raise CommandError(
                f"{unreadable} TOTP secret(s) cannot be decrypted with any key in REMIT_CREDENTIAL_KEYS."
            )
