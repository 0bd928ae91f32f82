"""The realization plan as data, and the difference between two versions.

A plan version stores the plan's adjustable parts in full: every indicator's
baseline and target, every initiative's priority. The diff is pure.
"""

from dataclasses import dataclass

from indicators.models import Indicator

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
