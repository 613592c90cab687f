"""datetime fields: date and time both checked, zones, strptime formats and the any format."""

from __future__ import annotations

from conftest import Check

FIELDS = [{"name": "id", "type": "integer"}, {"name": "at", "type": "datetime"}]


def test_default_format_checks_the_date_and_the_time(check: Check) -> None:
    csv = "id,at\n1,2021-01-01T10:00:00Z\n2,2021-01-01T10:00:00+02:00\n3,2021-02-30T10:00:00\n"
    found = check(csv + "4,2021-01-01T99:99:99\n5,2021-01-01 10:00:00\n", FIELDS)
    assert found == [
        ("type-error", 4, "at", "'2021-02-30T10:00:00' is not a real datetime"),
        ("type-error", 5, "at", "'2021-01-01T99:99:99' is not a real datetime"),
        ("type-error", 6, "at", "'2021-01-01 10:00:00' is not a datetime"),
    ]


def test_strptime_format(check: Check) -> None:
    fields = [FIELDS[0], {**FIELDS[1], "format": "%d/%m/%Y %H:%M"}]
    found = check("id,at\n1,01/02/2021 10:30\n2,2021-02-01T10:30:00\n", fields)
    assert found == [("type-error", 3, "at", "'2021-02-01T10:30:00' is not a datetime in the format %d/%m/%Y %H:%M")]


def test_any_format(check: Check) -> None:
    fields = [FIELDS[0], {**FIELDS[1], "format": "any"}]
    found = check("id,at\n1,2021-01-01 10:00\n2,Jan 1 2021 10pm UTC\n3,2021-01-01T25:00\n4,never\n", fields)
    assert found == [
        ("type-error", 4, "at", "'2021-01-01T25:00' is not a datetime"),
        ("type-error", 5, "at", "'never' is not a datetime"),
    ]


def test_exclusive_maximum(check: Check) -> None:
    fields = [FIELDS[0], {**FIELDS[1], "constraints": {"exclusiveMaximum": "2021-01-01T00:00:00"}}]
    found = check("id,at\n1,2020-12-31T23:59:59\n2,2021-01-01T00:00:00\n", fields)
    assert found == [("range-error", 3, "at", "must be < 2021-01-01T00:00:00, got 2021-01-01T00:00:00")]
