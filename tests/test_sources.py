"""Tables made CSV before the common checks: comment rows blanked by record."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usjst_data.validation import sources
from usjst_data.validation.reading import Dialect

BOM = b"\xef\xbb\xbf"


def records(data: bytes, dialect: Dialect) -> list[tuple[int, int, int]]:
    """(start, end of content, end) of each record, read a byte at a time like Arrow's CSV parser."""
    quote, delimiter = dialect.quote_char.encode(), dialect.delimiter.encode()
    escape = dialect.escape_char.encode() if dialect.escape_char else None
    found, i = [], 0
    while i < len(data):
        start = i
        i += len(BOM) if not found and data.startswith(BOM) else 0
        quoted, at_cell = False, True
        while i < len(data):
            byte = data[i : i + 1]
            if byte == escape:
                i, at_cell = i + 2, False
            elif quoted:
                doubled = byte == quote and dialect.double_quote and data[i + 1 : i + 2] == quote
                quoted = not (byte == quote and not doubled)
                i += 2 if doubled else 1
            elif at_cell and byte == quote:
                quoted, at_cell, i = True, False, i + 1
            elif byte in (b"\r", b"\n"):
                break
            else:
                at_cell, i = byte == delimiter, i + 1
        end = min(i, len(data))
        i = end + (2 if data.startswith(b"\r\n", end) else 1 if end < len(data) else 0)
        found.append((start, end, i))
    return found


def arrow_records(data: bytes, dialect: Dialect) -> int:
    """How many records Arrow's parser reads, the validator's options (two columns: other rows are rejected)."""
    if not data.removeprefix(BOM):
        return 0  # Arrow: "Empty CSV file"
    rejected: list[object] = []
    table = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(column_names=["a", "b"], use_threads=False, block_size=len(data) + 1),
        parse_options=dialect.parse_options(lambda row: rejected.append(row) or "skip"),
    )
    return int(table.num_rows) + len(rejected)


def uncommented(data: bytes, prefix: bytes | None, rows: frozenset[int], dialect: Dialect) -> tuple[bytes, set[int]]:
    """What uncomment must write and return: each comment record left as its line end alone."""
    out, comments = [], set()
    for number, (start, end, after) in enumerate(records(data, dialect), 1):
        begins = start + len(BOM) if number == 1 and data.startswith(BOM) else start
        if number in rows or (prefix and data.startswith(prefix, begins)):
            comments.add(number)
            out.append(data[start:begins] + data[end:after])
        else:
            out.append(data[start:after])
    return b"".join(out), comments


def run(tmp: Path, data: bytes, prefix: bytes | None, rows: frozenset[int], dialect: Dialect) -> tuple[bytes, set[int]]:
    (tmp / "in.csv").write_bytes(data)
    comments = sources.uncomment(tmp / "in.csv", tmp / "out.csv", prefix, rows, dialect)
    return (tmp / "out.csv").read_bytes(), set(comments)


PIECES = [b"ab", b",", b'"', b"'", b"#", b"##", b"\\", b"\t", b"\n", b"\r", b"\r\n", b"\n#"]
DIALECTS = st.builds(
    Dialect,
    delimiter=st.sampled_from([",", "\t"]),
    quote_char=st.sampled_from(['"', "'"]),
    double_quote=st.booleans(),
    escape_char=st.sampled_from([None, "\\"]),
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=60),
    bom=st.booleans(),
    dialect=DIALECTS,
    prefix=st.sampled_from([None, b"#", b"##", b'"']),
    rows=st.frozensets(st.integers(1, 30), max_size=5),
    chunk=st.sampled_from([1, 2, 3, 5, 8, 13, 1 << 20]),
)
def test_comment_rows_are_records(
    tmp_path_factory: pytest.TempPathFactory,
    pieces: list[bytes],
    bom: bool,
    dialect: Dialect,
    prefix: bytes | None,
    rows: frozenset[int],
    chunk: int,
) -> None:
    """Comment rows are the parser's records, whatever the quotes, line ends and chunk boundaries."""
    data = (BOM if bom and pieces else b"") + b"".join(pieces)
    assert len(records(data, dialect)) == arrow_records(data, dialect)  # the reference reads as Arrow does
    tmp = tmp_path_factory.mktemp("uncomment")
    with mock.patch.object(sources, "_CHUNK", chunk):
        assert run(tmp, data, prefix, rows, dialect) == uncommented(data, prefix, rows, dialect)


def test_line_in_quoted_cell_is_data(tmp_path: Path) -> None:
    data = b'id,note\n1,"first line\n# second line"\n# a comment\n2,x\n'
    assert run(tmp_path, data, b"#", frozenset(), Dialect()) == (
        b'id,note\n1,"first line\n# second line"\n\n2,x\n',
        {3},
    )


def test_comment_rows_are_numbered_by_record(tmp_path: Path) -> None:
    data = b'id,note\r\n1,"two\r\nlines"\r\ncomment\r\n2,x\r\n\r\n3,y\r\n'
    assert run(tmp_path, data, None, frozenset({3, 6}), Dialect()) == (
        b'id,note\r\n1,"two\r\nlines"\r\n\r\n2,x\r\n\r\n\r\n',
        {3, 6},
    )


def test_comment_over_lines_is_one_empty_row(tmp_path: Path) -> None:
    data = b'id,note\n#,"a comment\nof two lines"\n1,x\n'
    assert run(tmp_path, data, b"#", frozenset(), Dialect()) == (b"id,note\n\n1,x\n", {2})


def test_quoted_cell_starting_with_the_comment_char_is_no_comment(tmp_path: Path) -> None:
    # The spec: a row starting with the comment character. frictionless-py reads the first cell
    # unquoted, and would skip this row; the row starts with a quote.
    data = b'id,note\n"#1",x\n'
    assert run(tmp_path, data, b"#", frozenset(), Dialect()) == (data, set())


def test_dialect_quotes_and_delimiter(tmp_path: Path) -> None:
    data = b"id\tnote\n1\t'a\n#b'\n#c\n2\tx|\n#d\n3\ty\n"
    dialect = Dialect(delimiter="\t", quote_char="'", escape_char="|")
    assert run(tmp_path, data, b"#", frozenset(), dialect) == (b"id\tnote\n1\t'a\n#b'\n\n2\tx|\n#d\n3\ty\n", {3})


def test_old_mac_line_ends(tmp_path: Path) -> None:
    data = b'id,note\r1,"a\r#b"\r#c\r2,x\r'
    assert run(tmp_path, data, b"#", frozenset(), Dialect()) == (b'id,note\r1,"a\r#b"\r\r2,x\r', {3})


def test_many_records_across_chunks(tmp_path: Path) -> None:
    lines = [b"id,note"] + [b'%d,"a\n""b"""' % n if n % 3 else b"%d,plain" % n for n in range(1, 3000)]
    lines[1000:1000] = [b"# a comment"]
    data = b"\n".join(lines) + b"\n"
    with mock.patch.object(sources, "_CHUNK", 4096):
        written, comments = run(tmp_path, data, b"#", frozenset({2500}), Dialect())
    assert comments == {1001, 2500}
    assert written == uncommented(data, b"#", frozenset({2500}), Dialect())[0]
