from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import DASHBOARD_READERS, role_required

from .selectors import MAX_QUERY_LENGTH, search


@require_GET
@role_required(*DASHBOARD_READERS)
def search_page(request):
    """What every reader of the dashboards may read: no kind is hidden from
    them, and integrations (the API only) may not search here."""
    text = request.GET.get("q", "")
    too_long = len(text) > MAX_QUERY_LENGTH
    ctx = {
        "q": text,
        "too_long": too_long,
        "max_length": MAX_QUERY_LENGTH,
        "groups": [] if too_long else search(text=text),
    }
    return render(request, "search/results.html", ctx, status=400 if too_long else 200)
