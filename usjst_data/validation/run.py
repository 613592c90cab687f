"""Validation of a data package: descriptor, files, tables, keys, and for ours the domain rules.

Steps 1–3 work for any Data Package (v2, and v1 descriptors); a package named ``usjst-data``
also gets the domain rules of the models (step 4). Bad input never raises: it becomes problems.
This module reads the resources and drives the checks (the package's docstring maps the others).
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import csv
import functools
import json
import re
import sys
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import meta
from ..errors import PackageError, SeedError
from .cells import ColumnResult, FieldSpec, Rows, check_cells, field_problems
from .descriptor import FIELDS_MATCH, JsonError, Resource, profile_problems, read_json, read_yaml
from .integrity import CHUNK_BYTES, URL, Integrity, regular_file, resource_files, safe_path
from .keys import as_list, key_columns, key_definition_problems, key_problems
from .reading import Dialect, DialectError, Feed, Piece, Source, Unparsable, cpu_count, read_header, read_pieces
from .report import DEFAULT_PER_KIND, Problem, Report, printable, shorten
from .sources import COMPRESSIONS, JSON_FORMATS, unreadable

Progress = Callable[[str, int, int], None]  # (resource name, bytes done, bytes total)


def default_package() -> Path:
    """The descriptor shipped inside the installed package."""
    return meta.data_root() / "datapackage.json"


def locate(path: Path | str | None) -> Path:
    """What ``path`` names to validate: a descriptor (package or resource, JSON or YAML), a folder
    holding a datapackage.json or .yaml, a seeds folder, or a table file on its own."""
    if path is None:
        shipped = default_package()
        if not shipped.is_file():
            raise PackageError(f"the installed package has no data at {shipped}; run `usjst build` in a checkout")
        return shipped
    target = Path(path)
    if URL.match(str(path)) and not target.exists():
        raise PackageError(f"{path}: remote packages are not read, by design; download it and give its local path")
    if target.is_dir():
        for name in ("datapackage.json", "datapackage.yaml", "datapackage.yml"):
            if (target / name).is_file():
                return target / name
        if any(target.glob("*.yaml")):
            return target
        raise PackageError(f"{path}: no datapackage.json found (give a descriptor or a folder holding one)")
    if not target.is_file():
        raise PackageError(f"{path}: no such file; give a datapackage.json, a folder holding one, or a table file")
    return target


@dataclass
class Options:
    """How much to report and what to show while validating."""

    max_per_kind: int | None = DEFAULT_PER_KIND
    limit_errors: int | None = None
    pick: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    progress: Progress | None = None
    schema: Path | str | None = None  # a Table Schema for a table file given on its own


_PR_SET_THP_DISABLE = 41  # from <linux/prctl.h>


class _Refuse:
    """A meta-path finder that makes importing the modules it names fail."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"{name} is not needed to validate", name=name)


def lean_process() -> None:
    """Tune the ``usjst validate`` process, which only validates and then exits; never a library call.

    - numpy and pandas are kept out: pyarrow imports numpy when it is installed, and pandas on its
      first conversion of a Python value; validation uses neither, while their imports would be a
      large share of a short run. Nothing changes when either is already imported.
    - The cyclic garbage collector is off: the domain rules build many records that hold no cycles,
      and collecting while they are built scans them again and again (a third of the time).
    - On Linux, transparent huge pages are given up (children inherit this).
    """
    import gc

    gc.disable()
    refused = ("numpy", "pandas")
    if not any(name in sys.modules for name in refused):
        sys.meta_path.insert(0, _Refuse(refused))
    if sys.platform == "linux":
        # Transparent huge pages make each fresh allocation zero 2 MB; validation frees and asks
        # again for a piece's memory at a time, so plain pages cost the kernel far less.
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)


