"""The codebook: every table and field with its type, description, allowed values and coding rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .coding import DOMAINS_RULE, GENERAL_RULES, value_rules
from .models import TABLES, Domain, Table
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


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rule_table(rows: Iterable[tuple[str, str]]) -> list[str]:
    return ["| value | rule |", "|---|---|", *(f"| `{value}` | {_cell(rule)} |" for value, rule in rows), ""]


def _coding_rules(table: Table, domains: Sequence[Domain]) -> list[str]:
    """The "Coding rules" section of a table: each categorical field's values with their rules."""
    lines: list[str] = []
    for c in columns(table.name):
        if c.vocabulary is not None:
            lines += [f"**`{c.name}`**", "", *_rule_table(value_rules(c.vocabulary))]
        elif c.ref == "domains":
            lines += [f"**`{c.name}`**: {DOMAINS_RULE} The areas are listed under [domains](#domains).", ""]
    if table.name == "domains":
        lines += [
            "**Areas of every `domains` column**: what each area covers is the rule for coding it.",
            "",
            *_rule_table((d.id, d.description) for d in domains),
        ]
    return ["### Coding rules", "", *lines] if lines else []


def render_codebook(domains: Sequence[Domain]) -> str:
    """The codebook as Markdown; ``domains`` supplies the areas that ``domains`` columns are coded with."""
    lines = [
        "# Codebook",
        "",
        "Generated from the models and coding rules by `usjst build`; do not edit by hand.",
        "Required fields are marked with \\*. Keys: primary key of each table in brackets.",
        "Each table's categorical fields are followed by their coding rules: when to choose each value.",
        "",
        "## General coding rules",
        "",
        *(f"- **{title}.** {rule}" for title, rule in GENERAL_RULES),
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
            lines.append(
                f"| `{c.name}`{mark} | {type_name(c)} | {_cell(c.description)} | {allowed_values(c, code=True)} |"
            )
        lines.append("")
        lines += _coding_rules(table, domains)
    return "\n".join(lines)
