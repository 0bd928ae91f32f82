from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.asof import AsOfError, as_of_error_page, as_of_from
from core.htmx import is_htmx
from core.roles import DASHBOARD_READERS, INITIATIVE_EDITORS, role_required

from . import selectors, services
from .charts import roadmap_overview_chart
from .filters import RoadmapFilterForm
from .forms import (
    InitiativeForm,
    RoadmapCommitForm,
    RoadmapUploadForm,
    StatusReportForm,
)
from .models import StatusReport
from .roadmap import RoadmapFileError
from .rules import VALUE_CHAIN, tertial_of

# Who may change the roadmap, initiatives and status reports.


def _today():
    return timezone.localdate()


@require_GET
@role_required(*DASHBOARD_READERS)
def roadmap(request):
    """The roadmap as of a date: its filters, the version shown and the imports.

    The timeline and the delivery tables load as their own fragment
    (``roadmap_deliveries``), so the page stays light; without JavaScript a
    link opens them as a page.
    """
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    filters = RoadmapFilterForm(request.GET or None)
    imports = selectors.roadmap_imports(as_of=as_of)
    ctx = _roadmap_context(filters, as_of)
    ctx["imports"] = imports
    if filters.is_bound and not filters.is_valid():
        return render(request, "initiatives/roadmap.html", ctx, status=400)
    # The imports are newest first: the first is the version current that day.
    ctx["version"] = imports[0] if imports else None
    if as_of is None or ctx["version"] is not None:
        query = request.GET.urlencode()
        ctx["deliveries_url"] = reverse("initiatives:roadmap_deliveries") + (
            f"?{query}" if query else ""
        )
    return render(request, "initiatives/roadmap.html", ctx)


