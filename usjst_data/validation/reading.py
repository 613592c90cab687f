"""Reading a CSV table: its dialect, its header, and its pieces parsed in parallel into columns of strings.

A large file is cut into pieces at record ends and the pieces are parsed on several threads, so
memory stays bounded; cells stay strings, for the checks in ``cells`` to show them as written.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .report import shorten

if TYPE_CHECKING:
    import pyarrow as pa

# Files are parsed in pieces of about this size: large enough for all cores, small enough for memory.
PIECE_BYTES = 24 << 20
PARSERS = 4  # pieces parsed at once, at most: each holds its bytes and its parsed columns


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity), not the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass
class Dialect:
    """The CSV dialect of a resource, with the Table Dialect defaults."""

    delimiter: str = ","
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None
    header: bool = True
    header_case: bool = True  # whether labels must match the fields' names in case too
    skip_initial_space: bool = False  # spaces after a delimiter are not part of the cell
    header_lines: tuple[int, ...] = (1,)  # the rows (from 1) whose cells, joined, are the labels
    header_join: str = " "
    comment_char: str | None = None  # a row starting with it is a comment
    comment_rows: frozenset[int] = frozenset()  # rows (from 1) that are comments

    @property
    def header_rows(self) -> int:
        """How many rows the header takes at the start of the file."""
        return max(self.header_lines) if self.header and self.header_lines else 0

    @classmethod
    def parse(cls, spec: Any, delimiter: str = ",") -> Dialect:
        """The dialect a descriptor gives (``delimiter`` by default); DialectError when it cannot describe CSV."""
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise DialectError(f"dialect must be an object, got {shorten(spec)}")
        dialect = cls(
            delimiter=_character(spec, "delimiter", delimiter),
            quote_char=_character(spec, "quoteChar", '"'),
            double_quote=bool(spec.get("doubleQuote", True)),
            escape_char=_character(spec, "escapeChar", None),
            header=bool(spec.get("header", True)),
            header_case=bool(spec.get("headerCase", True)),
            skip_initial_space=bool(spec.get("skipInitialSpace", False)),
            header_lines=_rows(spec, "headerRows", (1,)),
            header_join=spec["headerJoin"] if isinstance(spec.get("headerJoin"), str) else " ",
            comment_char=spec["commentChar"] if isinstance(spec.get("commentChar"), str) else None,
            comment_rows=frozenset(_rows(spec, "commentRows", ())),
        )
        if dialect.comment_char == "":
            raise DialectError("dialect commentChar must not be empty")
        if dialect.delimiter in (dialect.quote_char, dialect.escape_char, "\n", "\r"):
            raise DialectError(f"delimiter {dialect.delimiter!r} cannot also quote, escape or end lines")
        return dialect


class DialectError(ValueError):
    """A dialect that cannot describe a CSV file (a delimiter of two characters, say)."""


def _rows(spec: dict[str, Any], key: str, default: tuple[int, ...]) -> tuple[int, ...]:
    value = spec.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        raise DialectError(f"dialect {key} must be an array of row numbers from 1, got {shorten(value)}")
    return tuple(sorted(set(value)))


def _character(spec: dict[str, Any], key: str, default: str | None) -> Any:
    value = spec.get(key, default)
    if value is None and default is None:
        return None
    if not isinstance(value, str) or len(value) != 1:
        raise DialectError(f"dialect {key} must be one character, got {shorten(value)}")
    return value


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"


class NotUtf8Error(ValueError):
    """A piece of a UTF-8 file that does not decode."""


def _check_utf8(data: Any) -> None:
    """Raise NotUtf8Error unless the bytes are valid UTF-8 (Arrow's vectorized check, no copy)."""
    import struct

    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<qq", 0, data.size))
    whole = pa.LargeBinaryArray.from_buffers(pa.large_binary(), 1, [None, offsets, data])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        raise NotUtf8Error from None


HEAD_BYTES = 1 << 20  # the header is read from the first MiB of the file


@dataclass
class Source:
    """A file to read as a table: its path and size, and its bytes when it is small enough to read once.

    A package of many small files then opens each one once, for its byte-order mark, header, rows
    and hash together.
    """

    path: Path
    size: int
    data: bytes | None = None

    @classmethod
    def open(cls, path: Path) -> Source:
        """The file, read whole when it is no bigger than a piece."""
        size = path.stat().st_size
        if size > PIECE_BYTES:
            return cls(path, size)
        with path.open("rb") as handle:
            data = handle.read(PIECE_BYTES + 1)
        # It may have changed since its size was taken: then it is read like a big file.
        return cls(path, len(data), data) if len(data) <= PIECE_BYTES else cls(path, path.stat().st_size)

    def head(self, size: int) -> bytes:
        """The file's first ``size`` bytes (fewer when it is shorter)."""
        if self.data is not None:
            return self.data[:size]
        with self.path.open("rb") as handle:
            return handle.read(size)


def read_header(source: Source, dialect: Dialect, encoding: str) -> list[str] | None:
    """The labels: the first record of the file, or the header rows' cells joined, parsed with Python's
    csv module (None for an empty file)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    first = decoder.decode(source.head(HEAD_BYTES)).lstrip("\ufeff")
    reader = csv.reader(
        io.StringIO(first, newline=""),  # lines may end in CR alone
        delimiter=dialect.delimiter,
        quotechar=dialect.quote_char,
        doublequote=dialect.double_quote,
        escapechar=dialect.escape_char,
        skipinitialspace=dialect.skip_initial_space,
    )
    if dialect.header_lines == (1,) or not dialect.header:
        return next(reader, None)
    records = list(itertools.islice(reader, dialect.header_rows))
    if not records:
        return None
    rows = [records[n - 1] for n in dialect.header_lines if n <= len(records)]
    width = max(len(row) for row in rows)
    return [dialect.header_join.join(row[i] for row in rows if i < len(row) and row[i]) for i in range(width)]


@dataclass
class InvalidRows:
    """Rows the parser could not split into the expected cells."""

    rows: list[tuple[int | None, int, int, str]] = field(default_factory=list)

    def __call__(self, row: Any) -> str:
        self.rows.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"


@dataclass
class Piece:
    """One parsed piece of a file: its rows, the rows the parser rejected, and row numbering."""

    table: pa.Table
    rejected: list[tuple[int, int, int, str]]  # (file row number, expected cells, cells, text)
    size: int  # bytes of the file in the piece
    header: int = 0  # rows of the file's header the piece starts with
    complete: bool = True  # False when the piece was cut inside a quoted cell

    def number_rows(self, before: int) -> int:
        """Turn the piece's row numbers into the file's, given the records before it; return the records after it.

        The parser numbers a piece's records from 1, its header included.
        """
        offset = before - self.header
        self.rejected = [(n + offset, expected, actual, text) for n, expected, actual, text in self.rejected]
        return before + int(self.table.num_rows) + len(self.rejected)


Feed = Callable[[bytes | bytearray, int | None], None]  # takes each run of the file's bytes, in order


def read_pieces(
    source: Source, names: list[str], dialect: Dialect, encoding: str, missing: list[str], feed: Feed | None = None
) -> Generator[Piece]:
    """Parse a file as string columns, in pieces of about PIECE_BYTES cut between records.

    Each piece is parsed by one thread, which numbers the rows the parser rejects, and up to
    PARSERS pieces are parsed at once. Memory stays bounded by the piece size and PARSERS whatever
    the file's size. ``feed`` sees every byte of the file once, in order (to hash it without
    reading it again).
    """
    try:
        yield from _read_pieces(source, names, dialect, encoding, missing, feed)
    except Exception as exc:
        import pyarrow as pa

        if isinstance(exc, OSError) and not isinstance(exc, pa.ArrowException):
            raise  # the OS failed to read it: could not validate, not a bad file
        if isinstance(exc, pa.ArrowException | ValueError):
            raise Unparsable(str(exc)) from exc
        raise


class Unparsable(Exception):
    """The parser, the decoder or the reader failed on the file: the file's problem, not a fault."""


