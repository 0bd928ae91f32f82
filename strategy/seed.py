"""Reading and checking ``strategy-seed.json`` before anything is written.

Pure Python: the whole file is validated into plain dataclasses first, so a
bad file is refused with a precise message and the database is left alone.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.text import slugify

DEFAULT_SEED_PATH = Path(__file__).resolve().parent / "data" / "strategy-seed.json"
# The organisations the strategy's sources name, with the source naming each.
DEFAULT_ORGANISATIONS_PATH = DEFAULT_SEED_PATH.with_name("organisations.json")

GOAL_CODE = re.compile(r"^M([1-9])$")
SUB_GOAL_CODE = re.compile(r"^([1-9])[A-Z]$")
GOAL_KINDS = {"direct_benefit", "enabling"}


class SeedError(ValueError):
    """The seed file cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class SeedStrategy:
    title_nb: str
    start_year: int
    end_year: int
    vision_nb: str
    overarching_goals_nb: list[str]
    owner: str
    document_version: str
    sources: list[str]


@dataclass(frozen=True)
class SeedSubGoal:
    code: str
    goal_code: str
    title_nb: str
    order: int


@dataclass(frozen=True)
class SeedInitiative:
    code: str
    sub_goal_code: str
    name_nb: str
    name_en: str
    description_nb: str
    order: int
    sources: list[str]


@dataclass(frozen=True)
class SeedGoal:
    code: str
    title_nb: str
    title_en: str
    description_nb: str
    kind: str
    order: int
    sources: list[str]
    sub_goals: list[SeedSubGoal]
    initiatives: list[SeedInitiative]


@dataclass(frozen=True)
class SeedCouncil:
    slug: str
    name_nb: str
    name_en: str
    level: int
    mandate_nb: str
    sources: list[str]


@dataclass(frozen=True)
class SeedPhase:
    order: int
    name_nb: str
    sources: list[str]


@dataclass(frozen=True)
class SeedOrganisation:
    name: str
    short_name: str
    source: str


@dataclass(frozen=True)
class Seed:
    strategy: SeedStrategy
    goals: list[SeedGoal]
    phases: list[SeedPhase]
    councils: list[SeedCouncil]


