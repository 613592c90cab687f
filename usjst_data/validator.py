"""Validation of a data package: descriptor, files, tables, keys, and for ours the domain rules."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from . import meta
from .errors import PackageError
from .report import Problem, Report, shorten

MAX_CELL_PROBLEMS_PER_FIELD = 1000


def default_package() -> Path:
    """The descriptor shipped inside the installed package."""
    return Path(str(resources.files("usjst_data") / "data" / "datapackage.json"))


def locate(path: Path | str | None) -> Path:
    """The descriptor for ``path``: a datapackage.json, or a folder holding one."""
    if path is None:
        return default_package()
    target = Path(path)
    if target.is_dir():
        target = target / "datapackage.json"
    if not target.is_file():
        raise PackageError(f"{path}: no datapackage.json found (give a descriptor or a folder holding one)")
    return target


@dataclass
class _Table:
    """What the key checks need from one resource once its rows are read."""

    name: str
    file: str
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def validate(path: Path | str | None = None) -> Report:
    """Validate a data package and return a report of every problem found."""
    descriptor_path = locate(path)
    report = Report(target=str(descriptor_path))
    shown = descriptor_path.name
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.extend([Problem("json-error", f"descriptor is not valid JSON: {exc}", file=shown)])
        return report
    report.extend(_profile_problems(descriptor, shown))
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return report
    tables: dict[str, _Table] = {}
    base = descriptor_path.parent.resolve()
    for resource in descriptor["resources"]:
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue
        table = _read_resource(resource, base, report)
        if table is not None:
            tables[table.name] = table
            report.tables[table.name] = len(table.rows)
    report.extend(_key_problems(descriptor["resources"], tables))
    if descriptor.get("name") == meta.NAME and report.valid:
        from .domain import domain_problems

        report.extend(domain_problems(tables))
    return report


def _profile_problems(descriptor: Any, shown: str) -> Iterator[Problem]:
    import jsonschema

    profile = json.loads((resources.files("usjst_data") / "profiles" / "datapackage-2.0.json").read_text("utf-8"))
    validator = jsonschema.Draft7Validator(profile)
    for error in sorted(validator.iter_errors(descriptor), key=lambda e: list(e.absolute_path)):
        pointer = "/" + "/".join(str(p) for p in error.absolute_path)
        yield Problem("descriptor-error", shorten(error.message, 200), file=shown, field=pointer)


_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def _safe_path(relative: str, base: Path) -> Path | None:
    if _URL.match(relative) or relative.startswith(("/", "\\")) or ".." in Path(relative).parts:
        return None
    full = (base / relative).resolve()
    return full if full.is_relative_to(base) else None


def _read_resource(resource: dict[str, Any], base: Path, report: Report) -> _Table | None:
    name = str(resource.get("name", "?"))
    relative = resource["path"]
    full = _safe_path(relative, base)
    if full is None:
        report.extend(
            [Problem("unsafe-path", f"path {relative!r} leaves the package folder", resource=name, file=relative)]
        )
        return None
    if not full.is_file():
        report.extend([Problem("missing-file", "file does not exist", resource=name, file=relative)])
        return None
    content = full.read_bytes()
    report.extend(_integrity_problems(resource, content, name, relative))
    for extra in (resource.get("parquet"),):
        if isinstance(extra, dict) and isinstance(extra.get("path"), str):
            extra_full = _safe_path(extra["path"], base)
            if extra_full is None or not extra_full.is_file():
                report.extend(
                    [Problem("missing-file", "Parquet file does not exist", resource=name, file=extra["path"])]
                )
            else:
                report.extend(_integrity_problems(extra, extra_full.read_bytes(), name, extra["path"]))
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.extend([Problem("encoding-error", f"not UTF-8 at byte {exc.start}", resource=name, file=relative)])
        return None
    table = _Table(name, relative)
    report.extend(_table_problems(text, schema, table))
    return table


def _integrity_problems(facts: dict[str, Any], content: bytes, name: str, file: str) -> Iterator[Problem]:
    if "bytes" in facts and facts["bytes"] != len(content):
        yield Problem(
            "bytes-mismatch",
            f"descriptor says {facts['bytes']} bytes, file has {len(content)}",
            resource=name,
            file=file,
        )
    expected = facts.get("hash")
    if isinstance(expected, str):
        algorithm, _, digest = expected.rpartition(":")
        algorithm = algorithm.lower() or "md5"
        if algorithm not in hashlib.algorithms_available:
            yield Problem("hash-mismatch", f"unknown hash algorithm {algorithm!r}", resource=name, file=file)
        elif hashlib.new(algorithm, content).hexdigest() != digest.lower():
            yield Problem(
                "hash-mismatch", f"{algorithm} of the file differs from the descriptor", resource=name, file=file
            )


def _table_problems(text: str, schema: dict[str, Any], table: _Table) -> Iterator[Problem]:
    where = {"resource": table.name, "file": table.file}
    if text.startswith("\ufeff"):
        yield Problem("encoding-error", "file starts with a byte-order mark", row=1, **where)
        text = text[1:]
    fields = [f for f in schema.get("fields", []) if isinstance(f, dict)]
    names = [str(f.get("name")) for f in fields]
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        yield Problem("dialect-error", str(exc), row=1, **where)
        return
    if header is None:
        yield Problem("header-error", "file is empty; expected a header row", row=1, **where)
        return
    table.header = header
    if header != names:
        yield Problem(
            "header-error",
            f"header is {shorten(','.join(header), 200)}; expected {shorten(','.join(names), 200)}",
            row=1,
            **where,
        )
        return
    checkers = [_FieldChecker(f) for f in fields]
    row_number = 1
    while True:
        row_number += 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            yield Problem("dialect-error", str(exc), row=row_number, **where)
            return
        if row is None:
            break
        if len(row) != len(names):
            yield Problem(
                "dialect-error", f"row has {len(row)} cells; the header has {len(names)}", row=row_number, **where
            )
            continue
        cells = dict(zip(names, row, strict=True))
        table.rows.append((row_number, cells))
        for checker in checkers:
            message = checker.check(cells[checker.name])
            if message:
                code, text_ = message
                yield Problem(
                    code, text_, row=row_number, field=checker.name, value=shorten(cells[checker.name]), **where
                )
    primary = _as_list(schema.get("primaryKey"))
    for checker in checkers:
        # A unique primary-key field is reported once, as a primary-key error.
        if checker.unique and primary != [checker.name]:
            yield from _duplicates(table, [checker.name], "unique-error", where)


class _FieldChecker:
    """Checks one cell against its Table Schema field: type, format and constraints."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.name = str(spec.get("name"))
        self.type = spec.get("type", "string")
        c = spec.get("constraints", {}) if isinstance(spec.get("constraints"), dict) else {}
        self.required = bool(c.get("required"))
        self.unique = bool(c.get("unique"))
        self.enum = set(map(str, c["enum"])) if isinstance(c.get("enum"), list) else None
        self.pattern = re.compile(c["pattern"]) if isinstance(c.get("pattern"), str) else None
        self.minimum = c.get("minimum")
        self.maximum = c.get("maximum")
        self.min_length = c.get("minLength")
        self.max_length = c.get("maxLength")

    def check(self, value: str) -> tuple[str, str] | None:
        if value == "":
            return ("required-error", "a value is required") if self.required else None
        parsed: Any = value
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?[0-9]+", value):
                return "type-error", f"{shorten(value)!r} is not an integer"
            parsed = int(value)
        elif self.type == "number":
            try:
                parsed = Decimal(value)
            except InvalidOperation:
                return "type-error", f"{shorten(value)!r} is not a number"
        elif self.type == "array":
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, list):
                return "type-error", f"{shorten(value)!r} is not a JSON array"
        if self.enum is not None and value not in self.enum:
            return "enum-error", f"{shorten(value)!r} is not one of: {', '.join(sorted(self.enum))}"
        if self.pattern and not self.pattern.fullmatch(value):
            return "pattern-error", f"{shorten(value)!r} does not match {self.pattern.pattern}"
        if self.minimum is not None and parsed < self.minimum:
            return "range-error", f"must be >= {self.minimum}, got {shorten(value)}"
        if self.maximum is not None and parsed > self.maximum:
            return "range-error", f"must be <= {self.maximum}, got {shorten(value)}"
        if self.min_length is not None and len(parsed) < self.min_length:
            return "length-error", f"must have at least {self.min_length} characters"
        if self.max_length is not None and len(parsed) > self.max_length:
            return "length-error", f"must have at most {self.max_length} characters, got {len(parsed)}"
        return None


