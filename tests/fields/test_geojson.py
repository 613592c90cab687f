"""geojson fields: GeoJSON geometries, features and collections, and TopoJSON topologies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import Check

from usjst_data.geojson import is_geojson, is_topojson

POINT = {"type": "Point", "coordinates": [102.0, 0.5]}
LINE = {"type": "LineString", "coordinates": [[102.0, 0.0], [103.0, 1.0]]}
SQUARE = [[[0, 0], [1, 0], [1, 1], [0, 0]]]
FEATURE = {"type": "Feature", "geometry": POINT, "properties": {"name": "a"}}


def _csv(*cells: Any) -> str:
    quoted = ['"' + json.dumps(c).replace('"', '""') + '"' for c in cells]
    return "id,shape\n" + "".join(f"{n},{cell}\n" for n, cell in enumerate(quoted))


FIELDS = [{"name": "id", "type": "integer"}, {"name": "shape", "type": "geojson"}]


@pytest.mark.parametrize(
    "value",
    [
        POINT,
        LINE,
        {"type": "Polygon", "coordinates": SQUARE},
        {"type": "MultiPolygon", "coordinates": [SQUARE]},
        {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4, 5]]},
        {"type": "GeometryCollection", "geometries": [POINT, LINE]},
        FEATURE,
        {"type": "Feature", "geometry": None, "properties": None},
        {"type": "FeatureCollection", "features": [FEATURE], "bbox": [0, 0, 1, 1]},
    ],
)
def test_geojson_objects(value: dict[str, Any]) -> None:
    assert is_geojson(value)


@pytest.mark.parametrize(
    "value",
    [
        [1, 2],
        {"type": "Point"},
        {"type": "Point", "coordinates": [1]},
        {"type": "Point", "coordinates": [True, 1]},
        {"type": "LineString", "coordinates": [[1, 2]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
        {"type": "Circle", "coordinates": [1, 2]},
        {"type": "GeometryCollection", "geometries": [FEATURE]},
        {"type": "Feature", "properties": {}},
        {"type": "FeatureCollection", "features": [POINT]},
        {**POINT, "bbox": [0, 0]},
    ],
)
def test_not_geojson(value: Any) -> None:
    assert not is_geojson(value)


def test_cells_that_are_not_geojson_are_type_errors(check: Check) -> None:
    csv = _csv(POINT, FEATURE, {"type": "Point", "coordinates": "1,2"}) + '3,"{not json"\n4,\n'
    found = check(csv, FIELDS)
    assert found == [
        ("type-error", 4, "shape", """'{"type": "Point", "coordinates": "1,2"}' is not GeoJSON"""),
        ("type-error", 5, "shape", "'{not json' is not GeoJSON"),
    ]


def test_topojson(check: Check) -> None:
    topology = {"type": "Topology", "objects": {"a": {"type": "Point", "coordinates": [0, 0]}}, "arcs": []}
    fields = [FIELDS[0], {**FIELDS[1], "format": "topojson"}]
    found = check(_csv(topology, POINT), fields)
    assert found == [
        ("type-error", 3, "shape", """'{"type": "Point", "coordinates": [102.0, 0.5]}' is not a TopoJSON topology""")
    ]
    assert not is_topojson({"type": "Topology", "objects": {"a": {"type": "Box"}}, "arcs": []})
    assert not is_topojson({"type": "Topology", "arcs": []})
