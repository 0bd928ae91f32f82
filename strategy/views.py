from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.asof import AsOfError, as_of_error_page, as_of_from
from core.roles import DASHBOARD_READERS, role_required
from councils.selectors import meeting_last_before

from .charts import GoalStatusCounts, status_distribution_chart
from .models import PlanVersion
from .plan import plan_change_text, plan_diff
from .selectors import goal_page, strategy_dashboard


@role_required(*DASHBOARD_READERS)
def overview(request):
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        ctx = {"as_of_error": str(exc)}
        return render(request, "strategy/overview.html", ctx, status=400)
    last_meeting = meeting_last_before(day=as_of or timezone.localdate())
    dashboard = strategy_dashboard(as_of=as_of, last_meeting=last_meeting)
    chart = status_distribution_chart(
        [
            GoalStatusCounts(code, status.counts)
            for code, status in dashboard.goal_status.items()
        ]
    )
    ctx = {
        "dashboard": dashboard,
        "overview": dashboard.overview,
        "as_of": dashboard.as_of,
        "as_of_chosen": as_of is not None,
        "status_chart": chart,
    }
    return render(request, "strategy/overview.html", ctx)


@role_required(*DASHBOARD_READERS)
def goal_detail(request, code):
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    page = goal_page(code=code, as_of=as_of)
    # The goal's part of the roadmap, as of the same date: a lazy fragment.
    params = {"goal": page.goal.code, **({"as_of": as_of.isoformat()} if as_of else {})}
    ctx = {
        "page": page,
        "as_of": page.as_of,
        "as_of_chosen": as_of is not None,
        "deliveries_url": reverse("initiatives:roadmap_deliveries")
        + f"?{urlencode(params)}",
    }
    return render(request, "strategy/goal.html", ctx)


@role_required(*DASHBOARD_READERS)
def plan_versions(request):
    """The plan versions, and what changed between two of them."""
    versions = list(
        PlanVersion.objects.select_related(
            "decision__agenda_item__meeting__council", "created_by"
        ).order_by("-number")
    )
    by_number = {str(v.number): v for v in versions}
    newer = by_number.get(request.GET.get("to", ""), versions[0] if versions else None)
    older_default = versions[1] if len(versions) > 1 else None
    older = by_number.get(request.GET.get("from", ""), older_default)
    unknown = [
        value
        for key in ("from", "to")
        if (value := request.GET.get(key)) and value not in by_number
    ]
    diff = plan_diff(older.content, newer.content) if older and newer else []
    changes = [plan_change_text(change) for change in diff]
    ctx = {
        "versions": versions,
        "older": older,
        "newer": newer,
        "changes": changes,
        "unknown": unknown,
    }
    return render(request, "strategy/plan.html", ctx, status=404 if unknown else 200)