# Written after each piece cut before the end of the file: the parser sees it as a record of its
# own only when the piece ends outside quotes, which tells a cut between records from one inside
# a quoted cell (the cutter counts quotes, and a stray quote in an unquoted cell misleads it).
_MARK = b"\x1eusjst-piece-end\x1e"
MAX_RECORD_BYTES = 256 << 20  # a record longer than this is refused: memory stays bounded


@dataclass
class _Cut:
    """Bytes of the file cut for one parse: ``data`` ends with _MARK when ``marked``."""

    data: Any
    size: int  # bytes of the file
    buffer: bytearray | None  # the spare buffer holding the bytes, if any
    marked: bool


def _read_pieces(
    source: Source, names: list[str], dialect: Dialect, encoding: str, missing: list[str], feed: Feed | None
) -> Iterator[Piece]:
    workers = min(cpu_count(), PARSERS)
    record = dialect.header_rows  # records before the piece, counting the header
    spare: list[bytearray] = []  # buffers of parsed pieces, to read the next ones into
    pending: deque[tuple[Future[Piece], _Cut, int]] = deque()
    cuts = _pieces(source, dialect, encoding, feed or _ignore, spare)
    first = True

    def parse(cut: _Cut, header: int) -> Piece:
        return _parse_piece(cut.data, names, dialect, encoding, missing, header, cut.marked, cut.size)

    def dispatch(parsing: ThreadPoolExecutor) -> bool:
        nonlocal first
        cut = next(cuts, None)
        if cut is None:
            return False
        header, first = (dialect.header_rows if first else 0), False
        pending.append((parsing.submit(parse, cut, header), cut, header))
        return True

    def oldest(parsing: ThreadPoolExecutor) -> Piece:
        nonlocal record
        parsed, cut, header = pending.popleft()
        piece = parsed.result()
        while not piece.complete and (pending or dispatch(parsing)):
            # Cut inside a quoted cell: parse it again joined with the next piece.
            later, after, _ = pending.popleft()
            later.result()  # its parser is done with its bytes
            if cut.size + after.size > MAX_RECORD_BYTES:  # an unclosed quote early in a big file
                raise ValueError(f"a quoted cell is not closed within {MAX_RECORD_BYTES >> 20} MB")
            joined = bytes(memoryview(cut.data)[: cut.size]) + bytes(memoryview(after.data)[: after.size])
            for used in (cut.buffer, after.buffer):
                if used is not None:
                    spare.append(used)
            cut = _Cut(_py_buffer(joined + (_MARK if after.marked else b"")), cut.size + after.size, None, after.marked)
            piece = parse(cut, header)
        if not piece.complete:  # the file ends inside the quoted cell: parse its last piece without a mark
            piece = parse(_Cut(_py_buffer(bytes(memoryview(cut.data)[: cut.size])), cut.size, None, False), header)
        if cut.buffer is not None:
            spare.append(cut.buffer)  # the parser copied what it keeps
        record = piece.number_rows(record)
        return piece

    if source.data is not None:  # one piece: parsed in this thread, no pool to start
        cut = next(cuts)
        piece = parse(cut, dialect.header_rows)
        piece.number_rows(record)
        yield piece
        return
    with ThreadPoolExecutor(max_workers=workers) as parsing:
        while dispatch(parsing):
            while pending and (len(pending) >= workers or pending[0][0].done()):
                yield oldest(parsing)
        while pending:
            yield oldest(parsing)


