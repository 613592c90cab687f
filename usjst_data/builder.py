"""The build: seeds -> CSV and Parquet tables plus the generated Data Package descriptor."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import meta
from .codebook import render_codebook
from .errors import SeedError
from .models import TABLES, Domain, Record, Source, Table
from .rules import check
from .schema import Column, arrow_schema, columns, table_schema
from .seeds import Dataset, read_seeds
from .types import date_parts

DATA_DIR = Path("usjst_data") / "data"
DESCRIPTOR = "datapackage.json"
CODEBOOK = Path("docs") / "codebook.md"


def cell(column: Column, value: Any) -> str:
    """A value as its CSV text: empty for null, JSON for lists, plain digits for amounts."""
    if value is None:
        return ""
    if column.is_list:
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def csv_bytes(table: Table, records: Iterable[Record]) -> bytes:
    """A table as RFC 4180 CSV: UTF-8, header row, CRLF line ends, minimal quoting."""
    cols = columns(table.name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in cols])
    for record in records:
        writer.writerow([cell(c, getattr(record, c.name)) for c in cols])
    return out.getvalue().encode("utf-8")


def parquet_bytes(table: Table, records: list[Record]) -> bytes:
    """A table as Parquet with real types: decimals, date parts, lists and dictionaries."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table.name)
    arrays = []
    for column, field in zip(columns(table.name), schema, strict=True):
        values = [getattr(r, column.name) for r in records]
        if column.kind == "partial_date":
            values = [date_parts(v) for v in values]
        elif column.kind == "enum":
            values = [None if v is None else str(v) for v in values]
        if pa.types.is_dictionary(field.type):
            arrays.append(pa.array(values, pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, field.type))
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buffer, compression="zstd")
    return buffer.getvalue()


def file_facts(content: bytes) -> dict[str, Any]:
    return {"bytes": len(content), "hash": "sha256:" + hashlib.sha256(content).hexdigest()}


def descriptor(data: Dataset, files: dict[str, bytes], prefix: str) -> dict[str, Any]:
    """The Data Package v2 descriptor, generated from the models and the built files."""
    documents = [s for s in data.of(Source) if s.cited_in is None]
    resources = []
    for table in TABLES:
        csv_name, parquet_name = f"{table.name}.csv", f"{table.name}.parquet"
        resources.append(
            {
                "$schema": meta.PROFILE_RESOURCE,
                "name": table.name,
                "type": "table",
                "path": prefix + csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                **file_facts(files[csv_name]),
                "schema": table_schema(table),
                "parquet": {"path": prefix + parquet_name, **file_facts(files[parquet_name])},
            }
        )
    return {
        "$schema": meta.PROFILE_PACKAGE,
        "name": meta.NAME,
        "title": meta.TITLE,
        "description": meta.DESCRIPTION,
        "version": meta.VERSION,
        "created": meta.CREATED,
        "homepage": meta.HOMEPAGE,
        "keywords": meta.KEYWORDS,
        "licenses": [meta.DATA_LICENSE],
        "contributors": meta.CONTRIBUTORS,
        "sources": [{"title": s.title, **({"path": s.url} if s.url else {})} for s in documents],
        "resources": resources,
    }


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render(seeds: Path) -> dict[Path, bytes]:
    """Every output file of the build, relative to the repository root, as bytes."""
    data = read_seeds(seeds)
    problems = check(data)
    if problems:
        raise SeedError(problems)
    files: dict[str, bytes] = {}
    for table in TABLES:
        records = data.tables[table.name]
        files[f"{table.name}.csv"] = csv_bytes(table, records)
        files[f"{table.name}.parquet"] = parquet_bytes(table, records)
    outputs = {DATA_DIR / name: content for name, content in files.items()}
    outputs[DATA_DIR / DESCRIPTOR] = _json_bytes(descriptor(data, files, ""))
    outputs[Path(DESCRIPTOR)] = _json_bytes(descriptor(data, files, f"{DATA_DIR.as_posix()}/"))
    outputs[CODEBOOK] = render_codebook(data.of(Domain)).encode("utf-8")
    return outputs


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, or in check mode, which files differ from what it would write."""

    written: list[Path]
    stale: list[Path]


def build(root: Path, check_only: bool = False) -> BuildResult:
    """Build the package from ``root/seeds`` into ``root``; in check mode, only compare."""
    outputs = render(root / "seeds")
    expected = set(outputs)
    present = {p.relative_to(root) for p in (root / DATA_DIR).glob("*") if p.suffix in (".csv", ".parquet", ".json")}
    stale = sorted(
        [p for p, content in outputs.items() if not (root / p).is_file() or (root / p).read_bytes() != content]
        + list(present - expected)
    )
    if check_only:
        return BuildResult(written=[], stale=stale)
    for path in present - expected:
        (root / path).unlink()
    for path in stale:
        if path in outputs:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(outputs[path])
    return BuildResult(written=[p for p in stale if p in outputs], stale=stale)
