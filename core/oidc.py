"""Sign-in through an OpenID Connect provider (Entra ID, HelseID, ID-porten).

The relying party's side of the authorization code flow, with Authlib:
PKCE (S256), ``state`` and ``nonce``, the client authenticated with
``private_key_jwt`` (or a secret), pushed authorization requests (PAR) when
``OIDC_USE_PAR`` is set, the ID token checked (signature from the provider's
JWKS, issuer, audience, expiry, nonce) and RP-initiated logout.

The provider's metadata is discovered from the issuer when the first person
signs in, not at start-up (a provider that is down must not stop the site),
and kept for ``OIDC_METADATA_SECONDS``. Its keys are read again when an ID
token names a key id they lack: the provider has rotated its keys.

Every failure is an :class:`OidcError` whose ``code`` the login page turns
into a message; nothing here knows about users or roles.
"""

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from joserfc import jwt
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

# Algorithms an ID token may be signed with (never "none", never HMAC).
ID_TOKEN_ALGORITHMS = ["RS256", "PS256", "ES256"]
# Clocks differ a little between the provider and us.
CLOCK_LEEWAY_SECONDS = 60


class OidcError(Exception):
    """A sign-in through the provider failed; ``code`` says how."""

    PROVIDER_DOWN = "provider_down"
    PROVIDER_REFUSED = "provider_refused"
    STATE_MISMATCH = "state_mismatch"
    EXPIRED_CODE = "expired_code"
    WRONG_AUDIENCE = "wrong_audience"
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 (a code, not a secret)
    INVALID_TOKEN = "invalid_token"  # noqa: S105

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def issuer_origin() -> str:
    """The provider's origin (scheme://host:port), for the CSP's form-action."""
    parts = urlsplit(settings.OIDC_ISSUER)
    return f"{parts.scheme}://{parts.netloc}"


# --- The provider's metadata and keys ------------------------------------------


@dataclass
class _Cached:
    value: Any
    at: float


_cache: dict[tuple[str, str], _Cached] = {}
_cache_lock = threading.Lock()


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcError(OidcError.PROVIDER_DOWN, f"{url}: {error}") from error
    if not isinstance(data, dict):
        raise OidcError(OidcError.PROVIDER_DOWN, f"{url}: not a JSON object")
    return data


def _cached(kind: str, load, *, fresh: bool = False):
    key = (settings.OIDC_ISSUER, kind)
    with _cache_lock:
        entry = _cache.get(key)
    too_old = entry and time.monotonic() - entry.at > settings.OIDC_METADATA_SECONDS
    if entry is None or fresh or too_old:
        entry = _Cached(load(), time.monotonic())
        with _cache_lock:
            _cache[key] = entry
    return entry.value


def cache_clear() -> None:
    with _cache_lock:
        _cache.clear()


def metadata() -> dict:
    """The provider's OpenID configuration, read at the first sign-in."""

    def load() -> dict:
        issuer = settings.OIDC_ISSUER
        data = _get_json(f"{issuer}/.well-known/openid-configuration")
        if data.get("issuer", "").rstrip("/") != issuer:
            raise OidcError(
                OidcError.PROVIDER_DOWN, f"metadata names issuer {data.get('issuer')}"
            )
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not data.get(name):
                raise OidcError(OidcError.PROVIDER_DOWN, f"metadata lacks {name}")
        return data

    return _cached("metadata", load)


def _keys(*, fresh: bool = False) -> KeySet:
    return _cached(
        "jwks",
        lambda: KeySet.import_key_set(_get_json(metadata()["jwks_uri"])),  # type: ignore[arg-type]
        fresh=fresh,
    )


# --- The client ------------------------------------------------------------