def _py_buffer(data: bytes | memoryview) -> Any:
    import pyarrow as pa

    return pa.py_buffer(data)


def _parse_piece(
    data: Any,
    names: list[str],
    dialect: Dialect,
    encoding: str,
    missing: list[str],
    header: int,
    marked: bool = False,
    size: int | None = None,
) -> Piece:
    """One piece's rows and rejected rows, numbered within the piece (see ``Piece.number_rows``).

    A marked piece is complete when the parser read its mark as a record of its own (then dropped).
    """
    if _is_utf8(encoding):
        # Checked first: the parser cannot even report a rejected row whose bytes do not decode.
        _check_utf8(data)
    invalid = InvalidRows()
    table = _parse(data, names, dialect, encoding, missing, header, invalid)
    complete = True
    if marked:
        mark = _MARK.decode()
        if len(names) == 1:  # the mark is a row of one cell
            last = table.num_rows - 1
            complete = last >= 0 and table.column(0)[last].as_py() == mark
            table = table.slice(0, last) if complete else table
        else:
            complete = bool(invalid.rows) and invalid.rows[-1][3] == mark
            if complete:
                invalid.rows.pop()
    rejected = [(n or 0, expected, actual, text) for n, expected, actual, text in invalid.rows]
    return Piece(table, rejected, data.size if size is None else size, header, complete)


def _ignore(chunk: bytes | bytearray, stop: int | None) -> None:
    """A feed that keeps nothing."""


