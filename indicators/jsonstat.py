"""JSON-stat 2.0 datasets, as Statistics Norway's PxWebApi v2 sends them, as
cells of an indicator: pure functions, no Django models.

A dataset is a cube: ``id`` names its dimensions in order, ``size`` counts the
categories of each, and ``value`` holds one number (or null) per combination
of categories in row-major order (the last dimension varies fastest), as a
list or as a sparse object from position to value. For an indicator:

- the time dimension is the one ``role.time`` names (exactly one);
- a dimension whose id is one of the indicator's breakdown codes
  (case-insensitively), or that ``role.geo`` names when the indicator has the
  breakdown ``region``, is that breakdown; its categories must be the
  breakdown's codes, or a code for the whole country (``0``, ``00``), which
  is the national figure (no key in the cell's breakdown);
- any other dimension must have a single category (SSB's ``ContentsCode``),
  and is then ignored;
- a null value is missing data: no cell, and not an error (``status``, which
  says why a value is missing, is not read).

Every problem is reported, per cell where it is one cell's, naming the cell by
the dataset's own dimension and category codes (``Region=99, Tid=2024``). The
caller writes nothing when there is any error: reading never stops at the
first bad cell, so that one upload shows every fix needed.
"""

import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from django.utils.translation import gettext as _

from indicators.parsing import InputError, decimal_parse, period_label, period_of

# SSB codes the whole country as 0 (counties, health regions) or 0000
# (municipalities); 00 appears in older tables.
NATIONAL_CODES = ("0", "00", "0000")
REGION = "region"


@dataclass(frozen=True)
class Cell:
    """One value of the dataset, as the indicator's period and breakdown."""

    period: str  # our label: 2024, 2024-Q3, 2024-06
    breakdown: dict[str, str]  # breakdown code → category code; {} = national
    value: Decimal
    position: int  # in the dataset's value array
    where: str  # the dataset's codes: "Region=03, Tid=2024"


@dataclass(frozen=True)
class CellError:
    """A reason to refuse the dataset: one cell's, or the whole dataset's."""

    position: int | None  # None when the dataset as a whole is wrong
    where: str  # as Cell.where; "" when the dataset as a whole is wrong
    code: str  # machine-readable: "unknown_category", "size_mismatch", ...
    message: str  # for the user, in the request's language

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class Reading:
    """What a dataset holds for an indicator.

    ``skipped`` counts the null values (missing data): they give no cell and
    are no error, but an import may want to say how many there were.
    """

    cells: list[Cell]
    errors: list[CellError]
    skipped: int


def is_dataset(payload: object) -> TypeGuard[Mapping[str, Any]]:
    """Whether a parsed JSON body is a JSON-stat dataset (``"class"`` is
    case-sensitive in the format, so ``"Dataset"`` is not one)."""
    return isinstance(payload, Mapping) and payload.get("class") == "dataset"


def dataset_cells(
    dataset: object,
    *,
    breakdowns: Sequence[str],
    categories: Mapping[str, Collection[str]],
    national_codes: Collection[str] = NATIONAL_CODES,
) -> tuple[list[Cell], list[CellError]]:
    """The cells of a dataset and every error in it (see ``dataset_read``)."""
    reading = dataset_read(
        dataset,
        breakdowns=breakdowns,
        categories=categories,
        national_codes=national_codes,
    )
    return reading.cells, reading.errors


def dataset_read(
    dataset: object,
    *,
    breakdowns: Sequence[str],
    categories: Mapping[str, Collection[str]],
    national_codes: Collection[str] = NATIONAL_CODES,
) -> Reading:
    """The cells of a JSON-stat dataset for an indicator with these breakdowns.

    ``categories`` gives each breakdown's valid category codes. A code that
    is one of them keeps its meaning even if it is also a national code.
    Periods are not checked against the indicator's frequency: the caller
    does that, as it does for every other way values arrive.
    """
    try:
        if not is_dataset(dataset):
            raise _Refused(
                "not_dataset",
                _('This is not a JSON-stat dataset: it has no "class": "dataset".'),
            )
        axes = _axes(dataset, breakdowns, categories, national_codes)
        pairs, errors = _values(dataset, math.prod(len(a.meanings) for a in axes))
    except _Refused as refused:
        return Reading([], [refused.error], 0)
    reading = _read_cells(pairs, axes)
    return Reading(reading.cells, errors + reading.errors, reading.skipped)


