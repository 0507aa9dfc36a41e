"""Talentloop settings.

Every knob is an environment variable, documented in docs/configuration.md.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from talentloop.config.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("TALENTLOOP_DATA_DIR", str(Path.home() / ".talentloop"))).expanduser()

# Embedded mode (the default) is safe on a laptop; production mode refuses unsafe settings.
PRODUCTION = envbool("TALENTLOOP_PRODUCTION", False)
DEMO_MODE = envbool("TALENTLOOP_DEMO", False)
DEBUG = envbool("TALENTLOOP_DEBUG", False)
INSECURE_DEFAULT_SECRET = "talentloop-embedded-insecure-secret-change-me"  # noqa: S105
SECRET_KEY = envstr("TALENTLOOP_SECRET_KEY", INSECURE_DEFAULT_SECRET)
ALLOWED_HOSTS = envlist("TALENTLOOP_ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = envlist("TALENTLOOP_CSRF_TRUSTED_ORIGINS", [])
TESTING = "pytest" in sys.modules

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("TALENTLOOP_DEBUG must be off")
    if SECRET_KEY == INSECURE_DEFAULT_SECRET or len(SECRET_KEY) < 50:
        problems.append("TALENTLOOP_SECRET_KEY must be set to a random value of 50+ characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("TALENTLOOP_ALLOWED_HOSTS must list the host names served")
    if problems:
        raise ImproperlyConfigured("Unsafe production settings: " + "; ".join(problems))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI assets locally (no CDN)
    "django_tasks",
    "django_tasks_db",
    "talentloop.core",
    "talentloop.accounts",
    "talentloop.people",
    "talentloop.recruiting",
    "talentloop.search",
    "talentloop.outreach",
    "talentloop.automation",
    "talentloop.intake",
    "talentloop.hygiene",
    "talentloop.forms",
    "talentloop.ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "talentloop.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "talentloop.config.urls"
WSGI_APPLICATION = "talentloop.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "talentloop.ui.context.talentloop",
            ],
        },
    }
]


def _database() -> dict[str, object]:
    url = envstr("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if str(config.get("ENGINE", "")).endswith("postgresql"):
            # Why JIT off: PostgreSQL compiles any query whose estimated cost crosses
            # jit_above_cost, which searches, counts and facets over a million people all do;
            # the compile costs 50-100 ms each time, more than the query itself runs.
            # Why more work_mem than the default 4 MB: a text match intersected with a filter
            # over a million people builds bitmaps that otherwise turn lossy, and each lossy
            # page is rechecked row by row (measured: 276 ms -> 132 ms, docs/performance.md).
            # Configurable, since it applies per sort or hash of every query.
            work_mem = envstr("TALENTLOOP_PG_WORK_MEM", "64MB").strip()
            if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)", work_mem):
                raise ImproperlyConfigured(
                    f"TALENTLOOP_PG_WORK_MEM={work_mem!r}: give a size such as 64MB or 512kB"
                )
            # Why read-ahead: a text match reads its hits' documents through a bitmap, and
            # with the default of 1 each page missing from memory is read and waited for in
            # turn; asking for the next pages ahead makes a cold match 3-5x faster (measured:
            # 490 -> 130 ms for 14,000 hits read from disk, docs/performance.md).
            io_concurrency = envstr("TALENTLOOP_PG_IO_CONCURRENCY", "64").strip()
            if not re.fullmatch(r"[0-9]{1,3}|1000", io_concurrency):
                raise ImproperlyConfigured(
                    f"TALENTLOOP_PG_IO_CONCURRENCY={io_concurrency!r}: give a number of pages"
                    " from 0 to 1000"
                )
            options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
            extra = (
                f"-c jit=off -c work_mem={work_mem} -c effective_io_concurrency={io_concurrency}"
            )
            options["options"] = f"{options.get('options', '')} {extra}".strip()
            config["OPTIONS"] = options
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "talentloop.sqlite3"),
        "OPTIONS": {
            # WAL lets the web threads read while the worker thread writes;
            # IMMEDIATE makes writers take the lock up front instead of failing on upgrade.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
                " PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
IS_POSTGRES = str(DATABASES["default"]["ENGINE"]).endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if envbool("TALENTLOOP_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# Embedded mode runs the worker inside `talentloop serve`; production runs `talentloop worker`.
EMBEDDED_WORKER = envbool("TALENTLOOP_EMBEDDED_WORKER", not IS_POSTGRES)
WORKER_HEARTBEAT_MAX_AGE = envint("TALENTLOOP_WORKER_HEARTBEAT_MAX_AGE", 60)
# Full re-evaluation of every saved segment (time-relative clauses drift without events).
SEGMENT_REFRESH_SECONDS = envint("TALENTLOOP_SEGMENT_REFRESH_SECONDS", 300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Attachments: anything larger or of another type is refused with a 4xx.
MAX_UPLOAD_BYTES = envint("TALENTLOOP_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

DEFAULT_PHONE_REGION = envstr("TALENTLOOP_DEFAULT_PHONE_REGION", "US")
EMAIL_CHECK_DELIVERABILITY = False  # never resolve DNS while validating an address

EMAIL_HOST = envstr("TALENTLOOP_SMTP_HOST")
EMAIL_PORT = envint("TALENTLOOP_SMTP_PORT", 587)
EMAIL_HOST_USER = envstr("TALENTLOOP_SMTP_USER")
EMAIL_HOST_PASSWORD = envstr("TALENTLOOP_SMTP_PASSWORD")
EMAIL_USE_TLS = envbool("TALENTLOOP_SMTP_TLS", True)
DEFAULT_FROM_EMAIL = envstr("TALENTLOOP_FROM_EMAIL", "Talentloop <no-reply@localhost>")
EMAIL_BACKEND = envstr("TALENTLOOP_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
# An email service provider through django-anymail, e.g. TALENTLOOP_EMAIL_BACKEND=
# anymail.backends.postmark.EmailBackend with TALENTLOOP_ANYMAIL_POSTMARK_SERVER_TOKEN=...:
# every TALENTLOOP_ANYMAIL_<NAME> becomes ANYMAIL["<NAME>"] (docs/configuration.md).
_ANYMAIL_NAMES = {
    name.removesuffix("_FILE") for name in os.environ if name.startswith("TALENTLOOP_ANYMAIL_")
}
ANYMAIL = {
    name.removeprefix("TALENTLOOP_ANYMAIL_"): envstr(name) for name in sorted(_ANYMAIL_NAMES)
}
EMAIL_FILE_PATH = str(DATA_DIR / "outbox")

# Outreach (docs/outreach.md): credentials key, public links, local outbox, delivery pacing.
ENCRYPTION_KEY = envstr("TALENTLOOP_ENCRYPTION_KEY")
PUBLIC_BASE_URL = envstr("TALENTLOOP_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
OUTREACH_LOCAL_BACKEND = "talentloop.outreach.backends.LocalOutboxBackend"
OUTREACH_CLAIM_BATCH = envint("TALENTLOOP_OUTREACH_CLAIM_BATCH", 50)
OUTREACH_LEASE_SECONDS = envint("TALENTLOOP_OUTREACH_LEASE_SECONDS", 120)
OUTREACH_SMTP_TIMEOUT = envint("TALENTLOOP_OUTREACH_SMTP_TIMEOUT", 30)
OUTREACH_SEND_CONCURRENCY = envint("TALENTLOOP_OUTREACH_SEND_CONCURRENCY", 1)
OUTREACH_IMAP_POLL_SECONDS = envint("TALENTLOOP_OUTREACH_IMAP_POLL_SECONDS", 60)
# How long a worker holds a claimed due item (core.scheduling) before another may take it.
DUE_ITEM_LEASE_S = envint("TALENTLOOP_DUE_ITEM_LEASE_S", 300)
# Workflow automation (docs/automation.md): loop guard, time-trigger scans, webhook calls.
AUTOMATION_MAX_DEPTH = envint("TALENTLOOP_AUTOMATION_MAX_DEPTH", 5)
AUTOMATION_SCAN_SECONDS = envint("TALENTLOOP_AUTOMATION_SCAN_SECONDS", 60)
AUTOMATION_WEBHOOK_TIMEOUT = envint("TALENTLOOP_AUTOMATION_WEBHOOK_TIMEOUT", 10)
# Hosts and networks webhooks may call although internal (docs/configuration.md).
AUTOMATION_WEBHOOK_ALLOWED_HOSTS = envlist("TALENTLOOP_AUTOMATION_WEBHOOK_ALLOWED_HOSTS", [])

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("TALENTLOOP_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("TALENTLOOP_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("TALENTLOOP_HSTS_PRELOAD", True)

LOG_LEVEL = envstr("TALENTLOOP_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_MAX_LIMIT = 200
