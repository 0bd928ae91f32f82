import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from councils.models import Council
from initiatives.models import Initiative, RoadmapPhase
from strategy.models import Goal, Strategy, SubGoal
from strategy.seed import DEFAULT_SEED_PATH


def load(path=None) -> str:
    out = StringIO()
    args = ["--file", str(path)] if path else []
    call_command("load_strategy", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "strategies": Strategy.objects.count(),
        "goals": Goal.objects.count(),
        "sub_goals": SubGoal.objects.count(),
        "initiatives": Initiative.objects.count(),
        "councils": Council.objects.count(),
        "phases": RoadmapPhase.objects.count(),
    }


REAL_COUNTS = {
    "strategies": 1,
    "goals": 5,
    "sub_goals": 20,
    "initiatives": 54,
    "councils": 3,
    "phases": 5,
}


@pytest.fixture
def seed_data() -> dict:
    return json.loads(DEFAULT_SEED_PATH.read_text(encoding="utf-8"))


def write_seed(tmp_path, data) -> str:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_loads_the_real_strategy():
    load()
    assert row_counts() == REAL_COUNTS
    m1 = Goal.objects.get(code="M1")
    assert m1.title_nb == "Aktiv medvirkning i egen og næres helse"
    assert m1.kind == "direct_benefit"
    assert Goal.objects.get(code="M5").kind == "enabling"
    assert list(m1.sub_goals.values_list("code", flat=True)) == [
        "1A",
        "1B",
        "1C",
        "1D",
        "1E",
        "1F",
    ]
    assert Initiative.objects.get(code="1A-1").sub_goal.code == "1A"
    assert set(Council.objects.values_list("slug", flat=True)) == {
        "nasjonalt-e-helserad",
        "nuit",
        "nufa",
    }


@pytest.mark.django_db
def test_every_loaded_fact_keeps_its_source_url():
    load()
    for model in (Strategy, Goal, SubGoal, Initiative, Council, RoadmapPhase):
        for row in model.objects.all():
            assert row.sources, f"{model.__name__} {row} has no source"
            assert all(url.startswith("https://") for url in row.sources)


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load()
    first = {m: list(m.objects.order_by("pk").values()) for m in (Goal, Initiative)}
    history_before = Goal.history.count() + Initiative.history.count()

    output = load()

    assert row_counts() == REAL_COUNTS
    assert {m: list(m.objects.order_by("pk").values()) for m in first} == first
    # No row was saved again: the audit history did not grow.
    assert Goal.history.count() + Initiative.history.count() == history_before
    assert "0 new, 0 updated" in output


@pytest.mark.django_db
def test_loading_an_edited_file_updates_instead_of_duplicating(tmp_path, seed_data):
    load()
    seed_data["goals"][0]["title_nb"] = "Ny tittel"
    seed_data["goals"][0]["initiatives"][0]["name_nb"] = "Nytt navn"

    load(write_seed(tmp_path, seed_data))

    assert row_counts() == REAL_COUNTS
    assert Goal.objects.get(code="M1").title_nb == "Ny tittel"
    assert Initiative.objects.get(code="1A-1").name_nb == "Nytt navn"
    assert Goal.history.filter(code="M1").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["goals"][0].update(code="M0"), "unknown goal code 'M0'"),
        (lambda d: d["goals"][1].update(code="X2"), "unknown goal code 'X2'"),
        (
            lambda d: d["goals"][0]["initiatives"][0].update(sub_goal="9Z"),
            "unknown sub-goal '9Z'",
        ),
        (
            lambda d: d["goals"][0]["sub_goals"][0].update(code="2A"),
            "does not belong to goal M1",
        ),
        (
            lambda d: d["goals"].append(copy.deepcopy(d["goals"][0])),
            "duplicate goal code",
        ),
        (lambda d: d["goals"][0].pop("title_nb"), "'title_nb' is missing"),
        (lambda d: d["goals"][0].update(sources=[]), "at least one URL"),
        (lambda d: d.pop("goals"), "'goals' must be a list"),
    ],
)
def test_bad_seed_is_refused_and_changes_nothing(tmp_path, seed_data, mutate, message):
    load()
    before = {m: list(m.objects.order_by("pk").values()) for m in (Goal, Initiative)}
    mutate(seed_data)

    with pytest.raises(CommandError, match="Nothing was loaded") as error:
        load(write_seed(tmp_path, seed_data))

    assert message in str(error.value)
    assert {m: list(m.objects.order_by("pk").values()) for m in before} == before


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Seed file not found"):
        load(tmp_path / "nope.json")
    assert row_counts()["goals"] == 0


@pytest.mark.django_db
def test_malformed_json_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"strategy": {', encoding="utf-8")
    with pytest.raises(CommandError, match=r"not valid JSON \(line 1, column 15\)"):
        load(path)
    assert row_counts()["goals"] == 0


@pytest.mark.django_db
def test_non_utf8_file_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"a": "æøå"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8"):
        load(path)
