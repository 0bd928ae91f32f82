"""HTML pages: indicator definitions, value entry, approval, import, export."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.asof import AsOfError, as_of_cutoff, as_of_error_page, as_of_from
from core.htmx import is_htmx
from core.roles import (
    APPROVERS,
    DASHBOARD_READERS,
    EDITORS,
    role_required,
    user_has_role,
)

from . import exports, imports, selectors, services
from .breakdowns import NATIONAL
from .dashboard import indicator_dashboard
from .forms import (
    DecisionForm,
    ImportForm,
    IndicatorForm,
    QueueFilterForm,
    ValueEntryForm,
)
from .imports import report_rows
from .maps import BY_STATUS, BY_VALUE
from .models import Indicator, IndicatorValue, ValueInput, ValueSource, ValueStatus

REPORT_PAGE = 500


def _posted(request):
    """The POST data to bind a form to, even when empty; None for a GET."""
    return request.POST if request.method == "POST" else None


@require_GET
@role_required(*DASHBOARD_READERS)
def indicator_list(request):
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    today = timezone.localdate()
    goal = request.GET.get("goal") or None
    ctx = {
        "rows": selectors.indicator_rows(today=today, goal_code=goal, as_of=as_of),
        "goal": goal,
        "as_of": as_of or today,
        "as_of_chosen": as_of is not None,
    }
    return render(request, "indicators/list.html", ctx)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def indicator_create(request):
    form = IndicatorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        indicator = services.indicator_create(
            user=request.user, fields=form.model_fields()
        )
        messages.success(request, _("The indicator was created."))
        return redirect(indicator)
    status = 400 if form.errors else 200
    ctx = {"form": form, "indicator": None}
    return render(request, "indicators/form.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def indicator_edit(request, code):
    indicator = selectors.indicator_get(code=code)
    form = IndicatorForm(_posted(request), instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                indicator=indicator,
                user=request.user,
                fields=form.model_fields(),
                change_reason=form.cleaned_data["change_reason"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect(indicator)
    status = 400 if form.errors else 200
    ctx = {"form": form, "indicator": indicator}
    return render(request, "indicators/form.html", ctx, status=status)


@require_GET
@role_required(*DASHBOARD_READERS)
def indicator_detail(request, code):
    indicator = selectors.indicator_get(code=code)
    series = selectors.series_choices(indicator=indicator)
    form = ValueEntryForm(
        initial={
            "period": request.GET.get("period", ""),
            "series": _series_shown(request, series),
        },
        indicator=indicator,
        series=series,
    )
    return _detail_render(request, indicator, form)


def _series_shown(request, series) -> str:
    """The series whose values the table shows (``?series=``; national if
    absent or not one of the indicator's)."""
    key = request.GET.get("series") or request.POST.get("series") or NATIONAL
    return key if key in series else NATIONAL


def _detail_render(request, indicator, form, status=200):
    try:
        as_of = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    colour_by = request.GET.get("colour")
    dashboard = indicator_dashboard(
        indicator=indicator,
        as_of=as_of,
        level=request.GET.get("level"),
        colour_by=colour_by if colour_by in (BY_VALUE, BY_STATUS) else BY_STATUS,
    )
    changes = indicator.target_changes.select_related("changed_by")
    if as_of is not None:
        changes = changes.filter(changed_at__lt=as_of_cutoff(as_of))
    # Values are entered on today's page; a past day's page only shows them.
    editor = as_of is None and user_has_role(request.user, *EDITORS)
    ctx = {
        "dashboard": dashboard,
        "as_of": dashboard.as_of,
        "as_of_chosen": as_of is not None,
        "indicator": indicator,
        "definition": selectors.indicator_definition(
            indicator=indicator, day=dashboard.as_of
        ),
        **_period_table(request, indicator, as_of, getattr(form, "series", None)),
        "target_changes": changes,
        "form": form if editor else None,
    }
    return render(request, "indicators/detail.html", ctx, status=status)


@require_POST
@role_required(*EDITORS)
def value_enter(request, code):
    indicator = selectors.indicator_get(code=code)
    series = selectors.series_choices(indicator=indicator)
    form = ValueEntryForm(request.POST, indicator=indicator, series=series)
    if form.is_valid():
        item = ValueInput(
            indicator=indicator,
            period_start=form.cleaned_data["period"],
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
            breakdown=form.cleaned_data.get("series") or NATIONAL,
        )
        status = ValueStatus.DRAFT if form.cleaned_data["draft"] else None
        try:
            (planned,) = services.values_record(
                items=[item],
                user=request.user,
                source=ValueSource.FORM,
                status=status or ValueStatus.SUBMITTED,
            )
        except services.ValueRejected as exc:
            _errors_to_form(form, exc)
        else:
            message, level = _entry_message(planned.outcome, item)
            if is_htmx(request):
                fresh = ValueEntryForm(
                    indicator=indicator,
                    series=series,
                    initial={"series": item.breakdown},
                )
                return _values_fragment(
                    request, indicator, fresh, message=message, level=level
                )
            messages.add_message(request, level, message)
            if item.breakdown:
                query = urlencode({"series": item.breakdown})
                return redirect(f"{indicator.get_absolute_url()}?{query}#values-title")
            return redirect(indicator)
    if is_htmx(request):
        return _values_fragment(request, indicator, form)
    return _detail_render(request, indicator, form, status=400)


# Periods in the value table unless all are asked for (?periods=all, kept by the
# entry form): ten years of monthly values would be 120 rows with histories.
PERIODS_SHOWN = 24


def _period_table(request, indicator, as_of=None, series=None) -> dict:
    """The value table's context: its periods (of the series asked for), and
    whether all were asked for."""
    every = "all" in (request.GET.get("periods"), request.POST.get("periods"))
    if series is None:
        series = selectors.series_choices(indicator=indicator)
    shown = _series_shown(request, series)
    periods = selectors.indicator_periods(
        indicator=indicator,
        today=timezone.localdate(),
        newest=None if every else PERIODS_SHOWN,
        as_of=as_of,
        breakdown=shown,
    )
    return {
        "periods": periods,
        "all_periods": every,
        "series": series if len(series.labels) > 1 else None,
        "series_shown": shown,
        "series_label": series.labels[shown],
    }


def _values_fragment(request, indicator, form, *, message="", level=messages.SUCCESS):
    """The period table and entry form alone, swapped in place by htmx.

    Refused input answers 200, not 400: htmx 2 does not swap 4xx responses, and
    the errors are shown in the form exactly as on the full page.
    """
    ctx = {
        "indicator": indicator,
        **_period_table(request, indicator, series=getattr(form, "series", None)),
        "form": form,
        "value_message": message,
        "value_message_tag": messages.DEFAULT_TAGS[level],
    }
    return render(request, "indicators/_value_table.html", ctx)


def _errors_to_form(form, exc: services.ValueRejected) -> None:
    """Each refusal next to the field it concerns, if the form has that field."""
    for error in exc.errors.values():
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)


