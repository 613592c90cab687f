"""Schemas as JSON: the pydantic JSON Schema and the Frictionless Table Schema of each table."""

import json
from pathlib import Path

import jsonschema
import pytest

from usjst_data.datafiles import read_records
from usjst_data.errors import UnknownTableError
from usjst_data.models import TABLES, TABLES_BY_NAME
from usjst_data.schema import table_schema
from usjst_data.schema_export import render_schema


@pytest.mark.parametrize("name", [t.name for t in TABLES])
def test_json_schema_is_the_models_and_accepts_its_records(name: str, built: Path) -> None:
    schema = json.loads(render_schema(name, "json-schema"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"] == TABLES_BY_NAME[name].model.model_json_schema()["properties"]
    validator = jsonschema.Draft202012Validator(schema)
    for record in read_records(name, built / "usjst_data" / "data"):
        validator.validate(record.model_dump(mode="json"))


def test_json_schema_rejects_unknown_fields() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(render_schema("domains", "json-schema")))
    assert validator.is_valid({"id": "quantum", "name": "Quantum", "description": "Qubits."})
    assert not validator.is_valid({"id": "quantum", "name": "Quantum", "description": "Qubits.", "x": 1})


@pytest.mark.parametrize("name", [t.name for t in TABLES])
def test_table_schema_is_the_descriptors(name: str) -> None:
    assert json.loads(render_schema(name, "table-schema")) == table_schema(TABLES_BY_NAME[name])


def test_unknown_table_lists_valid_names() -> None:
    with pytest.raises(UnknownTableError) as info:
        render_schema("agreement", "json-schema")
    assert info.value.name == "agreement"
    assert info.value.valid == [t.name for t in TABLES]
    assert "valid tables: sources, citations" in str(info.value)


def test_unknown_format_lists_valid_formats() -> None:
    with pytest.raises(ValueError, match="valid formats: json-schema, table-schema"):
        render_schema("agreements", "yaml")
