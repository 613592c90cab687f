"""year and yearmonth fields."""

from __future__ import annotations

from conftest import Check

ID = {"name": "id", "type": "integer"}


def test_year(check: Check) -> None:
    found = check("id,y\n1,2021\n2,21\n3,2021-01\n", [ID, {"name": "y", "type": "year"}])
    assert found == [
        ("type-error", 3, "y", "'21' is not a year"),
        ("type-error", 4, "y", "'2021-01' is not a year"),
    ]


def test_yearmonth(check: Check) -> None:
    found = check("id,m\n1,2021-01\n2,2021-13\n", [ID, {"name": "m", "type": "yearmonth"}])
    assert found == [("type-error", 3, "m", "'2021-13' is not a yearmonth")]
