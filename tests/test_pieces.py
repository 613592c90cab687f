"""A file read in many pieces, parsed at once, gives the report of the file read whole."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from usjst_data.validation import reading
from usjst_data.validation.run import validate

FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True}},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "note", "type": "string"},
    {"name": "x", "type": "number"},
]
CELLS = st.text(alphabet='ab,"\n =', max_size=6)
NUMBERS = st.sampled_from(["1.5", "-2", "NaN", "INF", "-INF", "inf", "Infinity", "nan", "1e400", "x", ""])
QUOTED = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e", ""]), st.sampled_from(["1", "-1", "x", ""]), CELLS, NUMBERS
)
# Written as is, not quoted: stray quotes in unquoted cells, rows too short or too long, blank lines.
RAW = st.lists(st.text(alphabet='ab"1x=', max_size=5), min_size=0, max_size=5).map(",".join)
ROWS = st.lists(QUOTED | st.lists(CELLS, min_size=1, max_size=5) | RAW, max_size=30)
# Many problems of one kind, past the per-kind quota: a warning (a formula) or an error (a type).
MANY = st.sampled_from([None, ("f", "1", "=SUM(1)", "1"), ("t", "one", "", "2")])


def _package(folder: Path, rows: list[Any], newline: str) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=newline)
    writer.writerow([f["name"] for f in FIELDS])
    for row in rows:
        if isinstance(row, str):
            text.write(row + newline)
        else:
            writer.writerow(row)
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


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],  # a failure is shown unshrunk
)
@given(
    rows=ROWS,
    many=MANY,
    at=st.integers(0, 30),
    piece=st.integers(8, 200),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_pieces_give_the_report_of_the_whole_file(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[Any],
    many: tuple[str, ...] | None,
    at: int,
    piece: int,
    newline: str,
) -> None:
    """Row numbers of cells, repeats, rejected and blank rows, counts past the quota, size and hash,
    and the verdict do not depend on where pieces end."""
    if many is not None:
        rows = rows[:at] + [(f"{many[0]}{i}", *many[1:]) for i in range(105)] + rows[at:]
    folder = _package(tmp_path_factory.mktemp("pieces"), rows, newline)
    whole = validate(folder)
    with mock.patch.object(reading, "PIECE_BYTES", piece):
        pieces = validate(folder)
    # Kinds are listed in the order they are first met, which depends on the pieces; each kind's
    # problems are in row order either way.
    assert sorted(p.line() for p in pieces.problems) == sorted(p.line() for p in whole.problems)
    assert pieces.tables == whole.tables
    assert pieces.to_dict()["counts"] == whole.to_dict()["counts"]
    assert (pieces.valid, pieces.error_count) == (whole.valid, whole.error_count)


def test_a_first_piece_ending_between_cr_and_lf(tmp_path: Path) -> None:
    """A CRLF file whose first piece ends after the header's CR still has CRLF line ends, not CR."""
    folder = _package(tmp_path, [("a", "1", "", "1"), ("b", "x", "", "2"), ("c", "3", "", "3")], "\r\n")
    whole = validate(folder)
    with mock.patch.object(reading, "PIECE_BYTES", len("id,n,note,x\r")):
        pieces = validate(folder)
    assert [p.line() for p in pieces.problems] == [p.line() for p in whole.problems]
    assert [p.code for p in whole.problems] == ["type-error"]


def test_warnings_past_the_quota_stay_warnings(tmp_path: Path) -> None:
    """More formula-like cells than a kind keeps in full: all counted, and the table is still valid."""
    folder = _package(tmp_path, [(f"k{i}", "1", "=SUM(1)", "1") for i in range(150)], "\n")
    report = validate(folder)
    assert report.counts() == {"formula-cell": 150}
    assert (report.valid, report.error_count, report.exit_status) == (True, 0, 0)


def test_an_unclosed_quote_early_in_a_big_file_is_bounded(tmp_path: Path) -> None:
    """The pieces after an unclosed quote are joined only up to a bound, then the file is refused."""
    folder = _package(
        tmp_path, [("a", "1", "x", "1")] * 10 + ['b,2,"never closed'] + [("c", "3", "y", "2")] * 400, "\n"
    )
    with mock.patch.object(reading, "PIECE_BYTES", 64), mock.patch.object(reading, "MAX_RECORD_BYTES", 2048):
        report = validate(folder)
    assert [p.message for p in report.problems if p.code == "dialect-error"] == [
        "cannot parse the file: a quoted cell is not closed within 0 MB"
    ]
