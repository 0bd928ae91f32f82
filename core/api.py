"""The REST API's shared plumbing: key authentication, roles, pages, JSON.

DRF imports this module while it reads its settings, so it must not import
``rest_framework.views`` (the error handler lives in ``core.api_errors``).
"""

import hashlib
import logging
from datetime import timedelta

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

from .inputs import json_with_controls
from .models import ApiKey
from .roles import Role, user_has_role

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
            raise exceptions.AuthenticationFailed(
                _("Send the header as 'Authorization: Token <key>'.")
            )
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        key = (
            ApiKey.objects.select_related("user", "owner")
            .filter(key_hash=api_key_hash(raw_key))
            .first()
        )
        if key is None or not key.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        if refusal := key_refusal(key, timezone.now()):
            raise exceptions.AuthenticationFailed(refusal)
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
    """Bounded pages: ``?page=2&page_size=500`` (at most 1,000)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


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
