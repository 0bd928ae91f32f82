"""System checks of the sign-in settings: a misconfigured provider or role
map stops ``manage.py check`` (and so the start-up), not the first sign-in."""

from django.conf import settings
from django.core import checks

from .roles import Role


def oidc_settings_are_complete(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []

    def error(message: str, number: int) -> None:
        errors.append(checks.Error(message, id=f"core.E1{number:02d}"))

    if bool(settings.OIDC_ISSUER) != bool(settings.OIDC_CLIENT_ID):
        error("Set both OIDC_ISSUER and OIDC_CLIENT_ID, or neither.", 1)
    if settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID:
        key_file, secret = settings.OIDC_PRIVATE_KEY_FILE, settings.OIDC_CLIENT_SECRET
        if bool(key_file) == bool(secret):
            error("Set one of OIDC_PRIVATE_KEY_FILE and OIDC_CLIENT_SECRET.", 2)
        if key_file and not _readable(key_file, b"PRIVATE KEY"):
            error(f"OIDC_PRIVATE_KEY_FILE {key_file} cannot be read.", 3)
        certificate = settings.OIDC_CERTIFICATE_FILE
        if certificate and not _readable(certificate, b"CERTIFICATE"):
            error(f"OIDC_CERTIFICATE_FILE {certificate} cannot be read.", 6)
        if "openid" not in settings.OIDC_SCOPES.split():
            error("OIDC_SCOPES must include openid.", 4)
    role_map = settings.OIDC_ROLE_MAP
    if not isinstance(role_map, dict) or not all(
        isinstance(value, str) and value in Role.values for value in role_map.values()
    ):
        error(
            "OIDC_ROLE_MAP must be a JSON object of claim values to role names: "
            + ", ".join(Role.values),
            5,
        )
    return errors


def _readable(path: str, marker: bytes) -> bool:
    try:
        with open(path, "rb") as pem:
            return marker in pem.read()
    except OSError:
        return False
