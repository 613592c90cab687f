"""A file read in many pieces, parsed at once, gives the report of the file read whole."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usjst_data import tablecheck
from usjst_data.validator import validate

FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True}},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "note", "type": "string"},
]
CELLS = st.text(alphabet='ab,"\n =', max_size=6)
ROWS = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d", "e", ""]), st.sampled_from(["1", "-1", "x", ""]), CELLS)
    | st.lists(CELLS, min_size=1, max_size=5),  # a row with too few or too many cells
    max_size=30,
)


def _package(folder: Path, rows: list[tuple[str, ...] | list[str]], newline: str) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=newline)
    writer.writerow([f["name"] for f in FIELDS])
    writer.writerows(rows)
    content = text.getvalue().encode()
    (folder / "t.csv").write_bytes(content)
    resource = {
        "name": "t",
        "path": "t.csv",
        "bytes": len(content),
        "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        "schema": {"fields": FIELDS, "primaryKey": ["id"]},
    }
    (folder / "datapackage.json").write_text(json.dumps({"name": "pieces", "resources": [resource]}))
    return folder


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, piece=st.integers(8, 200), newline=st.sampled_from(["\n", "\r\n"]))
def test_pieces_give_the_report_of_the_whole_file(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...] | list[str]], piece: int, newline: str
) -> None:
    """Row numbers of cells, repeats and rejected rows, size and hash do not depend on where pieces end."""
    folder = _package(tmp_path_factory.mktemp("pieces"), rows, newline)
    whole = validate(folder)
    with mock.patch.object(tablecheck, "PIECE_BYTES", piece):
        pieces = validate(folder)
    # Kinds are listed in the order they are first met, which depends on the pieces; each kind's
    # problems are in row order either way.
    assert sorted(p.line() for p in pieces.problems) == sorted(p.line() for p in whole.problems)
    assert pieces.tables == whole.tables
