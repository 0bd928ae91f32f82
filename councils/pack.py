"""The frozen meeting pack: what the council saw, stored once with a hash.

The content is plain JSON built from stored progress snapshots, official
values, status reports and the roadmap as of the freeze. The pack page and the
PDF render only this JSON, so later changes never alter a frozen pack.
"""

import datetime as dt
import hashlib
import json

from indicators.selectors import definitions_shown
from indicators.snapshots import indicator_series, snapshots_as_of
from initiatives.models import StatusReport
from initiatives.rules import phase_span
from strategy.selectors import goal_progress_as_of, status_changes

from .models import Meeting
from .selectors import follow_ups_open, follow_ups_overdue, meeting_agenda

PACK_FORMAT = 1


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def meeting_pack_content(*, meeting: Meeting, as_of: dt.date) -> dict:
    """Everything the pack shows, as JSON-ready data. A fixed number of queries."""
    items = list(meeting_agenda(meeting=meeting))
    indicator_ids = sorted({i.pk for item in items for i in item.indicators.all()})
    snapshots = snapshots_as_of(indicator_ids=indicator_ids, as_of=as_of)
    indicators = {i.pk: i for item in items for i in item.indicators.all()}
    targets = definitions_shown(indicators=indicators.values(), day=as_of)
    series = indicator_series(indicator_ids=indicator_ids, as_of=as_of)
    goals = goal_progress_as_of(as_of=as_of)
    initiative_ids = sorted({i.pk for item in items for i in item.initiatives.all()})
    reports = _latest_reports(initiative_ids, as_of)
    return {
        "format": PACK_FORMAT,
        "as_of": as_of.isoformat(),
        "meeting": {
            "council": meeting.council.name_nb,
            "date": meeting.date.isoformat(),
            "title": meeting.title,
            "place": meeting.place,
        },
        "items": [
            _item(item, snapshots, series, goals, reports, targets) for item in items
        ],
        "since_last": _since_last(meeting, as_of),
    }


def _item(item, snapshots, series, goals, reports, targets) -> dict:
    return {
        "case_number": item.case_number,
        "title": item.title,
        "kind": item.kind,
        "kind_label": str(item.get_kind_display()),
        "presenter": item.presenter,
        "description": item.description,
        "goals": [_goal(goal, goals.get(goal.code)) for goal in item.goals.all()],
        "indicators": [
            _indicator(i, snapshots.get(i.pk), series.get(i.pk, []), targets[i.pk])
            for i in item.indicators.all()
        ],
        "initiatives": [
            _initiative(i, reports.get(i.pk)) for i in item.initiatives.all()
        ],
        "deliveries": [_delivery(d) for d in item.deliveries.all()],
        "decisions": [
            {"text": d.text, "decided_on": d.decided_on.isoformat()}
            for d in item.decisions.all()
        ],
    }


def _goal(goal, progress) -> dict:
    return {
        "code": goal.code,
        "title_nb": goal.title_nb,
        "status": progress.status if progress else "not_available",
        "score": progress.score if progress else None,
        "counts": progress.counts if progress else {},
    }


def _indicator(indicator, snapshot, points, definition) -> dict:
    return {
        "code": indicator.code,
        "name_nb": indicator.name_nb,
        "unit_label": indicator.unit_label,
        "is_demo": indicator.is_demo,
        "status": snapshot.status if snapshot else "not_available",
        "score": snapshot.score if snapshot else None,
        "method": snapshot.method if snapshot else "",
        "computed_at": snapshot.computed_at.isoformat() if snapshot else None,
        "components": snapshot.components if snapshot else {},
        "series": [[t, v] for t, v in points],
        "target": _target(definition),
    }


def _target(definition) -> dict:
    """The target in effect on the pack's day, and the changes known then that
    apply later ("95 fra 10.12.2026, vedtak 2/26"); decimals as exact text."""

    def text(value):
        return None if value is None else format(value.normalize(), "f")

    return {
        "value": text(definition.target_value),
        "year": definition.target_year,
        "later": [
            {
                "value": text(a.value),
                "year": a.year,
                "show_year": a.show_year,
                "from": a.change.effective_from.isoformat(),
                "decision": a.change.decision_case,
            }
            for a in definition.target_announcements
        ],
    }


def _initiative(initiative, report) -> dict:
    return {
        "code": initiative.code,
        "name_nb": initiative.name_nb,
        "report": None
        if report is None
        else {
            "period": report.period,
            "rag": report.rag,
            "rag_label": str(report.get_rag_display()),
            "narrative": report.narrative,
            "risks": report.risks,
        },
    }


def _delivery(delivery) -> dict:
    span = phase_span(delivery.phase)
    return {
        "roadmap_id": delivery.roadmap_id,
        "name": delivery.name,
        "phase": delivery.phase,
        "last_step": span.last if span else None,
        "start_date": delivery.start_date.isoformat() if delivery.start_date else None,
        "end_date": delivery.end_date.isoformat() if delivery.end_date else None,
        "planning_status": delivery.planning_status,
        "version": delivery.version,
    }


def _latest_reports(initiative_ids: list[int], as_of: dt.date) -> dict:
    """Each initiative's newest status report made on or before the date."""
    latest: dict = {}
    reports = StatusReport.objects.filter(
        initiative_id__in=initiative_ids, reported_at__date__lte=as_of
    ).order_by("initiative_id", "reported_at")
    for report in reports:
        latest[report.initiative_id] = report
    return latest


def _since_last(meeting: Meeting, as_of: dt.date) -> dict:
    previous = (
        Meeting.objects.filter(council_id=meeting.council_id, date__lt=meeting.date)
        .order_by("-date")
        .first()
    )
    overdue = follow_ups_overdue(today=as_of, council_id=meeting.council_id)
    return {
        "previous_meeting": previous.date.isoformat() if previous else None,
        "status_changes": [
            {
                "indicator": c.indicator_code,
                "name": c.indicator_name_nb,
                "before": str(c.before),
                "after": str(c.after),
            }
            for c in (
                status_changes(since=previous.date, until=as_of) if previous else []
            )
        ],
        "overdue_actions": [
            {
                "case_number": a.decision.agenda_item.case_number,
                "description": a.description,
                "responsible": a.owner_text,
                "due_date": a.due_date.isoformat(),
            }
            for a in overdue
        ],
        # Carried from earlier meetings until done or cancelled.
        "open_actions": [
            {
                "case_number": a.decision.agenda_item.case_number,
                "description": a.description,
                "owner": a.owner_text,
                "due_date": a.due_date.isoformat(),
                "status_label": str(a.get_status_display()),
                "overdue": a.is_overdue(as_of),
            }
            for a in follow_ups_open(council_id=meeting.council_id, before=meeting.date)
        ],
    }
