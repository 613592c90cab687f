import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from usjst_data.types import Amount, PartialDate, bounds, date_parts, date_text, precision

partial_date = TypeAdapter(PartialDate)
amount = TypeAdapter(Amount)


@pytest.mark.parametrize(
    ("value", "expected_precision", "low", "high"),
    [
        ("1988", "year", dt.date(1988, 1, 1), dt.date(1988, 12, 31)),
        ("2019-05", "month", dt.date(2019, 5, 1), dt.date(2019, 5, 31)),
        ("2020-02", "month", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        ("2019-05-02", "day", dt.date(2019, 5, 2), dt.date(2019, 5, 2)),
    ],
)
def test_partial_date_keeps_precision_and_bounds(
    value: str, expected_precision: str, low: dt.date, high: dt.date
) -> None:
    assert partial_date.validate_python(value) == value
    assert precision(value) == expected_precision
    assert bounds(value) == (low, high)


@pytest.mark.parametrize("value", ["2019-13", "2019-02-30", "2021-2-3", "88", "2019/05", "2019-00", "2019-05-32", ""])
def test_partial_date_rejects(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        partial_date.validate_python(value)
    assert info.value.errors()[0]["type"] == "date-error"


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from([1, 2, 3]))
def test_partial_date_round_trip(day: dt.date, parts: int) -> None:
    text = "-".join(day.isoformat().split("-")[:parts])
    assert partial_date.validate_python(text) == text
    low, high = bounds(text)
    assert low <= day <= high


@pytest.mark.parametrize("value", ["110000000", "1.5", "0"])
def test_amount_is_exact(value: str) -> None:
    assert str(amount.validate_python(value)) == value


@pytest.mark.parametrize(("value", "code"), [(1.5, "type-error"), ("-6e7", "range-error"), ("NaN", "finite_number")])
def test_amount_rejects(value: object, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        amount.validate_python(value)
    assert info.value.errors()[0]["type"] == code


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from([1, 2, 3]))
def test_date_parts_round_trip(day: dt.date, parts: int) -> None:
    text = "-".join(day.isoformat().split("-")[:parts])
    split = date_parts(text)
    assert split is not None
    assert split["year"] == day.year
    assert (split["day"] is None) == (parts < 3)
    assert date_text(split) == text
