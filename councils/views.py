"""HTML pages of the council model: councils, meetings, agenda, decisions."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.asof import AsOfError, as_of_error_page, as_of_from
from core.htmx import is_htmx
from core.roles import DASHBOARD_READERS, EDITORS, role_required
from notifications.tasks import pack_frozen_task
from strategy.plan import PlanAdjustmentError, plan_adjust

from . import selectors, services
from .forms import (
    AgendaItemForm,
    AmendmentForm,
    AttachmentForm,
    DecisionForm,
    FollowUpForm,
    FollowUpStatusForm,
    MeetingForm,
    MembershipForm,
    PlanAdjustForm,
)
from .models import (
    AgendaItemAttachment,
    MeetingPackPdf,
    MeetingSnapshot,
    MeetingStatus,
    PackPdfStatus,
)
from .pack_view import pack_view

logger = logging.getLogger(__name__)


@require_GET
@role_required(*DASHBOARD_READERS)
def council_list(request):
    ctx = {"councils": selectors.council_list()}
    return render(request, "councils/list.html", ctx)


@require_GET
@role_required(*DASHBOARD_READERS)
def council_detail(request, slug):
    try:
        asked = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    council = selectors.council_get(slug=slug)
    today = timezone.localdate()
    ctx = {
        "council": council,
        **selectors.council_page(council=council, today=today),
        # The council's record is shown as it stands; the page says so.
        "as_of_asked": asked,
    }
    return render(request, "councils/detail.html", ctx)


@require_GET
@role_required(*DASHBOARD_READERS)
def meeting_detail(request, pk):
    try:
        asked = as_of_from(request.GET)
    except AsOfError as exc:
        return as_of_error_page(request, exc)
    meeting = selectors.meeting_get(pk=pk)
    ctx = {
        "as_of_asked": asked,
        "meeting": meeting,
        "agenda": selectors.meeting_agenda(meeting=meeting),
        "locked": meeting.status == MeetingStatus.MINUTES_APPROVED,
        "statuses": MeetingStatus.choices,
        "today": timezone.localdate(),
    }
    return render(request, "councils/meeting.html", ctx)


def _form_page(request, form, template, ctx, on_valid):
    """Render a form; on a valid POST call ``on_valid`` and follow its redirect.

    A refused workflow rule becomes a form error (400), never a 500.
    """
    if request.method == "POST" and form.is_valid():
        try:
            return on_valid(form.cleaned_data)
        except (services.CouncilRuleError, PlanAdjustmentError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **ctx}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def meeting_create(request, slug):
    council = selectors.council_get(slug=slug)

    def create(data):
        meeting = services.meeting_create(council=council, **data)
        messages.success(request, _("The meeting was created."))
        return redirect("councils:meeting", pk=meeting.pk)

    ctx = {"council": council, "heading": _("New meeting")}
    form = MeetingForm(request.POST or None)
    return _form_page(request, form, "councils/form.html", ctx, create)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def membership_create(request, slug):
    council = selectors.council_get(slug=slug)

    def create(data):
        services.membership_add(council=council, **data)
        messages.success(request, _("The member was added."))
        return redirect("councils:detail", slug=council.slug)

    ctx = {"council": council, "heading": _("New member")}
    form = MembershipForm(request.POST or None)
    return _form_page(request, form, "councils/form.html", ctx, create)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def agenda_item_create(request, pk):
    meeting = selectors.meeting_get(pk=pk)

    def create(data):
        item = services.agenda_item_add(meeting=meeting, **data)
        messages.success(
            request, _("Case %(number)s was added.") % {"number": item.case_number}
        )
        return redirect("councils:meeting", pk=meeting.pk)

    ctx = {"council": meeting.council, "meeting": meeting, "heading": _("New case")}
    form = AgendaItemForm(request.POST or None)
    return _form_page(request, form, "councils/form.html", ctx, create)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def decision_create(request, pk):
    item = selectors.agenda_item_get(pk=pk)
    meeting = item.meeting

    def create(data):
        services.decision_record(agenda_item=item, **data)
        messages.success(request, _("The decision was recorded."))
        return redirect("councils:meeting", pk=meeting.pk)

    ctx = {
        "council": meeting.council,
        "meeting": meeting,
        "heading": _("Decision in case %(number)s") % {"number": item.case_number},
    }
    form = DecisionForm(request.POST or None, initial={"decided_on": meeting.date})
    return _form_page(request, form, "councils/form.html", ctx, create)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def decision_amend(request, pk):
    decision = selectors.decision_get(pk=pk)
    meeting = decision.agenda_item.meeting

    def amend(data):
        services.decision_amend(decision=decision, user=request.user, **data)
        messages.success(request, _("The amendment was recorded."))
        return redirect("councils:meeting", pk=meeting.pk)

    ctx = {
        "council": meeting.council,
        "meeting": meeting,
        "heading": _("Amend decision in case %(number)s")
        % {"number": decision.agenda_item.case_number},
    }
    form = AmendmentForm(request.POST or None, initial={"text": decision.text})
    return _form_page(request, form, "councils/form.html", ctx, amend)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def follow_up_create(request, pk):
    decision = selectors.decision_get(pk=pk)
    meeting = decision.agenda_item.meeting

    def create(data):
        services.follow_up_add(decision=decision, **data)
        messages.success(request, _("The follow-up action was added."))
        return redirect("councils:meeting", pk=meeting.pk)

    ctx = {"council": meeting.council, "meeting": meeting, "heading": _("Follow-up")}
    form = FollowUpForm(request.POST or None)
    return _form_page(request, form, "councils/form.html", ctx, create)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def follow_up_status(request, pk):
    action = selectors.follow_up_get(pk=pk)
    meeting = action.decision.agenda_item.meeting

    def change(data):
        services.follow_up_status_set(action=action, **data)
        messages.success(request, _("The follow-up's status was changed."))
        return redirect("councils:meeting", pk=meeting.pk)

    ctx = {
        "council": meeting.council,
        "meeting": meeting,
        "heading": _("Follow-up: %(action)s") % {"action": action.description[:80]},
    }
    form = FollowUpStatusForm(
        request.POST or None,
        initial={"status": action.status, "note": action.status_note},
    )
    return _form_page(request, form, "councils/form.html", ctx, change)


@require_POST
@role_required(*EDITORS)
def meeting_status(request, pk):
    meeting = selectors.meeting_get(pk=pk)
    status = request.POST.get("status", "")
    if status not in MeetingStatus.values:
        messages.error(request, _("Unknown meeting status."))
        return redirect("councils:meeting", pk=meeting.pk)
    try:
        services.meeting_status_set(meeting=meeting, status=status)
    except services.CouncilRuleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The meeting status was changed."))
    return redirect("councils:meeting", pk=meeting.pk)


def _pack_snapshot(meeting, request):
    snapshots = meeting.snapshots.order_by("-frozen_at")
    wanted = request.GET.get("snapshot", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        return get_object_or_404(snapshots, pk=int(wanted))
    return snapshots.first()


@require_GET
@role_required(*DASHBOARD_READERS)
def meeting_pack(request, pk):
    meeting = selectors.meeting_get(pk=pk)
    snapshot = _pack_snapshot(meeting, request)
    ctx = {
        "meeting": meeting,
        "snapshot": snapshot,
        "pack": pack_view(snapshot) if snapshot else None,
        "earlier": meeting.snapshots.order_by("-frozen_at").only("pk", "frozen_at"),
    }
    return render(request, "councils/pack.html", ctx)


def _pack_frozen_announce(snapshot_id: int) -> None:
    """The members hear of it after commit; if the broker is down, the freeze
    still stands and the beat sweep sends the notice."""
    try:
        pack_frozen_task.delay(snapshot_id)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep catches up
        logger.warning(
            "Broker unreachable; the sweep will announce pack %s", snapshot_id
        )


@require_POST
@role_required(*EDITORS)
def meeting_pack_freeze(request, pk):
    meeting = selectors.meeting_get(pk=pk)
    try:
        snapshot = services.meeting_pack_freeze(meeting=meeting, user=request.user)
    except services.CouncilRuleError as exc:
        messages.error(request, str(exc))
        return redirect("councils:pack", pk=meeting.pk)
    transaction.on_commit(lambda: _pack_frozen_announce(snapshot.pk))
    messages.success(
        request,
        _("The meeting pack was frozen (fingerprint %(hash)s).")
        % {"hash": snapshot.content_hash[:12]},
    )
    return redirect("councils:pack", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
@role_required(*DASHBOARD_READERS)
def meeting_pack_pdf(request, snapshot_pk):
    snapshot = get_object_or_404(
        MeetingSnapshot.objects.select_related("meeting__council"), pk=snapshot_pk
    )
    if request.method == "POST":
        services.meeting_pack_pdf_request(snapshot=snapshot)
        return redirect("councils:pack_pdf", snapshot_pk=snapshot.pk)
    pdf = MeetingPackPdf.objects.filter(snapshot=snapshot).first()
    if is_htmx(request):
        # The status page asks every few seconds while the PDF is made; a
        # ready PDF is offered as a link (htmx would not save a download).
        ctx = {"snapshot": snapshot, "pdf": pdf}
        return render(request, "councils/_pack_pdf_status.html", ctx)
    if pdf is not None and pdf.status == PackPdfStatus.READY:
        response = HttpResponse(bytes(pdf.pdf), content_type="application/pdf")
        name = f"motepakke-{snapshot.meeting.date:%Y-%m-%d}-{snapshot.pk}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    ctx = {"snapshot": snapshot, "pdf": pdf}
    return render(request, "councils/pack_pdf_status.html", ctx, status=202)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def decision_adjust_plan(request, pk):
    decision = selectors.decision_get(pk=pk)
    meeting = decision.agenda_item.meeting

    def adjust(data):
        version = plan_adjust(decision=decision, user=request.user, **data)
        messages.success(
            request,
            _("Plan version %(number)s was made.") % {"number": version.number},
        )
        return redirect(f"{reverse('strategy:plan')}?to={version.number}")

    ctx = {
        "council": meeting.council,
        "meeting": meeting,
        "heading": _("Adjust the plan by the decision in case %(number)s")
        % {"number": decision.agenda_item.case_number},
    }
    form = PlanAdjustForm(request.POST or None)
    return _form_page(request, form, "councils/form.html", ctx, adjust)


@require_http_methods(["GET", "POST"])
@role_required(*EDITORS)
def attachment_create(request, pk):
    item = selectors.agenda_item_get(pk=pk)
    meeting = item.meeting

    def attach(data):
        services.attachment_add(
            agenda_item=item, upload=data["file"], user=request.user
        )
        messages.success(request, _("The document was attached."))
        return redirect("councils:meeting", pk=meeting.pk)

    ctx = {
        "council": meeting.council,
        "meeting": meeting,
        "heading": _("Attach a document to case %(number)s")
        % {"number": item.case_number},
        "multipart": True,
    }
    form = AttachmentForm(request.POST or None, request.FILES or None)
    return _form_page(request, form, "councils/form.html", ctx, attach)


@require_GET
@role_required(*DASHBOARD_READERS)
def attachment_download(request, pk):
    attachment = get_object_or_404(AgendaItemAttachment, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