@dataclass(frozen=True)
class _Meaning:
    """What one category of one dimension says about a cell."""

    name: str  # "Region=03"; "" for an ignored dimension
    period: str | None = None
    breakdown: tuple[str, str] | None = None  # None: national, or no breakdown
    error: tuple[str, str] | None = None  # (code, message)


@dataclass(frozen=True)
class _Axis:
    stride: int  # positions between neighbouring categories
    meanings: tuple[_Meaning, ...]  # by category position


class _Refused(Exception):
    """The dataset as a whole cannot be read."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error = CellError(None, "", code, message)


def _axes(
    dataset: Mapping[str, Any],
    breakdowns: Sequence[str],
    categories: Mapping[str, Collection[str]],
    national_codes: Collection[str],
) -> list[_Axis]:
    ids = _ids(dataset)
    sizes = _sizes(dataset, ids)
    codes = [
        _codes(dataset, dimension, size)
        for dimension, size in zip(ids, sizes, strict=True)
    ]
    time = _time_dimension(dataset, ids)
    assigned = _breakdown_dimensions(
        {d: size for d, size in zip(ids, sizes, strict=True) if d != time},
        _role(dataset, "geo"),
        breakdowns,
    )
    axes = []
    for index, (dimension, its_codes) in enumerate(zip(ids, codes, strict=True)):
        breakdown = assigned.get(dimension)
        if dimension == time:
            meanings = _period_meanings(dimension, its_codes)
        elif breakdown is None:
            meanings = tuple(_Meaning("") for _code in its_codes)
        else:
            meanings = _breakdown_meanings(
                dimension,
                its_codes,
                breakdown,
                categories.get(breakdown, ()),
                national_codes,
            )
        axes.append(_Axis(math.prod(sizes[index + 1 :]), meanings))
    return axes


def _breakdown_dimensions(
    sizes: Mapping[str, int], geo: list[str], breakdowns: Sequence[str]
) -> dict[str, str]:
    """The breakdown each of these dimensions is, by dimension id."""
    dimension_of: dict[str, str] = {}
    for dimension, size in sizes.items():
        breakdown = _breakdown_of(dimension, geo, breakdowns, size)
        if breakdown is None:
            continue
        if breakdown in dimension_of:
            raise _Refused(
                "duplicate_dimension",
                _(
                    "The dimensions %(first)s and %(second)s are both the "
                    "breakdown %(breakdown)s."
                )
                % {
                    "first": dimension_of[breakdown],
                    "second": dimension,
                    "breakdown": breakdown,
                },
            )
        dimension_of[breakdown] = dimension
    return {dimension: breakdown for breakdown, dimension in dimension_of.items()}


def _ids(dataset: Mapping[str, Any]) -> list[str]:
    ids = dataset.get("id")
    if (
        not isinstance(ids, list)
        or not all(isinstance(dimension, str) for dimension in ids)
        or len(set(ids)) != len(ids)
    ):
        raise _Refused(
            "bad_dataset",
            _("The dataset's “id” must be a list of distinct dimension names."),
        )
    return ids


def _sizes(dataset: Mapping[str, Any], ids: list[str]) -> list[int]:
    sizes = dataset.get("size")
    if not isinstance(sizes, list) or not all(_is_count(size) for size in sizes):
        raise _Refused(
            "bad_dataset",
            _("The dataset's “size” must be a list of category counts."),
        )
    if len(sizes) != len(ids):
        raise _Refused(
            "size_mismatch",
            _(
                "The dataset's “size” has %(sizes)d numbers but its “id” "
                "names %(ids)d dimensions."
            )
            % {"sizes": len(sizes), "ids": len(ids)},
        )
    return sizes


def _is_count(size: object) -> bool:
    return isinstance(size, int) and not isinstance(size, bool) and size >= 0


def _codes(dataset: Mapping[str, Any], dimension: str, size: int) -> list[str]:
    """The category codes of a dimension, in the order of its positions."""
    described = dataset.get("dimension")
    about = described.get(dimension) if isinstance(described, Mapping) else None
    category = about.get("category") if isinstance(about, Mapping) else None
    if not isinstance(category, Mapping):
        raise _Refused(
            "bad_dataset",
            _("The dataset does not describe the categories of the dimension %s.")
            % dimension,
        )
    codes = _index_codes(category.get("index"), category.get("label"), dimension)
    if len(codes) != size:
        raise _Refused(
            "size_mismatch",
            _(
                "The dimension %(dimension)s has %(count)d categories but the "
                "dataset's “size” gives %(size)d."
            )
            % {"dimension": dimension, "count": len(codes), "size": size},
        )
    return codes


def _index_codes(index: object, label: object, dimension: str) -> list[str]:
    # The format lets a dimension of one category leave out its index.
    if index is None and isinstance(label, Mapping) and len(label) == 1:
        index = list(label)
    codes = _listed_codes(index)
    if codes is None:
        raise _Refused(
            "bad_dataset",
            _(
                "The “category.index” of the dimension %s must list its "
                "category codes, or number them from 0, each once."
            )
            % dimension,
        )
    return codes


def _listed_codes(index: object) -> list[str] | None:
    """A list of codes, or an object from code to position, as a list."""
    if isinstance(index, Mapping):
        positions = list(index.values())
        if not all(_is_count(position) for position in positions) or sorted(
            positions
        ) != list(range(len(positions))):
            return None
        index = sorted(index, key=index.__getitem__)
    if (
        isinstance(index, list)
        and all(isinstance(code, str) for code in index)
        and len(set(index)) == len(index)
    ):
        return index
    return None


def _role(dataset: Mapping[str, Any], role: str) -> list[str]:
    roles = dataset.get("role")
    named = roles.get(role) if isinstance(roles, Mapping) else None
    if not isinstance(named, list):
        return []
    return [str(dimension) for dimension in named]


def _time_dimension(dataset: Mapping[str, Any], ids: list[str]) -> str:
    times = _role(dataset, "time")
    if not times:
        raise _Refused(
            "no_time_dimension",
            _(
                "The dataset has no time dimension: its “role” must name one "
                "under “time”."
            ),
        )
    if len(times) > 1:
        raise _Refused(
            "no_time_dimension",
            _(
                "The dataset's “role” names %(count)d time dimensions "
                "(%(dimensions)s); it must name exactly one."
            )
            % {"count": len(times), "dimensions": ", ".join(times)},
        )
    if times[0] not in ids:
        raise _Refused(
            "no_time_dimension",
            _(
                "The time dimension %s that the dataset's “role” names is not "
                "one of its dimensions (“id”)."
            )
            % times[0],
        )
    return times[0]


def _breakdown_of(
    dimension: str, geo: list[str], breakdowns: Sequence[str], size: int
) -> str | None:
    """The breakdown a dimension is; None for a single category to ignore."""
    for breakdown in breakdowns:
        if breakdown.casefold() == dimension.casefold():
            return breakdown
    if dimension in geo and REGION in breakdowns:
        return REGION
    if size == 1:
        return None
    if breakdowns:
        message = _(
            "The dimension %(dimension)s has %(count)d categories but is not a "
            "breakdown of this indicator (%(breakdowns)s): send one of its "
            "categories only."
        )
    else:
        message = _(
            "The dimension %(dimension)s has %(count)d categories but this "
            "indicator has no breakdowns: send one of its categories only."
        )
    raise _Refused(
        "unknown_dimension",
        message
        % {
            "dimension": dimension,
            "count": size,
            "breakdowns": ", ".join(breakdowns),
        },
    )


def _period_meanings(dimension: str, codes: list[str]) -> tuple[_Meaning, ...]:
    return tuple(_period_meaning(dimension, code) for code in codes)


def _period_meaning(dimension: str, code: str) -> _Meaning:
    name = f"{dimension}={code}"
    try:
        start, granularity = period_of(code)
    except InputError as error:
        return _Meaning(name, error=("bad_period", str(error)))
    return _Meaning(name, period=period_label(start, granularity))


def _breakdown_meanings(
    dimension: str,
    codes: list[str],
    breakdown: str,
    valid: Collection[str],
    national_codes: Collection[str],
) -> tuple[_Meaning, ...]:
    # Codes are matched exactly first, then case-insensitively (hsø → HSØ).
    canonical = {code.casefold(): code for code in valid}
    canonical.update((code, code) for code in valid)
    meanings = []
    for code in codes:
        name = f"{dimension}={code}"
        known = canonical.get(code) or canonical.get(code.casefold())
        if known is not None:
            meanings.append(_Meaning(name, breakdown=(breakdown, known)))
        elif code in national_codes:
            meanings.append(_Meaning(name))
        else:
            message = _("“%(code)s” is not a code in the dimension %(breakdown)s.")
            meanings.append(
                _Meaning(
                    name,
                    error=(
                        "unknown_category",
                        message % {"code": code, "breakdown": breakdown},
                    ),
                )
            )
    return tuple(meanings)


def _values(
    dataset: Mapping[str, Any], total: int
) -> tuple[list[tuple[int, object]], list[CellError]]:
    """(position, raw value) pairs in position order, and bad positions."""
    values = dataset.get("value")
    if isinstance(values, list):
        if len(values) != total:
            sizes = " × ".join(str(size) for size in dataset["size"]) or "1"
            raise _Refused(
                "size_mismatch",
                _(
                    "The dataset has %(count)d values but its dimensions make "
                    "%(total)d cells (%(sizes)s)."
                )
                % {"count": len(values), "total": total, "sizes": sizes},
            )
        return list(enumerate(values)), []
    if isinstance(values, Mapping):
        return _sparse_values(values, total)
    raise _Refused(
        "bad_dataset",
        _(
            "The dataset's “value” must be a list of values, or an object from "
            "position to value."
        ),
    )


def _sparse_values(
    values: Mapping[object, object], total: int
) -> tuple[list[tuple[int, object]], list[CellError]]:
    pairs = []
    errors = []
    for key, raw in values.items():
        position = _position(key)
        if position is None or position >= total:
            message = _(
                "The dataset has no cell at position “%(key)s”: it has "
                "%(total)d cells, numbered from 0."
            ) % {"key": key, "total": total}
            errors.append(CellError(position, "", "bad_position", message))
        else:
            pairs.append((position, raw))
    return sorted(pairs, key=_first), errors


def _position(key: object) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key if key >= 0 else None
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key)
    return None


def _first(pair: tuple[int, object]) -> int:
    return pair[0]


def _read_cells(pairs: Iterable[tuple[int, object]], axes: list[_Axis]) -> Reading:
    cells: list[Cell] = []
    errors: list[CellError] = []
    skipped = 0
    # The same period and breakdown twice (0 and 00; 2024K3 and 2024-Q3) would
    # make two values for one cell of the indicator.
    seen: dict[tuple[str, frozenset[tuple[str, str]]], str] = {}
    for position, raw in pairs:
        if raw is None:
            skipped += 1
            continue
        cell = _cell(position, raw, axes)
        if isinstance(cell, list):
            errors.extend(cell)
            continue
        key = (cell.period, frozenset(cell.breakdown.items()))
        if key in seen:
            message = _("This cell has the same period and breakdown as %(other)s.") % {
                "other": seen[key]
            }
            errors.append(CellError(position, cell.where, "duplicate_cell", message))
            continue
        seen[key] = cell.where
        cells.append(cell)
    return Reading(cells, errors, skipped)


def _cell(position: int, raw: object, axes: list[_Axis]) -> Cell | list[CellError]:
    """The cell at a position, or everything wrong with it."""
    meanings = [
        axis.meanings[position // axis.stride % len(axis.meanings)] for axis in axes
    ]
    where = ", ".join(meaning.name for meaning in meanings if meaning.name)
    errors = [
        CellError(position, where, *meaning.error)
        for meaning in meanings
        if meaning.error
    ]
    try:
        value = _number(raw)
    except InputError as error:
        errors.append(CellError(position, where, "bad_value", str(error)))
    if errors:
        return errors
    period = next(meaning.period for meaning in meanings if meaning.period)
    breakdown = dict(meaning.breakdown for meaning in meanings if meaning.breakdown)
    return Cell(period, breakdown, value, position, where)


def _number(raw: object) -> Decimal:
    """A JSON number or numeric string → Decimal, within the value limits."""
    if isinstance(raw, str):
        return decimal_parse(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return decimal_parse(str(raw))
    if isinstance(raw, float) and math.isfinite(raw):
        # str() gives the shortest text that reads back as the same float
        # (0.1, not 0.1000000000000000055…); "f" spells out 1e-07 and 1e+20
        # so that the limits on decimals and size apply.
        return decimal_parse(format(Decimal(str(raw)), "f"))
    text = json.dumps(raw, default=str)[:40]
    raise InputError(_("“%(text)s” is not a number.") % {"text": text})
