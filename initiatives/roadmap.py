"""Reading and checking a roadmap delivery list before anything is written.

No database access: the whole file is validated into plain dataclasses first,
with every problem reported by row, so a bad file is refused as a whole. The
caller passes in the sub-goal codes and initiative names that exist.

The list is the directorate's spreadsheet exported as CSV: semicolon-separated,
UTF-8, a header row, double-quoted multi-line descriptions, dates dd.mm.yyyy.
"""

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rules import VALUE_CHAIN, UnknownPhase, phase_span

COLUMNS = {
    "name": "Leveransenavn i veikartet",
    "description": "Beskrivelse av leveranse gant",
    "phase": "Veikartfase",
    "start_date": "Startdato",
    "sub_goal": "Strategisk delmål",
    "initiative": "Strategi gruppering",
    "end_date": "Sluttdato",
    "planning_status": "Planleggingsstatus",
    "roadmap_id": "Leveranse-ID",
    "version": "Versjon",
}
OPTIONAL_COLUMNS = {"version"}
PLANNING_STATUSES = ("Planlagt", "Tentativ")
VERSION_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATE_PATTERN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
SUB_GOAL_PATTERN = re.compile(r"^([1-9][A-Z])(?:\s*[-–]\s*.*)?$", re.DOTALL)
MAX_LENGTHS = {"roadmap_id": 40, "name": 400, "phase": 100}


@dataclass(frozen=True)
class RowProblem:
    """A problem in the file; row 1 is the header, as in a spreadsheet.

    ``line`` is where the row starts in the file (descriptions span lines).
    Row 0 means the whole file.
    """

    row: int
    line: int
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return _("Row %(row)s (line %(line)s): %(message)s") % {
            "row": self.row,
            "line": self.line,
            "message": self.message,
        }


class RoadmapFileError(ValueError):
    """The file cannot be imported; ``problems`` says where and why."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def about_file(cls, message: str) -> "RoadmapFileError":
        """A problem of the whole file rather than of a row."""
        return cls([RowProblem(0, 0, message)])


@dataclass(frozen=True)
class DeliveryState:
    """A delivery's fields as the roadmap gives them (what versions compare)."""

    roadmap_id: str
    name: str
    description: str
    phase: str
    start_date: dt.date | None
    end_date: dt.date | None
    planning_status: str
    sub_goal_code: str
    initiative_name: str
    removed_in_version: str = ""


# The fields whose change between versions is recorded.
TRACKED_FIELDS = tuple(
    f.name
    for f in fields(DeliveryState)
    if f.name not in {"roadmap_id", "removed_in_version"}
)


@dataclass(frozen=True)
class ParsedRoadmap:
    rows: list[DeliveryState]
    warnings: list[RowProblem]


