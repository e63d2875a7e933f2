"""The random streams a plan is drawn from, and the secrets derived from the seed.

Every patient draws from its own stream per step, ``stream(seed, "patient", i)``,
``stream(seed, "courses", i)``, ..., so patient *i* is the same whatever N is and a new
step never changes what earlier steps drew.
"""

from __future__ import annotations

import base64
import hashlib
import random


def stream(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible random stream for one part of the plan.

    ``random.Random`` seeded with a string hashes it with SHA-512, so the
    stream does not depend on PYTHONHASHSEED or on other streams.
    """
    return random.Random(":".join(["remit", str(seed), *map(str, parts)]))


def _digest(kind: str, seed: int, username: str) -> bytes:
    return hashlib.sha256(f"remit-synthetic:{kind}:{seed}:{username}".encode()).digest()


PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 symbols, no l/0/1 to misread


def staff_password(seed: int, username: str) -> str:
    """A 23-character password (four groups of five), derived from seed and username.

    Demo credentials only: anyone who knows the seed can derive them.
    """
    raw = _digest("password", seed, username)
    chars = [PASSWORD_ALPHABET[b % 32] for b in raw[:20]]
    # A fixed letter first, so it is never all digits whatever the digest.
    chars[0] = "abcdefghjkmnpqrstuvwxyz"[raw[20] % 23]
    return "-".join("".join(chars[i : i + 5]) for i in range(0, 20, 5))


def staff_totp_key(seed: int, username: str) -> str:
    """A 20-byte TOTP key (hex, as TOTPDevice stores it) derived from seed and username."""
    return _digest("totp", seed, username)[:20].hex()


def totp_secret_from_hex(key: str) -> str:
    """The base32 secret an authenticator app (or pyotp) takes, from a hex key."""
    return base64.b32encode(bytes.fromhex(key)).decode()