def validate(path: Path | str | None = None, options: Options | None = None) -> Report:
    """Validate a data package (or a seeds folder) and return a report of every problem found."""
    options = options or Options()
    target = locate(path)
    report = Report(
        target=str(target),
        max_per_kind=options.max_per_kind,
        limit_errors=options.limit_errors,
        pick=options.pick,
        skip=options.skip,
    )
    if target.is_dir():
        _validate_seeds(target, report)
        return report
    if target.suffix.lower() == ".zip":
        zipped = _validate_zipped(target, options, report)
        if zipped is not None:
            return zipped
    try:
        if target.suffix.lower() in DESCRIPTOR_SUFFIXES:
            descriptor = _read_descriptor(target)
        else:  # a table file on its own, with the schema given beside it, if any
            schema = _read_descriptor(Path(options.schema)) if options.schema is not None else None
            descriptor = {"resources": [_table_resource(target, schema)]}
    except JsonError as exc:
        report.add(Problem(exc.code, str(exc), file=exc.file))
        return report
    if (
        isinstance(descriptor, dict)
        and "resources" not in descriptor
        and ("path" in descriptor or "data" in descriptor)
    ):
        descriptor = {"resources": [descriptor]}  # a single resource descriptor
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        report.extend(profile_problems(descriptor, target.name))
        if not report.problems:  # the profile accepts a package without resources only in v1 terms
            report.add(Problem("descriptor-error", "a data package needs a resources array", file=target.name))
        return report
    ours = descriptor.get("name") == meta.NAME
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The profile check is Python work: it runs while the tables are parsed, which frees the GIL.
        profile = pool.submit(lambda: list(profile_problems(descriptor, target.name)))
        resources = _resources(descriptor["resources"], target.parent, report)
        report.extend(key_definition_problems(resources))
        tables = _validate_resources(resources, target.parent, report, options.progress, ours)
        report.extend(profile.result())
    if not report.full:
        key_problems(resources, tables, report)
    if ours and not report.full:
        from ..domain import domain_problems

        report.extend(domain_problems(tables, {r.name for r in resources}))
    return report


def _resources(specs: list[Any], base: Path, report: Report) -> list[Resource]:
    """The descriptor's resources with their schemas; a repeated name is a problem (keys need one table per name)."""
    resources: list[Resource] = []
    seen: set[str] = set()
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            continue  # the profile check reports it
        name = str(spec.get("name", f"resource-{index}"))
        pointer = f"/resources/{index}"
        if name in seen:
            message = f"another resource is already named {shorten(name)!r}; names must be unique"
            report.add(Problem("descriptor-error", message, resource=name, field=pointer + "/name"))
            continue
        seen.add(name)
        read = dict(spec)
        if isinstance(spec.get("dialect"), str):  # a dialect given by path: read it once, here
            dialect = _referenced(spec["dialect"], "dialect", base, name, report)
            read["dialect"] = spec["dialect"] if dialect is None else dialect
        resources.append(Resource(name, read, _schema(spec.get("schema"), base, name, report), pointer))
    return resources


DESCRIPTOR_SUFFIXES = (".json", ".yaml", ".yml")


def _read_descriptor(path: Path) -> Any:
    """A descriptor or schema in JSON or YAML; JsonError (with its code and file) when it is neither."""
    yaml = path.suffix.lower() in (".yaml", ".yml")
    try:
        return read_yaml(path) if yaml else read_json(path)
    except JsonError as exc:
        language = "YAML" if yaml else "JSON"
        raise JsonError(f"not valid {language}: {exc}", code=f"{language.lower()}-error", file=path.name) from None


def _validate_zipped(target: Path, options: Options, report: Report) -> Report | None:
    """A zipped package, extracted (safely, with bounded sizes) to a scratch folder and validated there;
    None when the zip holds no descriptor, as then it is a zipped table."""
    import tempfile

    from .sources import SourceError, extract_package

    with tempfile.TemporaryDirectory(prefix="usjst-package-") as folder:
        try:
            descriptor = extract_package(target, Path(folder))
        except SourceError as exc:
            report.add(Problem("source-error", str(exc), file=target.name))
            return report
        if descriptor is None:
            return None
        inner = validate(descriptor, options)
    inner.target = str(target)
    return inner


