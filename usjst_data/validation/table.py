"""One CSV table checked: its encoding, dialect and fields, then its header and its rows.

Bad input never raises: what stops the table is reported, and the rows checked so far stay
reported. Only the parser's, the decoder's and the reader's errors are the file's problems.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

from .batches import Progress, read_and_check
from .cells import FieldSpec, field_problems
from .descriptor import FIELDS_MATCH
from .header import header_order, untyped_fields
from .integrity import CHUNK_BYTES
from .keys import as_list
from .reading import Dialect, DialectError, Feed, Source, Unparsable
from .report import Problem, Report, shorten
from .rows import Rows

MAX_PARSER_NULLS = 1000  # more missing values than this are matched after parsing, not by the parser


def check_table(
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
        fields = untyped_fields(source, dialect, encoding, report, where)
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
        header = header_order(source, dialect, encoding, names, match, report, where) if dialect.header else names
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
    # And so are very many missing values: Arrow's CSV parser crashes the process past about 32,000.
    after = own or dialect.skip_initial_space or len(missing) > MAX_PARSER_NULLS
    nulls = {n: own.get(n, missing) for n in order} if after else None
    table = Rows(name=name, file=shown, first_row=dialect.header_rows + 1)
    with report.undoable() as undo:
        try:
            read_and_check(
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
            undo()  # one problem for a file that cannot be read, as when it is read in one piece
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


def parsed_dialect(resource: dict[str, Any]) -> Dialect:
    """The resource's CSV dialect (tab-delimited for TSV); DialectError when it cannot describe a CSV file."""
    tabs = str(resource.get("format", "")).lower() == "tsv" or str(resource.get("path", "")).lower().endswith(".tsv")
    return Dialect.parse(resource.get("dialect"), delimiter="\t" if tabs else ",")


def _dialect(resource: dict[str, Any], report: Report, where: dict[str, Any]) -> Dialect | None:
    """The resource's CSV dialect, or None (and a problem) when it cannot describe a CSV file."""
    try:
        return parsed_dialect(resource)
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
    decoder = codecs.getincrementaldecoder(encoding)()  # a known encoding: check_table looked it up
    offset, lines = 0, 1
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, lines + chunk.count(b"\n", 0, exc.start), str(exc.reason)
            offset += len(chunk)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:  # the file ends inside a character
            left = exc.object[exc.start :]
            return offset - len(left), lines - left.count(b"\n"), str(exc.reason)
    return None
