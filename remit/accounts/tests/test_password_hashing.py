from django.contrib.auth.hashers import get_hasher, make_password

from remit import settings as remit_settings


def test_passwords_are_hashed_with_argon2_by_default():
    assert remit_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_an_argon2_hash_verifies():
    hasher = get_hasher("argon2")
    encoded = make_password("a long enough passphrase", hasher="argon2")
    assert encoded.startswith("argon2$")
    assert hasher.verify("a long enough passphrase", encoded)