def _table_resource(path: Path, schema: Any) -> dict[str, Any]:
    """The resource of a table file given on its own: named after the file, with the schema if any."""
    name = re.sub(r"[^a-z0-9._-]+", "-", path.name.partition(".")[0].lower()).strip("-") or "table"
    return {"name": name, "path": path.name, **({"schema": schema} if schema is not None else {})}


def _validate_seeds(folder: Path, report: Report) -> None:
    from ..rules import check
    from ..seeds import read_seeds

    try:
        data = read_seeds(folder)
    except SeedError as exc:
        report.extend(exc.problems)
        return
    report.tables.update({name: len(rows) for name, rows in data.tables.items()})
    report.extend(check(data))


def _validate_resources(
    resources: list[Resource], base: Path, report: Report, progress: Progress | None, ours: bool
) -> dict[str, Rows]:
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
    "xls", "ods", "html", "htm", "xml", "sqlite", "arrow", "feather", "avro", "orc", "sav", "dta",
    "gsheets",
}  # fmt: skip
READ_FORMATS = {"parquet", "xlsx"}  # read into CSV first, like JSON tables
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

    from .sources import SourceError, decompress, json_table, parquet_table, uncomment, xlsx_table

    spec, name, parts = resource.spec, resource.name, []
    given = spec.get("dialect")
    dialect: dict[str, Any] = given if isinstance(given, dict) else {}
    comments = bool(dialect.get("commentChar") or dialect.get("commentRows"))
    converted_formats = JSON_FORMATS | READ_FORMATS  # read as UTF-8 CSV once converted
    fields = resource.schema["fields"] if resource.schema is not None else []
    types = {str(f.get("name")): str(f.get("type", "string")) for f in fields if isinstance(f, dict)}
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
                if fmt in JSON_FORMATS:
                    converted = Path(scratch) / "table.csv"
                    for row, reason in json_table(readable, fmt, resource.field_names, converted):
                        report.add(Problem("json-error", reason, row=row, **where))
                    readable = converted
                elif fmt == "parquet":
                    converted = Path(scratch) / "table.csv"
                    for field, reason in parquet_table(readable, types, converted):
                        report.add(Problem("type-error", reason, field=field, **where))
                    readable = converted
                elif fmt == "xlsx":
                    converted = Path(scratch) / "table.csv"
                    sheet = dialect.get("sheetName") or dialect.get("sheetNumber")
                    xlsx_table(readable, sheet if isinstance(sheet, str | int) else None, types, converted)
                    readable = converted
            except SourceError as exc:
                report.add(Problem("source-error", str(exc), **where))
                return None
            silent: frozenset[int] = frozenset()
            if comments and fmt not in converted_formats:
                uncommented = Path(scratch) / "uncommented"
                char = dialect.get("commentChar")
                prefix = char.encode(str(spec.get("encoding", "utf-8")), "replace") if isinstance(char, str) else None
                rows = frozenset(r for r in dialect.get("commentRows") or [] if isinstance(r, int))
                silent = uncomment(readable, uncommented, prefix, rows)
                readable = uncommented
            table_spec = spec
            if readable is not full:  # written as UTF-8 CSV: the descriptor's encoding and dialect were the source's
                keys = ("encoding", "dialect") if fmt in converted_formats else ()
                table_spec = {k: v for k, v in spec.items() if k not in keys}
            # The parser's reads feed the hash, so that each file is read once.
            feed = integrity.feed if readable is full else None
            table = _check_table(
                readable, table_spec, resource.schema, name, part, report, progress, keep, feed, silent
            )
            if table is None:
                return None  # what stops one file (a schema problem, a full report) stops the rest
            parts.append(table)
    return parts


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
        return _check_table(path, spec, resource.schema, name, INLINE, report, progress, keep)


