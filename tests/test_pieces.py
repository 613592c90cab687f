"""A file read in many pieces, parsed at once, gives the report of the file read whole, whatever its
encoding and dialect."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Generator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from usjst_data.validation import reading
from usjst_data.validation.report import Report
from usjst_data.validation.run import validate

FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True}},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "note", "type": "string"},
    {"name": "x", "type": "number"},
]
# Characters of one, two, three and four bytes in UTF-8; a character the file's encoding lacks is written "?".
CELLS = st.text(alphabet='ab,"\n =\\éｶ日€𝄞', max_size=6)
NUMBERS = st.sampled_from(["1.5", "-2", "NaN", "INF", "-INF", "inf", "Infinity", "nan", "1e400", "x", ""])
QUOTED = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e", ""]), st.sampled_from(["1", "-1", "x", ""]), CELLS, NUMBERS
)
# Written as is, not quoted: stray quotes in unquoted cells, rows too short or too long, blank lines.
RAW = st.lists(st.text(alphabet='ab"1x=\\日', max_size=5), min_size=0, max_size=5).map(",".join)
ROWS = st.lists(QUOTED | st.lists(CELLS, min_size=1, max_size=5) | RAW, max_size=30)
# Many problems of one kind, past the per-kind quota: a warning (a formula) or an error (a type).
MANY = st.sampled_from([None, ("f", "1", "=SUM(1)", "1"), ("t", "one", "", "2")])
# UTF-8 is cut as it is; the others are decoded first: one or two bytes a character, or a stateful
# encoding (ISO-2022-JP shifts in and out of JIS X 0208 with escape sequences).
ENCODINGS = st.sampled_from(
    ["utf-8", "latin-1", "cp1252", "shift_jis", "cp932", "euc-jp", "iso-2022-jp", "utf-16", "utf-16-le"]
)
# With an escape character: quotes escaped inside quoted cells (minimal quoting), or delimiters,
# quotes and line ends escaped in cells never quoted.
ESCAPES = st.sampled_from([None, csv.QUOTE_MINIMAL, csv.QUOTE_NONE])


def _package(folder: Path, rows: list[Any], newline: str, encoding: str = "utf-8", escape: int | None = None) -> Path:
    text = io.StringIO()
    if escape is None:
        writer = csv.writer(text, lineterminator=newline)
    else:
        writer = csv.writer(text, lineterminator=newline, escapechar="\\", doublequote=False, quoting=escape)
    writer.writerow([f["name"] for f in FIELDS])
    for row in rows:
        if isinstance(row, str):
            text.write(row + newline)
        elif escape == csv.QUOTE_NONE and row == [""]:  # cannot be written unquoted
            text.write(newline)
        else:
            writer.writerow(row)
    content = text.getvalue().encode(encoding, errors="replace")
    (folder / "t.csv").write_bytes(content)
    resource: dict[str, Any] = {
        "name": "t",
        "path": "t.csv",
        "encoding": encoding,
        "bytes": len(content),
        "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        "schema": {"fields": FIELDS, "primaryKey": ["id"]},
    }
    if escape is not None:
        resource["dialect"] = {"escapeChar": "\\", "doubleQuote": False}
    (folder / "datapackage.json").write_text(json.dumps({"name": "pieces", "resources": [resource]}))
    return folder


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],  # a failure is shown unshrunk
)
@given(
    rows=ROWS,
    many=MANY,
    at=st.integers(0, 30),
    piece=st.integers(1, 200),
    newline=st.sampled_from(["\n", "\r\n"]),
    encoding=ENCODINGS,
    escape=ESCAPES,
)
@example(rows=[[""], ["a"]], many=None, at=0, piece=12, newline="\r\n", encoding="utf-8", escape=None)
@example(
    rows=[("a", "1", 'x\\\n",', "1")], many=None, at=0, piece=3, newline="\n", encoding="utf-8", escape=csv.QUOTE_NONE
)
@example(
    rows=[("a", "1", "日ｶ\n𝄞", "1"), ["b", "x"]],
    many=None,
    at=0,
    piece=1,
    newline="\r\n",
    encoding="utf-16",
    escape=csv.QUOTE_MINIMAL,
)
def test_pieces_give_the_report_of_the_whole_file(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[Any],
    many: tuple[str, ...] | None,
    at: int,
    piece: int,
    newline: str,
    encoding: str,
    escape: int | None,
) -> None:
    """Row numbers of cells, repeats, rejected and blank rows, counts past the quota, messages,
    size and hash, and the verdict do not depend on where pieces end, nor on where they end inside
    a character of the file's encoding or after an escape character."""
    if many is not None:
        rows = rows[:at] + [(f"{many[0]}{i}", *many[1:]) for i in range(105)] + rows[at:]
    folder = _package(tmp_path_factory.mktemp("pieces"), rows, newline, encoding, escape)
    whole = validate(folder)
    with mock.patch.object(reading, "PIECE_BYTES", piece):
        pieces = validate(folder)
    # Kinds are listed in the order they are first met, which depends on the pieces; each kind's
    # problems are in row order either way.
    assert _problems(pieces) == _problems(whole)
    assert pieces.tables == whole.tables
    assert pieces.to_dict()["counts"] == whole.to_dict()["counts"]
    assert (pieces.valid, pieces.error_count) == (whole.valid, whole.error_count)


