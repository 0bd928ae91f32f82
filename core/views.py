import sys

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .api_errors import api_bad_request, api_not_found, api_server_error
from .middleware import DATABASE_ERRORS, ControlCharacterRefused, database_unavailable
from .selectors import broker_status, cache_status, database_status


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 503 when the database is unreachable.

    A broker or cache outage is reported but leaves the status at 200
    "degraded": writes still succeed and the periodic sweep catches up
    afterwards; logins count in each process and throttling is off meanwhile.
    """
    database = database_status()
    broker = broker_status()
    shared_cache = cache_status()
    if not database["ok"]:
        overall, http_status = "error", 503
    elif not (broker["ok"] and shared_cache["ok"]):
        overall, http_status = "degraded", 200
    else:
        overall, http_status = "ok", 200
    return JsonResponse(
        {
            "status": overall,
            "database": database,
            "broker": broker,
            "cache": shared_cache,
        },
        status=http_status,
    )


def not_found(request, exception=None):
    """JSON for the API, the site's 404 page for everything else."""
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # Django calls this while the exception is being handled: a database
    # outage met before the view (by a middleware reading the session or the
    # user) is a 503 like one met by the view.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return defaults.server_error(request)


def bad_request(request, exception=None):
    """JSON for the API, a page saying why for everything else.

    Rendered without the request's context: a request refused this early
    (``ControlCharacterMiddleware``) has no user, and reading its session
    could be what it was refused for.
    """
    # Only our own refusals say why; others (a bad Host header …) might tell
    # more than the user should know.
    reason = str(exception) if isinstance(exception, ControlCharacterRefused) else ""
    if request.path.startswith("/api/"):
        return api_bad_request(request, reason)
    return HttpResponseBadRequest(render_to_string("400.html", {"reason": reason}))
