"""Properties of the progress method that must hold for any input (hypothesis)."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.progress import (
    NOT_AVAILABLE,
    TARGET_ACHIEVED,
    Definition,
    compute,
    decimal_year,
    status_from_score,
)

# Nonzero magnitudes: a zero base or target becomes +0.001 whatever the
# direction, which is the one place where the method is not symmetric.
magnitudes = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
signed = st.builds(lambda m, negative: -m if negative else m, magnitudes, st.booleans())
times = st.builds(decimal_year, st.integers(2000, 2035), st.integers(1, 12))
series = st.dictionaries(
    times, st.one_of(signed, st.just(0.0)), min_size=0, max_size=8
).map(lambda d: list(d.items()))


@st.composite
def definitions(draw) -> Definition:
    baseline_year = draw(st.none() | st.integers(2000, 2030))
    return Definition(
        direction=draw(st.sampled_from(["increase", "decrease"])),
        target_year=draw(st.integers(max(baseline_year or 2000, 2000), 2040)),
        baseline_value=None if baseline_year is None else draw(signed),
        baseline_year=baseline_year,
        target_value=draw(st.none() | signed),
        limit=draw(st.none() | signed),
        thresholds=draw(
            st.none()
            | st.fixed_dictionaries(
                {}, optional={"high": st.floats(0.5, 2), "low": st.floats(-1, 0)}
            )
        ),
    )


@settings(max_examples=400, deadline=None)
@given(series, definitions())
def test_scores_stay_within_minus_five_and_five(points, definition):
    result = compute(points, definition)
    assert result.score is None or -5 <= result.score <= 5


@settings(max_examples=400, deadline=None)
@given(series, definitions())
def test_status_never_contradicts_the_score(points, definition):
    result = compute(points, definition)
    if result.status == NOT_AVAILABLE:
        assert result.score is None
    elif result.status == TARGET_ACHIEVED:
        assert result.score == 5
    else:
        assert status_from_score(result.score) == result.status


def mirrored(definition: Definition) -> Definition:
    def neg(value):
        return None if value is None else -value

    return replace(
        definition,
        direction="decrease" if definition.direction == "increase" else "increase",
        baseline_value=neg(definition.baseline_value),
        target_value=neg(definition.target_value),
        limit=neg(definition.limit),
    )


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(times, signed, max_size=8).map(lambda d: list(d.items())),
    definitions(),
)
def test_swapping_direction_and_mirroring_the_data_gives_the_same_result(
    points, definition
):
    result = compute(points, definition)
    mirror = compute([(t, -y) for t, y in points], mirrored(definition))
    assert mirror.status == result.status
    assert mirror.score == result.score
    assert mirror.progress_value == result.progress_value
