import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.models import Organisation, User
from core.upsert import UpsertCounts, upsert
from indicators.models import Indicator
from strategy.models import Goal, SubGoal
from strategy.seed import SeedInitiative, SeedPhase

from .models import (
    ChangeKind,
    Delivery,
    DeliveryChange,
    IndicatorContribution,
    Initiative,
    RoadmapImport,
    RoadmapPhase,
    StatusReport,
)
from .roadmap import (
    Change,
    DeliveryState,
    RoadmapFileError,
    RowProblem,
    parse_roadmap,
    roadmap_diff,
)
from .rules import period_start


def initiatives_load_from_seed(
    *,
    initiatives: list[SeedInitiative],
    sub_goals: dict[str, SubGoal],
    counts: UpsertCounts,
) -> None:
    """Create or update the strategic initiatives of the seed, matched by code."""
    for item in initiatives:
        upsert(
            Initiative,
            lookup={"code": item.code},
            values={
                "name_nb": item.name_nb,
                "name_en": item.name_en,
                "sub_goal": sub_goals[item.sub_goal_code],
                "description_nb": item.description_nb,
                "order": item.order,
                "sources": item.sources,
            },
            counts=counts,
        )


def phases_load_from_seed(*, phases: list[SeedPhase], counts: UpsertCounts) -> None:
    """Create or update the roadmap's value-chain phases, matched by order."""
    for phase in phases:
        upsert(
            RoadmapPhase,
            lookup={"order": phase.order},
            values={"name_nb": phase.name_nb, "sources": phase.sources},
            counts=counts,
        )


# --- Roadmap import ---------------------------------------------------------


@dataclass(frozen=True)
class RoadmapImportResult:
    """The changes an import makes (or would make, for a dry run)."""

    version: str
    changes: list[Change]
    warnings: list[RowProblem]
    delivery_count: int
    fingerprint: str
    roadmap_import: RoadmapImport | None = None

    @property
    def counts(self) -> dict[str, int]:
        """How many deliveries the import adds, changes, removes and restores."""
        return {
            kind: len({c.roadmap_id for c in self.changes if c.kind == kind})
            for kind in ChangeKind.values
        }


def roadmap_import(
    *,
    content: str,
    version: str,
    file_name: str = "",
    user: User | None = None,
    dry_run: bool = False,
    expected_fingerprint: str = "",
) -> RoadmapImportResult:
    """Import a roadmap delivery list as ``version``: all or nothing.

    The whole file is validated first (RoadmapFileError lists every problem by
    row). Deliveries are matched by roadmap ID; what changed is recorded as
    DeliveryChange rows of a RoadmapImport, and deliveries missing from the
    file get ``removed_in_version``. A dry run returns the same changes and
    writes nothing. ``expected_fingerprint`` (from a preview) refuses the
    commit if the changes are no longer those that were previewed. Importing
    the same file twice writes nothing the second time.
    """
    parsed = parse_roadmap(
        content,
        version=version,
        sub_goal_codes=set(SubGoal.objects.values_list("code", flat=True)),
        initiative_names=set(Initiative.objects.values_list("name_nb", flat=True)),
    )
    with transaction.atomic():
        if not dry_run:
            _roadmap_lock()
        _check_version_not_older(version)
        deliveries = Delivery.objects.select_related("sub_goal", "initiative")
        current = {d.roadmap_id: d for d in deliveries}
        changes = roadmap_diff(
            current={rid: _delivery_state(d) for rid, d in current.items()},
            rows=parsed.rows,
        )
        fingerprint = _changes_fingerprint(version, changes)
        if expected_fingerprint and expected_fingerprint != fingerprint:
            raise RoadmapFileError.about_file(
                _(
                    "The roadmap has changed since the preview. Upload the file "
                    "again to see the changes."
                )
            )
        result = RoadmapImportResult(
            version=version,
            changes=changes,
            warnings=parsed.warnings,
            delivery_count=len(parsed.rows),
            fingerprint=fingerprint,
        )
        stale_version = any(
            current[row.roadmap_id].version != version
            for row in parsed.rows
            if row.roadmap_id in current
        )
        if dry_run or not (changes or stale_version):
            return result
        record = RoadmapImport.objects.create(
            version=version,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content.encode()).hexdigest(),
            content=content,
            delivery_count=len(parsed.rows),
            imported_by=user,
        )
        _apply(record, parsed.rows, current, changes, user)
    return dataclasses.replace(result, roadmap_import=record)


