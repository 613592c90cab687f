"""duration fields: ISO 8601 durations."""

from __future__ import annotations

from conftest import Check


def test_iso_durations(check: Check) -> None:
    fields = [{"name": "id", "type": "integer"}, {"name": "d", "type": "duration"}]
    found = check("id,d\n1,P1Y2M3DT4H5M6.5S\n2,PT1H\n3,1 hour\n4,P1H\n", fields)
    assert found == [
        ("type-error", 4, "d", "'1 hour' is not a duration"),
        ("type-error", 5, "d", "'P1H' is not a duration"),
    ]
