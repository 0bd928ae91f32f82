"""Idempotent writes shared by the loaders."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass
class UpsertCounts:
    """How many rows a load created, updated and left unchanged, per model."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[label] = bucket.get(label, 0) + 1

    def summary(self) -> str:
        labels = sorted({*self.created, *self.updated, *self.unchanged})
        return "; ".join(
            f"{label}: {self.created.get(label, 0)} new, "
            f"{self.updated.get(label, 0)} updated, "
            f"{self.unchanged.get(label, 0)} unchanged"
            for label in labels
        )


def upsert(
    model: type[ModelT],
    *,
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    counts: UpsertCounts,
) -> ModelT:
    """Create the row, or update only the fields that differ.

    Unlike ``update_or_create`` an unchanged row is not saved at all, so a
    repeated load writes nothing and adds no audit history.
    """
    label = model._meta.model_name or model.__name__.lower()
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        counts.add(label, "created")
        return instance
    changed = [
        name for name, value in values.items() if getattr(instance, name) != value
    ]
    if not changed:
        counts.add(label, "unchanged")
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save(update_fields=changed)
    counts.add(label, "updated")
    return instance
