"""The ``usjst`` command: a thin layer over the library functions."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .errors import UsjstError
from .formats import ExportFormat, SchemaFormat
from .meta import VERSION
from .report import DEFAULT_PER_KIND, Problem, Report, printable

if TYPE_CHECKING:
    from .validator import Progress

app = typer.Typer(
    help="The US–Japan science and technology cooperation dataset: validate, build, browse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_SHOWN = 20


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"usjst-data {VERSION}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """The US–Japan science and technology cooperation dataset."""


def format_report_text(report: Report, shown: int = DEFAULT_SHOWN) -> str:
    """A report as grep-able lines grouped by resource and code, at most ``shown`` of each kind."""
    groups: dict[tuple[str, str, str], list[Problem]] = defaultdict(list)
    for problem in report.problems:
        groups[problem.kind].append(problem)
    left_out = dict(report.omitted())
    lines: list[str] = []
    for kind in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
        problems = groups[kind]
        lines.extend(p.line() for p in problems[:shown])
        more = len(problems[shown:]) + left_out.get(kind, 0)
        if more:
            resource, code, name = kind
            lines.append(printable(f"... and {more:,} more {code} in {name or resource}"))
    rows = sum(report.tables.values())
    errors = report.error_count
    verdict = "valid" if report.valid else f"invalid: {errors:,} error{'' if errors == 1 else 's'}"
    if report.truncated:
        verdict += " (stopped at --limit-errors)"
    if report.unchecked:
        verdict += f"; not fully checked ({', '.join(report.unchecked)})"
    lines.append(printable(f"{report.target}: {len(report.tables)} tables, {rows:,} rows, {verdict}"))
    return "\n".join(lines)


def _progress() -> tuple[Any, Progress | None]:
    """A progress bar on a terminal; nothing when output is piped."""
    import sys

    if not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, DownloadColumn, TextColumn
    from rich.progress import Progress as Bar

    # Resource names are the package's text, not markup: [/bold] or a link must print as written.
    bar = Bar(TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(), transient=True)
    tasks: dict[str, Any] = {}

    def update(resource: str, done: int, total: int) -> None:
        if resource not in tasks:
            tasks[resource] = bar.add_task(printable(resource), total=total)
        bar.update(tasks[resource], completed=done)

    return bar, update


@app.command()
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A datapackage.json or .yaml, a folder holding one, a seeds/ folder, or a table file (see --schema);"
            " default: the shipped data."
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TEXT,
    limit_errors: Annotated[
        int | None, typer.Option("--limit-errors", min=1, help="Stop after this many errors.")
    ] = None,
    pick: Annotated[list[str] | None, typer.Option("--pick", help="Report only these codes (repeatable).")] = None,
    skip: Annotated[list[str] | None, typer.Option("--skip", help="Do not report these codes (repeatable).")] = None,
    max_per_kind: Annotated[
        int, typer.Option("--max-per-kind", min=0, help="Problems kept in full per resource, code and field.")
    ] = DEFAULT_PER_KIND,
    shown: Annotated[int, typer.Option("--shown", min=0, help="Text output: problems shown per kind.")] = DEFAULT_SHOWN,
    schema: Annotated[
        Path | None, typer.Option("--schema", help="A Table Schema (JSON or YAML) for a table file given as PATH.")
    ] = None,
) -> None:
    """Check a data package: descriptor, files and hashes, every cell, keys, and the domain rules.

    Exit status: 0 valid, 1 invalid, 2 could not validate (see docs/problems.md).
    """
    from .problems import UnknownCodeError, check_codes
    from .validator import Options
    from .validator import validate as run

    try:
        picked, skipped = check_codes(frozenset(pick or ())), check_codes(frozenset(skip or ()))
    except UnknownCodeError as exc:
        raise typer.BadParameter(str(exc), param_hint="--pick/--skip") from None
    bar, progress = _progress() if format is Format.TEXT else (None, None)
    options = Options(
        max_per_kind=max_per_kind,
        limit_errors=limit_errors,
        pick=picked,
        skip=skipped,
        progress=progress,
        schema=schema,
    )
    try:
        if bar is not None:
            with bar:
                report = run(path, options)
        else:
            report = run(path, options)
    except UsjstError as exc:
        if format is Format.JSON:  # a report, always: one that says why nothing was checked
            failed = {"target": str(path), "valid": False, "checked": False, "error": str(exc), "problems": []}
            typer.echo(json.dumps(failed, indent=2, ensure_ascii=False))
        raise _fail(str(exc)) from None
    if format is Format.JSON:
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
        # A lone surrogate (from a name in the package) cannot be written as UTF-8: escape it.
        typer.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"))
    else:
        typer.echo(format_report_text(report, shown))
    raise typer.Exit(report.exit_status)


@app.command()
def build(
    check: Annotated[bool, typer.Option("--check", help="Only report whether the committed build is stale.")] = False,
    root: Annotated[Path, typer.Option(help="Repository root holding seeds/.")] = Path("."),
) -> None:
    """Validate seeds/ and write the CSV, Parquet and datapackage.json files."""
    from .builder import build as run
    from .errors import SeedError

    if not (root / "seeds").is_dir():
        raise _fail(f"no seeds/ folder in {root.resolve()}; run from the repository root or pass --root")
    try:
        result = run(root, check_only=check)
    except SeedError as exc:
        typer.echo("\n".join(p.line() for p in exc.problems), err=True)
        raise _fail(f"{len(exc.problems)} problems in seeds/; nothing written", 1) from None
    if check:
        for path in result.stale:
            typer.echo(f"stale: {path}")
        typer.echo("build is up to date" if not result.stale else "run `usjst build` and commit the result")
        raise typer.Exit(1 if result.stale else 0)
    for path in result.written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(result.written)} files changed")


@app.command()
def tables() -> None:
    """List the tables with their row counts and descriptions."""
    from .loader import records
    from .models import TABLES

    width = max(len(t.name) for t in TABLES)
    for table in TABLES:
        typer.echo(f"{table.name:<{width}}  {len(records(table.name)):>5}  {table.description}")


@app.command()
def show(
    table: Annotated[str, typer.Argument(help="Table name (see `usjst tables`).")],
    record_id: Annotated[str | None, typer.Argument(metavar="ID", help="Record id; omit to list the table.")] = None,
) -> None:
    """Print a record, or list a table's records."""
    from .loader import record, records
    from .models import TABLES_BY_NAME, record_key

    try:
        if record_id is None:
            for item in records(table):
                label = getattr(item, "name", None) or getattr(item, "title", None) or ""
                typer.echo(f"{record_key(TABLES_BY_NAME[table], item)}  {label}".rstrip())
            return
        item = record(table, record_id)
    except UsjstError as exc:
        raise _fail(str(exc)) from None
    for name, value in item.model_dump(mode="json").items():
        if value not in (None, []):
            typer.echo(f"{name}: {', '.join(value) if isinstance(value, list) else value}")