def _client(redirect_uri: str) -> OAuth2Session:
    """An Authlib session authenticating as this client at the provider."""
    if settings.OIDC_PRIVATE_KEY_FILE:
        with open(settings.OIDC_PRIVATE_KEY_FILE, "rb") as key_file:
            key = key_file.read()
        session = OAuth2Session(
            settings.OIDC_CLIENT_ID,
            key,
            token_endpoint_auth_method="private_key_jwt",  # noqa: S106
            redirect_uri=redirect_uri,
        )
        # The assertion's audience is the issuer: what FAPI 2.0 (HelseID)
        # asks for, and what other providers accept at every endpoint.
        session.register_client_auth_method(
            PrivateKeyJWT(settings.OIDC_ISSUER, headers=assertion_headers() or None)
        )
    else:
        session = OAuth2Session(
            settings.OIDC_CLIENT_ID,
            settings.OIDC_CLIENT_SECRET,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106
            redirect_uri=redirect_uri,
        )
    session.timeout = settings.OIDC_TIMEOUT
    return session


def assertion_headers() -> dict[str, str]:
    """The client assertion's key names: ``kid`` (OIDC_KEY_ID) and, when a
    certificate is given (OIDC_CERTIFICATE_FILE), its SHA-1 and SHA-256
    thumbprints, ``x5t`` and ``x5t#S256``: Entra ID finds the key by them."""
    headers = {"kid": settings.OIDC_KEY_ID} if settings.OIDC_KEY_ID else {}
    if settings.OIDC_CERTIFICATE_FILE:
        with open(settings.OIDC_CERTIFICATE_FILE, "rb") as pem:
            der = x509.load_pem_x509_certificate(pem.read()).public_bytes(
                serialization.Encoding.DER
            )
        headers["x5t"] = _b64url(hashlib.sha1(der).digest())  # noqa: S324
        headers["x5t#S256"] = _b64url(hashlib.sha256(der).digest())
    return headers


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def authorization_start(*, redirect_uri: str) -> tuple[str, dict]:
    """Where to send the browser, and what to keep in the session until it
    comes back (state, nonce, PKCE verifier)."""
    provider = metadata()
    pending = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "code_verifier": secrets.token_urlsafe(64),
        "redirect_uri": redirect_uri,
        "issuer": settings.OIDC_ISSUER,
        "started": time.time(),
    }
    params = {
        "response_type": "code",
        "client_id": settings.OIDC_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": settings.OIDC_SCOPES,
        "state": pending["state"],
        "nonce": pending["nonce"],
        "code_challenge": create_s256_code_challenge(pending["code_verifier"]),
        "code_challenge_method": "S256",
    }
    if settings.OIDC_USE_PAR:
        params = {
            "client_id": settings.OIDC_CLIENT_ID,
            "request_uri": _pushed_request(provider, params, redirect_uri),
        }
    return add_params_to_uri(provider["authorization_endpoint"], params), pending


def _pushed_request(provider: dict, params: dict, redirect_uri: str) -> str:
    """PAR (RFC 9126): the request goes to the provider directly, the browser
    carries only its reference."""
    endpoint = provider.get("pushed_authorization_request_endpoint")
    if not endpoint:
        raise OidcError(OidcError.PROVIDER_DOWN, "the provider offers no PAR")
    client = _client(redirect_uri)
    try:
        response = client.post(
            endpoint,
            data=params,
            auth=client.client_auth(client.token_endpoint_auth_method),
            withhold_token=True,
        )
    except requests.RequestException as error:
        raise OidcError(OidcError.PROVIDER_DOWN, str(error)) from error
    if response.status_code >= 500:
        raise OidcError(OidcError.PROVIDER_DOWN, f"PAR {response.status_code}")
    body = response.json() if response.content else {}
    if response.status_code >= 400 or "request_uri" not in body:
        raise OidcError(OidcError.PROVIDER_REFUSED, f"PAR: {body.get('error')}")
    return body["request_uri"]


@dataclass(frozen=True)
class SignIn:
    """What the provider says about the person who signed in."""

    issuer: str
    claims: dict
    id_token: str


