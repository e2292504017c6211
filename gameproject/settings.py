"""Settings for the Liap Tui server.

Twelve-factor: everything that differs between deployments comes from the environment, under
these fixed names (see README.md, "Configuration"):

DJANGO_DEBUG          "1" (or true/yes/on) turns DEBUG on; unset means off.
DJANGO_SECRET_KEY     required in production. Unset: a fixed, public, clearly insecure key is used
                      (a different one with DEBUG on and off), so that several processes still agree
                      on it; `manage.py check --deploy` flags it because it starts with
                      "django-insecure-".
DJANGO_ALLOWED_HOSTS  comma-separated; default "127.0.0.1,localhost,testserver".
DJANGO_ALLOWED_ORIGINS  comma-separated origins (scheme://host[:port]) allowed to open room
                      sockets and to POST to the REST API from another site; unset: none, so
                      only same-origin pages (the Origin is the scheme, host and port the request
                      was sent to, that host being one of DJANGO_ALLOWED_HOSTS).
DATABASE_URL          any dj-database-url URL; default: SQLite file db.sqlite3 in BASE_DIR (WAL).
REDIS_URL             when set, Redis carries the channel layer between processes
                      (rooms.redis_layer); otherwise the in-memory one (a single process only).
DJANGO_CSRF_TRUSTED_ORIGINS  origins trusted by Django's CSRF check (the admin's login and forms)
                      besides the request's own; default: DJANGO_ALLOWED_ORIGINS.
DJANGO_BEHIND_HTTPS_PROXY  bool: an HTTPS proxy in front sets X-Forwarded-Proto; requests it marks
                      https are secure, session and CSRF cookies are sent over HTTPS only, and
                      plain http is redirected to https. Default off.
DJANGO_HSTS_SECONDS   int >= 0: Strict-Transport-Security max-age on HTTPS answers. Default 0
                      (none). DJANGO_HSTS_INCLUDE_SUBDOMAINS and DJANGO_HSTS_PRELOAD: bools.
DJANGO_LOG_LEVEL      the root log level (DEBUG, INFO, WARNING, ERROR). Default INFO.
DJANGO_LOG_FORMAT     "plain" (default) or "json": one JSON object per line.
DJANGO_STATIC_ROOT    where `manage.py collectstatic` puts static files for a proxy to serve
                      (unset: no collectstatic; WhiteNoise serves them from the apps).
LIAPTUI_TIME_SCALE    float >= 0 multiplying every game delay; 0 makes every delay 0. Default 1.0.
LIAPTUI_ALLOW_SEED    bool; lets POST /api/rooms/ take a "seed". Default off.
LIAPTUI_DB_THREADS    int >= 1: threads for the room service's database work, each keeping its
                      connection; a room always uses the same one. Default 1 on SQLite (one
                      writer at a time: more threads only wait on its lock), 4 otherwise.
LIAPTUI_GROUP_COMMIT  bool: on SQLite, a database thread commits the calls waiting for it in one
                      transaction (each in a savepoint). Default on; ignored on PostgreSQL.
LIAPTUI_PRESENCE_HEARTBEAT  float > 0: every this many seconds a process marks itself alive (one
                      row, whatever its sockets). Default 2.
LIAPTUI_PRESENCE_TTL  float: the sockets of a process not marked alive for this long are gone
                      (it died), and their seats are away; a process checks its own sockets'
                      rows this often. At least twice the heartbeat. Default 6.
LIAPTUI_CATCH_UP_INTERVAL  float > 0: every this many seconds a process looks for its sockets
                      that missed a broadcast (its writer died after committing); a socket still
                      behind after a whole interval is sent what it missed. Default 2.
LIAPTUI_ROOM_CACHE    int >= 1: rooms each process keeps cached (least recently used go). 5000.
LIAPTUI_IDLE_SECONDS  float >= 0: how long a connected human may take before a bot moves for
                      them once (scaled by LIAPTUI_TIME_SCALE like every delay); 0 = wait
                      forever. Default 60.
LIAPTUI_EXPERT_BUDGET_MS  float > 0: the CPU-time cap of one decision of an expert bot, in
                      milliseconds. Its work is fixed (so that games replay exactly); the cap
                      only bites on a slow or busy machine. Default 50.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def _env_number(name: str, default, kind: type, what: str):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {what}, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG")

# These fallbacks are public and therefore insecure: set DJANGO_SECRET_KEY in any real deployment.
# A key generated per process is not an option: several daphne processes must share one key.
DEV_SECRET_KEY = "django-insecure-liaptui-dev-key-for-local-debug-only"
INSECURE_FALLBACK_SECRET_KEY = "django-insecure-liaptui-fallback-set-DJANGO_SECRET_KEY"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    DEV_SECRET_KEY if DEBUG else INSECURE_FALLBACK_SECRET_KEY
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")


def _origins(name: str) -> list[str]:
    origins = env_list(name, "")
    for origin in origins:
        parts = urlsplit(origin)
        path_ok = parts.path in ("", "/") and not parts.query
        if parts.scheme not in ("http", "https") or not parts.hostname or not path_ok:
            raise ImproperlyConfigured(
                f"{name} takes origins like https://example.com:8443, got {origin!r}"
            )
    return origins


# Other sites whose pages may open room sockets and POST to the API (see rooms/origins.py).
ALLOWED_ORIGINS = _origins("DJANGO_ALLOWED_ORIGINS")
# Django's own CSRF check (the admin) trusts the request's origin, and these.
CSRF_TRUSTED_ORIGINS = (
    _origins("DJANGO_CSRF_TRUSTED_ORIGINS")
    if os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").strip()
    else list(ALLOWED_ORIGINS)
)

# --- Behind an HTTPS proxy ------------------------------------------------------------------------

BEHIND_HTTPS_PROXY = env_bool("DJANGO_BEHIND_HTTPS_PROXY")
if BEHIND_HTTPS_PROXY:
    # The proxy terminates TLS and says so; it must overwrite any X-Forwarded-Proto a client sent.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# The health and readiness checks answer over plain http too (a proxy or orchestrator probes
# the processes directly).
SECURE_REDIRECT_EXEMPT = [r"^api/health/$", r"^api/ready/$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"DJANGO_HSTS_SECONDS must be >= 0, got {SECURE_HSTS_SECONDS}")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")

INSTALLED_APPS = [
    "daphne",  # first, so that `runserver` is the ASGI one
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from here, not from a CDN
    "rooms",
    "eventlog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files without DEBUG (daphne has none)
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of each request (after the session, before CommonMiddleware): see LANGUAGES.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gameproject.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",  # LANGUAGES as written, LANGUAGE_CODE
            ],
        },
    },
]

ASGI_APPLICATION = "gameproject.asgi.application"

# --- Database -------------------------------------------------------------------------------------

SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    # conn_max_age=0: Django advises against persistent connections under ASGI.
    _db = dj_database_url.parse(_database_url, conn_max_age=0, conn_health_checks=True)
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        _db["OPTIONS"] = {**SQLITE_OPTIONS, **_db.get("OPTIONS", {})}
    elif _db["ENGINE"] == "django.db.backends.postgresql":
        # A database that drops packets must not hang a request (or /api/ready/) for minutes.
        _db["OPTIONS"] = {"connect_timeout": 5, **_db.get("OPTIONS", {})}
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "OPTIONS": dict(SQLITE_OPTIONS),
    }
DATABASES = {"default": _db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels -------------------------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis publish/subscribe, fanned out in memory (docs/architecture.md).
            "BACKEND": "rooms.redis_layer.RedisPublishLayer",
            "CONFIG": {"url": REDIS_URL},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "rooms.layers.SingleProcessChannelLayer"}}

# --- Auth, i18n, static ---------------------------------------------------------------------------

# Staff pages outside the admin (the replay page) send a visitor to the admin's login form,
# which brings them back (``?next=``).
LOGIN_URL = "admin:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE = "UTC"
USE_I18N = True
# The UI's words go through Django's translation functions ({% translate %} in templates, the
# JavaScript catalog at /jsi18n/ in scripts), with catalogs in locale/ (docs/translations.md).
# LocaleMiddleware picks each request's language: the language cookie, set by the switcher on
# every page (POST /i18n/setlang/), else the browser's Accept-Language, else LANGUAGE_CODE.
# Each language is named in its own language (the switcher lists them so). The staff replay
# page stays English; the admin has Django's own catalogs.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("th", "ไทย"), ("zh-hans", "简体中文")]
LANGUAGE_COOKIE_NAME = "django_language"  # Django's default, named here for the docs and tests
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # a year: the choice outlives the browser session
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # only the server reads it
LANGUAGE_COOKIE_SECURE = BEHIND_HTTPS_PROXY
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static/ (and the apps' static files) straight from the finders, so neither
# `make run` nor a deployment needs a collectstatic step.
# STATIC_ROOT is only where `collectstatic` copies them for a proxy to serve (deploy/nginx.conf).
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", "").strip() or None
WHITENOISE_USE_FINDERS = True

# --- REST API -------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rooms.exceptions.api_exception_handler",
    # JSON bodies only (a form is 415), small and shallow: rooms/rest_input.py.
    "DEFAULT_PARSER_CLASSES": ["rooms.rest_input.JSONBodyParser"],
    # JSON answers only: the API is explored at /api/docs/, not through DRF's HTML forms.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

SPECTACULAR_SETTINGS = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Liap Tui server API",
    "DESCRIPTION": "REST interface of the Liap Tui server. The WebSocket protocol is described "
    "in docs/protocol.md.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Game -----------------------------------------------------------------------------------------

LIAPTUI_TIME_SCALE = env_float("LIAPTUI_TIME_SCALE", 1.0)
if LIAPTUI_TIME_SCALE < 0:
    raise ImproperlyConfigured(f"LIAPTUI_TIME_SCALE must be >= 0, got {LIAPTUI_TIME_SCALE}")

LIAPTUI_ALLOW_SEED = env_bool("LIAPTUI_ALLOW_SEED")

# Threads for the room service's database work; each room always uses the same one. SQLite has
# one writer at a time, and a writer waiting on its lock sleeps: one thread answers fastest.
_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
LIAPTUI_DB_THREADS = env_int("LIAPTUI_DB_THREADS", 1 if _SQLITE else 4)
if LIAPTUI_DB_THREADS < 1:
    raise ImproperlyConfigured(f"LIAPTUI_DB_THREADS must be >= 1, got {LIAPTUI_DB_THREADS}")
# On SQLite the database threads commit the calls that queue up together, one commit for a group
# (rooms.db.GroupCommitThread): a commit costs more than a room's writes. Not on PostgreSQL,
# where a group would hold every room's row lock until its last call.
LIAPTUI_GROUP_COMMIT = _SQLITE and env_bool("LIAPTUI_GROUP_COMMIT", True)

# The CPU-time cap of an expert bot's decision (game.expert.Budget); its work is fixed.
LIAPTUI_EXPERT_BUDGET_MS = env_float("LIAPTUI_EXPERT_BUDGET_MS", 50.0)
if LIAPTUI_EXPERT_BUDGET_MS <= 0:
    raise ImproperlyConfigured(
        f"LIAPTUI_EXPERT_BUDGET_MS must be > 0, got {LIAPTUI_EXPERT_BUDGET_MS}"
    )

# --- Logging --------------------------------------------------------------------------------------

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "").strip().upper() or "INFO"
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL must be a log level name, got {LOG_LEVEL!r}")
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "").strip().lower() or "plain"
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "json": {"()": "gameproject.logformat.JSONFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Game timings in seconds (docs/rules.md §6), each multiplied by LIAPTUI_TIME_SCALE.
LIAPTUI_TIMINGS = {
    "redeal_window": 30.0,
    "round_start": 5.0,
    "turn_results": 7.0,
    "scoring": 7.0,
    "bot_min": 0.5,
    "bot_max": 1.5,
    # A connected human who does not act; 0 = wait forever. LIAPTUI_IDLE_SECONDS overrides it.
    "idle": env_float("LIAPTUI_IDLE_SECONDS", 60.0),
}
if LIAPTUI_TIMINGS["idle"] < 0:
    raise ImproperlyConfigured(f"LIAPTUI_IDLE_SECONDS must be >= 0, got {LIAPTUI_TIMINGS['idle']}")
# Not scaled: housekeeping of the room service.
LIAPTUI_ABANDON_AFTER = 600.0  # close rooms with no human connected, or finished, this long
LIAPTUI_SWEEP_INTERVAL = 1.0  # how often each process looks for overdue deadlines (0 = never)
# Each process marks itself alive every HEARTBEAT seconds; the sockets of a process not marked
# for TTL seconds are gone (it died) and their seats are away (rooms.presence).
LIAPTUI_PRESENCE_HEARTBEAT = env_float("LIAPTUI_PRESENCE_HEARTBEAT", 2.0)
LIAPTUI_PRESENCE_TTL = env_float("LIAPTUI_PRESENCE_TTL", 6.0)
if LIAPTUI_PRESENCE_HEARTBEAT <= 0 or LIAPTUI_PRESENCE_TTL < 2 * LIAPTUI_PRESENCE_HEARTBEAT:
    raise ImproperlyConfigured(
        "LIAPTUI_PRESENCE_HEARTBEAT must be > 0 and LIAPTUI_PRESENCE_TTL at least twice it, got "
        f"{LIAPTUI_PRESENCE_HEARTBEAT} and {LIAPTUI_PRESENCE_TTL}"
    )
# Every this many seconds each process looks for its sockets that missed a broadcast (a writer
# died between its commit and its broadcast): one still behind after a whole interval catches up.
LIAPTUI_CATCH_UP_INTERVAL = env_float("LIAPTUI_CATCH_UP_INTERVAL", 2.0)
if LIAPTUI_CATCH_UP_INTERVAL <= 0:
    raise ImproperlyConfigured(
        f"LIAPTUI_CATCH_UP_INTERVAL must be > 0, got {LIAPTUI_CATCH_UP_INTERVAL}"
    )
# Per-connection WebSocket rate limit: messages per second, and the burst allowed.
LIAPTUI_WS_RATE = env_float("LIAPTUI_WS_RATE", 10.0)
# How many rooms each process keeps in its repository's cache (the least recently used go).
LIAPTUI_ROOM_CACHE = env_int("LIAPTUI_ROOM_CACHE", 5000)
if LIAPTUI_ROOM_CACHE < 1:
    raise ImproperlyConfigured(f"LIAPTUI_ROOM_CACHE must be >= 1, got {LIAPTUI_ROOM_CACHE}")
LIAPTUI_WS_BURST = env_float("LIAPTUI_WS_BURST", 30.0)