def _schema(schema: Any, base: Path, name: str, report: Report) -> dict[str, Any] | None:
    """A resource's schema, read from its file when given by path; None (a problem says why) when unusable."""
    schema = _referenced(schema, "schema", base, name, report)
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return None
    return schema


def _referenced(value: Any, what: str, base: Path, name: str, report: Report) -> Any:
    """``value``, or the JSON or YAML it names when it is a path (a schema or dialect); None when unread."""
    if not isinstance(value, str):
        return value
    try:
        path = safe_path(value, base)
    except (OSError, ValueError, RuntimeError):  # a NUL, a name too long, a symlink loop
        path = None
    if path is None or regular_file(path) is not None:
        message = f"{what} path {shorten(value)!r} is missing, not a file, a URL or outside the package"
        report.add(Problem("unsafe-path", message, resource=name))
        return None
    try:
        return _read_descriptor(path)
    except (JsonError, PackageError) as exc:
        report.add(Problem(getattr(exc, "code", "json-error"), f"{what}: {exc}", resource=name, file=path.name))
        return None


def _check_table(
    path: Path,
    resource: dict[str, Any],
    schema: dict[str, Any] | None,
    name: str,
    shown: str,
    report: Report,
    progress: Progress | None,
    keep: set[str] | None,
    feed: Feed | None = None,
    silent: frozenset[int] = frozenset(),
) -> Rows | None:
    """Header, cells and dialect of one CSV resource; returns its rows for the key checks.

    Without a schema, only the structure is checked (labels, ragged and blank rows), as every
    column is of type ``any``. Only the ``keep`` columns (all when None) are held after their
    cells are checked.
    """
    where: dict[str, Any] = {"resource": name, "file": shown}
    encoding = _encoding(resource, report, where)
    dialect = _dialect(resource, report, where)
    if encoding is None or dialect is None:
        return None
    source = Source.open(path)
    if source.head(3) == b"\xef\xbb\xbf":
        report.add(
            Problem(
                "byte-order-mark",
                "file starts with a UTF-8 byte-order mark, which was skipped; save it without one",
                row=1,
                severity="warning",
                **where,
            )
        )
    missing: list[str] = [""]
    if schema is None:
        fields = _untyped_fields(source, dialect, encoding, report, where)
        if fields is None:
            return None
        order = [f.name for f in fields]
    else:
        fields = _fields(schema, report, where)
        if fields is None:
            return None
        names = [f.name for f in fields]
        match = schema.get("fieldsMatch", "exact")
        match = match if match in FIELDS_MATCH else "exact"  # the profile check reports another value
        header = _header_order(source, dialect, encoding, names, match, report, where) if dialect.header else names
        if header is None:
            return None
        order = header
        present = set(order)
        fields = [f for f in fields if f.name in present]  # fieldsMatch may let fields be absent
        missing = _missing_values(schema.get("missingValues", [""]))
    null_sequence = (resource.get("dialect") or {}).get("nullSequence")
    if isinstance(null_sequence, str):
        missing = [*missing, null_sequence]
    # Fields with their own missingValues (v2): then every column's missing values are applied after parsing.
    own = {f.name: _missing_values(f.spec["missingValues"]) for f in fields if "missingValues" in f.spec}
    # So are they when spaces after a delimiter are first taken off (skipInitialSpace).
    nulls = {n: own.get(n, missing) for n in order} if own or dialect.skip_initial_space else None
    table = Rows(name=name, file=shown, first_row=dialect.header_rows + 1)
    try:
        _read_and_check(
            source,
            order,
            fields,
            dialect,
            encoding,
            [] if nulls else missing,
            table,
            report,
            progress,
            keep,
            feed,
            nulls,
            silent,
        )
    except Unparsable as exc:
        # Only the parser's, the decoder's and the reader's errors are the file's; any other
        # exception is a fault of this program, not of the file, and is not disguised as one.
        if not _report_undecodable(path, encoding, report, where):
            reason = shorten(str(exc.__cause__ or exc), 200)
            report.add(Problem("dialect-error", f"cannot parse the file: {reason}", **where))
        return None
    return table


