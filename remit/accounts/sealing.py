"""Second-factor secrets sealed at rest.

A TOTP secret must be read back to check a code, so it cannot be hashed: it is
encrypted with Fernet (AES-128-CBC and HMAC-SHA256, from ``cryptography``)
under the keys in ``REMIT_CREDENTIAL_KEYS``, newest first. The newest key seals;
every key listed unseals, so a key is rotated by putting a new one in front,
running ``remit credentials rotate`` (which re-seals every secret with the
newest key) and then dropping the old one.

Recovery codes are different: they are only ever compared, so they are hashed
(``hash_recovery_code``) and cannot be read back by anyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KEYS_SETTING = "REMIT_CREDENTIAL_KEYS"


class CredentialKeyError(Exception):
    """A sealed secret cannot be opened with any key configured: the keys are wrong or missing."""


def new_key() -> str:
    """A fresh key for ``REMIT_CREDENTIAL_KEYS`` (32 random bytes, url-safe base64)."""
    return Fernet.generate_key().decode()


def derived_key(secret_key: str) -> str:
    """The development key: derived from Django's secret key, so a fresh checkout needs no set-up.

    Only used when ``REMIT_CREDENTIAL_KEYS`` is empty, which production (``REMIT_HTTPS`` on) refuses.
    Anyone holding the secret key can derive it, so it protects a database dump only as well as
    ``var/secret_key`` is kept apart from it.
    """
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"remit credential key v1")
    return base64.urlsafe_b64encode(kdf.derive(secret_key.encode())).decode()


def check_key(key: str) -> str | None:
    """None when ``key`` is a usable key, else what is wrong with it in plain words."""
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return "is not a key made by `remit credentials new-key` (32 bytes in url-safe base64)"
    return None


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _keys() -> tuple[str, ...]:
    keys = tuple(getattr(settings, KEYS_SETTING, ()) or ())
    if not keys:
        raise CredentialKeyError(f"{KEYS_SETTING} is empty: no key to seal or open second-factor secrets.")
    return keys


def seal(secret: bytes) -> str:
    """Encrypt with the newest key."""
    return _fernet(_keys()).encrypt(secret).decode()


def unseal(token: str) -> bytes:
    """Decrypt with whichever configured key sealed it; CredentialKeyError when none did."""
    try:
        return _fernet(_keys()).decrypt(token.encode())
    except InvalidToken:
        raise CredentialKeyError(
            f"A stored second-factor secret cannot be decrypted with any key in {KEYS_SETTING}. "
            "The key that sealed it is missing from the list (or the stored value was altered)."
        )


def reseal(token: str) -> str:
    """The same secret sealed again with the newest key (for key rotation)."""
    try:
        return _fernet(_keys()).rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialKeyError(
            f"A stored second-factor secret cannot be decrypted with any key in {KEYS_SETTING}. "
            "Keep the old key in the list (after the new one) until every secret is re-encrypted."
        )


def sealed_with_newest(token: str) -> bool:
    """True when the newest key alone opens ``token``."""
    try:
        Fernet(_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def new_sealed_totp_key() -> str:
    """A fresh 20-byte TOTP secret, sealed (the default of a new authenticator device)."""
    return seal(secrets.token_bytes(20))


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_recovery_code(salt: str, code: str) -> str:
    """The stored form of a recovery code: HMAC-SHA256 keyed with the code set's own random salt.

    A recovery code carries 80 random bits, so a fast hash cannot be reversed by guessing;
    a slow password hasher would only slow down sign-in. The salt is per code set, not a
    server key, so rotating ``REMIT_CREDENTIAL_KEYS`` or the secret key never voids codes.
    """
    return hmac.new(bytes.fromhex(salt), code.encode(), hashlib.sha256).hexdigest()
