"""time fields: HH:MM:SS with fractions and zones, strptime formats and the any format."""

from __future__ import annotations

from conftest import Check

FIELDS = [{"name": "id", "type": "integer"}, {"name": "at", "type": "time"}]


def test_default_format(check: Check) -> None:
    found = check("id,at\n1,10:00:00\n2,10:00:00.5Z\n3,10:00:00+01:00\n4,24:00:00\n5,10:00\n", FIELDS)
    assert found == [
        ("type-error", 5, "at", "'24:00:00' is not a real time"),
        ("type-error", 6, "at", "'10:00' is not a time"),
    ]


def test_strptime_format(check: Check) -> None:
    found = check("id,at\n1,10:30\n2,10:30:00\n", [FIELDS[0], {**FIELDS[1], "format": "%H:%M"}])
    assert found == [("type-error", 3, "at", "'10:30:00' is not a time in the format %H:%M")]


def test_any_format(check: Check) -> None:
    found = check("id,at\n1,10pm\n2,22:30\n3,25:00\n4,noon-ish\n", [FIELDS[0], {**FIELDS[1], "format": "any"}])
    assert found == [
        ("type-error", 4, "at", "'25:00' is not a time"),
        ("type-error", 5, "at", "'noon-ish' is not a time"),
    ]


def test_zones_are_from_minus_to_plus_14_hours(check: Check) -> None:
    found = check("id,at\n1,10:00:00-14:00\n2,10:00:00+14:01\n3,10:00:00+25:00\n", FIELDS)
    assert found == [
        ("type-error", 3, "at", "'10:00:00+14:01' is not a time"),
        ("type-error", 4, "at", "'10:00:00+25:00' is not a time"),
    ]


def test_bounds(check: Check) -> None:
    fields = [FIELDS[0], {**FIELDS[1], "constraints": {"minimum": "08:00:00", "exclusiveMaximum": "18:00:00"}}]
    found = check("id,at\n1,08:00:00\n2,07:59:59\n3,17:59:59.5\n4,18:00:00\n", fields)
    assert found == [
        ("range-error", 3, "at", "must be >= 08:00:00, got 07:59:59"),
        ("range-error", 5, "at", "must be < 18:00:00, got 18:00:00"),
    ]
