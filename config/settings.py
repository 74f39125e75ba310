"""Django settings. Every value that varies between machines comes from ``config.env``."""

from __future__ import annotations

import importlib.util
import ipaddress
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import env

BASE_DIR = env.BASE_DIR
DEBUG = env.get_bool("DEBUG")

_INSECURE_DEV_KEY = "dev-only-insecure-key-territoires-industrie"
SECRET_KEY = env.get("SECRET_KEY") or _INSECURE_DEV_KEY
if not DEBUG and (SECRET_KEY == _INSECURE_DEV_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY doit être défini (au moins 32 caractères) quand DEBUG est désactivé ; "
        "voir docs/settings.md."
    )

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS") + (["testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")

TERRITOIRES_DATA_DIR = Path(env.get("TERRITOIRES_DATA_DIR"))
TERRITOIRES_NODE_MODULES = Path(env.get("TERRITOIRES_NODE_MODULES"))
SITE_URL = env.get("SITE_URL").rstrip("/")
MAP_TILES_URL = env.get("MAP_TILES_URL")
MAP_TILES_ATTRIBUTION = env.get("MAP_TILES_ATTRIBUTION")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "widget_tweaks",
    "dsfr",
    "geo",
    "territories",
    "public",  # the public site (pages, map, search)
    "api",  # the public read-only JSON API at /api/
    "rules.apps.AutodiscoverRulesConfig",  # imports every app's rules.py (its permissions)
    "core",
    "accounts",
    "simple_history",  # the journal (plans and accounts/core models use HistoricalRecords)
    "plans",
    "offers",  # operators, their service offer, requests and the ledger of decisions
    "contacts",  # whom to call: teams by commune, the contact form, inboxes and reminders
    "tagging",  # « Étiqueter un fichier »: batch tagging from the site, in the background
    "django_tasks",  # Django 6's tasks API, backported (emails, large imports and exports)
    "django_tasks_db",  # its database backend: no extra server (docs/tasks.md)
    "stats",  # one implementation of every figure (CLI stats, API, dashboards)
    "reports",  # territory sheets, press summaries, national report (PDF with WeasyPrint)
    "opendata",  # /donnees/: bulk downloads rebuilt in the background (docs/opendata.md)
]

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",  # X-Request-ID in and out, and in every log record
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # the journal records who made each change
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DatabaseBusyMiddleware",  # "database is locked" -> 503 réessayez (core/errors.py)
    "core.middleware.ApiErrorsAsJsonMiddleware",  # a view's HTML error under /api/ -> French JSON
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# django-ninja's own files (templates and Swagger UI), found without importing it: "ninja" is no
# installed app, as importing it (pydantic included) at every start-up cost ~0.06 s of each command and
# task worker (measured 04/12: 0.36 s of imports in all); the API imports it when its URLs are loaded.
NINJA_FILES = Path(importlib.util.find_spec("ninja").origin).parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # NINJA_FILES/templates: the API's interactive docs (api.v1.base.LocalSwagger).
        "DIRS": [BASE_DIR / "templates", NINJA_FILES / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env.get("DATABASE_URL"), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while an import writes; measured harmless for tests.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        # How long a write waits for another writer (sqlite3's default is 5 s). Measured on a
        # 2-core machine: a capped import of 5,000 actions holds the write lock 1.4 s (creation)
        # to 2.7 s (update); 20 s covers that several times over on a slower or busy machine, and
        # stays under gunicorn's 30 s timeout. Past it: the 503 "réessayez" page (core/errors.py).
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(
    parents=True, exist_ok=True
)  # whitenoise warns on every request when it is missing
# Only the files the pages name (and what their CSS reaches), not whole folders: core/staticfinders.py.
# A template naming a new npm or DSFR file lists it here (core/tests/test_static_files.py checks both ways).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "core.staticfinders.AppDirectoriesExceptPickedFinder",
    "core.staticfinders.PickedFilesFinder",
]
STATIC_PICKED = {
    # The API's interactive docs (ninja/swagger.html and ninja/favicons.html name these).
    "ninja": (
        NINJA_FILES / "static" / "ninja",
        [
            "swagger-ui.css",
            "swagger-ui-bundle.js",
            "swagger-ui-init.js",
            "favicon.svg",
            "favicon.png",
        ],
    ),
    "npm": (
        TERRITOIRES_NODE_MODULES,
        [
            "htmx.org/dist/htmx.min.js",
            "leaflet/dist/leaflet.js",
            "leaflet/dist/leaflet.css",
            # The dashboards' charts (stats/templates/stats/): DSFR Chart's web components.
            "@gouvfr/dsfr-chart/dist/DSFRChart/DSFRChart.umd.cjs",
            "@gouvfr/dsfr-chart/dist/DSFRChart/DSFRChart.css",
        ],
    ),
    "dsfr/dist": (
        Path(importlib.util.find_spec("dsfr").origin).parent / "static" / "dsfr" / "dist",
        [
            "dsfr/dsfr.min.css",  # dsfr.constants.DsfrStaticAssets, read by django-dsfr's base.html
            "utility/utility.min.css",
            "dsfr/dsfr.module.min.js",
            "dsfr/dsfr.nomodule.min.js",
            "favicon/",  # dsfr/favicon.html
            "artwork/light.svg",  # dsfr/theme_modale.html
            "artwork/dark.svg",
            "artwork/system.svg",
        ],
    ),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Plain storage: the manifest storage rewrites the DSFR CSS and takes ~1.5 min to collect (docs/decisions.md).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MIMETYPES = {".cjs": "text/javascript", ".mjs": "text/javascript"}
MEDIA_ROOT = Path(env.get("MEDIA_ROOT"))

DSFR_USE_INTEGRITY_CHECKSUMS = False
DSFR_MARK_OPTIONAL_FIELDS = True


def _email_settings(url: str) -> dict:
    """``console://``, ``locmem://`` or ``smtp://user:password@host:port?tls=1``."""
    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL : schéma « {parsed.scheme} » inconnu (console, locmem ou smtp)."
        )
    options = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    return {
        "EMAIL_BACKEND": backends[parsed.scheme],
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or 25,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": options.get("tls") in {"1", "true"},
        "EMAIL_USE_SSL": options.get("ssl") in {"1", "true"},
    }


