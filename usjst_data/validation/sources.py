"""Tables that are not plain CSV files, turned into one to be checked like a file.

Compressed files (gzip, bz2, xz, zstd, zip) are decompressed, and JSON and JSON Lines tables, Parquet
files, xlsx sheets and inline ``data`` are written as CSV, into a scratch folder. Rows are arrays
(the first holds the labels) or objects (keyed by label); cells are written as the text a CSV cell
would hold (``lexical`` for Parquet's Arrow types). A CSV file with comment rows is copied with
them left empty. Sizes are bounded, so that a small hostile file cannot fill the memory or the disk.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import bz2
    import gzip
    import lzma

    from .reading import Dialect

COMPRESSIONS = {
    "gz": "gzip", "gzip": "gzip", "bz2": "bz2", "xz": "xz", "lzma": "xz", "zst": "zstd", "zstd": "zstd", "zip": "zip"
}  # fmt: skip
JSON_FORMATS = {"json", "jsonl", "ndjson"}
MAX_DECOMPRESSED = 4 << 30  # bytes: a decompression bomb stops here
MAX_JSON = 256 << 20  # bytes: a JSON table is read whole
_CHUNK = 8 << 20


class SourceError(ValueError):
    """A compressed file or a JSON table that cannot be read; the message says why."""


class _Reader(Protocol):
    def read(self, size: int, /) -> bytes: ...


def unreadable(kind: str) -> str | None:
    """Why a compression or format the validator knows cannot be read here, or None when it can."""
    if kind == "xlsx":
        import importlib.util

        missing = importlib.util.find_spec("openpyxl") is None
        return "in the xlsx format, read only with the xlsx extra: pip install 'usjst-data[xlsx]'" if missing else None
    if kind != "zstd":
        return None
    import pyarrow as pa  # zstd comes with pyarrow's codecs (no new dependency), when pyarrow was built with it

    return None if pa.Codec.is_available("zstd") else "zstd-compressed, and the installed pyarrow has no zstd codec"


def decompress(path: Path, how: str, inner: str | None, target: Path) -> None:
    """Write the decompressed bytes of ``path`` to ``target``; for a zip, its member ``inner`` or only file."""
    import lzma
    import zipfile

    if how == "zstd":
        _unzstd(path, target)
        return
    try:
        if how == "zip":
            with zipfile.ZipFile(path) as archive:
                files = [n for n in archive.namelist() if not n.endswith("/")]
                if inner is None and len(files) != 1:
                    raise SourceError(f"the zip file holds {len(files)} files; say which with innerpath")
                member = inner if inner is not None else files[0]
                if member not in files:
                    raise SourceError(f"the zip file has no {member!r}")
                with archive.open(member) as source:
                    _copy(source, target)
            return
        with _open(path, how) as stream:
            _copy(stream, target)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, NotImplementedError) as exc:
        raise SourceError(f"not a valid {how} file: {exc}") from None


def _unzstd(path: Path, target: Path) -> None:
    """Decompress a zstd file with pyarrow's codec (no new dependency); pyarrow is only imported here."""
    import pyarrow as pa

    try:
        with pa.input_stream(str(path), compression="zstd") as stream:
            _copy(stream, target)
    except (OSError, pa.ArrowException) as exc:
        raise SourceError(f"not a valid zstd file: {exc}") from None


def _open(path: Path, how: str) -> gzip.GzipFile | bz2.BZ2File | lzma.LZMAFile:
    """A reader of the decompressed bytes of ``path``; the caller closes it."""
    import bz2
    import gzip
    import lzma

    if how == "gzip":
        return gzip.GzipFile(path)
    if how == "bz2":
        return bz2.BZ2File(path)
    return lzma.LZMAFile(path)


def _copy(source: _Reader, target: Path, limit: int = MAX_DECOMPRESSED) -> int:
    """Copy ``source`` to ``target``, at most ``limit`` bytes; return the size."""
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise SourceError(f"larger than {MAX_DECOMPRESSED >> 30} GB once decompressed")
            out.write(chunk)
    return size


