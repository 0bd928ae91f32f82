"""The one error shape of the API, produced by one exception handler::

{"error": {"status": 400, "code": "invalid", "message": "...", "details": ...}}
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

ERROR_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(status_code: int, message: str, details=None) -> dict:
    body = {
        "status": status_code,
        "code": ERROR_CODES.get(status_code, "error"),
        "message": message,
    }
    if details is not None:
        body["details"] = details
    return {"error": body}


def exception_handler(exc, context):
    """DRF's handler, then the body rewritten into the one error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        # A refusal that says why (e.g. which indicators lie outside a key's
        # scope) keeps its message; a bare one gets the default.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    details: object
    if isinstance(exc, exceptions.ValidationError):
        message = _("The request has invalid data: see details.")
        details = exc.detail
    else:
        detail = getattr(exc, "detail", "")
        message = str(detail) if not isinstance(detail, dict | list) else _("Error.")
        details = detail if isinstance(detail, dict | list) else None
    response.data = error_body(response.status_code, message, details)
    return response


def json_error(request, status_code: int, message: str) -> JsonResponse:
    return JsonResponse(error_body(status_code, message), status=status_code)


def api_not_found(request, exception=None):
    return json_error(request, status.HTTP_404_NOT_FOUND, _("No such API resource."))


def api_server_error(request):
    return json_error(
        request,
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        _("Internal error. It has been logged."),
    )


def api_bad_request(request, message: str = ""):
    return json_error(
        request, status.HTTP_400_BAD_REQUEST, message or _("The request is invalid.")
    )