globals().update(_email_settings(env.get("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if env.get("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL")},
}
# /sante/ reports "degrade" when a background task has waited longer than this (core/health.py).
HEALTH_MAX_TASK_DELAY_SECONDS = int(env.get("HEALTH_MAX_TASK_DELAY_SECONDS"))

if not DEBUG:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto: https`` -> ``("HTTP_X_FORWARDED_PROTO", "https")``; empty: None (off)."""
    if not value.strip():
        return None
    header, separator, expected = value.partition(":")
    if not separator or not header.strip() or not expected.strip():
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER « {value} » : format attendu « En-tête: valeur », "
            "par exemple « X-Forwarded-Proto: https »."
        )
    return "HTTP_" + header.strip().upper().replace("-", "_"), expected.strip()


def _trusted_proxies(entries: list[str]) -> list[str]:
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES : « {entry} » n'est ni une adresse IP ni un réseau (CIDR)."
            ) from error
    return entries


# Behind a TLS proxy on another host (docs/settings.md), both off by default. Without the header
# DEBUG=false redirected to HTTPS forever; without the proxies every sign-in attempt was recorded
# as the proxy's address, so 5 failures from anyone locked out everyone (accounts/services/ratelimit.py).
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env.get("SECURE_PROXY_SSL_HEADER"))
TRUSTED_PROXIES = _trusted_proxies(env.get_list("TRUSTED_PROXIES"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Background tasks: queued in the database, run by `territoires db_worker` (docs/tasks.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Accounts and permissions (docs/roles.md, docs/security.md).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",  # every permission is a rules predicate
    "accounts.backends.EmailBackend",  # sign-in by email address
]
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"  # the French DSFR page, not Django's English one
LOGIN_URL = "/compte/connexion/"
LOGIN_REDIRECT_URL = "/compte/"
LOGOUT_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = 8 * 3600  # a working day; then sign in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 24 * 3600
# Uploads: refused above this size (core/uploads.py), kept under MEDIA_ROOT/private, never served statically.
UPLOAD_MAX_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# A file to tag (tagging/): larger than the other uploads, streamed to a temporary file by Django.
TAG_UPLOAD_MAX_BYTES = int(env.get("TAG_UPLOAD_MAX_BYTES"))
# The journal is read-only from every screen: no "revert to this version" in the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Imports (docs/import.md): the most rows one import reads; larger files are refused before any work.
IMPORT_MAX_ROWS = int(env.get("IMPORT_MAX_ROWS"))

# Contact requests (docs/contacts.md): the requesters' personal data is erased after this many months
# by `territoires purge-demandes`.
CONTACT_REQUEST_RETENTION_MONTHS = int(env.get("CONTACT_REQUEST_RETENTION_MONTHS"))
# Dashboards: a territory is late when its plan was neither submitted nor updated for this long.
STATS_LATE_PLAN_MONTHS = int(env.get("STATS_LATE_PLAN_MONTHS"))
# 0: every cached public page asks the database for the data version (a change is seen by every
# server at its next request); 1 on a busy multi-server site (docs/performance.md, « Catalogue »).
PAGE_CACHE_VERSION_SECONDS = float(env.get("PAGE_CACHE_VERSION_SECONDS"))


# Cache (docs/deploiement.md, « Redis (facultatif) »). Without CACHE_URL, each process keeps its own
# cache in memory: nothing in it needs to be shared (the pages' caches are keyed on the data version,
# read from the database; rate limits are database tables). With CACHE_URL, Django's built-in Redis
# backend, shared by every server; sessions are then written through to the database and read from the
# cache (« cached_db »): a Redis restart, or a Redis without persistence, signs nobody out, and a
# session is read from Redis without a database query on each request.
CACHE_URL = env.get("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "territoires",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Personal API tokens (docs/api.md, « Jetons d'API et écriture »): validity offered by default and the
# longest one allowed, in days.
API_TOKEN_DEFAULT_DAYS = int(env.get("API_TOKEN_DEFAULT_DAYS"))
API_TOKEN_MAX_DAYS = int(env.get("API_TOKEN_MAX_DAYS"))
