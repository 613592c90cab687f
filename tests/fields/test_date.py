"""date fields: ISO days of the calendar, strptime formats, the any format, and bounds."""

from __future__ import annotations

from conftest import Check

FIELDS = [{"name": "id", "type": "integer"}, {"name": "day", "type": "date"}]


def test_default_format(check: Check) -> None:
    found = check("id,day\n1,2021-02-28\n2,2021-02-29\n3,2021/01/01\n", FIELDS)
    assert found == [
        ("type-error", 3, "day", "'2021-02-29' is not a real date"),
        ("type-error", 4, "day", "'2021/01/01' is not a date (YYYY-MM-DD)"),
    ]


def test_strptime_format(check: Check) -> None:
    fields = [FIELDS[0], {**FIELDS[1], "format": "%d/%m/%Y"}]
    found = check("id,day\n1,28/02/2021\n2,2021-02-28\n3,31/04/2021\n", fields)
    assert found == [
        ("type-error", 3, "day", "'2021-02-28' is not a date in the format %d/%m/%Y"),
        ("type-error", 4, "day", "'31/04/2021' is not a date in the format %d/%m/%Y"),
    ]


def test_any_format_reads_common_layouts(check: Check) -> None:
    fields = [FIELDS[0], {**FIELDS[1], "format": "any"}]
    found = check('id,day\n1,2021-02-28\n2,"Feb 28, 2021"\n3,28/02/2021\n4,someday\n5,2021-13-01\n', fields)
    assert found == [
        ("type-error", 5, "day", "'someday' is not a date"),
        ("type-error", 6, "day", "'2021-13-01' is not a date"),
    ]


def test_any_format_does_not_depend_on_today(check: Check) -> None:
    """A day alone takes its month from 2000-01: the verdict on "31" is the same every day."""
    found = check("id,day\n1,31\n2,Feb 30\n", [FIELDS[0], {**FIELDS[1], "format": "any"}])
    assert found == [("type-error", 3, "day", "'Feb 30' is not a date")]


def test_minimum_and_maximum(check: Check) -> None:
    fields = [FIELDS[0], {**FIELDS[1], "constraints": {"minimum": "2021-01-01", "maximum": "2021-12-31"}}]
    found = check("id,day\n1,2020-12-31\n2,2021-06-01\n3,2022-01-01\n", fields)
    assert found == [
        ("range-error", 2, "day", "must be >= 2021-01-01, got 2020-12-31"),
        ("range-error", 4, "day", "must be <= 2021-12-31, got 2022-01-01"),
    ]


def test_exclusive_minimum_and_maximum(check: Check) -> None:
    bounds = {"exclusiveMinimum": "2021-01-01", "exclusiveMaximum": "2021-12-31"}
    found = check(
        "id,day\n1,2021-01-01\n2,2021-06-01\n3,2021-12-31\n", [FIELDS[0], {**FIELDS[1], "constraints": bounds}]
    )
    assert found == [
        ("range-error", 2, "day", "must be > 2021-01-01, got 2021-01-01"),
        ("range-error", 4, "day", "must be < 2021-12-31, got 2021-12-31"),
    ]