def _entry_message(outcome: str, item: ValueInput) -> tuple[str, int]:
    """What recording did, and why the value deserves a second look, if it does."""
    message = _outcome_message(outcome)
    if outcome == "unchanged":
        return message, messages.SUCCESS
    flags = selectors.value_entry_flags(
        indicator=item.indicator, period_start=item.period_start, value=item.value
    )
    if not flags:
        return message, messages.SUCCESS
    check = _("Check it before it is approved:")
    return " ".join([message, check, *flags]), messages.WARNING


def _outcome_message(outcome: str) -> str:
    return {
        "created": _("The value was recorded and waits for approval."),
        "revised": _("The correction was recorded and waits for approval."),
        "unchanged": _("The value was already recorded; nothing changed."),
    }[outcome]


@require_POST
@role_required(*EDITORS)
def value_submit(request, code, pk):
    value = get_object_or_404(
        IndicatorValue.objects.select_related("indicator"), pk=pk, indicator__code=code
    )
    try:
        services.value_submit(value=value, user=request.user)
    except services.ValueRejected as exc:
        message, level = str(exc), messages.ERROR
    else:
        message, level = _("The draft was sent for approval."), messages.SUCCESS
    if is_htmx(request):
        form = ValueEntryForm(indicator=value.indicator)
        return _values_fragment(
            request, value.indicator, form, message=message, level=level
        )
    messages.add_message(request, level, message)
    return redirect("indicators:detail", code=code)


