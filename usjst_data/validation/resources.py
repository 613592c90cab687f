"""The resources of a package: each one's files, format and integrity, its table checked file by file.

A file in another format (compressed, JSON, Parquet, xlsx) or with comment rows is first written
as UTF-8 CSV to a scratch folder; inline ``data`` too. Then every table is checked as CSV (``table``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from .batches import Progress
from .descriptor import Resource
from .integrity import Integrity, resource_files, safe_path
from .keys import key_columns
from .reading import Dialect, DialectError
from .report import Problem, Report, printable
from .rows import Rows
from .sources import COMPRESSIONS, JSON_FORMATS, unreadable
from .table import check_table, parsed_dialect


def validate_resources(
    resources: list[Resource], base: Path, report: Report, progress: Progress | None, ours: bool
) -> dict[str, Rows]:
    """Check each resource in turn until the report is full; return the tables read, by name, for the keys."""
    tables: dict[str, Rows] = {}
    needed = key_columns(resources)
    for resource in resources:
        if report.full:
            break
        keep = None if ours else needed.get(resource.name, set())
        try:
            table = _validate_resource(resource, base, report, progress, keep)
        except OSError as exc:  # deleted, made unreadable or cut short while it was read
            message = f"cannot read the file: {exc.strerror or exc}"
            report.add(Problem("io-error", message, resource=resource.name, file=printable(str(exc.filename or ""))))
            continue
        if table is not None:
            tables[resource.name] = table
            report.tables[resource.name] = table.num_rows
    return tables


# Formats read as delimited text; the others a table may come in, which are reported as not read.
TEXT_FORMATS = {"csv", "tsv", "txt", ""}


OTHER_TABLE_FORMATS = {
    "xls", "html", "htm", "xml", "sqlite", "arrow", "feather", "avro", "orc", "sav", "dta",
    "gsheets",
}  # fmt: skip


READ_FORMATS = {"parquet", "xlsx", "ods"}  # read into CSV first, like JSON tables


COMPRESSED = {"gz", "gzip", "zip", "bz2", "xz", "lzma", "zst", "zstd", "tgz", "tar", "7z"}


def _format(spec: dict[str, Any], relative: str) -> tuple[str, str | None]:
    """The format of the table in the file (declared, or the path's extension) and, if it is compressed, how."""
    path = Path(relative)
    suffix = path.suffix.lower().lstrip(".")
    compression = spec.get("compression")
    if isinstance(compression, str) and compression.lower() not in ("", "no"):
        how: str | None = compression.lower()
    else:
        how = suffix if suffix in COMPRESSED else None
    if suffix in COMPRESSED:
        suffix = path.with_suffix("").suffix.lower().lstrip(".")
    declared = spec.get("format")
    fmt = declared.lower() if isinstance(declared, str) else suffix
    return ("csv" if fmt in COMPRESSED else fmt), how


def _validate_resource(
    resource: Resource, base: Path, report: Report, progress: Progress | None, keep: set[str] | None
) -> Rows | None:
    name, spec = resource.name, resource.spec
    relative = spec.get("path")
    if relative is None:
        return _validate_inline(resource, report, progress, keep) if "data" in spec else None
    files = resource_files(relative if isinstance(relative, list) else [relative], name, base, report)
    if files is None:
        return None
    parquet = spec.get("parquet")
    if isinstance(parquet, dict) and "path" in parquet:
        extra = safe_path(parquet["path"], base)
        if extra is None or not extra.is_file():
            report.add(Problem("missing-file", "Parquet copy does not exist", resource=name, file=str(parquet["path"])))
        else:
            report.extend(Integrity(parquet, name, str(parquet["path"]), text=False).read([extra]).result())
    # Data split over several files is their concatenation: one size and hash, rows in file order.
    shown = " + ".join(part for part, _ in files)
    schema = resource.schema
    parts: list[Rows] = []
    fmt, compression = _format(spec, files[0][0])
    tabular = fmt in TEXT_FORMATS | JSON_FORMATS | READ_FORMATS or spec.get("type") == "table" or schema is not None
    # NUL bytes are looked for in text of encodings where a NUL byte is a NUL character.
    wide = str(spec.get("encoding", "")).lower().replace("_", "-").startswith(("utf-16", "utf-32"))
    text = tabular and compression is None and fmt in TEXT_FORMATS and not wide
    integrity = Integrity(spec, name, shown, text=text)
    unread = f"{compression}-compressed" if compression and compression not in COMPRESSIONS else None
    unread = unread or (unreadable(COMPRESSIONS[compression]) if compression else None) or unreadable(fmt)
    unread = unread or (f"in the {fmt} format" if fmt in OTHER_TABLE_FORMATS else None)
    if resource.schema_broken:
        pass
    elif unread:
        message = f"the file is {unread}, which this validator does not read: its rows were not checked"
        report.add(Problem("unsupported-format", message, resource=name, file=shown))
    elif tabular:
        parts = _check_parts(resource, files, fmt, compression, report, progress, keep, integrity) or []
    if integrity.size != sum(full.stat().st_size for _, full in files):  # not every byte was read
        integrity = Integrity(spec, name, shown, text=text).read([full for _, full in files])
    report.extend(integrity.result())
    return Rows.joined(parts) if parts and len(parts) == len(files) else None


def _check_parts(
    resource: Resource,
    files: list[tuple[str, Path]],
    fmt: str,
    compression: str | None,
    report: Report,
    progress: Progress | None,
    keep: set[str] | None,
    integrity: Integrity,
) -> list[Rows] | None:
    """Check each file of a table in turn; compressed, JSON and Parquet files are first made CSV in a scratch folder."""
    import tempfile

    from .sources import SourceError, decompress

    spec, name, parts = resource.spec, resource.name, []
    given = spec.get("dialect")
    dialect: dict[str, Any] = given if isinstance(given, dict) else {}
    comments = bool(dialect.get("commentChar") or dialect.get("commentRows"))
    converted_formats = JSON_FORMATS | READ_FORMATS  # read as UTF-8 CSV once converted
    made = compression is not None or fmt in converted_formats or comments
    # A scratch folder only for a file that is made CSV first: a package of many files pays nothing.
    with tempfile.TemporaryDirectory(prefix="usjst-") if made else contextlib.nullcontext("") as scratch:
        for part, full in files:
            readable = full
            where: dict[str, Any] = {"resource": name, "file": part}
            try:
                if compression is not None:
                    readable = Path(scratch) / "decompressed"
                    inner = spec.get("innerpath") if isinstance(spec.get("innerpath"), str) else None
                    decompress(full, COMPRESSIONS[compression], inner, readable)
                if fmt in converted_formats:
                    converted = Path(scratch) / "table.csv"
                    report.extend(_as_csv(readable, fmt, resource, dialect, converted, where))
                    readable = converted
            except SourceError as exc:
                report.add(Problem("source-error", str(exc), **where))
                return None
            silent: frozenset[int] = frozenset()
            if comments and fmt not in converted_formats:
                readable, silent = _uncommented(readable, Path(scratch), spec, dialect)
            table_spec = spec
            if readable is not full:  # written as UTF-8 CSV: the descriptor's encoding and dialect were the source's
                keys = ("encoding", "dialect") if fmt in converted_formats else ()
                table_spec = {k: v for k, v in spec.items() if k not in keys}
            # The parser's reads feed the hash, so that each file is read once.
            feed = integrity.feed if readable is full else None
            table = check_table(readable, table_spec, resource.schema, name, part, report, progress, keep, feed, silent)
            if table is None:
                return None  # what stops one file (a schema problem, a full report) stops the rest
            parts.append(table)
    return parts


def _uncommented(
    path: Path, scratch: Path, spec: dict[str, Any], dialect: dict[str, Any]
) -> tuple[Path, frozenset[int]]:
    """A copy of the file with its comment rows (``commentChar``, ``commentRows``) left empty, and their numbers."""
    from .sources import uncomment

    char = dialect.get("commentChar")
    prefix = char.encode(str(spec.get("encoding", "utf-8")), "replace") if isinstance(char, str) else None
    rows = frozenset(r for r in dialect.get("commentRows") or [] if isinstance(r, int))
    try:  # how cells are quoted, for rows to be records
        quoting: Dialect | None = parsed_dialect(spec)
    except DialectError:
        quoting = None  # reported when the table is checked, which then stops
    target = scratch / "uncommented"
    return target, uncomment(path, target, prefix, rows, quoting)


def _as_csv(
    path: Path, fmt: str, resource: Resource, dialect: dict[str, Any], target: Path, where: dict[str, Any]
) -> list[Problem]:
    """Write a JSON, Parquet or spreadsheet table as UTF-8 CSV; the problems found on the way.

    SourceError when the file cannot be read as its format.
    """
    from .sources import json_table, ods_table, parquet_table, xlsx_table

    fields = resource.schema["fields"] if resource.schema is not None else []
    types = {str(f.get("name")): str(f.get("type", "string")) for f in fields if isinstance(f, dict)}
    if fmt in JSON_FORMATS:
        found = json_table(path, fmt, resource.field_names, target)
        return [Problem("json-error", reason, row=row, **where) for row, reason in found]
    if fmt == "parquet":
        return [Problem("type-error", reason, field=f, **where) for f, reason in parquet_table(path, types, target)]
    sheet = dialect.get("sheetName") or dialect.get("sheetNumber")
    read_sheet = xlsx_table if fmt == "xlsx" else ods_table
    read_sheet(path, sheet if isinstance(sheet, str | int) else None, types, target)
    return []


INLINE = "(inline data)"


def _validate_inline(
    resource: Resource, report: Report, progress: Progress | None, keep: set[str] | None
) -> Rows | None:
    """Inline ``data`` rows, checked like a file: they are written as CSV to a scratch file first.

    Data that is not an array is no table, and is only checked when a schema says it should be one.
    """
    import tempfile

    from .sources import SourceError, table_rows, write_rows

    data, name = resource.spec["data"], resource.name
    if resource.schema_broken or data == []:
        return None
    if not isinstance(data, list):
        if resource.schema is not None:
            report.add(Problem("source-error", "inline data of a table must be an array of rows", resource=name))
        return None
    with tempfile.TemporaryDirectory(prefix="usjst-inline-") as folder:
        path = Path(folder) / "data.csv"
        try:
            write_rows(table_rows(data, resource.field_names), path)
        except SourceError as exc:
            report.add(Problem("source-error", f"inline data: {exc}", resource=name))
            return None
        spec = {k: v for k, v in resource.spec.items() if k not in ("dialect", "encoding")}
        return check_table(path, spec, resource.schema, name, INLINE, report, progress, keep)
