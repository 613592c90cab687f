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


def test_xml_schema_structure(check: Check) -> None:
    """Parts in order, at least one, no T without a time part, a fraction only on seconds; a minus is allowed."""
    fields = [{"name": "id", "type": "integer"}, {"name": "d", "type": "duration"}]
    found = check("id,d\n1,-P1D\n2,P2W\n3,P\n4,PT\n5,P1DT\n6,P1D1Y\n7,P1Y2W\n8,P0.5D\n", fields)
    assert found == [
        ("type-error", row, "d", f"{cell!r} is not a duration")
        for row, cell in enumerate(["P", "PT", "P1DT", "P1D1Y", "P1Y2W", "P0.5D"], start=4)
    ]


def test_bounds_in_the_partial_order_of_durations(check: Check) -> None:
    """P1M is 28 to 31 days: P32D is longer, P30D is neither longer nor shorter, and passes."""
    constraints = {"minimum": "PT1H", "exclusiveMaximum": "P1M"}
    fields = [{"name": "id", "type": "integer"}, {"name": "d", "type": "duration", "constraints": constraints}]
    found = check("id,d\n1,PT90M\n2,PT59M\n3,P30D\n4,P32D\n5,P1M\n6,P1Y\n", fields)
    assert found == [
        ("range-error", 3, "d", "must be >= PT1H, got PT59M"),
        ("range-error", 5, "d", "must be < P1M, got P32D"),
        ("range-error", 6, "d", "must be < P1M, got P1M"),
        ("range-error", 7, "d", "must be < P1M, got P1Y"),
    ]
