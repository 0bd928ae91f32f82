"""The realization plan: its versions, their adjustment by a council
decision, and the difference between two versions.

A plan version stores the plan's adjustable parts in full: every indicator's
baseline and target, every initiative's priority. The diff is pure.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from core.numbers import NO_NUMBER, decimal_text
from indicators.models import Indicator
from indicators.services import indicator_update
from initiatives.models import Initiative

from .models import PlanVersion

PLAN_FIELDS = {
    "indicators": Indicator.TARGET_FIELDS,
    "initiatives": ("priority",),
}


@dataclass(frozen=True)
class PlanChange:
    section: str  # indicators | initiatives
    code: str
    field: str
    before: object
    after: object


def plan_diff(old: dict, new: dict) -> list[PlanChange]:
    """Every field that differs between two plan contents, in code order.

    An object present in only one version counts as all its fields changing
    from or to nothing.
    """
    changes = []
    for section, fields in PLAN_FIELDS.items():
        before_rows, after_rows = old.get(section, {}), new.get(section, {})
        for code in sorted(set(before_rows) | set(after_rows)):
            before, after = before_rows.get(code, {}), after_rows.get(code, {})
            changes += [
                PlanChange(section, code, field, before.get(field), after.get(field))
                for field in fields
                if before.get(field) != after.get(field)
            ]
    return changes


PLAN_MODELS = {"indicators": Indicator, "initiatives": Initiative}


@dataclass(frozen=True)
class PlanChangeText:
    code: str
    field: str
    before: str
    after: str


def plan_change_text(change: PlanChange) -> PlanChangeText:
    """A change as people read it: the field's name ("målverdi", not
    "target_value") and numbers in the language's format ("95", not
    "95.000000")."""
    field = PLAN_MODELS[change.section]._meta.get_field(change.field)
    return PlanChangeText(
        code=change.code,
        field=str(getattr(field, "verbose_name", change.field)),
        before=_plan_value_text(change.before),
        after=_plan_value_text(change.after),
    )


def _plan_value_text(value: object) -> str:
    if value is None or value == "":
        return NO_NUMBER
    if isinstance(value, str):
        try:
            return decimal_text(Decimal(value))
        except InvalidOperation:
            return value
    return str(value)


class PlanAdjustmentError(ValueError):
    """The adjustment cannot be made; nothing was written."""


def plan_state() -> dict:
    """The adjustable plan as it stands: targets and priorities, as JSON data."""

    def text(value):
        # Decimals as text, as JSON keeps them exactly; years stay numbers.
        return str(value) if isinstance(value, Decimal) else value

    return {
        "indicators": {
            row["code"]: {name: text(row[name]) for name in Indicator.TARGET_FIELDS}
            for row in Indicator.objects.values("code", *Indicator.TARGET_FIELDS)
        },
        "initiatives": {
            code: {"priority": priority}
            for code, priority in Initiative.objects.values_list("code", "priority")
        },
    }


@transaction.atomic
def plan_adjust(
    *,
    decision,  # a councils.Decision: the council's layer is above this one
    user: User,
    reason: str,
    indicator: Indicator | None = None,
    target_value: Decimal | None = None,
    target_year: int | None = None,
    initiative: Initiative | None = None,
    priority: int | None = None,
) -> PlanVersion:
    """Adjust the realization plan by a council decision; a new plan version.

    A target change goes through the indicator service, so it is recorded and
    applies from the decision's date; the first adjustment also stores the
    plan as it was before, as version 1.
    """
    if not reason.strip():
        raise PlanAdjustmentError(_("Say why the plan changes."))
    if indicator is None and initiative is None:
        raise PlanAdjustmentError(_("Choose an indicator or an initiative to adjust."))
    # Two adjustments at once must not take the same version number.
    last = PlanVersion.objects.select_for_update().order_by("-number").first()
    if last is None:
        last = PlanVersion.objects.create(
            number=1,
            summary=_("The plan before the first adjustment"),
            content=plan_state(),
            created_by=user,
        )
    if indicator is not None:
        fields: dict[str, Decimal | int | None] = {"target_value": target_value}
        if target_year is not None:
            fields["target_year"] = target_year
        indicator_update(
            indicator=indicator,
            user=user,
            fields=fields,
            change_reason=reason.strip(),
            effective_from=decision.decided_on,
            decision_id=decision.pk,
        )
    if initiative is not None:
        initiative.priority = priority
        initiative.full_clean()
        initiative.save(update_fields=["priority"])
    return PlanVersion.objects.create(
        number=last.number + 1,
        decision=decision,
        summary=reason.strip(),
        content=plan_state(),
        created_by=user,
    )