def authorization_finish(*, pending: dict | None, params) -> SignIn:
    """Check the provider's answer to the browser and redeem its code."""
    if params.get("error"):
        raise OidcError(OidcError.PROVIDER_REFUSED, str(params.get("error"))[:100])
    state = params.get("state", "")
    if (
        not pending
        or not state
        or not secrets.compare_digest(str(state), pending["state"])
        or pending["issuer"] != settings.OIDC_ISSUER
    ):
        raise OidcError(OidcError.STATE_MISMATCH)
    if time.time() - pending["started"] > settings.OIDC_STATE_SECONDS:
        raise OidcError(OidcError.EXPIRED_CODE, "the sign-in took too long")
    # RFC 9207: the answer names its issuer (a mix-up attack names another).
    if params.get("iss") and params["iss"].rstrip("/") != settings.OIDC_ISSUER:
        raise OidcError(OidcError.STATE_MISMATCH, "another issuer answered")
    token = _redeem(pending, str(params.get("code", "")))
    id_token = token.get("id_token")
    if not id_token:
        raise OidcError(OidcError.INVALID_TOKEN, "no ID token")
    claims = id_token_validate(id_token, nonce=pending["nonce"])
    return SignIn(issuer=settings.OIDC_ISSUER, claims=claims, id_token=id_token)


def _redeem(pending: dict, code: str) -> dict:
    if not code:
        raise OidcError(OidcError.EXPIRED_CODE, "no code")
    client = _client(pending["redirect_uri"])
    try:
        return client.fetch_token(
            metadata()["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending["code_verifier"],
            redirect_uri=pending["redirect_uri"],
        )
    except OAuthError as error:
        if error.error == "invalid_grant":  # expired, used, or not ours
            raise OidcError(OidcError.EXPIRED_CODE, str(error)) from error
        raise OidcError(OidcError.PROVIDER_REFUSED, str(error)) from error
    except (requests.RequestException, ValueError) as error:
        raise OidcError(OidcError.PROVIDER_DOWN, str(error)) from error


def id_token_validate(id_token: str, *, nonce: str) -> dict:
    """The ID token's claims once its signature, issuer, audience, expiry
    and nonce are checked."""
    try:
        try:
            token = jwt.decode(id_token, _keys(), algorithms=ID_TOKEN_ALGORITHMS)
        except InvalidKeyIdError:
            # A key id we do not know: the provider has rotated its keys.
            token = jwt.decode(
                id_token, _keys(fresh=True), algorithms=ID_TOKEN_ALGORITHMS
            )
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": settings.OIDC_ISSUER},
            aud={"essential": True, "value": settings.OIDC_CLIENT_ID},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except ExpiredTokenError as error:
        raise OidcError(OidcError.TOKEN_EXPIRED, str(error)) from error
    except (InvalidClaimError, MissingClaimError) as error:
        if getattr(error, "claim", "") == "aud":
            raise OidcError(OidcError.WRONG_AUDIENCE, str(error)) from error
        raise OidcError(OidcError.INVALID_TOKEN, str(error)) from error
    except (JoseError, ValueError) as error:
        raise OidcError(OidcError.INVALID_TOKEN, str(error)) from error
    audiences = token.claims["aud"]
    # Several audiences: the token must have been issued to us (azp).
    several = isinstance(audiences, list) and len(audiences) > 1
    if several and token.claims.get("azp") != settings.OIDC_CLIENT_ID:
        raise OidcError(OidcError.WRONG_AUDIENCE, "azp names another client")
    return dict(token.claims)


def logout_url(*, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None when
    the provider offers none or cannot be reached."""
    try:
        endpoint = metadata().get("end_session_endpoint")
    except OidcError:
        return None
    if not endpoint:
        return None
    return add_params_to_uri(
        endpoint,
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_CLIENT_ID,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        },
    )
