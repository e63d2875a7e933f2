import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = os.environ.get("REMIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        only_pg = pytest.mark.skip(reason="runs against PostgreSQL only (set DATABASE_URL)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(only_pg)
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    if os.environ.get("REMIT_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"browser tests need Chromium at {CHROMIUM} (REMIT_REQUIRE_BROWSER is set)")
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}; .ci/run installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check hashing ask for it themselves."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_a_temporary_file(settings, tmp_path):
    """The worker's audit checkpoints go to the test's own file, never the installation's var/."""
    settings.REMIT_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"


@pytest.fixture
def world(db):
    from remit.testing import build_world

    return build_world()


@pytest.fixture
def csrf_client():
    from django.test import Client

    return Client(enforce_csrf_checks=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite tests use a throwaway file, not Django's shared-cache in-memory database.

    Shared-cache memory databases fail a second writer at once ("database table
    is locked") instead of queueing it as BEGIN IMMEDIATE does on a real file, so
    tests that write from two threads at once (double submits, workers) need
    the file.  Tests inside a rolled-back transaction cost the same either way.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        db.setdefault("TEST", {})["NAME"] = os.path.join(
            tempfile.mkdtemp(prefix="remit-test-"), "test.sqlite3"
        )