def _duplicates(table: _Table, fields: list[str], code: str, where: dict[str, str]) -> Iterator[Problem]:
    first: dict[tuple[str, ...], int] = {}
    for row_number, cells in table.rows:
        key = tuple(cells.get(f, "") for f in fields)
        if all(key) and key in first:
            yield Problem(
                code,
                f"{'/'.join(key)!r} repeats row {first[key]}",
                row=row_number,
                field=",".join(fields),
                value=shorten("/".join(key)),
                **where,
            )
        first.setdefault(key, row_number)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []


def _key_problems(descriptors: list[Any], tables: dict[str, _Table]) -> Iterator[Problem]:
    for resource in descriptors:
        if not isinstance(resource, dict) or resource.get("name") not in tables:
            continue
        table = tables[resource["name"]]
        schema = resource.get("schema") or {}
        where = {"resource": table.name, "file": table.file}
        primary = _as_list(schema.get("primaryKey"))
        if primary:
            yield from _duplicates(table, primary, "primary-key-error", where)
        for fk in schema.get("foreignKeys", []) or []:
            fields = _as_list(fk.get("fields"))
            reference = fk.get("reference", {}) or {}
            target = tables.get(reference.get("resource") or table.name)
            ref_fields = _as_list(reference.get("fields"))
            if target is None:
                continue
            known = {tuple(cells.get(f, "") for f in ref_fields) for _, cells in target.rows}
            for row_number, cells in table.rows:
                key = tuple(cells.get(f, "") for f in fields)
                if all(key) and key not in known:
                    yield Problem(
                        "foreign-key-error",
                        f"{'/'.join(key)!r} is not a {'/'.join(ref_fields)} in {target.name}",
                        row=row_number,
                        field=",".join(fields),
                        value=shorten("/".join(key)),
                        **where,
                    )
