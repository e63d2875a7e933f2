"""Remit's one settings module, configured by the environment.

Every value a deployment may change is read here through the typed helpers in
``remit.env``; README.md lists them.  Defaults give the embedded SQLite set-up
used by ``make demo``; production sets REMIT_SECRET_KEY, REMIT_HTTPS and
DATABASE_URL.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from remit.env import envbool, envint, envlist, envrate, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("REMIT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("REMIT_DEBUG", False)
HTTPS = envbool("REMIT_HTTPS", False)
# The demo (`remit demo` sets it): a banner on every page and each demo account's current code on the
# sign-in page. Never in production: those codes are a second factor given away.
REMIT_DEMO = envbool("REMIT_DEMO", False)
if REMIT_DEMO and HTTPS:
    raise ImproperlyConfigured(
        "REMIT_DEMO must be off when REMIT_HTTPS is on (production): the demo shows sign-in codes"
    )


def _secret_key() -> str:
    key = envstr("REMIT_SECRET_KEY", "")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("REMIT_SECRET_KEY must be at least 50 characters long")
        return key
    if HTTPS:
        raise ImproperlyConfigured("REMIT_SECRET_KEY must be set when REMIT_HTTPS is on (production)")
    # The embedded set-up keeps a random key beside its database so sessions
    # survive a restart; it is never shared between installations.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def _networks(name: str, parts: list[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    found = []
    for part in parts:
        try:
            found.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {part!r} is not an IP address or network (e.g. 10.0.0.0/8)")
    return tuple(found)


SECRET_KEY = _secret_key()


def _credential_keys() -> list[str]:
    """Keys that seal TOTP secrets at rest (remit.accounts.sealing), newest first."""
    from remit.accounts.sealing import check_key, derived_key

    keys = envlist("REMIT_CREDENTIAL_KEYS", [])
    for number, key in enumerate(keys, start=1):
        problem = check_key(key)
        if problem:
            raise ImproperlyConfigured(f"REMIT_CREDENTIAL_KEYS: key {number} of {len(keys)} {problem}")
    if keys:
        return keys
    if HTTPS:
        raise ImproperlyConfigured(
            "REMIT_CREDENTIAL_KEYS must be set when REMIT_HTTPS is on (production): "
            "make a key with `remit credentials new-key`"
        )
    # Development and tests: a key derived from the secret key, so a checkout runs with no set-up.
    # It guards a database dump only while var/secret_key is kept apart from it.
    return [derived_key(SECRET_KEY)]


REMIT_CREDENTIAL_KEYS = _credential_keys()
REMIT_CREDENTIAL_KEYS_DERIVED = not envlist("REMIT_CREDENTIAL_KEYS", [])


def _audit_keys() -> tuple[dict[str, bytes], str]:
    """The audit chain's HMAC keys (id -> key) and the id of the one new rows are sealed with.

    REMIT_AUDIT_KEYS is ``id=secret,id=secret``; REMIT_AUDIT_KEY_ID names the current one (it may be
    left out when there is one key).  Rotation: add a new key, switch the id, and keep the old key
    listed so the rows it sealed still verify.  Without keys (development and tests only) one is
    derived from the secret key under the id ``derived``; production refuses to start without them.
    """
    keys: dict[str, bytes] = {}
    for part in envlist("REMIT_AUDIT_KEYS", []):
        key_id, sep, secret = part.partition("=")
        key_id, secret = key_id.strip(), secret.strip()
        if not sep or not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", key_id):
            raise ImproperlyConfigured(
                "REMIT_AUDIT_KEYS must be a comma-separated list of id=secret pairs "
                "(ids of letters, digits, dots, dashes or underscores, at most 40)"
            )
        if len(secret) < 32:
            raise ImproperlyConfigured(
                f"REMIT_AUDIT_KEYS: the secret of key {key_id!r} must be at least 32 characters"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"REMIT_AUDIT_KEYS lists key {key_id!r} twice")
        keys[key_id] = secret.encode()
    current = envstr("REMIT_AUDIT_KEY_ID", "").strip()
    if not keys:
        if HTTPS:
            raise ImproperlyConfigured("REMIT_AUDIT_KEYS must be set when REMIT_HTTPS is on (production)")
        if current and current != "derived":
            raise ImproperlyConfigured(
                f"REMIT_AUDIT_KEY_ID names key {current!r}, but REMIT_AUDIT_KEYS is empty"
            )
    if not HTTPS:
        # Development: a key derived from the secret key, so the chain is keyed out of the box.
        keys.setdefault(
            "derived", hmac.new(SECRET_KEY.encode(), b"remit audit chain", hashlib.sha256).digest()
        )
    if not current:
        configured = [k for k in keys if k != "derived"]
        if len(configured) > 1:
            raise ImproperlyConfigured(
                "REMIT_AUDIT_KEY_ID must name the current key when REMIT_AUDIT_KEYS has several"
            )
        current = configured[0] if configured else "derived"
    if current not in keys:
        raise ImproperlyConfigured(
            f"REMIT_AUDIT_KEY_ID names key {current!r}, which REMIT_AUDIT_KEYS does not list"
        )
    return keys, current


REMIT_AUDIT_KEYS, REMIT_AUDIT_KEY_ID = _audit_keys()
# Signed checkpoints of the audit chain's head, written by the worker outside the database.
REMIT_AUDIT_CHECKPOINT_FILE = Path(
    envstr("REMIT_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.log"))
)
REMIT_AUDIT_CHECKPOINT_SECONDS = envint("REMIT_AUDIT_CHECKPOINT_SECONDS", 300, minimum=10, maximum=24 * 3600)
# Also send each checkpoint to syslog: empty (off), a socket path such as /dev/log, or host:port (UDP).
REMIT_AUDIT_CHECKPOINT_SYSLOG = envstr("REMIT_AUDIT_CHECKPOINT_SYSLOG", "").strip()
# Addresses or networks of the reverse proxies in front of Remit.  Only when the direct peer is one of
# them is X-Forwarded-For read, and then its right-most address that is not a trusted proxy is recorded.
REMIT_TRUSTED_PROXIES = _networks("REMIT_TRUSTED_PROXIES", envlist("REMIT_TRUSTED_PROXIES", []))
ALLOWED_HOSTS = envlist("REMIT_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("REMIT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "remit.accounts",
    "remit.audit",
    "remit.throttle",
    "remit.patients",
    "remit.alerts",
    "remit.measures",
    "remit.screening",
    "remit.treatment",
    "remit.decision",
    "remit.amendments",
    "remit.reports",
    "remit.fhir",
    "remit.idempotency",
    "remit.bench",
    "remit.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "remit.web.content_digest.ContentDigestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "remit.accounts.middleware.IdleTimeoutMiddleware",
    "remit.accounts.middleware.RequireMFAMiddleware",
    "remit.idempotency.middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "remit.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "remit.urls"
WSGI_APPLICATION = "remit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "remit" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "remit.web.context.navigation",
                "remit.patients.context.emergency_access",
                "remit.web.context.demo",
                "remit.web.context.chart_style",
            ],
        },
    },
]

DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'remit.sqlite3'}")
if DATABASE_URL.startswith("sqlite:"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("REMIT_DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
    # one failing half-way through (the audit chain relies on it).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" is per process (the outcome report's computed charts). "ratelimit" holds the
# rate-limit counters (remit.throttle), which every process of a deployment must share: a table in
# the database (created by `remit migrate`), so no cache server is needed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "remit.throttle.cache.AtomicDatabaseCache",
        "LOCATION": "remit_ratelimit_cache",
        "OPTIONS": {"MAX_ENTRIES": 100000},
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("REMIT_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:today"
LOGOUT_REDIRECT_URL = "accounts:login"

# Multi-factor sign-in: required for every staff role when on (production).
REMIT_MFA_REQUIRED = envbool("REMIT_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = envstr("REMIT_OTP_ISSUER", "Remit")
# Passkeys (WebAuthn): the relying party id is the site's host name (empty: the host the request
# came to); the origin is where the pages are served (empty: the request's own scheme and host).
REMIT_WEBAUTHN_RP_ID = envstr("REMIT_WEBAUTHN_RP_ID", "")
REMIT_WEBAUTHN_ORIGIN = envstr("REMIT_WEBAUTHN_ORIGIN", "").rstrip("/")

# Idle time-out: the session ends after this many minutes without activity;
# the page warns a minute before.
REMIT_IDLE_TIMEOUT_MINUTES = envint("REMIT_IDLE_TIMEOUT_MINUTES", 15, minimum=1, maximum=720)
# Sensitive actions (exports, user administration) ask for the password again
# when the last sign-in or re-authentication is older than this.
REMIT_REAUTH_MINUTES = envint("REMIT_REAUTH_MINUTES", 5, minimum=1, maximum=120)
SESSION_COOKIE_AGE = REMIT_IDLE_TIMEOUT_MINUTES * 60 + 300
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Failed-login lockout (django-axes).
AXES_FAILURE_LIMIT = envint("REMIT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("REMIT_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = envbool("REMIT_AXES_ENABLED", True)

# Rate limits (remit.throttle): attempts per period, e.g. 10/10m; over a limit the answer is 429
# with Retry-After. Staff sign-in is limited by the lockout above instead.
RATELIMIT_ENABLE = envbool("REMIT_RATELIMIT_ENABLED", True)
RATELIMIT_USE_CACHE = "ratelimit"
REMIT_RATELIMIT_PORTAL_FAILURES = envrate("REMIT_RATELIMIT_PORTAL_FAILURES", "10/10m")
REMIT_RATELIMIT_PORTAL_LINK = envrate("REMIT_RATELIMIT_PORTAL_LINK", "20/10m")
REMIT_RATELIMIT_API_FAILURES = envrate("REMIT_RATELIMIT_API_FAILURES", "10/10m")
REMIT_RATELIMIT_API_TOKEN_FAILURES = envrate("REMIT_RATELIMIT_API_TOKEN_FAILURES", "10/10m")
# Failed attempts are audited once per client address and interval, with a summary of the rest.
REMIT_RATELIMIT_AUDIT_MINUTES = envint("REMIT_RATELIMIT_AUDIT_MINUTES", 10, minimum=1, maximum=1440)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("REMIT_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("REMIT_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("REMIT_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The project's own static files (remit.css, remit.js, vendored htmx) live in
# remit/static, which is not an app's folder, so the finders need telling.
STATICFILES_DIRS = [BASE_DIR / "remit" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}.get(envstr("REMIT_EMAIL_BACKEND", "file"), "")
if not EMAIL_BACKEND:
    raise ImproperlyConfigured("REMIT_EMAIL_BACKEND must be one of console, file, smtp, memory")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = envstr("REMIT_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("REMIT_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("REMIT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("REMIT_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("REMIT_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("REMIT_FROM_EMAIL", "Remit <no-reply@remit.invalid>")

# Alerts: a high-severity alert not acknowledged within this many minutes goes
# to the next person on the clinic's escalation list (remit.alerts).
REMIT_ALERT_ESCALATION_MINUTES = envint("REMIT_ALERT_ESCALATION_MINUTES", 15, minimum=1, maximum=1440)
# Outbound text messages (remit.notify): console, file (VAR_DIR/sms.log), memory
# (tests), or the dotted path of a class with send(to, body).
REMIT_SMS_BACKEND = envstr("REMIT_SMS_BACKEND", "file")
# Emergency access ("break the glass"): a clinician's read-only access to another clinic's patient
# ends by itself this many minutes after it was given (remit.patients.access).
REMIT_EMERGENCY_ACCESS_MINUTES = envint("REMIT_EMERGENCY_ACCESS_MINUTES", 60, minimum=1, maximum=24 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A portal link's token never reaches a log line (remit.web.logs).
    "filters": {"portal_tokens": {"()": "remit.web.logs.RedactPortalTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["portal_tokens"]}},
    "root": {"handlers": ["console"], "level": envstr("REMIT_LOG_LEVEL", "WARNING")},
}

# Patient portal (measures): invitation links expire after this many hours;
# at most this many reminders are sent per questionnaire (one a day).
# REMIT_PORTAL_BASE_URL is the address patients open, e.g. https://remit.example.org; links sent by the
# worker have no request to read it from (empty: the sending page's own address, else 127.0.0.1:8000).
REMIT_PORTAL_LINK_HOURS = envint("REMIT_PORTAL_LINK_HOURS", 72, minimum=1, maximum=24 * 14)
REMIT_PORTAL_MAX_REMINDERS = envint("REMIT_PORTAL_MAX_REMINDERS", 2, minimum=0, maximum=10)
REMIT_PORTAL_BASE_URL = envstr("REMIT_PORTAL_BASE_URL", "").rstrip("/")

# Clinic outcome report (remit.reports): a rate over fewer courses than this says "too few to report".
# PDFs are printed on US Letter unless the clinic prints on A4.
REMIT_PAPER_SIZE = envstr("REMIT_PAPER_SIZE", "letter").strip().lower()
if REMIT_PAPER_SIZE not in ("letter", "a4"):
    raise ImproperlyConfigured("REMIT_PAPER_SIZE must be letter or a4")
REMIT_REPORT_MIN_N = envint("REMIT_REPORT_MIN_N", 10, minimum=1, maximum=10000)

# How long an API Idempotency-Key is remembered (the same key and body within it return the first answer).
REMIT_IDEMPOTENCY_KEY_HOURS = envint("REMIT_IDEMPOTENCY_KEY_HOURS", 24, minimum=1, maximum=24 * 30)
