"""Production settings: refuse to start misconfigured.

Every value that must not fall back to a default is read without one, so a
missing ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` or
``CELERY_BROKER_URL`` stops the process with ImproperlyConfigured.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASE_CONNECT_TIMEOUT,
    DATABASE_STATEMENT_TIMEOUT,
    WEB_TIMEOUT,
    env,
)

DEBUG = False
EMBEDDED = False
WHITENOISE_USE_FINDERS = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names of the site.")
env.str("DATABASE_URL")
env.str("CELERY_BROKER_URL")
# Reminders must reach people: an SMTP server, and links to the real site.
if not env.str("EMAIL_URL").startswith("smtp"):
    raise ImproperlyConfigured("Set EMAIL_URL to the SMTP server (smtp://…).")
env.str("SITE_URL")
# A request stuck on the database must get its 503 before gunicorn kills it:
# the health check, a new connect and the statement may each wait their limit.
if DATABASE_STATEMENT_TIMEOUT + 2 * DATABASE_CONNECT_TIMEOUT >= WEB_TIMEOUT:
    raise ImproperlyConfigured(
        "DATABASE_STATEMENT_TIMEOUT + 2 x DATABASE_CONNECT_TIMEOUT must stay "
        "below WEB_TIMEOUT (gunicorn's timeout)."
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# A second factor for Administrator, Godkjenner and Sekretariat accounts.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind exactly one TLS-terminating proxy that sets this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