# Any fixed number: the key of the PostgreSQL advisory lock of roadmap imports.
ROADMAP_LOCK_KEY = 6_2026_08


def _roadmap_lock() -> None:
    """Serialise imports until the transaction ends.

    Two imports at once would both add the same new IDs (a unique violation)
    or both record the same changes: the second waits for the first to commit
    and then compares against its result. Locking existing rows is not enough,
    as new IDs have no row yet. SQLite needs nothing: the project opens its
    transactions IMMEDIATE, which already admits one writer at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROADMAP_LOCK_KEY])


def _check_version_not_older(version: str) -> None:
    newest = (
        RoadmapImport.objects.order_by("-version").values_list("version", flat=True)
    ).first()
    if newest and version < newest:
        message = _(
            "Version %(version)s is older than the imported version %(newest)s."
        ) % {"version": version, "newest": newest}
        raise RoadmapFileError.about_file(message)


def _delivery_state(delivery: Delivery) -> DeliveryState:
    return DeliveryState(
        roadmap_id=delivery.roadmap_id,
        name=delivery.name,
        description=delivery.description,
        phase=delivery.phase,
        start_date=delivery.start_date,
        end_date=delivery.end_date,
        planning_status=delivery.planning_status,
        sub_goal_code=delivery.sub_goal.code,
        initiative_name=delivery.initiative.name_nb,
        removed_in_version=delivery.removed_in_version,
    )


def _changes_fingerprint(version: str, changes: list[Change]) -> str:
    payload = json.dumps([version, [dataclasses.astuple(c) for c in changes]])
    return hashlib.sha256(payload.encode()).hexdigest()


class _Lookups:
    """Sub-goals by code and initiatives by name, loaded once per import."""

    def __init__(self) -> None:
        # Codes can repeat across strategy versions: the newest row wins.
        self.sub_goals = {s.code: s for s in SubGoal.objects.order_by("id")}
        self.initiatives: dict[str, list[Initiative]] = {}
        for initiative in Initiative.objects.select_related("sub_goal"):
            self.initiatives.setdefault(initiative.name_nb, []).append(initiative)

    def initiative(self, name: str, sub_goal_code: str) -> Initiative:
        """The initiative of that name; under the row's sub-goal if names repeat."""
        candidates = self.initiatives[name]
        for initiative in candidates:
            if initiative.sub_goal.code == sub_goal_code:
                return initiative
        return candidates[0]

    def values(self, row: DeliveryState) -> dict:
        return {
            "name": row.name,
            "description": row.description,
            "phase": row.phase,
            "start_date": row.start_date,
            "end_date": row.end_date,
            "planning_status": row.planning_status,
            "sub_goal": self.sub_goals[row.sub_goal_code],
            "initiative": self.initiative(row.initiative_name, row.sub_goal_code),
            "end_before_start_as_published": bool(
                row.start_date and row.end_date and row.start_date > row.end_date
            ),
        }


DELIVERY_FIELDS = [
    "name",
    "description",
    "phase",
    "start_date",
    "end_date",
    "planning_status",
    "sub_goal",
    "initiative",
    "version",
    "removed_in_version",
    "end_before_start_as_published",
]


