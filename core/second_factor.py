"""A second factor for local accounts: TOTP with recovery codes (django-otp)
and passkeys (WebAuthn, py_webauthn).

Who needs one: every local account that has enrolled a factor, and, when
``MFA_REQUIRED`` is set, every account holding one of ``MFA_ROLES``, which is
sent to enrol before it reaches any page. People who signed in through the
OpenID Connect provider are not asked here: the provider is their second
factor's place (HelseID, Entra ID's conditional access).
"""

import json
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .models import PasskeyDevice, User
from .roles import user_roles

# The session holds the provider's ID token (for logging out there) when the
# person signed in through it.
OIDC_SESSION_KEY = "oidc_id_token"
CHALLENGE_KEY = "webauthn_challenge"
RECOVERY_NAME = "recovery codes"


def signed_in_through_provider(request) -> bool:
    return bool(request.session.get(OIDC_SESSION_KEY))


def role_requires_factor(user) -> bool:
    return settings.MFA_REQUIRED and bool(user_roles(user) & set(settings.MFA_ROLES))


def must_enrol(user) -> bool:
    """An account that must have a second factor and has none."""
    return role_requires_factor(user) and not user_has_device(user)


def has_factor(user) -> bool:
    return user_has_device(user)


# The session remembers that its account had no factor when it signed in
# (noted at login): otherwise every page of the many accounts without one
# would ask each kind of device (three queries). A factor enrolled in this
# session verifies it.
NO_FACTOR_KEY = "second_factor_none"


def second_factor_note(request, user) -> None:
    if has_factor(user):
        request.session.pop(NO_FACTOR_KEY, None)
    else:
        request.session[NO_FACTOR_KEY] = user.pk


def owed(request) -> str | None:
    """What the signed-in session owes before any page: "verify" (use the
    factor it has), "enrol" (get one first) or nothing."""
    user = request.user
    if request.session.get(NO_FACTOR_KEY) != user.pk:
        if has_factor(user):
            return "verify"
        request.session[NO_FACTOR_KEY] = user.pk
    return "enrol" if role_requires_factor(user) else None


# --- TOTP and recovery codes ---------------------------------------------------


def totp_start(*, user: User) -> TOTPDevice:
    """A new authenticator app, unconfirmed until its first code is given."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(
        user=user, name="authenticator app", confirmed=False
    )


def totp_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm the app with a code it shows; False if the code is wrong."""
    if not device.verify_token(code.replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes, each usable once; the old ones stop working.
    Returned once: only django-otp's rows hold them afterwards."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code.replace("-", "")) for code in codes
    )
    return codes


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def code_match(*, user: User, code: str):
    """The TOTP device or recovery code the typed code belongs to, or None.
    A recovery code is used up by matching it."""
    token = code.strip().replace(" ", "").replace("-", "").lower()
    if not token:
        return None
    for device in devices_for_user(user):
        if isinstance(device, PasskeyDevice):
            continue
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


def factors_of(user: User) -> list:
    return list(devices_for_user(user))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_NAME
    ).count()


# --- Passkeys --------------------------------------------------------------


def _rp_id(request) -> str:
    return settings.WEBAUTHN_RP_ID or request.get_host().split(":")[0]


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=bytes(device.credential_id))
        for device in PasskeyDevice.objects.filter(user=user, confirmed=True)
    ]


def passkey_registration_options(request) -> str:
    """Options for navigator.credentials.create(), as JSON; the challenge is
    kept in the session."""
    user = request.user
    options = generate_registration_options(
        rp_id=_rp_id(request),
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_name=user.get_username(),
        user_id=f"user-{user.pk}".encode(),
        user_display_name=user.get_full_name() or user.get_username(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[CHALLENGE_KEY] = options.challenge.hex()
    return options_to_json(options)


def passkey_register(request, *, credential: str, name: str) -> PasskeyDevice | None:
    """Keep the passkey the browser made; None if its answer does not verify."""
    challenge = request.session.pop(CHALLENGE_KEY, None)
    if not challenge:
        return None
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=bytes.fromhex(challenge),
            expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        return None
    return PasskeyDevice.objects.create(
        user=request.user,
        name=(name or "passkey")[:64],
        confirmed=True,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def passkey_authentication_options(request) -> str:
    options = generate_authentication_options(
        rp_id=_rp_id(request), allow_credentials=_descriptors(request.user)
    )
    request.session[CHALLENGE_KEY] = options.challenge.hex()
    return options_to_json(options)


def passkey_verify(request, *, credential: str) -> PasskeyDevice | None:
    """The user's passkey that signed the challenge, or None."""
    challenge = request.session.pop(CHALLENGE_KEY, None)
    try:
        raw_id = base64url_to_bytes(json.loads(credential)["rawId"])
    except (ValueError, KeyError, TypeError):
        return None
    device = PasskeyDevice.objects.filter(
        user=request.user, confirmed=True, credential_id=raw_id
    ).first()
    if device is None or not challenge:
        return None
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=bytes.fromhex(challenge),
            expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
            credential_public_key=bytes(device.public_key),
            credential_current_sign_count=device.sign_count,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
        return None
    device.sign_count = verified.new_sign_count
    device.last_used_at = timezone.now()
    device.save(update_fields=["sign_count", "last_used_at"])
    return device