@require_http_methods(["GET", "POST"])
@role_required(*APPROVERS)
def approval_queue(request):
    """One page of the queue, filtered by goal or indicator (kept in the URL)."""
    shown = QueueFilterForm(request.GET, goals=selectors.goal_choices())
    form = DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid() and _decide(request, form):
        # Back to the same goal, indicator and page (the page's values moved on).
        return redirect(request.get_full_path())
    ctx = {"form": form, "filter": shown, "queue": None}
    if shown.is_valid():
        ctx["queue"] = selectors.approval_queue(
            **shown.filters(), page=request.GET.get("page")
        )
    status = 400 if form.errors or shown.errors else 200
    # A refused decision keeps the boxes ticked, so many need not be chosen again.
    ctx["chosen"] = set(request.POST.getlist("values")) if form.is_bound else set()
    return render(request, "indicators/approvals.html", ctx, status=status)


def _decide(request, form) -> bool:
    ids, user = form.cleaned_data["values"], request.user
    try:
        if form.cleaned_data["action"] == "approve":
            services.values_approve(value_ids=ids, user=user)
            done = ngettext("%(n)d value approved.", "%(n)d values approved.", len(ids))
            messages.success(request, done % {"n": len(ids)})
        else:
            reason = form.cleaned_data["reason"]
            services.values_reject(value_ids=ids, user=user, reason=reason)
            done = ngettext("%(n)d value rejected.", "%(n)d values rejected.", len(ids))
            messages.success(request, done % {"n": len(ids)})
    except services.ValueRejected as exc:
        _errors_to_form(form, exc)
        return False
    return True


# --- Import ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def import_new(request):
    form = ImportForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = imports.value_import_create(
            user=request.user,
            filename=upload.name,
            content=upload.read(),
            comment=form.cleaned_data["comment"],
            language=request.LANGUAGE_CODE,
        )
        return redirect(job)
    status = 400 if form.errors else 200
    return render(request, "indicators/import_new.html", {"form": form}, status=status)


@require_GET
@role_required(*EDITORS)
def import_detail(request, pk):
    job = selectors.value_import_get(pk=pk, user=request.user)
    errors_only = request.GET.get("errors") == "1"
    rows = list(report_rows(job, errors_only=errors_only))
    page = Paginator(rows, REPORT_PAGE).get_page(request.GET.get("page"))
    officials = selectors.report_officials(page.object_list)
    series = selectors.series_labels(row[6] for row in page.object_list if len(row) > 6)
    shown = [
        (row, officials.get(row[0]), series.get(row[6]) if len(row) > 6 else None)
        for row in page.object_list
    ]
    ctx = {
        "job": job,
        "page": page,
        "rows": shown,
        "errors_only": errors_only,
        "has_series": any(len(row) > 6 for row in rows),
    }
    return render(request, "indicators/import_detail.html", ctx)


@require_GET
@role_required(*EDITORS)
def import_progress(request, pk):
    job = selectors.value_import_get(pk=pk, user=request.user, with_report=False)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "processed": job.processed_rows,
            "total": job.total_rows,
            "percent": job.percent_done,
            "running": job.is_running,
        }
    )


@require_POST
@role_required(*EDITORS)
def import_commit(request, pk):
    job = selectors.value_import_get(pk=pk, user=request.user)
    if imports.value_import_commit_request(job=job, user=request.user):
        messages.success(request, _("Saving the values: all or none."))
    else:
        messages.error(request, _("This import cannot be saved (it has errors)."))
    return redirect(job)


# --- Export ------------------------------------------------------------------------


@require_GET
@role_required(*DASHBOARD_READERS)
def export(request):
    indicators = Indicator.objects.all()
    if request.GET.get("indicator"):
        indicators = indicators.filter(code=request.GET["indicator"])
    elif request.GET.get("goal"):
        indicators = indicators.filter(goal__code=request.GET["goal"])
    if not indicators.exists():
        return HttpResponse(_("No such indicator or goal."), status=404)
    rows = selectors.values_for_export(
        indicators=indicators, history=request.GET.get("history") == "1"
    )
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    dimensions = set().union(
        *selectors.indicator_breakdowns(
            indicator_ids=indicators.values_list("pk", flat=True)
        ).values()
    )
    body, content_type = exports.values_export(rows, fmt=fmt, dimensions=dimensions)
    response = HttpResponse(body, content_type=content_type)
    name = request.GET.get("indicator") or request.GET.get("goal") or "all"
    filename = f"values-{exports.safe_name(name)}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
