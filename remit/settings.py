"""Remit's one settings module, configured by the environment.

Every value a deployment may change is read here through the typed helpers in
``remit.env``; README.md lists them.  Defaults give the embedded SQLite set-up
used by ``make demo``; production sets REMIT_SECRET_KEY, REMIT_HTTPS and
DATABASE_URL.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from remit.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("REMIT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("REMIT_DEBUG", False)
HTTPS = envbool("REMIT_HTTPS", False)


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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
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
REMIT_REPORT_MIN_N = envint("REMIT_REPORT_MIN_N", 10, minimum=1, maximum=10000)

# How long an API Idempotency-Key is remembered (the same key and body within it return the first answer).
REMIT_IDEMPOTENCY_KEY_HOURS = envint("REMIT_IDEMPOTENCY_KEY_HOURS", 24, minimum=1, maximum=24 * 30)