# A byte each of these encodings cannot decode.
BAD_BYTES = {"utf-8": b"\xff", "cp1252": b"\x81", "shift_jis": b"\xa0", "utf-16-le": b"\x00\xdc"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=ROWS,
    at=st.integers(0, 1000),
    piece=st.integers(1, 200),
    encoding=st.sampled_from(sorted(BAD_BYTES)),
)
def test_a_file_that_does_not_decode_gives_one_report_wherever_it_is_cut(
    tmp_path_factory: pytest.TempPathFactory, rows: list[Any], at: int, piece: int, encoding: str
) -> None:
    """What the pieces before the bad byte showed is dropped: the file is reported as not decoding,
    as when it is read in one piece."""
    folder = _package(tmp_path_factory.mktemp("undecodable"), [*rows, ("b", "x", "", "")], "\n", encoding)
    content = (folder / "t.csv").read_bytes()
    cut = min(at, len(content)) // len(BAD_BYTES[encoding]) * len(BAD_BYTES[encoding])
    (folder / "t.csv").write_bytes(content[:cut] + BAD_BYTES[encoding] + content[cut:])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    del descriptor["resources"][0]["bytes"], descriptor["resources"][0]["hash"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    whole = validate(folder)
    with mock.patch.object(reading, "PIECE_BYTES", piece):
        pieces = validate(folder)
    assert _problems(pieces) == _problems(whole)
    assert [p.code for p in whole.problems if p.code == "encoding-error"] == ["encoding-error"]


def _problems(report: Report) -> list[str]:
    """Each problem whole (code, place, message, value, severity), in an order that does not depend on pieces."""
    return sorted(json.dumps(p, sort_keys=True) for p in report.to_dict()["problems"])


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


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool]]:
    """Each parse of a piece from now on: the bytes parsed, and whether the piece ended between records."""
    parses: list[tuple[int, bool]] = []
    parse = reading._parse_piece

    def recorded(data: Any, *args: Any) -> reading.Piece:
        piece = parse(data, *args)
        parses.append((data.size, piece.complete))
        return piece

    monkeypatch.setattr(reading, "_parse_piece", recorded)
    return parses


ESCAPED_ROWS = [
    (f"k{i}", str(i % 7), cell, "1.5")
    for i, cell in enumerate(['one \\"quote', 'a "b" \\\\', "line\nend", 'odd " then\nline', "x,y\\", ""] * 40)
]


