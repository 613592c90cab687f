"""Tables that are not plain CSV files, turned into one to be checked like a file.

Compressed files (gzip, bz2, xz, zstd, zip) are decompressed, and JSON and JSON Lines tables, Parquet
files, xlsx sheets and inline ``data`` are written as CSV, into a scratch folder. Rows are arrays
(the first holds the labels) or objects (keyed by label); cells are written as the text a CSV cell
would hold. Sizes are bounded, so that a small hostile file cannot fill the memory or the disk.
"""

from __future__ import annotations

import base64
import csv
import datetime
import itertools
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import bz2
    import gzip
    import lzma

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
    """Write a Parquet file as CSV, a row group at a time; return (column, reason) of each column whose
    Arrow type cannot hold values of its field's type (``types``: field name to Table Schema type).

    Cells are then checked as text like a CSV file's, so constraints and keys need no second copy.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
        wrong = [
            (f.name, f"a column of Arrow type {f.type} cannot hold {types[f.name]} values")
            for f in source.schema_arrow
            if f.name in types and not _holds(f.type, types[f.name])
        ]
        with target.open("w", encoding="utf-8", newline="", errors="backslashreplace") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(source.schema_arrow.names)
            for batch in source.iter_batches(batch_size=65536):
                columns = [[_text(v) for v in column.to_pylist()] for column in batch.columns]
                out.writerows(zip(*columns, strict=True))
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


def _text(value: Any) -> str:
    """An Arrow value (as Python) as the text a CSV cell would hold for it."""
    if isinstance(value, float) and not math.isfinite(value):  # the spec's spellings, not Python's
        return "NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return cell(value)


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


def uncomment(path: Path, target: Path, prefix: bytes | None, rows: frozenset[int]) -> frozenset[int]:
    """Copy ``path`` to ``target`` with its comment lines (starting with ``prefix``, or numbered in ``rows``)
    left empty, so that every other row keeps its number; return the numbers of the comment lines."""
    comments = set()
    with path.open("rb") as source, target.open("wb") as out:
        for number, line in enumerate(source, 1):
            if number in rows or (prefix and line.startswith(prefix)):
                comments.add(number)
                out.write(line[len(line.rstrip(b"\r\n")) :])  # its line end only
            else:
                out.write(line)
    return frozenset(comments)