@app.command()
def stats() -> None:
    """Print record counts, records citing each source document, and how full optional fields are."""
    from .coverage import stats as compute

    result = compute()
    typer.echo("records per table")
    for name, count in result.counts.items():
        typer.echo(f"  {name:<24}{count:>6}")
    typer.echo("records citing each source document")
    for name, count in result.cited_by_document.items():
        typer.echo(f"  {name:<24}{count:>6}")
    typer.echo("optional fields filled")
    for name, fields in result.filled.items():
        if fields:
            typer.echo(f"  {name}: " + ", ".join(f"{f} {share:.0%}" for f, share in fields.items()))


class SqlFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class CiteFormat(StrEnum):
    PLAIN = "plain"
    BIBTEX = "bibtex"


def _cell_text(value: Any) -> str:
    """A query result value as text: empty for null, JSON for lists, exact digits for decimals."""
    from datetime import date
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_cell_text)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def format_rows_table(names: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Rows as an aligned text table: a header, a rule, one line per row, and a row count."""
    cells = [[_cell_text(v) for v in row] for row in rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines)


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(metavar="SQL", help="A DuckDB query over the tables and views.")],
    format: Annotated[SqlFormat, typer.Option("--format", help="Output format.")] = SqlFormat.TABLE,
) -> None:
    """Run SQL on every table and on the joined views (timeline, commitments_with_parties, ...) with DuckDB."""
    import csv
    import sys

    from .sql import query

    try:
        names, rows = query(statement)
    except UsjstError as exc:
        raise _fail(str(exc)) from None
    if format is SqlFormat.JSON:
        records = [dict(zip(names, row, strict=True)) for row in rows]
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False, default=_cell_text))
    elif format is SqlFormat.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([_cell_text(v) for v in row] for row in rows)
    else:
        typer.echo(format_rows_table(names, rows))


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="sqlite, json, jsonl or xlsx.")],
    out: Annotated[Path, typer.Argument(help="File to write, e.g. usjst.db; sqlite also writes metadata.json.")],
) -> None:
    """Write the whole package as SQLite (with Datasette metadata), JSON, JSON Lines or an Excel workbook."""
    from .export import export as run

    try:
        written = run(fmt.value, out)
    except UsjstError as exc:
        raise _fail(str(exc)) from None
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", "-p", help="Port on 127.0.0.1 to serve on.")] = 8001,
) -> None:
    """Browse and search the tables in Datasette on this machine only (needs the `web` extra)."""
    from .serve import DATABASE
    from .serve import serve as run

    typer.echo(f"serving http://127.0.0.1:{port}/{DATABASE} (Ctrl-C to stop)", err=True)
    try:
        run(port=port)
    except UsjstError as exc:
        raise _fail(str(exc)) from None


@app.command()
def cite(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Record id, or a link record's keys joined by `/`.")],
    table: Annotated[str | None, typer.Option("--table", help="Table of the record, if the id is in several.")] = None,
    format: Annotated[CiteFormat, typer.Option("--format", help="Output format.")] = CiteFormat.PLAIN,
) -> None:
    """Print how to cite a record: the dataset, then each source behind it with its locators."""
    from .citing import cite as run

    try:
        text = run(record_id, table)
    except UsjstError as exc:
        raise _fail(str(exc)) from None
    typer.echo(text.bibtex if format is CiteFormat.BIBTEX else text.plain, nl=False)


plot_app = typer.Typer(help="Draw figures of the dataset.", no_args_is_help=True)
app.add_typer(plot_app, name="plot")


@plot_app.command()
def timeline(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write; .png, .svg or .pdf by its suffix.")
    ] = Path("timeline.png"),
    data: Annotated[
        Path | None, typer.Option("--data", help="Folder of a built package's CSV files; default: the shipped data.")
    ] = None,
) -> None:
    """Draw a timeline of agreements, dialogues, meetings, programs, commitments and policies since 1960."""
    from .plot import plot_timeline

    try:
        path = plot_timeline(output, data)
    except UsjstError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"wrote {path}")


@app.command()
def schema(
    table: Annotated[str, typer.Argument(help="Table name (see `usjst tables`).")],
    format: Annotated[
        SchemaFormat, typer.Option("--format", help="JSON Schema of the model, or Frictionless Table Schema.")
    ] = SchemaFormat.JSON_SCHEMA,
) -> None:
    """Print a table's schema as JSON."""
    from .schema_export import render_schema

    try:
        typer.echo(render_schema(table, format.value), nl=False)
    except UsjstError as exc:
        raise _fail(str(exc)) from None


def main() -> None:
    """Entry point of the ``usjst`` console script."""
    if sys.argv[1:2] == ["validate"]:
        from .validator import lean_process

        lean_process()
    app()
