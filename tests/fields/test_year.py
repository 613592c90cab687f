"""year and yearmonth fields."""

from __future__ import annotations

from conftest import ID, Check


def test_year(check: Check) -> None:
    found = check("id,y\n1,2021\n2,21\n3,2021-01\n", [ID, {"name": "y", "type": "year"}])
    assert found == [
        ("type-error", 3, "y", "'21' is not a year"),
        ("type-error", 4, "y", "'2021-01' is not a year"),
    ]


def test_yearmonth(check: Check) -> None:
    found = check("id,m\n1,2021-01\n2,2021-13\n", [ID, {"name": "m", "type": "yearmonth"}])
    assert found == [("type-error", 3, "m", "'2021-13' is not a yearmonth")]


def test_year_bounds_and_enum_as_numbers(check: Check) -> None:
    """Bounds are JSON numbers or strings; exclusive bounds exclude; an enum of 2021 allows '2021'."""
    fields = [ID, {"name": "y", "type": "year", "constraints": {"maximum": 2030, "exclusiveMinimum": "2000"}}]
    assert check("id,y\n1,2001\n2,2000\n3,2031\n", fields) == [
        ("range-error", 3, "y", "must be > 2000, got 2000"),
        ("range-error", 4, "y", "must be <= 2030, got 2031"),
    ]
    assert check("id,y\n1,2021\n2,2022\n", [ID, {"name": "y", "type": "year", "constraints": {"enum": [2021]}}]) == [
        ("enum-error", 3, "y", "'2022' is not one of: 2021")
    ]


def test_yearmonth_exclusive_bounds(check: Check) -> None:
    fields = [ID, {"name": "m", "type": "yearmonth", "constraints": {"exclusiveMinimum": "2021-01"}}]
    assert check("id,m\n1,2021-02\n2,2021-01\n", fields) == [("range-error", 3, "m", "must be > 2021-01, got 2021-01")]