def _pieces(source: Source, dialect: Dialect, encoding: str, feed: Feed, spare: list[bytearray]) -> Iterator[_Cut]:
    """The file's bytes in pieces that end between two records, as far as quotes tell (see _MARK).

    A newline ends a record when the quotes before it are balanced; that holds for UTF-8 and for
    the doubled-quote convention, so other encodings and escape characters get one piece. When no
    newline balances the quotes, the piece ends at its last newline, and the mark tells whether
    that was right. Buffers put in ``spare`` are read into again once their bytes are fed.
    """
    if not _is_utf8(encoding) or dialect.escape_char or source.data is not None:
        whole = _read_whole(source.path) if source.data is None else source.data
        feed(whole, None)
        yield _Cut(_py_buffer(whole), len(whole), None, False)
        return
    quote = dialect.quote_char.encode()
    carry = b""
    line_end: bytes | None = None
    fed: dict[int, Future[None]] = {}
    # The bytes are fed (hashed) in a thread, in order, while pieces are parsed.
    with source.path.open("rb") as handle, ThreadPoolExecutor(max_workers=1) as feeding:
        while True:
            data = _buffer(spare, fed, len(carry) + PIECE_BYTES + len(_MARK))
            data[: len(carry)] = carry
            view = memoryview(data)
            size = len(carry) + handle.readinto(view[len(carry) : len(carry) + PIECE_BYTES])
            view.release()
            if size == len(carry):
                break
            if line_end is None:  # lines end in LF or CRLF, or (old Mac files) in CR alone
                line_end = _line_end(data, size)
            cut = None if line_end is None else _record_end(data, quote, size, line_end)
            if cut is None and line_end is not None:
                cut = data.rfind(line_end, 0, size) + 1 or None
            if cut is None:
                if size > MAX_RECORD_BYTES:
                    raise ValueError(f"a record is longer than {MAX_RECORD_BYTES >> 20} MB (no line end)")
                carry = bytes(data[:size])
                continue
            carry = bytes(data[cut:size])
            data[cut : cut + len(_MARK)] = _MARK
            fed[id(data)] = feeding.submit(feed, data, cut)
            # No copy: Arrow reads the bytes in place.
            yield _Cut(_py_buffer(memoryview(data)[: cut + len(_MARK)]), cut, data, True)
    if carry:
        feed(carry, None)
        yield _Cut(_py_buffer(carry), len(carry), None, False)


def _line_end(data: bytearray, size: int) -> bytes | None:
    """How the file's lines end, LF (or CRLF) or CR alone, from its first ``size`` bytes; None when
    they do not tell, as when their only line end is a CR at their end, which an LF may follow."""
    if data.find(b"\n", 0, size) >= 0:
        return b"\n"
    return b"\r" if data.find(b"\r", 0, size - 1) >= 0 else None


def _read_whole(path: Path) -> bytes:
    """A file read whole (one piece), refused beyond MAX_RECORD_BYTES: memory stays bounded."""
    with path.open("rb") as handle:
        whole = handle.read(MAX_RECORD_BYTES + 1)
    if len(whole) > MAX_RECORD_BYTES:
        raise ValueError(
            f"larger than {MAX_RECORD_BYTES >> 20} MB in an encoding or dialect read in one piece;"
            " save it as UTF-8 without an escape character to validate it in pieces"
        )
    return whole


def _buffer(spare: list[bytearray], fed: dict[int, Future[None]], size: int) -> bytearray:
    """A spare buffer of at least ``size`` bytes once its bytes are fed, or a new one."""
    while spare:
        buffer = spare.pop()
        fed.pop(id(buffer)).result()
        if len(buffer) >= size:
            return buffer
    return bytearray(size)


def _record_end(data: bytearray, quote: bytes, size: int, line_end: bytes = b"\n") -> int | None:
    """The position just after the last line end of ``data[:size]`` that is outside quotes, if any."""
    quotes = data.count(quote, 0, size)
    end = size
    while (newline := data.rfind(line_end, 0, end)) >= 0:
        quotes -= data.count(quote, newline, end)
        if quotes % 2 == 0:
            return newline + 1
        end = newline
    return None


def _parse(
    data: Any,
    names: list[str],
    dialect: Dialect,
    encoding: str,
    missing: list[str],
    header: int,
    invalid: InvalidRows,
) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # The piece is one block: no cell can straddle two, and a wide table is parsed faster and in
    # less memory than in blocks (the parser holds about 8 KB a column for each block).
    read = pacsv.ReadOptions(
        column_names=names, skip_rows=header, encoding=encoding, use_threads=False, block_size=data.size + 1
    )
    parse = pacsv.ParseOptions(
        delimiter=dialect.delimiter,
        quote_char=dialect.quote_char,
        double_quote=dialect.double_quote,
        escape_char=dialect.escape_char or False,
        newlines_in_values=True,
        ignore_empty_lines=False,  # a blank line is a blank row: reported, and counted in row numbers
        invalid_row_handler=invalid,
    )
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        check_utf8=not _is_utf8(encoding),  # read_pieces checked the whole piece already
        null_values=missing,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    return pacsv.read_csv(pa.BufferReader(data), read_options=read, parse_options=parse, convert_options=convert)
