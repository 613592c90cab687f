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
