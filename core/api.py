"""The REST API's shared plumbing: key authentication, roles, pages, JSON.

DRF imports this module while it reads its settings, so it must not import
``rest_framework.views`` (the error handler lives in ``core.api_errors``).
"""

import hashlib
import logging
import time
from datetime import timedelta
from typing import NoReturn

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import BaseRenderer
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .inputs import json_with_controls
from .models import ApiKey, AuthEvent, AuthEventKind
from .roles import Role, user_has_role
from .security import address_bucket, client_address, counters

logger = logging.getLogger(__name__)

KEY_PREFIX = "ehs_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Token <key>``; the key acts as its own user."""

    keyword = "Token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            refused(request, _("Send the header as 'Authorization: Token <key>'."))
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError:
            refused(request, _("Invalid API key."))
        key = (
            ApiKey.objects.select_related("user", "owner")
            .filter(key_hash=api_key_hash(raw_key))
            .first()
        )
        if key is None or not key.user.is_active:
            # Only as much as a key's public prefix: never a guess whole.
            shown = raw_key[: len(KEY_PREFIX) + 6] if len(raw_key) > 20 else ""
            refused(request, _("Invalid API key."), prefix=shown)
        if refusal := key_refusal(key, timezone.now()):
            refused(request, refusal, key=key)
        self._record_use(key)
        return key.user, key

    def authenticate_header(self, request):
        return self.keyword

    @staticmethod
    def _record_use(key: ApiKey) -> None:
        # At most one write a minute per key: the timestamp is for access
        # reviews, not an audit of every request.
        now = timezone.now()
        if key.last_used_at and now - key.last_used_at < LAST_USED_RESOLUTION:
            return
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)


def refused(
    request, message: str, *, key: ApiKey | None = None, prefix: str = ""
) -> NoReturn:
    """Refuse a request's credentials (401), as a security event; counted like
    an anonymous request first, so that guessing keys is throttled (429) and
    cannot fill the security log faster than the rate."""
    unauthenticated_throttle(request)
    address = client_address(request)
    revoked = key is not None and key.revoked_at is not None
    AuthEvent.objects.create(
        kind=AuthEventKind.API_KEY_REVOKED if revoked else AuthEventKind.API_KEY_FAILED,
        user=key.user if key is not None else None,
        username=key.name if key is not None else "",
        address=address,
        detail=(f"{key.prefix}…: " if key is not None else prefix and f"{prefix}…: ")
        + str(message)[:250],
    )
    raise exceptions.AuthenticationFailed(message)


class UnauthenticatedThrottle(BaseAuthentication):
    """The last authentication class: a request that no other class
    authenticated is counted against the ``anon`` rate by its address, before
    any permission refuses it (DRF would check throttles only after the
    permissions, so anonymous and failed requests were never throttled)."""

    def authenticate(self, request):
        unauthenticated_throttle(request)
        return None


def unauthenticated_throttle(request) -> None:
    """429 for an address over the ``anon`` rate of unauthenticated requests;
    the first refusal of a window is a security event."""
    throttle = AnonRateThrottle()
    if throttle.allow_request(request, None):
        return
    if throttle.first_refusal:
        AuthEvent.objects.create(
            kind=AuthEventKind.AUTH_THROTTLED,
            address=client_address(request),
            detail=f"over {throttle.rate} without valid credentials",
        )
    raise exceptions.Throttled(wait=throttle.wait())