def decode_roadmap(data: bytes) -> str:
    """The file's text; refuses anything that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = _(
            "The file is not UTF-8 text (byte %(position)s). Save it as CSV UTF-8."
        ) % {"position": exc.start + 1}
        raise RoadmapFileError.about_file(message) from None


def parse_roadmap(
    text: str,
    *,
    version: str,
    sub_goal_codes: Collection[str],
    initiative_names: Collection[str],
) -> ParsedRoadmap:
    """Validate the whole list; raise RoadmapFileError listing every problem."""
    if not VERSION_PATTERN.match(version):
        raise RoadmapFileError.about_file(
            _("The version must look like 2026-08 (year-month).")
        )
    records, problems = _read_records(text)
    header = records[0][2] if records else []
    columns = _columns(header, problems)
    if problems:
        raise RoadmapFileError(problems)
    checker = _RowChecker(
        columns=columns,
        width=len(header),
        version=version,
        sub_goal_codes=set(sub_goal_codes),
        initiatives={_key(name): name for name in initiative_names},
    )
    rows = []
    for row, line, values in records[1:]:
        state = checker.check(row, line, values)
        if state is not None:
            rows.append(state)
    if checker.problems:
        raise RoadmapFileError(checker.problems)
    if not rows:
        raise RoadmapFileError.about_file(_("The file has no deliveries."))
    return ParsedRoadmap(rows=rows, warnings=checker.warnings)


def _read_records(
    text: str,
) -> tuple[list[tuple[int, int, list[str]]], list[RowProblem]]:
    """(row, first line, fields) per record; a broken quote stops the reading."""
    if not text.strip():
        return [], [RowProblem(0, 0, _("The file is empty."))]
    first_line = text.split("\n", 1)[0]
    if ";" not in first_line:
        used = next((sep for sep in (",", "\t", "|") if sep in first_line), None)
        message = (
            _("The file is not separated by semicolons (the header uses %(sep)r).")
            % {"sep": used}
            if used
            else _("The file is not separated by semicolons.")
        )
        return [], [RowProblem(1, 1, message)]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    records: list[tuple[int, int, list[str]]] = []
    line = 1
    try:
        for values in reader:
            records.append((len(records) + 1, line, values))
            line = reader.line_num + 1
    except csv.Error as exc:
        row = len(records) + 1
        return records, [
            RowProblem(
                row,
                line,
                _(
                    "The file cannot be read near line %(line)s (%(reason)s); most "
                    "likely a quote is missing or misplaced."
                )
                % {"line": reader.line_num, "reason": exc},
            )
        ]
    return records, []


def _columns(header: list[str], problems: list[RowProblem]) -> dict[str, int]:
    if problems:
        return {}
    names = [name.strip() for name in header]
    columns = {}
    for key, title in COLUMNS.items():
        if title in names:
            columns[key] = names.index(title)
        elif key not in OPTIONAL_COLUMNS:
            problems.append(
                RowProblem(1, 1, _("Missing column %(column)r.") % {"column": title})
            )
    return columns


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _clean(text: str) -> str:
    """Trim the ends and use one line-ending convention, so re-exports compare equal."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class _RowChecker:
    """Checks one row after another, remembering IDs to find duplicates."""

    def __init__(self, *, columns, width, version, sub_goal_codes, initiatives):
        self.columns = columns
        self.width = width
        self.version = version
        self.sub_goal_codes = sub_goal_codes
        self.initiatives = initiatives
        self.seen_ids: dict[str, int] = {}
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []

    def check(self, row: int, line: int, values: list[str]) -> DeliveryState | None:
        if not any(value.strip() for value in values):
            return None  # a blank line, e.g. at the end of the file
        self._errors: list[str] = []
        if len(values) != self.width or self._swallows_rows(values):
            self._add(row, line, self._width_message(values))
            return None
        if any("\x00" in value for value in values):
            # PostgreSQL cannot store it, and no spreadsheet export has one.
            self._add(row, line, _("The row contains a NUL character."))
            return None
        raw = {key: _clean(values[index]) for key, index in self.columns.items()}
        state = DeliveryState(
            roadmap_id=self._roadmap_id(raw["roadmap_id"], row),
            name=self._required(raw["name"], "name"),
            description=raw["description"],
            phase=self._phase(" ".join(raw["phase"].split())),
            start_date=self._date(raw["start_date"], "start_date"),
            end_date=self._date(raw["end_date"], "end_date"),
            planning_status=self._planning_status(raw["planning_status"]),
            sub_goal_code=self._sub_goal(raw["sub_goal"]),
            initiative_name=self._initiative(raw["initiative"]),
        )
        self._version(raw.get("version", ""))
        for key, limit in MAX_LENGTHS.items():
            if len(raw[key]) > limit:
                self._error(
                    _("%(column)s is longer than %(limit)s characters.")
                    % {"column": COLUMNS[key], "limit": limit}
                )
        for message in self._errors:
            self._add(row, line, message)
        if self._errors:
            return None
        if state.start_date and state.end_date and state.start_date > state.end_date:
            self.warnings.append(
                RowProblem(
                    row,
                    line,
                    _("The end date is before the start date; kept as published."),
                )
            )
        return state

    def _add(self, row: int, line: int, message: str) -> None:
        self.problems.append(RowProblem(row, line, message))

    def _error(self, message: str) -> None:
        self._errors.append(message)

    def _swallows_rows(self, values: list[str]) -> bool:
        """A quote opened and closed rows later takes whole rows into one field."""
        return any(
            line.count(";") >= self.width - 2
            for value in values
            if "\n" in value
            for line in value.splitlines()
        )

    def _width_message(self, values: list[str]) -> str:
        if self._swallows_rows(values):
            return _(
                "A quote seems to be missing or misplaced: a field runs over into "
                "the next rows."
            )
        message = _("Expected %(expected)s columns, found %(found)s.") % {
            "expected": self.width,
            "found": len(values),
        }
        if len(values) < self.width:
            message += " " + _("A column is missing or a separator is wrong.")
        return message

    def _required(self, value: str, key: str) -> str:
        if not value:
            self._error(_("%(column)s is empty.") % {"column": COLUMNS[key]})
        return value

    def _roadmap_id(self, value: str, row: int) -> str:
        if not value:
            return self._required(value, "roadmap_id")
        if not (value.isascii() and value.isdigit()):
            self._error(
                _("Delivery ID %(id)r is not a number (digits only).") % {"id": value}
            )
        elif value in self.seen_ids:
            self._error(
                _("Delivery ID %(id)s is also on row %(other)s.")
                % {"id": value, "other": self.seen_ids[value]}
            )
        else:
            self.seen_ids[value] = row
        return value

    def _phase(self, value: str) -> str:
        try:
            phase_span(value)
        except UnknownPhase as exc:
            self._error(
                _("Unknown roadmap phase %(phase)r (known: %(known)s, I bruk).")
                % {"phase": str(exc), "known": ", ".join(VALUE_CHAIN)}
            )
        return value

    def _date(self, value: str, key: str) -> dt.date | None:
        if not value:
            return None
        match = DATE_PATTERN.match(value)
        try:
            if not match:
                raise ValueError
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            self._error(
                _("%(column)s %(value)r is not a date (dd.mm.yyyy).")
                % {"column": COLUMNS[key], "value": value}
            )
            return None

    def _planning_status(self, value: str) -> str:
        for status in PLANNING_STATUSES:
            if value.casefold() == status.casefold():
                return status
        self._error(
            _("Planning status %(value)r is not Planlagt or Tentativ.")
            % {"value": value}
        )
        return value

    def _sub_goal(self, value: str) -> str:
        match = SUB_GOAL_PATTERN.match(value)
        if not match:
            self._error(
                _("Sub-goal %(value)r should look like '1A - title'.")
                % {"value": value}
            )
            return ""
        if match[1] not in self.sub_goal_codes:
            self._error(_("Unknown sub-goal %(code)s.") % {"code": match[1]})
        return match[1]

    def _initiative(self, value: str) -> str:
        name = self.initiatives.get(_key(value))
        if name is None:
            close = difflib.get_close_matches(value, self.initiatives.values(), n=1)
            message = _("Unknown initiative grouping %(value)r.") % {"value": value}
            if close:
                message += " " + _("Did you mean %(name)r?") % {"name": close[0]}
            self._error(message)
            return value
        return name

    def _version(self, value: str) -> None:
        if value and value != self.version:
            self._error(
                _(
                    "The row says version %(row)s, but the import is version "
                    "%(version)s."
                )
                % {"row": value, "version": self.version}
            )


FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("Description"),
    "phase": gettext_lazy("Roadmap phase"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("End date"),
    "planning_status": gettext_lazy("Planning status"),
    "sub_goal_code": gettext_lazy("Sub-goal"),
    "initiative_name": gettext_lazy("Initiative"),
}
KIND_LABELS = {
    "added": gettext_lazy("Added"),
    "changed": gettext_lazy("Changed"),
    "removed": gettext_lazy("Removed"),
    "restored": gettext_lazy("Back in the roadmap"),
}


@dataclass(frozen=True)
class Change:
    """One difference between the stored deliveries and a new list.

    ``kind`` is added, changed (one row per field), removed or restored.
    """

    roadmap_id: str
    name: str
    kind: str
    field: str = ""
    old: str = ""
    new: str = ""

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def roadmap_diff(
    *, current: Mapping[str, DeliveryState], rows: Sequence[DeliveryState]
) -> list[Change]:
    """What importing ``rows`` changes, in file order; removals last, by ID."""
    changes = []
    for row in rows:
        before = current.get(row.roadmap_id)
        if before is None:
            changes.append(Change(row.roadmap_id, row.name, "added"))
            continue
        if before.removed_in_version:
            changes.append(Change(row.roadmap_id, row.name, "restored"))
        for name in TRACKED_FIELDS:
            old, new = getattr(before, name), getattr(row, name)
            if old != new:
                changes.append(
                    Change(
                        row.roadmap_id,
                        row.name,
                        "changed",
                        name,
                        _text(old),
                        _text(new),
                    )
                )
    listed = {row.roadmap_id for row in rows}
    for roadmap_id in sorted(set(current) - listed):
        before = current[roadmap_id]
        if not before.removed_in_version:
            changes.append(Change(roadmap_id, before.name, "removed"))
    return changes