def _missing_values(declared: Any) -> list[str]:
    """Missing values as text, from strings or v2 objects (``{"value": "-99", "label": ...}``)."""
    if not isinstance(declared, list):
        return [""]
    return [str(m.get("value")) if isinstance(m, dict) else str(m) for m in declared]


def _encoding(resource: dict[str, Any], report: Report, where: dict[str, Any]) -> str | None:
    """The resource's text encoding, or None (and a problem) when Python does not know it as one."""
    encoding = str(resource.get("encoding", "utf-8")).lower()
    try:
        known = codecs.lookup(encoding)._is_text_encoding  # rot13 and base64 are codecs, not encodings
    except (LookupError, ValueError):  # ValueError: a NUL or a lone surrogate in the name
        known = False
    if not known:
        report.add(Problem("encoding-error", f"unknown text encoding {shorten(encoding)!r}", **where))
        return None
    return encoding


def _dialect(resource: dict[str, Any], report: Report, where: dict[str, Any]) -> Dialect | None:
    """The resource's CSV dialect, or None (and a problem) when it cannot describe a CSV file."""
    tabs = str(resource.get("format", "")).lower() == "tsv" or str(resource.get("path", "")).lower().endswith(".tsv")
    try:
        return Dialect.parse(resource.get("dialect"), delimiter="\t" if tabs else ",")
    except DialectError as exc:
        report.add(Problem("dialect-error", str(exc), **where))
        return None


def _fields(schema: dict[str, Any], report: Report, where: dict[str, Any]) -> list[FieldSpec] | None:
    """The schema's fields ready to check, or None (and problems) when the schema cannot be checked against."""
    primary = set(as_list(schema.get("primaryKey")))
    fields = [FieldSpec.parse(f, key=str(f.get("name")) in primary) for f in schema["fields"] if isinstance(f, dict)]
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        report.add(Problem("descriptor-error", "the schema names a field twice", **where))
        return None
    broken = False
    for spec in fields:
        for message, code in field_problems(spec):
            report.add(Problem(code, message, field=spec.name, **where))
            broken |= code == "descriptor-error"
    return None if broken else fields


def _header(source: Source, dialect: Dialect, encoding: str, report: Report, where: dict[str, Any]) -> list[str] | None:
    """The file's header row; None, with the problem reported, when it cannot be read or the file is empty."""
    try:
        header = read_header(source, dialect, encoding)
    except (OSError, csv.Error, ValueError) as exc:  # ValueError: a codec such as idna failing
        report.add(Problem("header-error", f"cannot read the header: {exc}", row=1, **where))
        return None
    if header is None:
        report.add(Problem("header-error", "file is empty; expected a header row", row=1, **where))
    return header


def _untyped_fields(
    source: Source, dialect: Dialect, encoding: str, report: Report, where: dict[str, Any]
) -> list[FieldSpec] | None:
    """One field of type ``any`` per column of a table without a schema, after reporting its labels' problems."""
    header = _header(source, dialect, encoding, report, where)
    if header is None:
        return None
    names: list[str] = []
    seen: set[str] = set()
    for number, label in enumerate(header, 1):
        if not dialect.header:
            names.append(f"field{number}")
        elif not label.strip():
            report.add(Problem("header-error", f"label {number} is blank", row=1, **where))
            names.append(f"field{number}")
        elif label in seen:
            report.add(Problem("header-error", f"label {shorten(label)!r} appears twice", row=1, field=label, **where))
            names.append(f"{label}~{number}")
        else:
            names.append(label)
        seen.add(label)
    message = "no schema: the table's structure was checked, not the types of its cells"
    report.add(Problem("unsupported", message, severity="warning", **where))
    return [FieldSpec(name=n, type="any", spec={}, constraints={}) for n in names]