@require_GET
@role_required(*DASHBOARD_READERS)
def roadmap_deliveries(request):
    """The roadmap's timeline and delivery tables, with the page's query string.

    An htmx request gets the fragment the roadmap and goal pages load; any
    other request a whole page with the same content (the no-JavaScript way).
    """
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    filters = RoadmapFilterForm(request.GET or None)
    ctx = _roadmap_context(filters, as_of)
    if filters.is_bound and not filters.is_valid():
        return render(request, "initiatives/roadmap_deliveries.html", ctx, status=400)
    ctx["version"] = selectors.roadmap_version_as_of(as_of=ctx["as_of"])
    if as_of is None or ctx["version"] is not None:
        data = filters.cleaned_data if filters.is_bound else {}
        rows = selectors.delivery_rows(
            today=ctx["as_of"],
            as_of=as_of,
            removed=bool(data.get("removed")),
            goal_code=data.get("goal", ""),
            sub_goal_code=data.get("sub_goal", ""),
            planning_status=data.get("planning_status", ""),
            step=data.get("step"),
        )
        ctx["deliveries"] = rows
        ctx["sections"] = selectors.delivery_sections(rows, filters.goals)
        ctx["overview"] = roadmap_overview_chart(
            rows, today=ctx["as_of"], goals=filters.goals
        )
    template = "_roadmap_deliveries" if is_htmx(request) else "roadmap_deliveries"
    response = render(request, f"initiatives/{template}.html", ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _roadmap_context(filters: RoadmapFilterForm, as_of) -> dict:
    return {
        "filters": filters,
        "as_of": as_of or _today(),
        "as_of_chosen": as_of is not None,
        "value_chain": VALUE_CHAIN,
    }


@require_http_methods(["GET", "POST"])
@role_required(*INITIATIVE_EDITORS)
def roadmap_upload(request):
    """Upload → preview of the changes (nothing written) → commit."""
    if request.method == "POST" and "commit" in request.POST:
        return _roadmap_commit(request)
    form = RoadmapUploadForm(request.POST or None, request.FILES or None)
    ctx = {"form": form}
    if request.method == "POST" and form.is_valid():
        content, version = form.cleaned_data["file"], form.cleaned_data["version"]
        try:
            result = services.roadmap_import(
                content=content, version=version, dry_run=True
            )
        except RoadmapFileError as exc:
            ctx["problems"] = exc.problems
        else:
            ctx["result"] = result
            ctx["commit_form"] = RoadmapCommitForm(
                initial={
                    "content": content,
                    "version": version,
                    "file_name": request.FILES["file"].name,
                    "fingerprint": result.fingerprint,
                }
            )
    return render(request, "initiatives/roadmap_upload.html", ctx)


def _roadmap_commit(request):
    form = RoadmapCommitForm(request.POST)
    ctx = {"form": RoadmapUploadForm()}
    if not form.is_valid():
        ctx["problems"] = [_("The preview was incomplete. Upload the file again.")]
        return render(request, "initiatives/roadmap_upload.html", ctx, status=400)
    data = form.cleaned_data
    try:
        result = services.roadmap_import(
            content=data["content"],
            version=data["version"],
            file_name=data["file_name"],
            user=request.user,
            expected_fingerprint=data["fingerprint"],
        )
    except RoadmapFileError as exc:
        ctx["problems"] = exc.problems
        return render(request, "initiatives/roadmap_upload.html", ctx, status=409)
    if result.roadmap_import is None:
        messages.info(request, _("Nothing to change: the roadmap already matches."))
        return redirect("initiatives:roadmap")
    messages.success(
        request,
        _("Roadmap version %(version)s imported.") % {"version": result.version},
    )
    return redirect(result.roadmap_import)


@require_GET
@role_required(*DASHBOARD_READERS)
def roadmap_import_detail(request, pk: int):
    record, changes = selectors.roadmap_import_changes(pk=pk)
    return render(
        request,
        "initiatives/roadmap_import_detail.html",
        {"record": record, "changes": changes},
    )


@require_GET
@role_required(*DASHBOARD_READERS)
def initiative_list(request):
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    day = as_of or _today()
    rows = selectors.initiative_rows(today=day, as_of=as_of)
    ctx = {
        "rows": rows,
        "warnings": selectors.council_warnings(today=day, rows=rows, as_of=as_of),
        "interval_months": selectors.report_interval_months(),
        "as_of": day,
        "as_of_chosen": as_of is not None,
    }
    return render(request, "initiatives/list.html", ctx)


@require_GET
@role_required(*DASHBOARD_READERS)
def initiative_detail(request, code: str):
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    initiative = selectors.initiative_get_for_user(user=request.user, code=code)
    day = as_of or _today()
    ctx = {
        "detail": selectors.initiative_detail(
            initiative=initiative, today=day, as_of=as_of
        ),
        "interval_months": selectors.report_interval_months(),
        "as_of": day,
        "as_of_chosen": as_of is not None,
    }
    return render(request, "initiatives/detail.html", ctx)


@require_http_methods(["GET", "POST"])
@role_required(*INITIATIVE_EDITORS)
def initiative_edit(request, code: str):
    initiative = selectors.initiative_get_for_user(user=request.user, code=code)
    initial = {
        "name_en": initiative.name_en,
        "description_nb": initiative.description_nb,
        "responsible": initiative.responsible.all(),
        "linked_goals": initiative.linked_goals.all(),
        "linked_sub_goals": initiative.linked_sub_goals.all(),
        "indicators": initiative.indicators.all(),
    }
    form = InitiativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(initiative=initiative, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Initiative saved."))
            return redirect(initiative)
    ctx = {"initiative": initiative, "form": form, "heading": _("Edit the initiative")}
    return render(request, "initiatives/initiative_form.html", ctx)


@require_http_methods(["GET", "POST"])
@role_required(*INITIATIVE_EDITORS)
def status_report_edit(request, code: str):
    """Report for a period; reporting an existing period again corrects it."""
    initiative = selectors.initiative_get_for_user(user=request.user, code=code)
    period = request.GET.get("period") or tertial_of(_today())
    existing = StatusReport.objects.filter(initiative=initiative, period=period).first()
    form = StatusReportForm(
        request.POST or None, instance=existing, initial={"period": period}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.status_report_save(
                initiative=initiative, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Status report saved."))
            return redirect(initiative)
    ctx = {
        "initiative": initiative,
        "form": form,
        "existing": existing,
        "heading": _("Report status"),
    }
    return render(request, "initiatives/initiative_form.html", ctx)
