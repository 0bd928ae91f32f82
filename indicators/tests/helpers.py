"""Plain helpers of the value, page, import and export tests (fixtures are in
``conftest.py``)."""

from django.urls import reverse

from indicators.models import IndicatorValue


def detail(code="IND-X"):
    return reverse("indicators:detail", args=[code])


def enter(code="IND-X"):
    return reverse("indicators:value_enter", args=[code])


def snapshot() -> tuple[list, list]:
    """Every value and history row, ids replaced by what the row holds."""
    rows = list(IndicatorValue.objects.values())
    key = {
        row["id"]: (
            row["indicator_id"],
            row["period_start"],
            row["breakdown"],
            row["value"],
        )
        for row in rows
    }

    def plain(row: dict) -> tuple:
        row = dict(row)
        row["id"] = key[row["id"]]
        row["supersedes_id"] = key.get(row["supersedes_id"])
        for name in ("entered_at", "superseded_at", "approved_at", "history_date"):
            if name in row:
                row[name] = row[name] is not None
        row.pop("history_id", None)
        return tuple(sorted(row.items()))

    history = IndicatorValue.history.values()
    return sorted(map(plain, rows), key=repr), sorted(map(plain, history), key=repr)
