"""Reading a CSV table: its dialect, its header, and its pieces parsed in parallel into columns of strings.

A large file is cut into pieces at record ends and the pieces are parsed on several threads, so
memory stays bounded whatever its encoding and dialect; a file in another encoding than UTF-8 is
decoded as it is read and parsed as UTF-8. Cells stay strings, for the checks in ``cells`` to show
them as written.
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
from typing import TYPE_CHECKING, Any, BinaryIO

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

    def parse_options(self, invalid_row_handler: Callable[[Any], str]) -> Any:
        """Arrow's CSV parse options for this dialect; rows the parser rejects go to the handler."""
        import pyarrow.csv as pacsv

        return pacsv.ParseOptions(
            delimiter=self.delimiter,
            quote_char=self.quote_char,
            double_quote=self.double_quote,
            escape_char=self.escape_char or False,
            newlines_in_values=True,
            ignore_empty_lines=False,  # a blank line is a blank row: reported, and counted in row numbers
            invalid_row_handler=invalid_row_handler,
        )

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
            comment_char=_character(spec, "commentChar", None),
            comment_rows=frozenset(_rows(spec, "commentRows", ())),
        )
        if dialect.escape_char == dialect.quote_char:
            raise DialectError("escapeChar must differ from quoteChar: a quote inside a quoted cell is doubled instead")
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
    if not rows:
        raise ValueError(f"headerRows names row {dialect.header_lines[0]}, but the file has {len(records)} rows")
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
    the file's size. ``feed`` sees every byte of the file once, in order, as it is on disk (to hash
    it without reading it again).
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


MAX_RECORD_BYTES = 256 << 20  # a record longer than this is refused: memory stays bounded


def _mark(dialect: Dialect) -> bytes:
    """What is written after each piece cut before the end of the file.

    The parser sees it as a record of its own only when the piece ends between records, which
    tells such a cut from one inside a quoted cell or after an escape character (the cutter
    counts quotes, and a stray quote in an unquoted cell misleads it). It is a run of a control
    character that the dialect gives no meaning to, so that it stays one cell whatever the dialect.
    """
    used = (dialect.delimiter, dialect.quote_char, dialect.escape_char)
    separator = next(c for c in "\x1e\x1f\x1d\x1c" if c not in used)  # ASCII's record, unit, group, file
    return separator.encode() * 16


@dataclass
class _Cut:
    """The file's text in UTF-8, cut for one parse: ``data`` ends with the mark when ``marked``."""

    data: Any
    size: int  # bytes of text in ``data``
    buffer: bytearray | None  # the spare buffer holding the bytes, if any
    marked: bool
    read: int  # bytes of the file read for it (its size, for a UTF-8 file)


def _read_pieces(
    source: Source, names: list[str], dialect: Dialect, encoding: str, missing: list[str], feed: Feed | None
) -> Iterator[Piece]:
    workers = min(cpu_count(), PARSERS)
    record = dialect.header_rows  # records before the piece, counting the header
    spare: list[bytearray] = []  # buffers of parsed pieces, to read the next ones into
    pending: deque[tuple[Future[Piece], _Cut, int]] = deque()
    cuts = _pieces(source, dialect, encoding, feed or _ignore, spare)
    first = True
    check = _is_utf8(encoding)  # text decoded from another encoding is valid UTF-8 already

    def parse(cut: _Cut, header: int) -> Piece:
        return _parse_piece(cut.data, names, dialect, missing, header, cut.marked, cut.read, check)

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
            # Cut inside a record (in a quoted cell, say): parse it again joined with the next piece.
            later, after, _ = pending.popleft()
            later.result()  # its parser is done with its bytes
            if cut.size + after.size > MAX_RECORD_BYTES:  # an unclosed quote early in a big file
                raise ValueError(f"a quoted cell is not closed within {MAX_RECORD_BYTES >> 20} MB")
            joined = bytes(memoryview(cut.data)[: cut.size]) + bytes(memoryview(after.data)[: after.size])
            for used in (cut.buffer, after.buffer):
                if used is not None:
                    spare.append(used)
            data = _py_buffer(joined + (_mark(dialect) if after.marked else b""))
            cut = _Cut(data, cut.size + after.size, None, after.marked, cut.read + after.read)
            piece = parse(cut, header)
        if not piece.complete:  # the file ends inside the quoted cell: parse its last piece without a mark
            last = _py_buffer(bytes(memoryview(cut.data)[: cut.size]))
            piece = parse(_Cut(last, cut.size, None, False, cut.read), header)
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
    missing: list[str],
    header: int,
    marked: bool,
    size: int,
    check: bool,
) -> Piece:
    """One piece of UTF-8 text: its rows and rejected rows, numbered within the piece (see ``Piece.number_rows``).

    A marked piece is complete when the parser read its mark as a record of its own (then dropped).
    ``check``: whether the bytes must first be checked to be UTF-8 (they are when they were decoded).
    """
    if check:
        # Checked first: the parser cannot even report a rejected row whose bytes do not decode.
        _check_utf8(data)
    invalid = InvalidRows()
    table = _parse(data, names, dialect, missing, header, invalid)
    complete = True
    if marked:
        mark = _mark(dialect).decode()
        if len(names) == 1:  # the mark is a row of one cell
            last = table.num_rows - 1
            complete = last >= 0 and table.column(0)[last].as_py() == mark
            table = table.slice(0, last) if complete else table
        else:
            complete = bool(invalid.rows) and invalid.rows[-1][3] == mark
            if complete:
                invalid.rows.pop()
    rejected = [(n or 0, expected, actual, text) for n, expected, actual, text in invalid.rows]
    return Piece(table, rejected, size, header, complete)


