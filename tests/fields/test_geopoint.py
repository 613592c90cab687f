"""geopoint fields: "lon, lat", [lon, lat] and {"lon", "lat"} formats, in range."""

from __future__ import annotations

from conftest import ID, Check


def test_default_format(check: Check) -> None:
    found = check('id,p\n1,"10, 20"\n2,"200, 10"\n3,x\n', [ID, {"name": "p", "type": "geopoint"}])
    assert found == [
        ("type-error", 3, "p", "'200, 10' is not a geopoint (lon, lat, in range)"),
        ("type-error", 4, "p", "'x' is not a geopoint (lon, lat, in range)"),
    ]


def test_array_format(check: Check) -> None:
    found = check('id,p\n1,"[10, 20]"\n2,[10]\n', [ID, {"name": "p", "type": "geopoint", "format": "array"}])
    assert found == [("type-error", 3, "p", "'[10]' is not a geopoint ([lon, lat], in range)")]


def test_object_format(check: Check) -> None:
    fields = [ID, {"name": "p", "type": "geopoint", "format": "object"}]
    found = check('id,p\n1,"{""lon"": 10, ""lat"": 20}"\n2,"{""lon"": 10, ""lat"": 91}"\n', fields)
    assert found == [
        ("type-error", 3, "p", """'{"lon": 10, "lat": 91}' is not a geopoint ({"lon": ..., "lat": ...}, in range)""")
    ]


def test_each_value_is_a_table_schema_number(check: Check) -> None:
    """A sign, a leading point and an exponent are numbers; NaN is not in range; the space is after the comma."""
    found = check('id,p\n1,"+1, -.5"\n2,"1e1,2"\n3,"nan, 1"\n4," 1,2"\n', [ID, {"name": "p", "type": "geopoint"}])
    assert found == [
        ("type-error", 4, "p", "'nan, 1' is not a geopoint (lon, lat, in range)"),
        ("type-error", 5, "p", "' 1,2' is not a geopoint (lon, lat, in range)"),
    ]
