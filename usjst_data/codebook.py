"""The codebook: every table and field with its type, description and allowed values, from the models."""

from __future__ import annotations

from .models import TABLES
from .schema import Column, columns

_TYPE_NAMES = {
    "slug": "slug",
    "partial_date": "partial date",
    "decimal": "exact decimal",
    "integer": "integer",
    "list": "list",
    "enum": "category",
    "country": "ISO 3166-1 code",
    "currency": "ISO 4217 code",
    "table_name": "table name",
    "record_key": "record key",
    "string": "text",
}


def _type(column: Column) -> str:
    name = _TYPE_NAMES.get(column.kind, column.kind)
    if column.ref:
        name += f" → {column.ref}"
    return name


def _allowed(column: Column) -> str:
    if column.enum:
        return ", ".join(f"`{v}`" for v in column.enum)
    if column.kind == "partial_date":
        return "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`"
    return ""


def render_codebook() -> str:
    """The codebook as Markdown."""
    lines = [
        "# Codebook",
        "",
        "Generated from the models by `usjst build`; do not edit by hand.",
        "Required fields are marked with \\*. Keys: primary key of each table in brackets.",
        "",
    ]
    for table in TABLES:
        lines += [
            f"## {table.name}",
            "",
            f"{table.description} Key: [{', '.join(table.primary_key)}].",
            "",
            "| field | type | description | allowed values |",
            "|---|---|---|---|",
        ]
        for c in columns(table.name):
            mark = "\\*" if c.required else ""
            description = c.description.replace("|", "\\|")
            lines.append(f"| `{c.name}`{mark} | {_type(c)} | {description} | {_allowed(c)} |")
        lines.append("")
    return "\n".join(lines)