@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_NONE])
def test_an_escape_char_file_is_cut_between_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoting: int
) -> None:
    """Escaped quotes, delimiters, escape characters and line ends mislead no cut: no piece is parsed twice."""
    rows = [*ESCAPED_ROWS, ("ragged", "1", "a,b\\", "2", "5"), ("late", "x", "", "")]
    folder = _package(tmp_path, rows, "\n", escape=quoting)
    whole = validate(folder)
    assert [(p.code, p.row, p.field) for p in whole.problems] == [("ragged-row", 242, None), ("type-error", 243, "n")]
    parses = _parses(monkeypatch)
    # Pieces longer than a record: a shorter one holds no record end, and its cut is a guess.
    for piece in range(40, 400, 7):
        parses.clear()
        with mock.patch.object(reading, "PIECE_BYTES", piece):
            assert _problems(validate(folder)) == _problems(whole)
        assert len(parses) > 10
        assert all(complete for _, complete in parses), piece


def test_a_file_in_another_encoding_is_read_in_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Shift JIS file hundreds of pieces long is decoded and parsed a piece at a time, never held whole."""
    import tracemalloc

    from usjst_data.validation import batches

    rows = [(f"k{i}", str(i), "日米科学技術協力、ｶﾀｶﾅ" * 3, "2.5") for i in range(20000)]
    folder = _package(tmp_path, [*rows, ("late", "-1", "", "")], "\r\n", encoding="shift_jis")
    size = (folder / "t.csv").stat().st_size
    piece = 8 << 10
    parses = _parses(monkeypatch)
    peaks: list[int] = []
    read_pieces = batches.read_pieces

    def measured(*args: Any) -> Generator[reading.Piece]:
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()  # what was held before, reading the descriptor, say, is not the file's
        yield from read_pieces(*args)
        peaks.append(tracemalloc.get_traced_memory()[1] - held)

    monkeypatch.setattr(reading, "PIECE_BYTES", piece)
    validate(folder)  # modules imported on first use are not the file's memory either
    parses.clear()
    monkeypatch.setattr(batches, "read_pieces", measured)
    tracemalloc.start()
    try:
        report = validate(folder)
    finally:
        tracemalloc.stop()
    assert [p.line() for p in report.problems] == ["t.csv:20002: n: must be >= 0, got -1 [range-error]"]
    assert report.tables == {"t": 20001}
    assert len(parses) > size // piece  # the file's text is longer in UTF-8 than in Shift JIS
    assert max(parsed for parsed, _ in parses) < 2 * piece
    # The Python objects held at once while the file was read and checked: a few pieces' bytes and
    # text (reading it whole held about 40 times its size).
    assert len(peaks) == 1
    assert peaks[0] < size // 4, (peaks, size)


@pytest.mark.parametrize(
    ("dialect", "columns"),
    [({"escapeChar": "-"}, 1), ({"escapeChar": "e"}, 3), ({"delimiter": "e"}, 4), ({"delimiter": "\x1e"}, 2)],
)
def test_no_dialect_breaks_the_mark_after_a_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialect: dict[str, str], columns: int
) -> None:
    """Whatever characters a dialect gives a meaning to, pieces cut between records are parsed once, and
    a file far longer than the bound on a record is not refused."""
    delimiter = dialect.get("delimiter", ",")
    names = ["id", "a", "b", "c"][:columns]
    lines = [delimiter.join(names)] + [delimiter.join([f"k{i}"] + ["x"] * (columns - 1)) for i in range(400)]
    (tmp_path / "t.csv").write_text("\n".join([*lines, "k0"]) + "\n")
    fields = [{"name": n, "type": "string"} for n in names]
    resource = {"name": "t", "path": "t.csv", "dialect": dialect, "schema": {"fields": fields, "primaryKey": ["id"]}}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    expected = validate(tmp_path).counts()
    assert expected == ({"primary-key-error": 1} if columns == 1 else {"ragged-row": 1})
    parses = _parses(monkeypatch)
    monkeypatch.setattr(reading, "PIECE_BYTES", 64)
    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", 1024)
    assert validate(tmp_path).counts() == expected
    assert len(parses) > 20
    assert all(complete for _, complete in parses)
