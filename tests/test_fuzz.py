"""Random bytes and random mutations of a valid package only ever produce reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usjst_data.builder import DATA_DIR, build
from usjst_data.validation.report import Report
from usjst_data.validation.run import validate

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
GENERIC = Path(__file__).parent / "fixtures" / "broken" / "enum"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("valid")
    shutil.copytree(SEEDS, root / "seeds")
    build(root)
    return root


def _well_formed(report: Report) -> None:
    assert isinstance(report.valid, bool)
    json.dumps(report.to_dict())
    for problem in report.problems:
        assert problem.code
        assert problem.message
        assert problem.value is None or len(problem.value) <= 80


@FUZZ
@given(content=st.binary(max_size=2000))
def test_random_bytes_as_a_table(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(GENERIC, folder, dirs_exist_ok=True)
    (folder / "commitments.csv").write_bytes(content)
    _well_formed(validate(folder))


@FUZZ
@given(content=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_random_bytes_as_a_descriptor(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "datapackage.json").write_bytes(content)
    _well_formed(validate(tmp_path))


@FUZZ
@given(
    table=st.sampled_from(["agreements", "funding_commitments", "meetings", "citations", "domains"]),
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(0, 3), st.binary(max_size=8)), min_size=1, max_size=5
    ),
)
def test_mutated_package(package: Path, tmp_path: Path, table: str, edits: list[tuple[int, int, bytes]]) -> None:
    root = tmp_path / "copy"
    shutil.copytree(package, root, dirs_exist_ok=True)
    path = root / DATA_DIR / f"{table}.csv"
    content = bytearray(path.read_bytes())
    for position, cut, insert in edits:
        at = position % (len(content) + 1)
        content[at : at + cut] = insert
    path.write_bytes(bytes(content))
    report = validate(root)
    _well_formed(report)
    if bytes(content) != (package / DATA_DIR / f"{table}.csv").read_bytes():
        assert not report.valid  # the descriptor's hash no longer matches


FIELDS = [{"name": "id", "type": "integer"}, {"name": "n", "type": "string"}]


def _resource(**changes: object) -> dict[str, object]:
    return {"name": "t", "path": "t.csv", "schema": {"fields": FIELDS}, **changes}


def _schema(**changes: object) -> dict[str, object]:
    return _resource(schema={"fields": FIELDS, **changes})


def _field(**changes: object) -> dict[str, object]:
    return _resource(schema={"fields": [{"name": "id", "type": "integer", **changes}, {"name": "n"}]})


# Hostile inputs that once raised: name -> (descriptor text or resources, CSV text, code expected)
HOSTILE: dict[str, tuple[str | list[dict[str, object]], str, str]] = {
    "deep-descriptor": ('{"resources": [' + "[" * 100_000 + "]" * 100_000 + "]}", "id,n\n", "json-error"),
    "deep-json-cell": (
        [_resource(schema={"fields": [{"name": "id", "type": "integer"}, {"name": "n", "type": "object"}]})],
        'id,n\n1,"' + "[" * 100_000 + '"\n',
        "type-error",
    ),
    "5000-digit-integer": ([_field(constraints={"maximum": 5})], "id,n\n" + "9" * 5000 + ",x\n", "range-error"),
    "maximum-1e20": ([_field(constraints={"minimum": 10**20})], "id,n\n1,x\n", "range-error"),
    "two-character-delimiter": ([_resource(dialect={"delimiter": ";;"})], "id,n\n1,x\n", "dialect-error"),
    "empty-quote-char": ([_resource(dialect={"quoteChar": ""})], "id,n\n1,x\n", "dialect-error"),
    "foreign-key-fields-null": (
        [_schema(foreignKeys=[{"fields": None, "reference": {"resource": "t", "fields": None}}])],
        "id,n\n1,x\n",
        "schema-error",
    ),
    "fields-an-object": ([_resource(schema={"fields": {"id": 1}})], "id,n\n1,x\n", "descriptor-error"),
    "unique-keys-a-string": ([_schema(uniqueKeys="id")], "id,n\n1,x\n", "descriptor-error"),
    "primary-key-an-object": ([_schema(primaryKey={"a": 1})], "id,n\n1,x\n", "schema-error"),
    "foreign-keys-an-object": ([_schema(foreignKeys={"a": 1})], "id,n\n1,x\n", "descriptor-error"),
    "true-values-a-number": (
        [_resource(schema={"fields": [{"name": "id", "type": "boolean", "trueValues": 5}, {"name": "n"}]})],
        "id,n\ntrue,x\n",
        "descriptor-error",
    ),
    "shake-hash": ([_resource(hash="shake_128:abcd")], "id,n\n1,x\n", "hash-mismatch"),
    "rot13-encoding": ([_resource(encoding="rot13")], "id,n\n1,x\n", "encoding-error"),
    "idna-encoding": ([_resource(encoding="idna")], "id,n\n1,x\n", "header-error"),
    "nul-in-path": ([_resource(path="a\x00b.csv")], "id,n\n1,x\n", "missing-file"),
    "6000-character-path": ([_resource(path="a" * 6000 + ".csv")], "id,n\n1,x\n", "missing-file"),
    "backtracking-pattern": (
        [_resource(schema={"fields": [{"name": "id", "constraints": {"pattern": "^(?=a)(a+)+$"}}, {"name": "n"}]})],
        "id,n\n" + "a" * 40 + "!,x\n",
        "unsupported-pattern",
    ),
    "lone-surrogate-name": ('{"resources": [{"name": "t\\ud800", "path": "t.csv"}]}', "id,n\n1,x\n", "unsupported"),
    "null-descriptor": ("null", "", "descriptor-error"),
    "unique-key-empty": ([_schema(uniqueKeys=[[]])], "id,n\n1,x\n2,y\n", "schema-error"),
    "max-length-true": (
        [_resource(schema={"fields": [{"name": "id"}, {"name": "n", "constraints": {"maxLength": True}}]})],
        "id,n\n1,x\n",
        "descriptor-error",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_a_problem(name: str, tmp_path: Path) -> None:
    descriptor, content, code = HOSTILE[name]
    text = descriptor if isinstance(descriptor, str) else json.dumps({"resources": descriptor})
    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8", errors="surrogatepass")
    (tmp_path / "t.csv").write_text(content)
    report = validate(tmp_path)
    _well_formed(report)
    assert code in report.counts(), report.problems


def test_very_many_missing_values_are_still_missing(tmp_path: Path) -> None:
    """Arrow's CSV parser crashes the process on some 33,000 missing values: they are matched after parsing."""
    missing = [f"m{i}" for i in range(40_000)]
    fields = [{"name": "id", "type": "integer"}, {"name": "n", "constraints": {"required": True}}]
    resource = _resource(schema={"fields": fields, "missingValues": missing})
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    (tmp_path / "t.csv").write_text("id,n\nm7,x\n2,m39999\nx,y\n")
    report = validate(tmp_path)
    found = sorted((p.row, p.code, p.field) for p in report.problems)
    assert found == [(3, "required-error", "n"), (4, "type-error", "id")]


def test_special_files_are_problems(tmp_path: Path) -> None:
    """A FIFO (would block), a folder and a symlink loop are reported, not opened."""
    import os

    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "loop.csv").symlink_to("loop.csv")
    resources = [_resource(name=n, path=f"{n}.csv") for n in ("fifo", "folder", "loop")]
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": resources}))
    report = validate(tmp_path)
    assert report.counts() == {"missing-file": 3}, report.problems


def test_a_file_unreadable_mid_run_could_not_be_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from usjst_data.validation import reading

    (tmp_path / "t.csv").write_text("id,n\n1,x\n")
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [_resource()]}))

    def unreadable(path: Path) -> reading.Source:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(reading.Source, "open", unreadable)
    report = validate(tmp_path)
    assert report.counts() == {"io-error": 1}
    assert report.exit_status == 2