def _ignore(chunk: bytes | bytearray, stop: int | None) -> None:
    """A feed that keeps nothing."""


def _pieces(source: Source, dialect: Dialect, encoding: str, feed: Feed, spare: list[bytearray]) -> Iterator[_Cut]:
    """The file's text in UTF-8, in pieces that end between two records as far as quotes tell (see _mark).

    A file in another encoding is decoded as it is read (see _Utf8Reader). A newline ends a record
    when it is not escaped and the quotes before it are balanced, counting only the quotes that no
    escape character makes literal; the doubled-quote convention keeps them balanced. When no
    newline balances the quotes, the piece ends at its last newline, and the mark tells whether
    that was right. Buffers put in ``spare`` are read into again once their bytes are fed.
    """
    utf8 = _is_utf8(encoding)
    if source.data is not None:
        feed(source.data, None)
        decoder = None if utf8 else codecs.getincrementaldecoder(encoding)()
        text = source.data if decoder is None else _decode(decoder, source.data, len(source.data), True, encoding)
        yield _Cut(_py_buffer(text), len(text), None, False, len(source.data))
        return
    quote, mark = dialect.quote_char.encode(), _mark(dialect)
    # An escape character that is the quote character too is not told apart from it.
    escape = dialect.escape_char.encode() if dialect.escape_char not in (None, dialect.quote_char) else None
    carry = b""
    line_end: bytes | None = None
    fed: dict[int, Future[None]] = {}
    # The bytes are fed (hashed) in a thread, in order, while pieces are parsed; a file in another
    # encoding is fed by its reader, as it is read.
    with source.path.open("rb") as handle, ThreadPoolExecutor(max_workers=1) as feeding:
        decoding = None if utf8 else _Utf8Reader(handle, encoding, feed)
        reader = decoding or handle
        feed_text = feed if decoding is None else _ignore
        read = 0  # bytes of the file in the pieces before: their text's, or those read for it when decoded
        while True:
            data = _buffer(spare, fed, len(carry) + PIECE_BYTES + len(mark))
            data[: len(carry)] = carry
            view = memoryview(data)
            size = len(carry) + reader.readinto(view[len(carry) : len(carry) + PIECE_BYTES])
            view.release()
            if size == len(carry):
                break
            line_end = line_end or _line_ending(data, size)
            cut = None
            if line_end is not None:
                cut = _record_end(data, quote, size, line_end, escape) or _line_end(data, size, line_end, escape)
            if cut is None:
                if size > MAX_RECORD_BYTES:
                    raise ValueError(f"a record is longer than {MAX_RECORD_BYTES >> 20} MB (no line end)")
                carry = bytes(data[:size])
                continue
            carry = bytes(data[cut:size])
            data[cut : cut + len(mark)] = mark
            fed[id(data)] = feeding.submit(feed_text, data, cut)
            taken = cut if decoding is None else decoding.consumed - read
            read += taken
            # No copy: Arrow reads the bytes in place.
            yield _Cut(_py_buffer(memoryview(data)[: cut + len(mark)]), cut, data, True, taken)
        rest = len(carry) if decoding is None else decoding.consumed - read
    if carry:
        feed_text(carry, None)
        yield _Cut(_py_buffer(carry), len(carry), None, False, rest)


DECODE_BYTES = 1 << 20  # a file in another encoding is decoded in chunks of this size


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, end: int, final: bool, encoding: str) -> bytes:
    """The text of ``chunk`` (the file's bytes up to ``end``) in UTF-8.

    A byte that does not decode is a ValueError that says where it is in the file, wherever the
    chunks end, a file that ends inside a character included.
    """
    try:
        return decoder.decode(chunk, final).encode()
    except UnicodeDecodeError as exc:
        at = end - len(exc.object) + exc.start  # the error's bytes are those the decoder kept, then the chunk
        raise ValueError(f"not valid {encoding} at byte {at}: {exc.reason}") from None