def _report_undecodable(path: Path, encoding: str, report: Report, where: dict[str, Any]) -> bool:
    """Report where the file stops decoding; False when it decodes after all."""
    bad = _undecodable(path, encoding)
    if bad is None:
        return False
    offset, line, reason = bad
    report.add(
        Problem("encoding-error", f"not valid {encoding} at byte {offset} (line {line}): {reason}", row=line, **where)
    )
    return True


def _undecodable(path: Path, encoding: str) -> tuple[int, int, str] | None:
    """Where the file first fails to decode: byte offset, line number and reason; None if it decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()  # a known encoding: _check_table looked it up
    offset, lines = 0, 1
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, lines + chunk.count(b"\n", 0, exc.start), str(exc.reason)
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return None


def _matched_order(
    header: list[str], names: list[str], match: str, report: Report, where: dict[str, Any]
) -> list[str] | None:
    """Column names for a header matched by name (``fieldsMatch`` other than exact), after its problems.

    equal: the same fields in any order; subset: every field, and maybe more labels; superset: only
    fields, maybe not all; partial: at least one field. Labels that are no field are not checked.
    """
    known, found = set(names), set()
    order: list[str] = []
    for number, label in enumerate(header, 1):
        if label in found or label not in known:
            if label in found:
                report.add(Problem("header-error", f"label {shorten(label)!r} appears twice", row=1, **where))
            order.append(f"\x00label {number}")  # read, not checked
        else:
            order.append(label)
            found.add(label)
    missing = [n for n in names if n not in found]
    extra = [label for label, name in zip(header, order, strict=True) if name.startswith("\x00")]
    if missing and match in ("equal", "subset"):
        message = f"fields missing from the header (fieldsMatch {match}): {shorten(', '.join(missing), 160)}"
        report.add(Problem("header-error", message, row=1, **where))
    if extra and match in ("equal", "superset"):
        message = f"labels that are no field (fieldsMatch {match}): {shorten(', '.join(extra), 160)}"
        report.add(Problem("header-error", message, row=1, **where))
    if len(missing) == len(names):
        report.add(Problem("header-error", "no label of the header is a field of the schema", row=1, **where))
        return None
    return order


def _header_order(
    source: Source,
    dialect: Dialect,
    encoding: str,
    names: list[str],
    match: str,
    report: Report,
    where: dict[str, Any],
) -> list[str] | None:
    """The column names to read the file with, after reporting any header problem; None to stop."""
    header = _header(source, dialect, encoding, report, where)
    if header is None:
        return None
    if header == names:
        return names
    if not dialect.header_case:  # labels match fields whatever their case
        folded = {n.casefold(): n for n in reversed(names)}
        header = [folded.get(label.casefold(), label) for label in header]
        if header == names:
            return names
    if match != "exact":
        return _matched_order(header, names, match, report, where)
    if sorted(header) == sorted(names) and len(set(header)) == len(header):
        report.add(
            Problem(
                "header-error",
                f"columns are in another order than the schema's: {shorten(','.join(header), 160)}",
                row=1,
                **where,
            )
        )
        return header  # every field is present: check each by name
    if len(header) != len(names):
        report.add(
            Problem(
                "header-error",
                f"header has {len(header)} labels; the schema {len(names)} fields: {shorten(','.join(header), 120)}",
                row=1,
                **where,
            )
        )
        return None
    seen: set[str] = set()
    for label, expected in zip(header, names, strict=True):
        if label in seen:
            report.add(Problem("header-error", f"label {label!r} appears twice", row=1, field=expected, **where))
        elif label != expected:
            report.add(
                Problem(
                    "header-error", f"label {label!r} where the schema has {expected!r}", row=1, field=expected, **where
                )
            )
        seen.add(label)
    return names  # checked by position, as the labels do not name the fields


def _read_and_check(
    source: Source,
    names: list[str],
    fields: list[FieldSpec],
    dialect: Dialect,
    encoding: str,
    missing: list[str],
    table: Rows,
    report: Report,
    progress: Progress | None,
    keep: set[str] | None,
    feed: Feed | None,
    nulls: dict[str, list[str]] | None = None,
    silent: frozenset[int] = frozenset(),
) -> None:
    import pyarrow as pa

    total = source.size
    offset, done = 0, 0
    kept: dict[str, list[pa.ChunkedArray]] = {n: [] for n in names if keep is None or n in keep}
    pieces: Generator[Piece] = read_pieces(source, names, dialect, encoding, missing, feed)
    if source.data is None:  # a file of one piece is parsed, then checked: nothing to overlap
        pieces = _ahead(pieces)
    with ThreadPoolExecutor(max_workers=cpu_count()) as pool, contextlib.closing(pieces):
        for piece in pieces:
            batch = piece.table
            table.rejected.extend(row[0] for row in piece.rejected)
            # Reported as each piece comes: a file of rejected rows never holds them all at once.
            _report_invalid_rows(table, piece.rejected, len(names), report, keep_text=keep is None)
            if report.full:
                return
            if nulls:
                batch = _apply_missing(batch, nulls, dialect.skip_initial_space)
            empty_is_missing = all("" in v for v in nulls.values()) if nulls else "" in missing
            batch = _drop_blank_rows(batch, table, offset, empty_is_missing, report, silent)
            if batch.num_rows:
                _check_batch(batch, fields, table, report, pool, offset)
            for n, parts in kept.items():
                parts.append(batch.column(n))
            offset += batch.num_rows
            done += piece.size
            del piece, batch
            pa.default_memory_pool().release_unused()  # hand the piece's memory back before the next
            if progress:
                progress(table.name, min(total, done), total)
    table.num_rows = offset
    table.columns = {
        n: pa.chunked_array([c for part in parts for c in part.chunks], pa.string()) for n, parts in kept.items()
    }


def _ahead(pieces: Iterator[Piece]) -> Generator[Piece]:
    """Parse the next piece in a thread while the current one is checked.

    When the consumer stops early (``--limit-errors``) or fails, the reading thread is told to
    stop, the pieces are closed (their file and parsers with them) and the thread is joined.
    """
    import queue
    import threading

    ready: queue.Queue[Piece | BaseException | None] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in pieces:
                if stop.is_set():
                    break
                ready.put(piece)
        except BaseException as exc:  # handed to the consumer, which raises it
            ready.put(exc)
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()
            ready.put(None)

    thread = threading.Thread(target=produce, daemon=True, name="usjst-reader")
    thread.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # take what it puts, so that it is never blocked on a full queue
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.05)
        thread.join()


def _apply_missing(batch: Any, nulls: dict[str, list[str]], trim: bool) -> Any:
    """The batch with each column's missing values made null, after leading spaces are taken off (``trim``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for name, values in zip(batch.column_names, batch.columns, strict=True):
        column = pc.utf8_ltrim(values, characters=" ") if trim else values
        missing = pc.is_in(column, value_set=pa.array(nulls.get(name, [""]), pa.string()))
        columns.append(pc.if_else(missing, pa.scalar(None, pa.string()), column))
    return pa.table(columns, names=batch.column_names)


