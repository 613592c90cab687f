"""A table's schema as JSON: the JSON Schema of its model, or its Frictionless Table Schema."""

from __future__ import annotations

import json
from typing import Any

from .errors import UnknownTableError
from .formats import SchemaFormat
from .models import TABLES, TABLES_BY_NAME
from .schema import table_schema

FORMATS = tuple(SchemaFormat)
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"  # the dialect pydantic generates


def render_schema(table: str, fmt: str) -> str:
    """The schema of ``table`` as indented JSON: ``json-schema`` (pydantic) or ``table-schema`` (Frictionless)."""
    try:
        spec = TABLES_BY_NAME[table]
    except KeyError:
        raise UnknownTableError(table, [t.name for t in TABLES]) from None
    if fmt == "json-schema":
        schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT, **spec.model.model_json_schema()}
    elif fmt == "table-schema":
        schema = table_schema(spec)
    else:
        raise ValueError(f"unknown schema format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
