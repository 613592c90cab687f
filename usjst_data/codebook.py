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


def type_name(column: Column) -> str:
    """The codebook's name for a column's type, with the table it references."""
    name = _TYPE_NAMES.get(column.kind, column.kind)
    if column.ref:
        name += f" → {column.ref}"
    return name


def allowed_values(column: Column, code: bool = False) -> str:
    """The values a column allows, or "" when its type alone limits it; ``code`` marks them up for Markdown."""
    tick = "`" if code else ""
    if column.enum:
        return ", ".join(f"{tick}{v}{tick}" for v in column.enum)
    if column.kind == "partial_date":
        return f"{tick}YYYY{tick}, {tick}YYYY-MM{tick} or {tick}YYYY-MM-DD{tick}"
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
            lines.append(f"| `{c.name}`{mark} | {type_name(c)} | {description} | {allowed_values(c, code=True)} |")
        lines.append("")
    return "\n".join(lines)