def _drop_blank_rows(
    batch: Any, table: Rows, offset: int, empty_is_missing: bool, report: Report, silent: frozenset[int]
) -> Any:
    """The batch without its blank rows (every cell empty), each reported but the ``silent`` ones
    (comment rows left empty); their numbers stay taken."""
    import pyarrow.compute as pc

    columns = batch.columns
    if not columns or (empty_is_missing and any(c.null_count == 0 for c in columns)):
        return batch  # the usual case: some column has a value in every row
    blank = functools.reduce(pc.and_, [pc.fill_null(pc.equal(c, ""), True) for c in columns])
    total = pc.sum(blank).as_py() or 0
    if not total:
        return batch
    positions = pc.indices_nonzero(blank).to_pylist()
    rows = table.rows_of([offset + p for p in positions])
    for row in rows:
        bisect.insort(table.rejected, row)
    kind = (table.name, "blank-row", "")
    blank_rows = [row for row in rows if row not in silent]
    shown = blank_rows[: report.room(kind)]
    problems = [Problem("blank-row", "row is blank", file=table.file, row=row, resource=table.name) for row in shown]
    report.add_many(kind, problems, len(blank_rows))
    return batch.filter(pc.invert(blank))


def _check_batch(batch: Any, fields: list[FieldSpec], table: Rows, report: Report, pool: Any, offset: int) -> None:
    """Check every column of a batch in parallel (kernels release the GIL); add results in order."""
    import pyarrow.compute as pc

    fields = _unclean(batch, fields, table, report, offset)
    # Columns are checked in groups, a few per core: a future per column costs more than the
    # checks of a narrow column, which a table of 100,000 columns would feel.
    size = max(1, len(fields) // (4 * cpu_count()))
    groups = [fields[i : i + size] for i in range(0, len(fields), size)]

    def check(group: list[FieldSpec]) -> list[ColumnResult]:
        return [check_cells(table, f, batch.column(f.name), report, offset) for f in group]

    # A small batch is checked in this thread: handing it to others would cost more than the checks.
    small = batch.num_rows * len(fields) < 50_000
    bad = None
    for result in (r for results in (map if small else pool.map)(check, groups) for r in results):
        for kind, problems, count in result.found:
            report.add_many(kind, problems, count)
        if result.bad is not None:
            bad = result.bad if bad is None else pc.or_(bad, result.bad)
    if bad is not None:
        table.bad.append(pc.add(pc.indices_nonzero(bad), offset))


def _unclean(batch: Any, fields: list[FieldSpec], table: Rows, report: Report, offset: int) -> list[FieldSpec]:
    """The fields whose columns must be checked one by one: those of a shape whose columns, checked
    joined end to end, have some problem.

    A wide table repeats a few field shapes (a field but its name), and the cell checks look at each
    cell alone: the columns of one shape are checked at once, and only when that finds a problem
    are they checked again one by one, to say where. Checks per column cost more than their cells
    in a table of 100,000 columns and few rows.
    """
    import pyarrow as pa

    shapes: dict[str, list[FieldSpec]] = {}
    for spec in fields:
        key = json.dumps([{**spec.spec, "name": None}, spec.key], sort_keys=True, default=str)
        shapes.setdefault(key, []).append(spec)
    clean: set[str] = set()
    for same in shapes.values():
        if len(same) > 1:
            joined = pa.chunked_array([c for f in same for c in batch.column(f.name).chunks], pa.string())
            result = check_cells(table, same[0], joined, report, offset)
            if not result.found and result.bad is None:
                clean.update(f.name for f in same)
    return [f for f in fields if f.name not in clean] if clean else fields


def _report_invalid_rows(
    table: Rows, rows: list[tuple[int, int, int, str]], width: int, report: Report, keep_text: bool
) -> None:
    """Rows the parser rejected; their text is kept (``keep_text``) for the domain rules only."""
    for number, _expected, actual, text in rows:
        where: dict[str, Any] = {"resource": table.name, "file": table.file, "row": number, "value": shorten(text)}
        if keep_text:
            table.skipped.append(text)
        if text.count('"') % 2:
            report.add(Problem("quote-error", "a quoted cell is not closed; the rest of the file is one cell", **where))
        else:
            report.add(Problem("ragged-row", f"row has {actual} cells; the header has {width}", **where))
