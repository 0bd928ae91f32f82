"""Test settings: fast and hermetic by default.

Tasks run eagerly even when ``CELERY_BROKER_URL`` is set; the tests that need a
real worker switch eager mode off for themselves (see tests/workers.py).
"""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
