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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "strategy",
    "indicators",
    "initiatives",
    "councils",
    "notifications",
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
    "django_otp.middleware.OTPMiddleware",
    # A local account that has (or must have) a second factor sees nothing
    # else until it has used (or enrolled) one.
    "core.middleware.SecondFactorMiddleware",
    "core.middleware.HtmxLoginRedirectMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: says why it signs a person out or sends them on.
    "core.middleware.AccountPolicyMiddleware",
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
# Sessions end after 30 idle minutes. A request extends a signed-in session when
# a minute has passed since it was last saved (core.middleware.SessionMiddleware),
# not on every request. However active, a session ends 12 hours after sign-in
# (core.middleware.AccountPolicyMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
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

# --- A second factor for local accounts (core.second_factor) ------------------
# Required for the roles below when MFA_REQUIRED (production's default); an
# account with a factor enrolled always uses it. People signing in through
# the OpenID Connect provider get their second factor there.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=False)
MFA_ROLES = ["Administrator", "Godkjenner", "Sekretariat"]
MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "E-helsestrategi"
# Wrong codes count against the login lockout (core.second_factor_views), the
# one rule for passwords and second factors alike; django-otp's own growing
# delay would refuse a right code after a wrong one without saying why.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Passkeys (WebAuthn): the relying party's id is the site's host name unless
# set, and its name is shown by the authenticator.
WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="")
WEBAUTHN_RP_NAME = "E-helsestrategi"

# --- Single sign-on: OpenID Connect (core.oidc) -------------------------------
# Off unless OIDC_ISSUER and OIDC_CLIENT_ID are set. The client authenticates
# with private_key_jwt (OIDC_PRIVATE_KEY_FILE, a PEM, with OIDC_KEY_ID, the
# key's id at the provider) or with OIDC_CLIENT_SECRET. The provider's
# metadata is read from the issuer when the first person signs in, not here.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_PRIVATE_KEY_FILE = env.str("OIDC_PRIVATE_KEY_FILE", default="")
OIDC_KEY_ID = env.str("OIDC_KEY_ID", default="")
# The key's certificate (PEM), where the provider names keys by thumbprint
# (Entra ID): its x5t is sent with the client assertion.
OIDC_CERTIFICATE_FILE = env.str("OIDC_CERTIFICATE_FILE", default="")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid profile email")
OIDC_USE_PAR = env.bool("OIDC_USE_PAR", default=False)
# The claim whose values (a string or a list) grant roles through the map,
# e.g. Entra ID's "groups" or "roles": {"<group id>": "Sekretariat", ...}.
OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="roles")
OIDC_ROLE_MAP = env.json("OIDC_ROLE_MAP", default={})
# Hide the local login form (the admin's login stays, for break-glass use).
OIDC_ONLY = env.bool("OIDC_ONLY", default=False)
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
# Seconds: each call to the provider, and how long its metadata is reused.
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10)
OIDC_METADATA_SECONDS = env.int("OIDC_METADATA_SECONDS", default=3600)
# Seconds a sign-in may take at the provider before its state is refused.
OIDC_STATE_SECONDS = env.int("OIDC_STATE_SECONDS", default=600)

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
# Dates in each language's own form: "30. juni 2025", "30 June 2025".
FORMAT_MODULE_PATH = ["config.formats"]
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

# --- E-mail -----------------------------------------------------------------
# EMAIL_URL: console in the embedded default (messages are printed), SMTP in
# production (smtp://user:password@host:587 or smtp+tls://…).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="e-helsestrategi <ikke-svar@localhost>"
)
# Links in messages point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Reminders go this many days before something is due.
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=14)
FOLLOW_UP_REMINDER_DAYS_BEFORE = env.int("FOLLOW_UP_REMINDER_DAYS_BEFORE", default=7)
# A frozen pack is announced to the council's members for this many days.
PACK_NOTICE_DAYS = 7

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
    # Reminders and notices: what is due is recorded and sent; anything a
    # queued task did not send (broker or SMTP down) goes out here.
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "notifications-digest": {
        "task": "notifications.digest",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 3000},
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
    # The input rules every operation enforces, stated in the schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.input_rules",
    ],
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
