"""45 CFR 170.315(d)(9) Trusted connection.

The criterion: health information exchanged is encrypted and integrity-protected in transit
(transport level: TLS). Remit runs behind a TLS-terminating proxy (README, deployment); with
REMIT_HTTPS on it refuses to serve anything over plain HTTP (a permanent redirect to HTTPS, before
any page or API answers), tells browsers to use HTTPS only (HSTS, a year, subdomains, preload),
and marks its cookies Secure so a session never travels unencrypted. These tests start the real
production server (gunicorn) as a process and speak HTTP to it.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from remit.testing import start_django

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "REMIT_HTTPS": "true",
        "REMIT_SECRET_KEY": secrets.token_urlsafe(50),
        "REMIT_CREDENTIAL_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "REMIT_ALLOWED_HOSTS": "127.0.0.1",
        "REMIT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("d09")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "remit.settings", **_production_env(tmp_path)}
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn, "gunicorn is a dependency of Remit (pyproject.toml)"
    process = subprocess.Popen(
        [gunicorn, "remit.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {process.stdout.read() if process.stdout else ''}")
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=30)


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/patients/", "/fhir/r4/metadata", "/api/v1/docs", "/p/x/"]
)
def test_plain_http_is_sent_to_https_before_anything_answers(server, path):
    response = _get(server, path)
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{server}{path}"


def test_over_https_browsers_are_told_to_use_https_only_and_cookies_are_secure(server):
    response = _get(server, "/accounts/login/", {"X-Forwarded-Proto": "https"})
    assert response.status == 200
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    cookies = response.headers.get_all("Set-Cookie") or []
    assert cookies, "the sign-in page sets its CSRF cookie"
    assert all("Secure" in cookie for cookie in cookies)


def test_the_session_cookie_never_travels_unencrypted(tmp_path):
    env = _production_env(tmp_path)
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER]))"
    )
    done = start_django(env, code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, True, True, True, ["HTTP_X_FORWARDED_PROTO", "https"]]


def test_production_refuses_to_start_without_its_own_secret_key(tmp_path):
    env = {**_production_env(tmp_path), "REMIT_SECRET_KEY": ""}
    done = start_django(env)
    assert done.returncode != 0
    assert "REMIT_SECRET_KEY must be set" in done.stderr