class SharedRateThrottle(BaseThrottle):
    """A rate limit kept in atomic counters of the shared cache.

    DRF's own throttles read a list of times from the cache and write it back,
    so parallel requests each saw room for themselves (8 clients got 1,422
    requests through a 1,200/min limit). Here each request adds one to its
    window's counter (``core.security.counters``) and is let through only if
    the count, with the previous window weighted by how much of it still lies
    within the last period, is within the rate; a refused request is taken
    off again. When the cache fails, requests are let through (fail open).
    """

    scope = ""

    def __init__(self) -> None:
        self.rate = str(api_settings.DEFAULT_THROTTLE_RATES[self.scope])
        self.num_requests, self.duration = rate_parse(self.rate)
        self.first_refusal = False
        self._wait = 0.0

    def ident(self, request) -> str:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        now = time.time()
        window = int(now // self.duration)
        key = f"throttle:{self.scope}:{self.ident(request)}:"
        count = counters.add(
            f"{key}{window}", 1, window=2 * self.duration, fail_open=True
        )
        if count is None:
            return True
        previous = counters.get(f"{key}{window - 1}", fail_open=True) or 0
        elapsed = now / self.duration - window
        if previous * (1 - elapsed) + count <= self.num_requests:
            return True
        counters.add(f"{key}{window}", -1, window=2 * self.duration, fail_open=True)
        refusals = counters.add(
            f"{key}{window}:refused", 1, window=2 * self.duration, fail_open=True
        )
        self.first_refusal = refusals == 1
        self._wait = (1 - elapsed) * self.duration
        return False

    def wait(self) -> float:
        return max(1.0, self._wait)


def rate_parse(rate: str) -> tuple[int, int]:
    """``"1200/minute"`` → (1200, 60): DRF's rate format (s, m, h, d)."""
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


class UserRateThrottle(SharedRateThrottle):
    scope = "user"

    def ident(self, request) -> str:
        return str(request.user.pk)


class AnonRateThrottle(SharedRateThrottle):
    scope = "anon"

    def ident(self, request) -> str:
        return address_bucket(client_address(request))


def key_refusal(key: ApiKey, now) -> str:
    """Why a known key may not be used now, or "" when it may."""
    if not key.is_active:
        return _("This API key has been revoked.")
    if key.expires_at <= now:
        return _("This API key has expired; ask for a new one.")
    if key.owner is None:
        return _(
            "This API key has no owner; an administrator must name the person "
            "answerable for it."
        )
    if not key.owner.is_active:
        return _("The owner of this API key is no longer an active user.")
    return ""


def roles_permission(*roles: str) -> type[BasePermission]:
    """A permission class letting in users who hold any of these roles."""

    class HasRole(BasePermission):
        message = _("Your role does not give access to this resource.")

        def has_permission(self, request, view):
            return user_has_role(request.user, *roles)

    HasRole.__name__ = "HasRole_" + "_".join(str(r) for r in roles)
    return HasRole


def writes_for(*roles: str) -> type[BasePermission]:
    """Readers may read; only these roles may write (POST, PATCH …)."""

    class WriteRoles(BasePermission):
        message = gettext_lazy("Your role does not allow this change.")

        def has_permission(self, request, view):
            # A method the view lacks gets its 405 rather than a 403.
            unknown = not hasattr(view, request.method.lower())
            return (
                unknown
                or request.method in SAFE_METHODS
                or user_has_role(request.user, *roles)
            )

    WriteRoles.__name__ = "WriteRoles_" + "_".join(str(r) for r in roles)
    return WriteRoles


API_READERS = (
    Role.COUNCIL_MEMBER,
    Role.SECRETARIAT,
    Role.APPROVER,
    Role.INTEGRATION,
    Role.ADMINISTRATOR,
)
CanReadApi = roles_permission(*API_READERS)


class ORJSONRenderer(BaseRenderer):
    """Fast JSON: decimals arrive as strings from the serializers already."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS)


# 50,000 value items with long comments fit; a runaway upload does not.
MAX_BODY_BYTES = 64 * 2**20


class TooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = gettext_lazy("The request is too large.")


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = gettext_lazy("The current state does not allow this.")


NON_FIELD = "non_field_errors"


def django_errors(
    exc: DjangoValidationError, renamed: dict[str, str]
) -> exceptions.ValidationError:
    """A model's ValidationError as the API's 400, its fields named as the API
    names them (``renamed``: model field → API field)."""
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError({NON_FIELD: exc.messages})
    renamed = {"__all__": NON_FIELD, **renamed}
    return exceptions.ValidationError(
        {renamed.get(k, k): v for k, v in exc.message_dict.items()}
    )


class ORJSONParser(BaseParser):
    """Strict, fast JSON in: NaN, Infinity, invalid UTF-8 and nesting deeper
    than 1,024 levels are parse errors (400) rather than a RecursionError (500),
    and so is a control character in any string (``core.inputs``).
    """

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise TooLarge(
                _("The body may be at most %(mb)d MB.")
                % {"mb": MAX_BODY_BYTES // 2**20}
            )
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": exc}
            ) from None
        if (where := json_with_controls(body, data)) is not None:
            raise exceptions.ParseError(
                _(
                    "The body contains a control character (such as NUL) at "
                    "%(where)s; remove it and send again."
                )
                % {"where": where}
            )
        return data


class Pagination(PageNumberPagination):
    """Bounded pages: ``?page=2&page_size=500`` (at most 1,000).

    A page size that is not a whole number from 1 to the maximum is a 400
    that says so; DRF's own would quietly serve the default size instead.
    An empty ``page_size=`` means not given, like every query parameter.
    """

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not (
            1 <= int(raw) <= self.max_page_size
        ):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(most)d.")
                        % {"most": self.max_page_size}
                    ]
                }
            )
        return int(raw)


def filtered(filterset_class, request, queryset):
    """``queryset`` filtered by the query string; 400 with details if invalid."""
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise exceptions.ValidationError(filterset.errors)
    return filterset.qs


def paginated(request, queryset, serializer_class, *, view=None):
    """One bounded page of ``queryset`` serialized, with next/previous links."""
    from rest_framework.response import Response  # not at import: see module doc

    paginator = Pagination()
    page: list | None = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True).data
    return (
        paginator.get_paginated_response(data) if page is not None else Response(data)
    )