DESCRIPTORS = ("datapackage.json", "datapackage.yaml", "datapackage.yml")
MAX_MEMBERS = 100_000  # files in a zipped package


def extract_package(path: Path, folder: Path) -> Path | None:
    """Extract a zipped package into ``folder`` and return its descriptor; None when the zip holds no
    descriptor (at its root or in its one top folder), as then it is a zipped table.

    Only regular files with relative paths inside the archive are written (no ``..``, no absolute
    path, no symlink), at most ``MAX_MEMBERS`` of them and ``MAX_DECOMPRESSED`` bytes in all.
    """
    import stat
    import zipfile
    from pathlib import PurePosixPath

    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            names = {i.filename for i in infos}
            tops = {n.split("/", 1)[0] for n in names}
            roots = [""] + [f"{top}/" for top in tops if len(tops) == 1]
            found = next((root + d for root in roots for d in DESCRIPTORS if root + d in names), None)
            if found is None:
                return None
            if len(infos) > MAX_MEMBERS:
                raise SourceError(f"the zip file holds {len(infos)} files, more than {MAX_MEMBERS}")
            left = MAX_DECOMPRESSED
            for info in infos:
                member = PurePosixPath(info.filename)
                if member.is_absolute() or ".." in member.parts or "\\" in info.filename or ":" in member.parts[0]:
                    raise SourceError(f"the zip file's member {info.filename[:200]!r} would leave the package folder")
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise SourceError(f"the zip file's member {info.filename[:200]!r} is a symlink")
                target = folder.joinpath(*member.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source:
                    left -= _copy(source, target, left)
    except (OSError, EOFError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        raise SourceError(f"not a valid zip file: {str(exc)[:200]}") from None
    return folder.joinpath(*found.split("/"))


def json_table(path: Path, fmt: str, labels: list[str] | None, target: Path) -> list[tuple[int, str]]:
    """Write a JSON (array of rows) or JSON Lines (a row a line) table as CSV; return (row, reason) of bad rows."""
    if fmt == "json":
        if path.stat().st_size > MAX_JSON:
            raise SourceError(f"a JSON table larger than {MAX_JSON >> 20} MB is not read")
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise SourceError(f"not valid JSON: {str(exc)[:200]}") from None
        if not isinstance(data, list):
            raise SourceError("a JSON table must be an array of rows")
        write_rows(table_rows(data, labels), target)
        return []
    bad: list[tuple[int, str]] = []
    rows = list(itertools.islice(_lines(path, bad), 1))
    write_rows(table_rows(itertools.chain(rows, _lines(path, bad, skip=1)), labels), target)
    keyed = bool(rows) and isinstance(rows[0], dict)  # then the labels are a row before the first line
    return [(line + keyed, reason) for line, reason in dict.fromkeys(bad)]


def _lines(path: Path, bad: list[tuple[int, str]], skip: int = 0) -> Iterator[Any]:
    """The rows of a JSON Lines file after ``skip`` rows; a line that is not JSON is a blank row, noted in ``bad``."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                bad.append((number, f"line is not JSON: {str(exc)[:120]}"))
                row = []
            if skip:
                skip -= 1
            else:
                yield row


def table_rows(data: Iterable[Any], labels: list[str] | None) -> Iterator[list[Any]]:
    """CSV rows from rows that are arrays (the first holding the labels) or objects keyed by label.

    Objects are read with the schema's labels when given, else the first object's keys.
    """
    rows = iter(data)
    first = next(rows, None)
    if first is None:
        return
    if isinstance(first, dict):
        labels = labels or list(first)
        yield labels
        for row in itertools.chain([first], rows):
            if isinstance(row, dict):
                yield [row.get(label) for label in labels]
            else:
                yield row if isinstance(row, list) else [row]
        return
    if not isinstance(first, list):
        raise SourceError("rows must be arrays (the first holding the labels) or objects")
    yield first
    for row in rows:
        yield row if isinstance(row, list) else [row]


def write_rows(rows: Iterable[list[Any]], target: Path) -> None:
    """Write rows of JSON values as a UTF-8 CSV file."""
    with target.open("w", encoding="utf-8", newline="", errors="backslashreplace") as handle:
        csv.writer(handle, lineterminator="\n").writerows([cell(v) for v in row] for row in rows)


def cell(value: Any) -> str:
    """A JSON value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def parquet_table(path: Path, types: dict[str, str], target: Path) -> list[tuple[str, str]]:
    """Write a Parquet file as CSV, a record batch at a time; return (column, reason) of each column whose
    Arrow type cannot hold values of its field's type (``types``: field name to Table Schema type).

    Cells are then checked as text like a CSV file's, so constraints and keys need no second copy;
    ``lexical`` says how each Arrow type is written.
    """
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from .lexical import csv_rows

    try:
        source = pq.ParquetFile(path)
        wrong = [
            (f.name, f"a column of Arrow type {f.type} cannot hold {types[f.name]} values")
            for f in source.schema_arrow
            if f.name in types and not _holds(f.type, types[f.name])
        ]
        with target.open("wb") as out:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow(source.schema_arrow.names)
            out.write(header.getvalue().encode("utf-8", "backslashreplace"))
            for batch in source.iter_batches(batch_size=65536):
                out.write(csv_rows(batch))
    except (OSError, pa.ArrowException) as exc:
        raise SourceError(f"not a valid Parquet file: {str(exc)[:200]}") from None
    return wrong


def _holds(kind: Any, field_type: str) -> bool:
    """Whether an Arrow column of type ``kind`` can hold values of a Table Schema ``field_type``."""
    import pyarrow.types as t

    if t.is_null(kind) or field_type in ("any", ""):
        return True
    if t.is_dictionary(kind):
        return _holds(kind.value_type, field_type)
    text = t.is_string(kind) or t.is_large_string(kind)
    match field_type:
        case "integer" | "year":
            return bool(t.is_integer(kind))
        case "number":
            return bool(t.is_integer(kind) or t.is_floating(kind) or t.is_decimal(kind))
        case "boolean":
            return bool(t.is_boolean(kind))
        case "date":
            return bool(t.is_date(kind))
        case "datetime":
            return bool(t.is_timestamp(kind))
        case "time":
            return bool(t.is_time(kind))
        case "object" | "array" | "list" | "geojson" | "geopoint":
            return bool(text or t.is_struct(kind) or t.is_list(kind) or t.is_large_list(kind) or t.is_map(kind))
        case "string":
            return bool(text)
    return bool(text)  # yearmonth, duration and the rest are written as text


def xlsx_table(path: Path, sheet: str | int | None, types: dict[str, str], target: Path) -> None:
    """Write one sheet of a workbook (by name, by number from 1, or the first) as CSV.

    A date cell of a ``date`` field (``types``: label to type) is written as its date: Excel keeps
    dates as date-times. Empty rows at the end, left by formatting, are not rows of the table.
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:  # a workbook is a zip: bound what it unpacks to
            if sum(info.file_size for info in archive.infolist()) > MAX_DECOMPRESSED:
                raise SourceError(f"the workbook is larger than {MAX_DECOMPRESSED >> 30} GB once unzipped")
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            names = book.sheetnames
            if isinstance(sheet, int) and not 1 <= sheet <= len(names):
                raise SourceError(f"the workbook has {len(names)} sheets, not a sheet {sheet}")
            if isinstance(sheet, str) and sheet not in names:
                raise SourceError(f"the workbook has no sheet {sheet!r} (it has {', '.join(map(repr, names))})")
            chosen = names[sheet - 1] if isinstance(sheet, int) else sheet or names[0]
            write_rows(_sheet_rows(book[chosen].iter_rows(values_only=True), types), target)
        finally:
            book.close()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as exc:
        if isinstance(exc, SourceError):
            raise
        raise SourceError(f"not a valid xlsx file: {str(exc)[:200]}") from None


def ods_table(path: Path, sheet: str | int | None, types: dict[str, str], target: Path) -> None:
    """Write one sheet of an OpenDocument spreadsheet as CSV, as ``xlsx_table`` does a workbook's."""
    from .ods import sheet_rows

    try:
        write_rows(_sheet_rows(sheet_rows(path, sheet, MAX_DECOMPRESSED), types), target)
    except (OSError, ValueError) as exc:
        raise SourceError(f"not a valid ods file: {str(exc)[:200]}") from None


def _sheet_rows(rows: Iterator[tuple[Any, ...]], types: dict[str, str]) -> Iterator[list[Any]]:
    """The rows of a sheet as JSON-like values, without the empty rows at its end."""
    header: list[Any] | None = None
    dates: list[bool] = []
    empty = 0  # empty rows seen since the last row with a value, written only if one follows
    for row in rows:
        if not any(v is not None and v != "" for v in row):
            empty += 1
            continue
        cells = list(row)
        if header is None:
            header = cells
            dates = [types.get(str(label)) == "date" for label in header]
        while len(cells) > len(header) and cells[-1] is None:  # cells the sheet's width pads a row with
            cells.pop()
        cells += [None] * (len(header) - len(cells))  # a sheet has no ragged rows: its last cells are empty
        yield from [[] for _ in range(empty)]
        empty = 0
        yield [_sheet_value(v, i < len(dates) and dates[i]) for i, v in enumerate(cells)]


def _sheet_value(value: Any, date: bool) -> Any:
    if isinstance(value, datetime.datetime) and date and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def uncomment(
    path: Path, target: Path, prefix: bytes | None, rows: frozenset[int], dialect: Dialect | None = None
) -> frozenset[int]:
    """Copy ``path`` to ``target`` with its comment rows (starting with ``prefix``, or numbered in ``rows``)
    left empty, so that every other row keeps its number; return the numbers of the comment rows.

    A row is a record as the CSV parser reads it with ``dialect``'s quoting (the defaults when None):
    a quoted cell may hold line ends, and a line inside it is data whatever it starts with. Rows are
    numbered as the validator numbers them, from 1 with the header, a blank line being a row too: the
    spec numbers ``commentRows`` and ``headerRows`` alike, in rows, and frictionless-py counts the
    records of Python's csv reader. A comment row is written as its line end alone, one empty row
    even when it spans lines. The file is read a chunk at a time: memory stays bounded.
    """
    from .reading import Dialect

    records = _Records(prefix, rows, dialect or Dialect())
    with path.open("rb") as source, target.open("wb") as out:
        carry = b""
        while True:
            chunk = source.read(_CHUNK)
            data = carry + chunk if carry else chunk
            done = records.feed(data, not chunk, out.write)
            if not chunk:
                break
            carry = data[done:]
    return frozenset(records.comments)


_START, _FIELD, _QUOTED = range(3)  # at a record's start, in a cell outside quotes, inside quotes
_BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(rb"\r\n?|\n")
_WINDOW = 1 << 20  # bytes of records matched at once: counting them makes a list of an entry a record


def _line_ends(data: bytes, start: int, stop: int) -> int:
    """How many line ends (LF, CRLF or CR) ``data[start:stop]`` holds."""
    return data.count(b"\n", start, stop) + data.count(b"\r", start, stop) - data.count(b"\r\n", start, stop)


class _Records:
    """The records of a delimited file, fed its bytes a chunk at a time, written with comment rows left empty.

    Quotes are read the way Arrow's CSV parser (the validator's) reads them: a quote opens a quoted
    part only at the start of a cell; inside it, a doubled quote is a quote (``doubleQuote``) and the
    escape character takes the next byte, a line end included; the closing quote leaves the rest of
    the cell unquoted. Line ends are LF, CRLF or CR; a UTF-8 byte-order mark is skipped. The dialect's
    characters are ASCII (the parser takes no other): single bytes in ASCII-compatible encodings.

    Records are not read one by one in Python: lines without quotes or escapes are counted by
    ``bytes.count``, and runs of records with quotes matched by one regular expression. Only comment
    rows, the first record and a record cut by the end of the chunk are read event by event.
    """

    def __init__(self, prefix: bytes | None, rows: frozenset[int], dialect: Dialect) -> None:
        self.quote, self.prefix = dialect.quote_char.encode(), prefix
        self.escape = dialect.escape_char.encode() if dialect.escape_char else None
        quote, delimiter = re.escape(self.quote), re.escape(dialect.delimiter.encode())
        escape = re.escape(self.escape) if self.escape else b""
        escaped = [escape + b"."] if self.escape else []
        doubled = [quote + quote] if dialect.double_quote else []
        # Loops unrolled (plain bytes, then an escape or a doubled quote and plain bytes again, ...):
        # Python's regular expression engine is several times faster so than with an alternative a byte.
        inside = _unrolled(b"[^" + quote + escape + b"]*+", [*doubled, *escaped])
        outside = _unrolled(b"[^" + delimiter + escape + b"\r\n]*+", escaped)
        cell = b"(?:" + quote + inside + quote + b"|(?!" + quote + b"))" + outside
        record = cell + b"(?:" + delimiter + cell + b")*+(?:\r\n?|\n)"
        not_comment = b"(?!" + re.escape(prefix) + b")" if prefix else b""
        self.run = re.compile(b"(?:" + not_comment + record + b")*+", re.S)  # whole records, none a comment
        self.record = re.compile(record + b"()", re.S)  # found as an empty group: counted without a copy
        named = [b"(?P<escaped>" + escaped[0] + b")"] if escaped else []
        opening = b"(?P<open>" + delimiter + b")(?=" + quote + b")"
        self.outside = re.compile(b"|".join([*named, opening, rb"(?P<end>\r\n?|\n)"]), re.S)
        doubled = [b"(?P<doubled>" + doubled[0] + b")"] if doubled else []
        self.inside = re.compile(b"|".join([*named, *doubled, b"(?P<close>" + quote + b")"]), re.S)
        self.leads = [end + prefix for end in (b"\n", b"\r")] if prefix else []
        self.hold = 3 + len(prefix or b"")  # bytes after an event that tell it: kept for the next chunk
        self.rows, self.ahead = rows, sorted(rows, reverse=True)  # comment rows; those not reached, last first
        self.number = 0  # records begun
        self.state = _START
        self.comment = False  # whether the current record is a comment
        self.comments: list[int] = []
        self.written = 0  # where the bytes of the chunk not yet written start
        self.special = -1  # where the chunk's next quote or escape character is, once looked for

    def feed(self, data: bytes, final: bool, write: Callable[[bytes], object]) -> int:
        """Read ``data`` (what the last call left, then the next chunk), writing it with its comment
        rows left empty; return how many bytes were read, the rest to be given again (all when ``final``)."""
        limit = len(data) if final else len(data) - self.hold  # an event starting before it is told
        pos = self.written = 0
        self.special = -1
        while pos < limit:
            if self.state == _START:
                start = pos
                if self.number and self.number + 1 not in self.rows and not self._comment(data, pos):
                    pos = self._lines(data, pos, limit)
                    pos = self._run(data, pos, limit) if pos == start else pos
                if pos == start:
                    pos = self._begin(data, pos, write)
                continue
            pattern = self.inside if self.state == _QUOTED else self.outside
            found = pattern.search(data, pos)
            if found is None or found.start() >= limit:
                pos = limit
                break
            pos = found.end()
            if found.lastgroup == "open":
                self.state = _QUOTED
                pos += len(self.quote)
            elif found.lastgroup == "close":
                self.state = _FIELD
            elif found.lastgroup == "end":
                if self.comment:
                    write(found.group())  # a comment row keeps its line end: an empty row
                    self.written = pos
                    self.comment = False
                self.state = _START
        if not self.comment:
            write(data[self.written : pos])
        return pos

    def _comment(self, data: bytes, pos: int) -> bool:
        """Whether the record starting at ``pos`` starts with the comment prefix.

        The spec: "rows ... omitted from the data based on the row's first characters", the row as
        written. frictionless-py tests its first cell once unquoted, and so takes ``"#1",x`` for a
        comment too; here, as the spec says, it is a row of data starting with a quote.
        """
        return bool(self.prefix and data.startswith(self.prefix, pos))

    def _begin(self, data: bytes, pos: int, write: Callable[[bytes], object]) -> int:
        """Begin the record at ``pos``, to be read event by event; return where reading goes on."""
        self.number += 1
        start = pos + len(_BOM) if self.number == 1 and data.startswith(_BOM) else pos  # the parser skips it
        self.comment = self.number in self.rows or self._comment(data, start)
        if self.comment:
            write(data[self.written : start])
            self.written = start
            self.comments.append(self.number)
        while self.ahead and self.ahead[-1] <= self.number:
            self.ahead.pop()
        quoted = data.startswith(self.quote, start)
        self.state = _QUOTED if quoted else _FIELD
        return start + len(self.quote) if quoted else start

    def _lines(self, data: bytes, pos: int, limit: int) -> int:
        """Past the records from ``pos`` that are lines without a quote or escape character, up to one
        that may be a comment or go past ``limit``; where the next record starts."""
        if self.special < pos:
            places = [data.find(c, pos, limit) for c in (self.quote, self.escape) if c is not None]
            self.special = min((f for f in places if f >= 0), default=limit)
        bound, end = self.special, -1
        for lead in self.leads:  # a line end before the bound, then a comment
            found = data.find(lead, pos, bound - 1 + len(lead))
            if found >= 0:
                bound = found
                end = found + 1
        if end < 0:  # no comment: up to the record the bound is in
            end = max(data.rfind(b"\n", pos, bound), data.rfind(b"\r", pos, bound)) + 1
            if end <= pos:
                return pos
            if data.startswith(b"\r\n", end - 1):  # a CRLF the bound cut
                end += 1
        count = _line_ends(data, pos, end)
        if self.ahead and self.ahead[-1] - self.number - 1 <= count:  # a numbered comment row among them
            count = self.ahead[-1] - self.number - 1
            end = next(itertools.islice(_LINE_END.finditer(data, pos, end), count - 1, None)).end()
        self.number += count
        return end

    def _run(self, data: bytes, pos: int, limit: int) -> int:
        """Past the whole records from ``pos`` (up to a comment, and within ``_WINDOW`` and ``limit``);
        where the next record starts."""
        stop = min(limit, pos + _WINDOW)
        matched = self.run.match(data, pos, stop)  # always, if only nothing
        end = matched.end() if matched is not None else pos
        if end == stop < len(data) and data.startswith(b"\r\n", end - 1):  # a CRLF the stop cut
            end += 1
        if end == pos:
            return pos
        count = len(self.record.findall(data, pos, end))
        if self.ahead and self.ahead[-1] - self.number - 1 <= count:  # a numbered comment row among them
            count = self.ahead[-1] - self.number - 1
            end = next(itertools.islice(self.record.finditer(data, pos, end), count - 1, None)).end()
        self.number += count
        return end


def _unrolled(plain: bytes, specials: list[bytes]) -> bytes:
    """A pattern of ``plain`` bytes and ``specials`` in any order, as ``plain (special plain)*``."""
    return plain + b"(?:(?:" + b"|".join(specials) + b")" + plain + b")*+" if specials else plain
