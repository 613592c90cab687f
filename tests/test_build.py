import csv
import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usjst_data.builder import DATA_DIR, build, cell, render
from usjst_data.coding import RULES
from usjst_data.models import TABLES
from usjst_data.schema import columns, row_values
from usjst_data.seeds import read_seeds
from usjst_data.vocab import AmountQualifier

PROFILE = Path(__file__).parents[1] / "usjst_data" / "profiles" / "datapackage-2.0.json"


def test_build_is_byte_reproducible(repo: Path) -> None:
    first = render(repo / "seeds")
    second = render(repo / "seeds")
    assert first == second
    assert build(repo).written
    assert build(repo).written == []
    assert build(repo, check_only=True).stale == []


def test_check_reports_stale_and_extra_files(built: Path) -> None:
    (built / DATA_DIR / "agreements.csv").write_bytes(b"id\r\n")
    (built / DATA_DIR / "leftover.csv").write_bytes(b"x\r\n")
    stale = build(built, check_only=True).stale
    assert stale == [DATA_DIR / "agreements.csv", DATA_DIR / "leftover.csv"]
    build(built)
    assert not (built / DATA_DIR / "leftover.csv").exists()
    assert build(built, check_only=True).stale == []


def test_descriptor_conforms_to_data_package_v2(built: Path) -> None:
    profile = json.loads(PROFILE.read_text())
    for path in (built / "datapackage.json", built / DATA_DIR / "datapackage.json"):
        descriptor = json.loads(path.read_text())
        jsonschema.Draft7Validator(profile).validate(descriptor)
        assert descriptor["$schema"].endswith("/2.0/datapackage.json")
        assert {r["name"] for r in descriptor["resources"]} == {t.name for t in TABLES}
        assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"


def test_descriptor_fields_come_from_models(built: Path) -> None:
    descriptor = json.loads((built / "datapackage.json").read_text())
    by_name = {r["name"]: r for r in descriptor["resources"]}
    commitments = by_name["funding_commitments"]["schema"]
    fields = {f["name"]: f for f in commitments["fields"]}
    assert [f["name"] for f in commitments["fields"]] == [c.name for c in columns("funding_commitments")]
    assert fields["amount"]["type"] == "number"
    qualifiers = fields["amount_qualifier"]["categories"]
    assert [c["value"] for c in qualifiers] == ["exact", "approximately", "at_least", "more_than", "up_to"]
    assert qualifiers[0]["description"] == RULES[AmountQualifier][AmountQualifier.EXACT]
    assert fields["announced"]["constraints"]["pattern"].startswith("^[0-9]{4}")
    assert {"fields": ["parent_id"], "reference": {"resource": "funding_commitments", "fields": ["id"]}} in commitments[
        "foreignKeys"
    ]
    assert by_name["agreement_parties"]["schema"]["primaryKey"] == ["agreement_id", "institution_id", "role"]
    assert all(f["description"] for r in descriptor["resources"] for f in r["schema"]["fields"])


def test_frictionless_accepts_the_package(built: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_parquet_has_real_types(built: Path) -> None:
    table = pq.read_table(built / DATA_DIR / "funding_commitments.parquet")
    assert str(table.schema.field("amount").type) == "decimal128(26, 6)"
    assert str(table.schema.field("announced").type) == "struct<year: int16, month: int8, day: int8>"
    assert str(table.schema.field("domains").type.value_type) == "string"
    assert table.column("announced").to_pylist()[0] == {"year": 2023, "month": 5, "day": None}


def test_csv_and_parquet_round_trip_to_the_same_records(built: Path) -> None:
    seeds = read_seeds(built / "seeds")
    for table in TABLES:
        with (built / DATA_DIR / f"{table.name}.csv").open(newline="", encoding="utf-8") as handle:
            rows = [table.model.model_validate(row_values(table.name, row)) for row in csv.DictReader(handle)]
        assert rows == seeds.tables[table.name], table.name
        parquet = pq.read_table(built / DATA_DIR / f"{table.name}.parquet")
        assert parquet.num_rows == len(rows)
        assert parquet.column_names == [c.name for c in columns(table.name)]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(st.lists(st.text(min_size=1).filter(lambda s: s.strip() == s), max_size=4))
def test_list_cells_round_trip(items: list[str]) -> None:
    column = next(c for c in columns("institutions") if c.name == "aliases")
    assert json.loads(cell(column, items)) == items
