"""Random bytes and random mutations of a valid package only ever produce reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usjst_data.builder import DATA_DIR, build
from usjst_data.report import Report
from usjst_data.validator import validate

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
