"""Whether a parsed JSON value has the structure of GeoJSON (RFC 7946) or of a TopoJSON topology.

The shape is checked as frictionless-py's GeoJSON and TopoJSON profiles do (types, coordinate
nesting, member presence), without a JSON Schema engine; rings are not checked for closure.
"""

from __future__ import annotations

from typing import Any

# Geometry type -> nesting depth of its coordinates (0: one position) and the least count at the last level.
_COORDINATES = {
    "Point": (0, 0),
    "MultiPoint": (1, 0),
    "LineString": (1, 2),
    "MultiLineString": (2, 2),
    "Polygon": (2, 4),
    "MultiPolygon": (3, 4),
}
GEOMETRIES = {*_COORDINATES, "GeometryCollection"}


def is_geojson(value: Any) -> bool:
    """A GeoJSON geometry, Feature or FeatureCollection."""
    try:
        return isinstance(value, dict) and _bbox(value) and _object(value)
    except RecursionError:  # collections nested deeper than Python recurses
        return False


def is_topojson(value: Any) -> bool:
    """A TopoJSON topology: type Topology, an ``objects`` object of typed geometries, ``arcs`` an array."""
    if not isinstance(value, dict) or value.get("type") != "Topology" or not _bbox(value):
        return False
    objects, arcs = value.get("objects"), value.get("arcs")
    if not isinstance(objects, dict) or not isinstance(arcs, list):
        return False
    return all(isinstance(o, dict) and o.get("type") in GEOMETRIES for o in objects.values())


def _object(value: dict[str, Any]) -> bool:
    kind = value.get("type")
    if kind == "Feature":
        geometry, properties = value.get("geometry", False), value.get("properties", False)
        return (geometry is None or _geometry(geometry)) and (properties is None or isinstance(properties, dict))
    if kind == "FeatureCollection":
        features = value.get("features")
        return isinstance(features, list) and all(
            isinstance(f, dict) and f.get("type") == "Feature" and _object(f) for f in features
        )
    return _geometry(value)


def _geometry(value: Any) -> bool:
    if not isinstance(value, dict) or not _bbox(value):
        return False
    kind = value.get("type")
    if kind == "GeometryCollection":
        geometries = value.get("geometries")
        return isinstance(geometries, list) and all(_geometry(g) for g in geometries)
    if kind not in _COORDINATES:
        return False
    depth, least = _COORDINATES[str(kind)]
    return _nested(value.get("coordinates"), depth, least)


def _nested(value: Any, depth: int, least: int) -> bool:
    """Positions nested ``depth`` arrays deep, the innermost arrays holding at least ``least`` positions."""
    if depth == 0:
        return _position(value)
    if not isinstance(value, list) or (depth == 1 and len(value) < least):
        return False
    return all(_nested(v, depth - 1, least) for v in value)


def _position(value: Any) -> bool:
    return isinstance(value, list) and len(value) >= 2 and all(_number(v) for v in value)


def _bbox(value: dict[str, Any]) -> bool:
    box = value.get("bbox")
    return box is None or (isinstance(box, list) and len(box) >= 4 and all(_number(v) for v in box))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
