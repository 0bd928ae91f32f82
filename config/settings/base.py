"""Settings for every mode, read once from the environment.

With no environment at all this is the *embedded default*: a SQLite file under
``var/`` and Celery running tasks in-process. ``DATABASE_URL`` switches to
PostgreSQL and ``CELERY_BROKER_URL`` to a real broker (Redis).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

# Django's debug pages (a technical 404 lists every URL pattern) only when
# asked for: DEBUG=true. The embedded default shows the site's own 404 and 500.
DEBUG = env.bool("DEBUG", default=False)
# The embedded default (a SQLite file, tasks in-process, demo logins);
# production.py says otherwise.
EMBEDDED = True
# Only the embedded default may use this key; production.py demands a real one.
SECRET_KEY = env.str("SECRET_KEY", default="embedded-default-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "core",
    "strategy",
    "indicators",
    "initiatives",
    "councils",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    # Before anything reads the session or a query: NUL is a 400, not a 500.
    "core.middleware.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.HtmxLoginRedirectMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# Seconds. Gunicorn's timeout (config/start-web.sh) must exceed the statement
# timeout plus two connect timeouts: the health check of a reused connection
# and a new connect may each wait that long first.
WEB_TIMEOUT = env.int("WEB_TIMEOUT", default=60)
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=30)
# Below CELERY_TASK_SOFT_TIME_LIMIT, so a task gets a database error it can
# report rather than being stopped mid-statement.
WORKER_DATABASE_STATEMENT_TIMEOUT = env.int(
    "WORKER_DATABASE_STATEMENT_TIMEOUT", default=180
)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions: the embedded mode runs Celery tasks
    # in-process, so readers and a writer overlap; without these SQLite answers
    # "database is locked" instead of waiting.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Persistent connections, checked before reuse so that a restarted
    # PostgreSQL is picked up again without restarting the web process.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A stuck database answers 503 soon instead of hanging the request until
    # gunicorn (WEB_TIMEOUT) kills the worker: core.postgresql bounds the
    # connect, has the server cancel long statements and stops waiting for a
    # server that does not answer at all. The worker (config/celery.py) takes
    # WORKER_DATABASE_STATEMENT_TIMEOUT instead; 0 means no limit.
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
    }
    DATABASES["default"]["STATEMENT_TIMEOUT"] = DATABASE_STATEMENT_TIMEOUT
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and roles --------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "strategy:overview"
LOGOUT_REDIRECT_URL = "login"
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
# Sessions end after two idle hours. A request extends a signed-in session when
# a minute has passed since it was last saved (core.middleware.SessionMiddleware),
# not on every request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Login lockout (core.security): failures per username and per client address
# within the window. TRUSTED_PROXY_COUNT is how many proxies in front of the
# app append to X-Forwarded-For (0: use the socket's address).
LOGIN_MAX_FAILURES_USER = env.int("LOGIN_MAX_FAILURES_USER", default=5)
LOGIN_MAX_FAILURES_ADDRESS = env.int("LOGIN_MAX_FAILURES_ADDRESS", default=20)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# API keys (core.services): a key lives a year unless made otherwise; a rotated
# key stays valid this many days beside its successor; the security report
# warns this many days before a key expires.
API_KEY_LIFETIME_DAYS = env.int("API_KEY_LIFETIME_DAYS", default=365)
API_KEY_ROTATION_GRACE_DAYS = env.int("API_KEY_ROTATION_GRACE_DAYS", default=7)
API_KEY_EXPIRY_WARNING_DAYS = env.int("API_KEY_EXPIRY_WARNING_DAYS", default=30)
# The audit trail's chains seal rows once they are this old: longer than any
# transaction may run (tasks stop at 300 s), so no row is still to come below.
AUDIT_SEAL_SETTLE_SECONDS = env.int("AUDIT_SEAL_SETTLE_SECONDS", default=600)

CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"  # for display; the database stores UTC
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Form widgets and fields render through the project's templates, so that
# templates/django/forms/ puts them on Designsystemet's classes.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

STATICFILES_DIRS = [BASE_DIR / "static"]
# The embedded mode serves static files straight from their sources (no
# collectstatic), with DEBUG off too; production serves the collected ones.
WHITENOISE_USE_FINDERS = True
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfiles.PlotlyFinder",  # vendor/plotly/plotly.min.js
]

# Debian's Chromium: Plotly's chart export for meeting-pack PDFs drives it.
CHROMIUM_PATH = env.str("CHROMIUM_PATH", default="/usr/bin/chromium")

# Uploaded case documents: outside the static files, served only through a
# view that checks the reader's role.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 2**20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20

# --- Celery -----------------------------------------------------------------
# No broker configured: run tasks in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues must not hang when the broker is down: give up
# quickly; the periodic sweep catches up with anything not enqueued.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # A task taken by a worker that dies (acks_late) goes back on the queue
    # this many seconds after delivery, when a worker next sweeps (at start,
    # then periodically). Longer than any task's time limit, so a task still
    # running is never handed out twice; the fault tests shorten it.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The one beat schedule of the project. The sweep expires before the next one
# is due, so sweeps queued while no worker runs do not pile up.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "progress-sweep": {
        "task": "indicators.progress_sweep",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "progress-nightly": {
        "task": "indicators.progress_recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # The audit trail's hash chains (core.audit_chain) take in settled rows.
    "audit-seal": {
        "task": "core.audit_seal",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Lockout bursts, key misuse, keys about to expire: to the log, hourly.
    "security-report": {
        "task": "core.security_report",
        "schedule": crontab(minute=5),
        "kwargs": {"hours": 1},
        "options": {"expires": 3000},
    },
}

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "core.api.UnauthenticatedThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.CanReadApi"],
    "DEFAULT_RENDERER_CLASSES": ["core.api.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.ORJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Atomic counters in the shared cache (core.api); requests that fail to
    # authenticate, or come without credentials, are counted against "anon" by
    # the last authentication class, before any permission refuses them.
    "DEFAULT_THROTTLE_CLASSES": ["core.api.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    },
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nasjonal e-helsestrategi – strategy tracker API",
    "DESCRIPTION": (
        "Read the strategy's goals, indicators, progress, initiatives and councils; "
        "push indicator values. Authenticate with 'Authorization: Token <key>'."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for users with a role, like the API itself.
    "SERVE_PERMISSIONS": ["core.api.CanReadApi"],
    # The ways to authenticate (core.api.UnauthenticatedThrottle is none).
    "AUTHENTICATION_WHITELIST": [
        "core.api.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",  # assets from drf-spectacular-sidecar, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Throttling and login counts live in the cache: Redis in production (shared
# by all web processes), process memory in the embedded mode. A cache that
# fails or hangs must not take requests with it (core.security): short socket
# timeouts, after which a process leaves the cache alone for a while.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
CACHE_RETRY_SECONDS = env.int("CACHE_RETRY_SECONDS", default=10)
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=CACHE_SOCKET_TIMEOUT,
        socket_timeout=CACHE_SOCKET_TIMEOUT,
    )

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