class _Utf8Reader:
    """A file in another encoding, read as UTF-8 text: decoded as it is read, whatever its size.

    ``feed`` sees the file's own bytes as they are read.
    """

    def __init__(self, handle: BinaryIO, encoding: str, feed: Feed) -> None:
        self.handle, self.feed, self.encoding = handle, feed, encoding
        # Incremental: a chunk may end inside a character, which the next one completes.
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.text = memoryview(b"")  # decoded, not yet read
        self.consumed = 0  # bytes of the file read
        self.ended = False

    def readinto(self, view: memoryview) -> int:
        """Fill ``view`` with the next bytes of text; fewer only at the end of the file."""
        filled = 0
        while filled < len(view):
            if not self.text:
                if self.ended:
                    break
                chunk = self.handle.read(min(len(view) - filled, DECODE_BYTES))
                self.feed(chunk, None)
                self.consumed += len(chunk)
                self.ended = not chunk
                self.text = memoryview(_decode(self.decoder, chunk, self.consumed, self.ended, self.encoding))
            taken = min(len(self.text), len(view) - filled)
            view[filled : filled + taken] = self.text[:taken]
            self.text = self.text[taken:]
            filled += taken
        return filled


def _buffer(spare: list[bytearray], fed: dict[int, Future[None]], size: int) -> bytearray:
    """A spare buffer of at least ``size`` bytes once its bytes are fed, or a new one."""
    while spare:
        buffer = spare.pop()
        fed.pop(id(buffer)).result()
        if len(buffer) >= size:
            return buffer
    return bytearray(size)


def _record_end(data: bytearray, quote: bytes, size: int, line_end: bytes, escape: bytes | None) -> int | None:
    """The position just after the last line end of ``data[:size]`` that is outside quotes, if any.

    ``data`` starts at a record's start, where no quote is open and no escape character pending.
    """
    quotes = _quotes(data, quote, escape, 0, size)
    end = size
    while (newline := data.rfind(line_end, 0, end)) >= 0:
        quotes -= _quotes(data, quote, escape, newline, end)
        if quotes % 2 == 0 and not _escaped(data, newline, escape):
            return newline + 1
        end = newline
    return None


def _line_ending(data: bytearray, size: int) -> bytes | None:
    """How lines end: LF (or CRLF), or CR alone in old Mac files; None while ``data[:size]`` cannot tell."""
    if data.find(b"\n", 0, size) >= 0:
        return b"\n"
    # A CR that ends the bytes read may be the first half of a CRLF.
    return b"\r" if data.find(b"\r", 0, size - 1) >= 0 else None


def _line_end(data: bytearray, size: int, line_end: bytes, escape: bytes | None) -> int | None:
    """The position just after the last line end of ``data[:size]`` that is not escaped, if any."""
    end = size
    while (newline := data.rfind(line_end, 0, end)) >= 0:
        if not _escaped(data, newline, escape):
            return newline + 1
        end = newline
    return None


def _quotes(data: bytearray, quote: bytes, escape: bytes | None, start: int, end: int) -> int:
    """The quotes in ``data[start:end]`` that no escape character makes literal.

    A quote is literal after an odd run of escape characters (each pair of them is one literal
    escape character): the quotes after a run of at least k are counted for each k in turn, added
    and taken off alternately. ``start`` is 0 or a line end, so no run starts before it.
    """
    count = data.count(quote, start, end)
    if escape is None:
        return count
    run, sign = escape + quote, -1
    while after := data.count(run, start, end):
        count += sign * after
        run, sign = escape + run, -sign
    return count


def _escaped(data: bytearray, at: int, escape: bytes | None) -> bool:
    """Whether the character at ``at`` follows an odd run of escape characters."""
    if escape is None:
        return False
    run, width = 0, len(escape)
    while at - (run + 1) * width >= 0 and data[at - (run + 1) * width : at - run * width] == escape:
        run += 1
    return run % 2 == 1


def _parse(
    data: Any, names: list[str], dialect: Dialect, missing: list[str], header: int, invalid: InvalidRows
) -> pa.Table:
    """A piece of UTF-8 text parsed as string columns; ``header`` rows skipped, rejected rows to ``invalid``."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # The piece is one block: no cell can straddle two, and a wide table is parsed faster and in
    # less memory than in blocks (the parser holds about 8 KB a column for each block).
    read = pacsv.ReadOptions(
        column_names=names, skip_rows=header, encoding="utf-8", use_threads=False, block_size=data.size + 1
    )
    parse = dialect.parse_options(invalid)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        check_utf8=False,  # checked whole by _parse_piece, or decoded from another encoding
        null_values=missing,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    return pacsv.read_csv(pa.BufferReader(data), read_options=read, parse_options=parse, convert_options=convert)
