"""JSON-stat 2.0 datasets, as Statistics Norway's PxWebApi v2 sends them, as
cells of an indicator; every refusal names what is wrong, per cell."""

import copy
from decimal import Decimal

import pytest
from django.utils import translation

from indicators.jsonstat import (
    Cell,
    CellError,
    dataset_cells,
    dataset_read,
    is_dataset,
)

# The counties of the 2024 division, and a health region's code.
COUNTIES = (
    "03", "11", "15", "18", "31", "32", "33", "34",
    "39", "40", "42", "46", "50", "55", "56",
)  # fmt: skip
YEARS = ("2020", "2021", "2022", "2023", "2024")
REGIONS = {"region": {*COUNTIES, "HSØ", "HV", "HMN", "HN", "0301", "5001"}}


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English texts, whatever translations exist."""
    with translation.override("en"):
        yield


def figure(county: str, year: str) -> float:
    """A distinct value for each county and year, with one decimal."""
    return int(county) * 10 + (int(year) - 2020) + 0.5


def ssb_dataset(regions=COUNTIES, periods=YEARS, values=None):
    """A dataset shaped as PxWebApi v2 sends it (a table of one content per
    county and year), with the values of ``figure`` unless given."""
    if values is None:
        # Row-major over id: Region varies slowest, Tid fastest.
        values = [figure(region, year) for region in regions for year in periods]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Andel innbyggere med e-resept, etter region og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-03-14T07:00:00Z",
        "note": ["Fylkesinndelingen per 2024."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [len(regions), 1, len(periods)],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {code: at for at, code in enumerate(regions)},
                    "label": {code: f"Fylke {code}" for code in regions},
                },
                "extension": {"elimination": True},
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Andel": 0},
                    "label": {"Andel": "Andel (prosent)"},
                    "unit": {"Andel": {"base": "prosent", "decimals": 1}},
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {code: at for at, code in enumerate(periods)},
                    "label": {code: code for code in periods},
                },
            },
        },
        "value": values,
        "extension": {"px": {"tableid": "99999", "decimals": 1}},
    }


def read(dataset, breakdowns=("region",), categories=REGIONS, **kwargs):
    return dataset_read(
        dataset, breakdowns=list(breakdowns), categories=categories, **kwargs
    )


def codes_of(errors):
    return [error.code for error in errors]


def test_is_dataset_only_for_class_dataset():
    assert is_dataset(ssb_dataset())
    assert is_dataset({"class": "dataset"})
    # "class" is case-sensitive in JSON-stat; a collection is not a dataset.
    assert not is_dataset({"class": "Dataset"})
    assert not is_dataset({"class": "collection", "link": {}})
    assert not is_dataset({"period": "2024", "value": "57.0"})
    assert not is_dataset([{"period": "2024", "value": "57.0"}])
    assert not is_dataset("dataset")
    assert not is_dataset(None)


def test_ssb_counties_by_years_read_exactly():
    reading = read(ssb_dataset())

    assert reading.errors == []
    assert reading.skipped == 0
    assert len(reading.cells) == len(COUNTIES) * len(YEARS) == 75
    by_cell = {(c.breakdown["region"], c.period): c for c in reading.cells}
    assert set(by_cell) == {(county, year) for county in COUNTIES for year in YEARS}
    for (county, year), cell in by_cell.items():
        assert cell.value == Decimal(str(figure(county, year)))
        assert cell.breakdown == {"region": county}
        assert cell.where == f"Region={county}, Tid={year}"
    # Position 7 is the second county (index 1 × 5 years) and the third year.
    seventh = next(cell for cell in reading.cells if cell.position == 7)
    assert seventh == Cell(
        period="2022",
        breakdown={"region": "11"},
        value=Decimal("112.5"),
        position=7,
        where="Region=11, Tid=2022",
    )
    assert [cell.position for cell in reading.cells] == list(range(75))


def test_dataset_cells_gives_the_cells_and_errors_of_dataset_read():
    dataset = ssb_dataset(regions=("03", "99"), periods=("2024",), values=[1, 2])

    cells, errors = dataset_cells(dataset, breakdowns=["region"], categories=REGIONS)

    reading = read(dataset)
    assert cells == reading.cells
    assert [cell.where for cell in cells] == ["Region=03, Tid=2024"]
    assert errors == reading.errors
    assert codes_of(errors) == ["unknown_category"]


def test_index_as_a_list_reads_as_the_object_does():
    by_object = ssb_dataset()
    by_list = copy.deepcopy(by_object)
    by_list["dimension"]["Region"]["category"]["index"] = list(COUNTIES)
    by_list["dimension"]["Tid"]["category"]["index"] = list(YEARS)

    assert read(by_list) == read(by_object)
    assert len(read(by_list).cells) == 75


def test_index_object_is_read_by_position_not_by_key_order():
    dataset = ssb_dataset(regions=("03", "11"), periods=("2024",), values=[1, 2])
    # The same categories, the object written in another order.
    dataset["dimension"]["Region"]["category"]["index"] = {"11": 1, "03": 0}

    cells = read(dataset).cells

    assert [(cell.breakdown, cell.value) for cell in cells] == [
        ({"region": "03"}, Decimal(1)),
        ({"region": "11"}, Decimal(2)),
    ]


def test_time_first_in_id_varies_slowest():
    dataset = {
        "class": "dataset",
        "id": ["Tid", "Region"],
        "size": [2, 3],
        "role": {"time": ["Tid"]},
        "dimension": {
            "Tid": {"category": {"index": ["2023", "2024"]}},
            "Region": {"category": {"index": ["03", "11", "15"]}},
        },
        "value": [1, 2, 3, 4, 5, 6],
    }

    cells = read(dataset).cells

    assert [(cell.period, cell.breakdown["region"], cell.value) for cell in cells] == [
        ("2023", "03", 1),
        ("2023", "11", 2),
        ("2023", "15", 3),
        ("2024", "03", 4),
        ("2024", "11", 5),
        ("2024", "15", 6),
    ]


def test_sparse_values_give_only_the_cells_they_hold():
    dataset = ssb_dataset()
    dataset["value"] = {"7": 3.4, "0": "12,5", "74": 0}

    reading = read(dataset)

    assert reading.errors == []
    assert [(c.position, c.where, c.value) for c in reading.cells] == [
        (0, "Region=03, Tid=2020", Decimal("12.5")),
        (7, "Region=11, Tid=2022", Decimal("3.4")),
        (74, "Region=56, Tid=2024", Decimal(0)),
    ]


def test_sparse_values_at_no_position_are_refused():
    dataset = ssb_dataset()
    dataset["value"] = {"3": 1, "75": 2, "x": 3, "-1": 4}

    reading = read(dataset)

    assert [(e.code, e.position, e.where) for e in reading.errors] == [
        ("bad_position", 75, ""),
        ("bad_position", None, ""),
        ("bad_position", None, ""),
    ]
    assert reading.errors[0].message == (
        "The dataset has no cell at position “75”: it has 75 cells, numbered from 0."
    )
    assert [cell.position for cell in reading.cells] == [3]


def test_null_values_are_missing_data_counted_not_refused():
    values = [figure(c, y) for c in COUNTIES for y in YEARS]
    values[0] = None
    values[74] = None
    dataset = ssb_dataset(values=values)
    dataset["status"] = {"0": "..", "74": ":"}

    reading = read(dataset)

    assert reading.errors == []
    assert reading.skipped == 2
    assert len(reading.cells) == 73
    wheres = {cell.where for cell in reading.cells}
    assert "Region=03, Tid=2020" not in wheres
    assert "Region=56, Tid=2024" not in wheres
    assert "Region=03, Tid=2021" in wheres


def test_a_null_cell_of_an_unknown_category_is_no_error():
    dataset = ssb_dataset(regions=("03", "99"), periods=("2024",), values=[1, None])

    reading = read(dataset)

    assert reading.errors == []
    assert reading.skipped == 1
    assert [cell.where for cell in reading.cells] == ["Region=03, Tid=2024"]


@pytest.mark.parametrize(
    ("code", "period"),
    [
        ("2024", "2024"),
        ("2024K3", "2024-Q3"),
        ("2024K1", "2024-Q1"),
        ("2024M06", "2024-06"),
        ("2024M12", "2024-12"),
        ("2024-Q3", "2024-Q3"),
        ("2024Q3", "2024-Q3"),
        ("2024-06", "2024-06"),
    ],
)
def test_ssb_and_our_own_period_codes(code, period):
    dataset = ssb_dataset(regions=("03",), periods=(code,), values=[5])

    reading = read(dataset)

    assert reading.errors == []
    assert [(cell.period, cell.where) for cell in reading.cells] == [
        (period, f"Region=03, Tid={code}")
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2024U05", "“2024U05” is not a period: write 2024, 2024-Q3 or 2024-06."),
        ("2024K5", "“2024K5” is not a period: write 2024, 2024-Q3 or 2024-06."),
        ("2024M13", "“2024M13” has no such month."),
        ("1850", "The year in “1850” is out of range."),
    ],
)
def test_a_time_category_that_is_no_period_is_refused_per_cell(code, message):
    dataset = ssb_dataset(regions=("03", "11"), periods=("2024", code), values=[1] * 4)

    reading = read(dataset)

    assert [(e.code, e.position, e.where, e.message) for e in reading.errors] == [
        ("bad_period", 1, f"Region=03, Tid={code}", message),
        ("bad_period", 3, f"Region=11, Tid={code}", message),
    ]
    assert [cell.period for cell in reading.cells] == ["2024", "2024"]


@pytest.mark.parametrize("national", ["0", "00", "0000"])
def test_a_category_for_the_whole_country_is_the_national_figure(national):
    dataset = ssb_dataset(
        regions=(national, "03"), periods=("2024",), values=[55.5, 60]
    )

    cells = read(dataset).cells

    assert [(cell.breakdown, cell.value, cell.where) for cell in cells] == [
        ({}, Decimal("55.5"), f"Region={national}, Tid=2024"),
        ({"region": "03"}, Decimal(60), "Region=03, Tid=2024"),
    ]


def test_national_codes_can_be_given():
    dataset = ssb_dataset(regions=("0", "NO"), periods=("2024",), values=[1, 2])

    reading = read(dataset, national_codes=("NO",))

    assert [cell.breakdown for cell in reading.cells] == [{}]
    assert [(e.code, e.where) for e in reading.errors] == [
        ("unknown_category", "Region=0, Tid=2024")
    ]


def test_a_declared_category_keeps_its_meaning_though_coded_as_national():
    dataset = {
        "class": "dataset",
        "id": ["sector", "Tid"],
        "size": [2, 1],
        "role": {"time": ["Tid"]},
        "dimension": {
            "sector": {"category": {"index": ["0", "00"]}},
            "Tid": {"category": {"index": ["2024"]}},
        },
        "value": [1, 2],
    }

    cells = read(dataset, ["sector"], {"sector": {"0"}}).cells

    assert [cell.breakdown for cell in cells] == [{"sector": "0"}, {}]


def test_an_unknown_region_is_refused_naming_its_cell():
    regions = ("03", "99", "11")
    dataset = ssb_dataset(regions=regions, periods=("2023", "2024"))

    reading = read(dataset)

    assert reading.errors == [
        CellError(
            position=2,
            where="Region=99, Tid=2023",
            code="unknown_category",
            message="“99” is not a code in the dimension region.",
        ),
        CellError(
            position=3,
            where="Region=99, Tid=2024",
            code="unknown_category",
            message="“99” is not a code in the dimension region.",
        ),
    ]
    # The other cells are read, so that the caller can tell all that is wrong;
    # it refuses the whole dataset because there are errors.
    assert {cell.breakdown["region"] for cell in reading.cells} == {"03", "11"}


def test_an_unknown_region_is_told_in_norwegian():
    dataset = ssb_dataset(regions=("99",), periods=("2024",), values=[1])

    with translation.override("nb"):
        (error,) = read(dataset).errors

    assert (
        str(error) == "Region=99, Tid=2024: «99» er ikke en kode i dimensjonen region."
    )


def test_category_codes_match_case_insensitively_as_declared():
    dataset = ssb_dataset(regions=("hsø", "HV"), periods=("2024",), values=[1, 2])

    cells = read(dataset).cells

    assert [(cell.breakdown, cell.where) for cell in cells] == [
        ({"region": "HSØ"}, "Region=hsø, Tid=2024"),
        ({"region": "HV"}, "Region=HV, Tid=2024"),
    ]


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (
            None,
            "The dataset has no time dimension: its “role” must name one under “time”.",
        ),
        (
            {"metric": ["ContentsCode"], "geo": ["Region"]},
            "The dataset has no time dimension: its “role” must name one under “time”.",
        ),
        (
            {"time": []},
            "The dataset has no time dimension: its “role” must name one under “time”.",
        ),
        (
            {"time": ["Tid", "Region"]},
            "The dataset's “role” names 2 time dimensions (Tid, Region); "
            "it must name exactly one.",
        ),
        (
            {"time": ["Year"]},
            "The time dimension Year that the dataset's “role” names is not one "
            "of its dimensions (“id”).",
        ),
    ],
)
def test_a_dataset_without_one_time_role_is_refused_as_a_whole(role, message):
    dataset = ssb_dataset()
    if role is None:
        del dataset["role"]
    else:
        dataset["role"] = role

    reading = read(dataset)

    assert reading.cells == []
    assert reading.errors == [CellError(None, "", "no_time_dimension", message)]
    assert str(reading.errors[0]) == message


def test_a_dimension_named_time_is_not_the_time_without_the_role():
    dataset = ssb_dataset()
    dataset["id"] = ["Region", "ContentsCode", "time"]
    dataset["dimension"]["time"] = dataset["dimension"].pop("Tid")
    dataset["role"] = {"geo": ["Region"]}

    assert codes_of(read(dataset).errors) == ["no_time_dimension"]


@pytest.mark.parametrize("count", [74, 76, 0])
def test_values_that_do_not_fill_the_size_are_refused(count):
    dataset = ssb_dataset()
    dataset["value"] = [1.0] * count

    reading = read(dataset)

    assert reading.cells == []
    assert reading.errors == [
        CellError(
            None,
            "",
            "size_mismatch",
            f"The dataset has {count} values but its dimensions make 75 cells "
            "(15 × 1 × 5).",
        )
    ]


def test_a_size_that_is_not_the_category_count_is_refused():
    dataset = ssb_dataset()
    dataset["size"] = [14, 1, 5]
    dataset["value"] = dataset["value"][:70]

    (error,) = read(dataset).errors

    assert (error.code, error.position, error.message) == (
        "size_mismatch",
        None,
        "The dimension Region has 15 categories but the dataset's “size” gives 14.",
    )


def test_a_size_for_another_number_of_dimensions_is_refused():
    dataset = ssb_dataset()
    dataset["size"] = [15, 5]

    (error,) = read(dataset).errors

    assert (error.code, error.message) == (
        "size_mismatch",
        "The dataset's “size” has 2 numbers but its “id” names 3 dimensions.",
    )


def test_a_metric_with_several_categories_is_refused():
    dataset = ssb_dataset(regions=("03",), periods=("2024",), values=[1, 2])
    dataset["size"] = [1, 2, 1]
    dataset["dimension"]["ContentsCode"]["category"]["index"] = ["Andel", "Antall"]

    reading = read(dataset)

    assert reading.cells == []
    assert reading.errors == [
        CellError(
            None,
            "",
            "unknown_dimension",
            "The dimension ContentsCode has 2 categories but is not a breakdown "
            "of this indicator (region): send one of its categories only.",
        )
    ]


def test_regions_for_an_indicator_without_breakdowns_are_refused():
    reading = read(ssb_dataset(), breakdowns=(), categories={})

    assert reading.cells == []
    assert [(e.code, e.message) for e in reading.errors] == [
        (
            "unknown_dimension",
            "The dimension Region has 15 categories but this indicator has no "
            "breakdowns: send one of its categories only.",
        )
    ]


def test_one_national_category_for_an_indicator_without_breakdowns():
    # A national table: the single-category Region is ignored like ContentsCode.
    dataset = ssb_dataset(regions=("0",), values=[1, 2, 3, 4, 5])

    reading = read(dataset, breakdowns=(), categories={})

    assert reading.errors == []
    assert [(cell.period, cell.breakdown) for cell in reading.cells] == [
        (year, {}) for year in YEARS
    ]
    assert reading.cells[0].where == "Tid=2020"


def test_a_dimension_matches_a_breakdown_by_id_whatever_the_case():
    dataset = ssb_dataset(regions=("03", "11"), periods=("2024",), values=[1, 2])
    dataset["role"] = {"time": ["Tid"]}  # no geo role: the id alone matches

    cells = read(dataset).cells

    assert [cell.breakdown for cell in cells] == [{"region": "03"}, {"region": "11"}]


def test_the_geo_role_is_the_region_whatever_the_dimension_is_called():
    dataset = ssb_dataset(regions=("03", "11"), periods=("2024",), values=[1, 2])
    dataset["id"] = ["Fylke", "ContentsCode", "Tid"]
    dataset["dimension"]["Fylke"] = dataset["dimension"].pop("Region")
    dataset["role"]["geo"] = ["Fylke"]

    cells = read(dataset).cells

    assert [(cell.breakdown, cell.where) for cell in cells] == [
        ({"region": "03"}, "Fylke=03, Tid=2024"),
        ({"region": "11"}, "Fylke=11, Tid=2024"),
    ]


def test_the_geo_role_is_no_breakdown_for_an_indicator_by_sector_only():
    dataset = ssb_dataset(regions=("03", "11"), periods=("2024",), values=[1, 2])

    reading = read(dataset, ["sector"], {"sector": {"public"}})

    assert codes_of(reading.errors) == ["unknown_dimension"]
    assert "Region has 2 categories" in reading.errors[0].message
    assert "(sector)" in reading.errors[0].message


def test_two_dimensions_for_one_breakdown_are_refused():
    dataset = {
        "class": "dataset",
        "id": ["region", "Fylke", "Tid"],
        "size": [1, 2, 1],
        "role": {"time": ["Tid"], "geo": ["Fylke"]},
        "dimension": {
            "region": {"category": {"index": ["03"]}},
            "Fylke": {"category": {"index": ["03", "11"]}},
            "Tid": {"category": {"index": ["2024"]}},
        },
        "value": [1, 2],
    }

    reading = read(dataset)

    assert reading.cells == []
    assert [(e.code, e.message) for e in reading.errors] == [
        (
            "duplicate_dimension",
            "The dimensions region and Fylke are both the breakdown region.",
        )
    ]


def test_two_breakdowns_and_a_missing_one():
    dataset = {
        "class": "dataset",
        "id": ["SECTOR", "Region", "Tid"],
        "size": [2, 2, 1],
        "role": {"time": ["Tid"], "geo": ["Region"]},
        "dimension": {
            "SECTOR": {"category": {"index": {"kommune": 0, "stat": 1}}},
            "Region": {"category": {"index": {"0": 0, "HV": 1}}},
            "Tid": {"category": {"index": ["2024M06"]}},
        },
        "value": [1, 2, 3, 4],
    }
    categories = {**REGIONS, "sector": {"kommune", "stat"}, "unit": {"a"}}

    reading = read(dataset, ["region", "sector", "unit"], categories)

    assert reading.errors == []
    # No dimension for "unit": the cells are its total, as for national.
    assert [(cell.breakdown, cell.period, cell.where) for cell in reading.cells] == [
        ({"sector": "kommune"}, "2024-06", "SECTOR=kommune, Region=0, Tid=2024M06"),
        (
            {"sector": "kommune", "region": "HV"},
            "2024-06",
            "SECTOR=kommune, Region=HV, Tid=2024M06",
        ),
        ({"sector": "stat"}, "2024-06", "SECTOR=stat, Region=0, Tid=2024M06"),
        (
            {"sector": "stat", "region": "HV"},
            "2024-06",
            "SECTOR=stat, Region=HV, Tid=2024M06",
        ),
    ]


def test_a_single_category_dimension_described_by_its_label_only():
    dataset = ssb_dataset(regions=("03",), periods=("2024",), values=[7])
    del dataset["dimension"]["ContentsCode"]["category"]["index"]

    reading = read(dataset)

    assert reading.errors == []
    assert [cell.value for cell in reading.cells] == [Decimal(7)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (57, Decimal(57)),
        (57.0, Decimal("57.0")),
        (0.1, Decimal("0.1")),
        (-3.25, Decimal("-3.25")),
        ("12,5", Decimal("12.5")),
        ("1 234.5", Decimal("1234.5")),
        (12345678901234, Decimal(12345678901234)),
    ],
)
def test_numbers_and_numeric_strings_are_values(raw, value):
    dataset = ssb_dataset(regions=("03",), periods=("2024",), values=[raw])

    (cell,) = read(dataset).cells

    assert cell.value == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (True, "“true” is not a number."),
        ("abc", "“abc” is not a number."),
        ("", "Enter a value."),
        ([1], "“[1]” is not a number."),
        ({"v": 1}, '“{"v": 1}” is not a number.'),
        (float("nan"), "“NaN” is not a number."),
        (float("inf"), "“Infinity” is not a number."),
        (1e20, "“100000000000000000000” is too large."),
        (1e-7, "“0.0000001” has more than 6 decimals."),
        (0.1 + 0.2, "“0.30000000000000004” has more than 6 decimals."),
    ],
)
def test_values_that_are_no_numbers_are_refused_per_cell(raw, message):
    dataset = ssb_dataset(regions=("03", "11"), periods=("2024",), values=[raw, 1])

    reading = read(dataset)

    assert reading.errors == [CellError(0, "Region=03, Tid=2024", "bad_value", message)]
    assert [cell.where for cell in reading.cells] == ["Region=11, Tid=2024"]


def test_every_error_of_a_cell_is_told():
    dataset = ssb_dataset(regions=("99",), periods=("2024X",), values=["abc"])

    reading = read(dataset)

    assert [(e.code, e.where) for e in reading.errors] == [
        ("unknown_category", "Region=99, Tid=2024X"),
        ("bad_period", "Region=99, Tid=2024X"),
        ("bad_value", "Region=99, Tid=2024X"),
    ]


@pytest.mark.parametrize(
    ("regions", "periods"),
    [(("0", "00"), ("2024",)), (("03",), ("2024K3", "2024-Q3"))],
)
def test_two_cells_for_the_same_period_and_breakdown_are_refused(regions, periods):
    dataset = ssb_dataset(regions=regions, periods=periods, values=[1, 2])

    reading = read(dataset)

    first, second = (cell_where(regions, periods, at) for at in (0, 1))
    assert [cell.where for cell in reading.cells] == [first]
    assert reading.errors == [
        CellError(
            1,
            second,
            "duplicate_cell",
            f"This cell has the same period and breakdown as {first}.",
        )
    ]


def cell_where(regions, periods, position):
    region = regions[position // len(periods)]
    period = periods[position % len(periods)]
    return f"Region={region}, Tid={period}"


@pytest.mark.parametrize(
    "payload",
    [
        {"class": "collection"},
        {"period": "2024", "value": "57.0"},
        [ssb_dataset()],
        None,
    ],
)
def test_what_is_not_a_dataset_is_refused(payload):
    reading = read(payload)

    assert reading.cells == []
    assert reading.errors == [
        CellError(
            None,
            "",
            "not_dataset",
            'This is not a JSON-stat dataset: it has no "class": "dataset".',
        )
    ]


def _without_id(dataset):
    del dataset["id"]


def _with_repeated_id(dataset):
    dataset["id"] = ["Region", "Region", "Tid"]


def _with_size_text(dataset):
    dataset["size"] = "15,1,5"


def _without_region_description(dataset):
    del dataset["dimension"]["Region"]


def _with_positions_twice(dataset):
    dataset["dimension"]["Tid"]["category"]["index"] = {y: 0 for y in YEARS}


def _with_repeated_codes(dataset):
    dataset["dimension"]["Tid"]["category"]["index"] = ["2020"] * 5


def _without_value(dataset):
    del dataset["value"]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_without_id, "The dataset's “id” must be a list of distinct dimension names."),
        (
            _with_repeated_id,
            "The dataset's “id” must be a list of distinct dimension names.",
        ),
        (_with_size_text, "The dataset's “size” must be a list of category counts."),
        (
            _without_region_description,
            "The dataset does not describe the categories of the dimension Region.",
        ),
        (
            _with_positions_twice,
            "The “category.index” of the dimension Tid must list its category "
            "codes, or number them from 0, each once.",
        ),
        (
            _with_repeated_codes,
            "The “category.index” of the dimension Tid must list its category "
            "codes, or number them from 0, each once.",
        ),
        (
            _without_value,
            "The dataset's “value” must be a list of values, or an object from "
            "position to value.",
        ),
    ],
)
def test_a_malformed_dataset_is_refused_as_a_whole(damage, message):
    dataset = ssb_dataset()
    damage(dataset)

    reading = read(dataset)

    assert reading.cells == []
    assert reading.errors == [CellError(None, "", "bad_dataset", message)]