def read_seed(path: Path | str = DEFAULT_SEED_PATH) -> Seed:
    """Read and validate the seed file; raise SeedError on any problem."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"Seed file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path} is not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise SeedError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): "
            f"{exc.msg}"
        ) from None
    return parse_seed(raw)


def parse_seed(raw: Any) -> Seed:
    data = _mapping(raw, "the file")
    goals = [
        _parse_goal(goal, index)
        for index, goal in enumerate(_list(data, "goals", "the file"), start=1)
    ]
    _check_unique([g.code for g in goals], "goal code")
    _check_unique([s.code for g in goals for s in g.sub_goals], "sub-goal code")
    _check_unique([i.code for g in goals for i in g.initiatives], "initiative code")
    phases_source = _text(data, "roadmap_phases_source", "the file", required=False)
    phases = [
        _parse_phase(phase, phases_source, index)
        for index, phase in enumerate(
            _list(data, "roadmap_phases", "the file"), start=1
        )
    ]
    councils = [
        _parse_council(council, index)
        for index, council in enumerate(_list(data, "councils", "the file"), start=1)
    ]
    _check_unique([c.slug for c in councils], "council")
    return Seed(
        strategy=_parse_strategy(_mapping(data.get("strategy"), "strategy")),
        goals=goals,
        phases=phases,
        councils=councils,
    )


def _parse_strategy(data: dict) -> SeedStrategy:
    period = _text(data, "period", "strategy")
    match = re.fullmatch(r"(\d{4})\s*[–-]\s*(\d{4})", period)
    if not match:
        raise SeedError(f"strategy.period must look like 2023–2030, not {period!r}")
    start, end = int(match[1]), int(match[2])
    if start >= end:
        raise SeedError(f"strategy.period {period!r} ends before it starts")
    return SeedStrategy(
        title_nb=_text(data, "title_nb", "strategy"),
        start_year=start,
        end_year=end,
        vision_nb=_text(data, "vision_nb", "strategy", required=False),
        overarching_goals_nb=[str(g) for g in data.get("overarching_goals_nb") or []],
        owner=_text(data, "owner", "strategy", required=False),
        document_version=_text(data, "document_version", "strategy"),
        sources=_sources(data, "strategy"),
    )


def _parse_goal(raw: Any, order: int) -> SeedGoal:
    where = f"goals[{order}]"
    data = _mapping(raw, where)
    code = _text(data, "code", where)
    match = GOAL_CODE.match(code)
    if not match:
        raise SeedError(f"{where}: unknown goal code {code!r} (expected M1 to M9)")
    where = f"goal {code}"
    kind = _text(data, "goal_type", where)
    if kind not in GOAL_KINDS:
        raise SeedError(
            f"{where}: goal_type {kind!r} is not one of {sorted(GOAL_KINDS)}"
        )
    sub_goals = [
        _parse_sub_goal(sub, code, match[1], index)
        for index, sub in enumerate(_list(data, "sub_goals", where), start=1)
    ]
    known_sub_goals = {s.code for s in sub_goals}
    initiatives = [
        _parse_initiative(item, code, known_sub_goals, index)
        for index, item in enumerate(_list(data, "initiatives", where), start=1)
    ]
    _check_sub_goal_listings(data, where, initiatives)
    return SeedGoal(
        code=code,
        title_nb=_text(data, "title_nb", where),
        title_en=_text(data, "title_en", where, required=False),
        description_nb=_text(data, "description_nb", where, required=False),
        kind=kind,
        order=order,
        sources=_sources(data, where),
        sub_goals=sub_goals,
        initiatives=initiatives,
    )


def _parse_sub_goal(raw: Any, goal_code: str, digit: str, order: int) -> SeedSubGoal:
    where = f"goal {goal_code}, sub_goals[{order}]"
    data = _mapping(raw, where)
    code = _text(data, "code", where)
    match = SUB_GOAL_CODE.match(code)
    if not match or match[1] != digit:
        raise SeedError(
            f"{where}: sub-goal code {code!r} does not belong to goal {goal_code} "
            f"(expected {digit}A, {digit}B, …)"
        )
    return SeedSubGoal(
        code=code,
        goal_code=goal_code,
        title_nb=_text(data, "title_nb", where),
        order=order,
    )


def _parse_initiative(
    raw: Any, goal_code: str, known_sub_goals: set[str], order: int
) -> SeedInitiative:
    where = f"goal {goal_code}, initiatives[{order}]"
    data = _mapping(raw, where)
    code = _text(data, "code", where)
    sub_goal = _text(data, "sub_goal", f"initiative {code}")
    if sub_goal not in known_sub_goals:
        raise SeedError(
            f"initiative {code}: unknown sub-goal {sub_goal!r} "
            f"(goal {goal_code} has {', '.join(sorted(known_sub_goals))})"
        )
    if not code.startswith(f"{sub_goal}-"):
        raise SeedError(
            f"initiative {code}: code should start with its sub-goal {sub_goal}-"
        )
    source = _text(data, "source", f"initiative {code}")
    return SeedInitiative(
        code=code,
        sub_goal_code=sub_goal,
        name_nb=_text(data, "name_nb", f"initiative {code}"),
        name_en=_text(data, "name_en", f"initiative {code}", required=False),
        description_nb=_text(
            data, "description_nb", f"initiative {code}", required=False
        ),
        order=order,
        sources=[source],
    )


def _check_sub_goal_listings(
    data: dict, where: str, initiatives: list[SeedInitiative]
) -> None:
    """The seed lists initiatives twice (per goal and per sub-goal): they must agree."""
    by_goal = {(i.code, i.sub_goal_code) for i in initiatives}
    by_sub_goal = {
        (_text(_mapping(item, where), "code", where), sub["code"])
        for sub in data["sub_goals"]
        for item in sub.get("initiatives") or []
    }
    if by_sub_goal and by_goal != by_sub_goal:
        differ = sorted(code for code, _ in by_goal ^ by_sub_goal)
        raise SeedError(
            f"{where}: initiatives listed under the goal and under its sub-goals "
            f"disagree: {', '.join(differ)}"
        )


def _parse_phase(raw: Any, source: str, order: int) -> SeedPhase:
    where = f"roadmap_phases[{order}]"
    data = _mapping(raw, where)
    phase_order = data.get("order")
    if not isinstance(phase_order, int) or phase_order < 1:
        raise SeedError(f"{where}: order must be a positive whole number")
    return SeedPhase(
        order=phase_order,
        name_nb=_text(data, "name_nb", where),
        sources=[source] if source else [],
    )


def _parse_council(raw: Any, index: int) -> SeedCouncil:
    where = f"councils[{index}]"
    data = _mapping(raw, where)
    name_nb = _text(data, "name_nb", where)
    level = data.get("level")
    if not isinstance(level, int) or level < 1:
        raise SeedError(f"{where}: level must be a positive whole number")
    # "NUIT (Prioriteringsutvalget)" -> "nuit"; "Nasjonalt e-helseråd" -> its slug.
    short_name = name_nb.split(" (")[0]
    return SeedCouncil(
        slug=slugify(short_name),
        name_nb=name_nb,
        name_en=_text(data, "name_en", where, required=False),
        level=level,
        mandate_nb=_text(data, "role_nb", where, required=False),
        sources=_sources(data, where),
    )


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise SeedError(f"{where}: expected an object")
    return value


def _list(data: dict, key: str, where: str) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        raise SeedError(f"{where}: {key!r} must be a list")
    return value


def _text(data: dict, key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise SeedError(f"{where}: {key!r} is missing")
        return ""
    if not isinstance(value, str):
        raise SeedError(f"{where}: {key!r} must be text")
    return value.strip()


def _sources(data: dict, where: str) -> list[str]:
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        raise SeedError(f"{where}: 'sources' must list at least one URL")
    for url in sources:
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise SeedError(f"{where}: source {url!r} is not a URL")
    return list(sources)


def _check_unique(codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise SeedError(f"duplicate {what} {code!r}")
        seen.add(code)


def read_organisations(
    path: Path | str = DEFAULT_ORGANISATIONS_PATH,
) -> list[SeedOrganisation]:
    """Read the seeded organisations; raise SeedError on any problem."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(f"{path} cannot be read as JSON: {exc}") from None
    data = _mapping(raw, str(path))
    organisations = []
    for index, item in enumerate(_list(data, "organisations", str(path)), start=1):
        where = f"organisations[{index}]"
        item = _mapping(item, where)
        organisations.append(
            SeedOrganisation(
                name=_text(item, "name", where),
                short_name=_text(item, "short_name", where, required=False),
                source=_text(item, "source", where),
            )
        )
    _check_unique([o.name for o in organisations], "organisation")
    return organisations