def _apply(
    record: RoadmapImport,
    rows: list[DeliveryState],
    current: dict[str, Delivery],
    changes: list[Change],
    user: User | None,
) -> None:
    version = record.version
    lookups = _Lookups()
    touched = {c.roadmap_id for c in changes}
    history = {"default_user": user, "default_change_reason": f"roadmap {version}"}
    created, updated = [], []
    for row in rows:
        delivery = current.get(row.roadmap_id)
        if delivery is None:
            created.append(
                Delivery(
                    roadmap_id=row.roadmap_id, version=version, **lookups.values(row)
                )
            )
        elif row.roadmap_id in touched:
            for name, value in lookups.values(row).items():
                setattr(delivery, name, value)
            delivery.version = version
            delivery.removed_in_version = ""
            updated.append(delivery)
    for change in changes:
        if change.kind == ChangeKind.REMOVED:
            delivery = current[change.roadmap_id]
            delivery.removed_in_version = version
            updated.append(delivery)
    if created:
        bulk_create_with_history(created, Delivery, **history)
    if updated:
        bulk_update_with_history(updated, Delivery, DELIVERY_FIELDS, **history)
    # Listed again without any change: only the version they are listed in moves
    # on; the import record is the audit of that.
    Delivery.objects.filter(roadmap_id__in=[r.roadmap_id for r in rows]).exclude(
        version=version
    ).update(version=version)
    ids = dict(
        Delivery.objects.filter(roadmap_id__in=touched).values_list("roadmap_id", "id")
    )
    DeliveryChange.objects.bulk_create(
        DeliveryChange(
            roadmap_import=record,
            delivery_id=ids[c.roadmap_id],
            kind=c.kind,
            field=c.field,
            old_value=c.old,
            new_value=c.new,
        )
        for c in changes
    )


# --- Initiatives and status reports -----------------------------------------


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    name_en: str,
    description_nb: str,
    responsible: Iterable[Organisation],
    linked_goals: Iterable[Goal],
    linked_sub_goals: Iterable[SubGoal],
    indicators: Iterable[Indicator],
) -> Initiative:
    """Edit what the secretariat maintains about an initiative; history is kept.

    Only changed fields are saved, so an unchanged form adds no history.
    """
    # Two editors at once would each set the links from their own form.
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    changed = [
        name
        for name, value in (("name_en", name_en), ("description_nb", description_nb))
        if getattr(initiative, name) != value
    ]
    if changed:
        initiative.name_en, initiative.description_nb = name_en, description_nb
        initiative.full_clean()
        initiative.save(update_fields=changed)
    initiative.responsible.set(responsible)
    initiative.linked_goals.set(linked_goals)
    initiative.linked_sub_goals.set(linked_sub_goals)
    _contributions_set(initiative, set(indicators))
    return initiative


def _contributions_set(initiative: Initiative, indicators: set[Indicator]) -> None:
    links = {link.indicator: link for link in initiative.contributions.all()}
    for indicator, link in links.items():
        if indicator not in indicators:
            link.delete()  # one by one, so the history records each removal
    for indicator in indicators - set(links):
        IndicatorContribution.objects.create(initiative=initiative, indicator=indicator)


def status_report_save(
    *,
    initiative: Initiative,
    period: str,
    rag: str,
    narrative: str,
    risks: str = "",
    next_milestones: str = "",
    user: User | None = None,
) -> StatusReport:
    """Record the status report of an initiative for a period.

    A second report for the same period corrects the first; the history keeps
    every earlier text. Raises ValidationError for a malformed period or RAG.
    """
    if period_start(period) is None:
        raise ValidationError(
            {"period": _("Use a period like 2026-T2 (tertial) or 2026-Q3 (quarter).")}
        )
    try:
        with transaction.atomic():
            # Two people correcting the same period: the second waits and
            # updates the row the first one wrote.
            report = (
                StatusReport.objects.select_for_update()
                .filter(initiative=initiative, period=period)
                .first()
            ) or StatusReport(initiative=initiative, period=period, reported_by=user)
            report.rag, report.narrative = rag, narrative
            report.risks, report.next_milestones = risks, next_milestones
            report.full_clean()
            report.save()
    except IntegrityError:
        raise ValidationError(
            {"period": _("Someone saved this period at the same time. Try again.")}
        ) from None
    return report
