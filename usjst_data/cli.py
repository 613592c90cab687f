"""The ``usjst`` command: a thin layer over the library functions."""

from __future__ import annotations

import json
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import UsjstError
from .meta import VERSION

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


def format_report_text(report: Any, shown: int = DEFAULT_SHOWN) -> str:
    """A report as grep-able lines grouped by resource and code, repetition capped at ``shown``."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for problem in report.problems:
        groups[(problem.resource or "package", problem.code)].append(problem)
    lines: list[str] = []
    for (resource, code), problems in groups.items():
        lines.extend(p.line() for p in problems[:shown])
        if len(problems) > shown:
            lines.append(f"... and {len(problems) - shown:,} more {code} in {resource}")
    rows = sum(report.tables.values())
    errors = len(report.errors)
    verdict = "valid" if report.valid else f"invalid: {errors:,} error{'' if errors == 1 else 's'}"
    lines.append(f"{report.target}: {len(report.tables)} tables, {rows:,} rows, {verdict}")
    return "\n".join(lines)


@app.command()
def validate(
    path: Annotated[
        Path | None, typer.Argument(help="A datapackage.json or a folder holding one; default: the shipped data.")
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TEXT,
) -> None:
    """Check a data package: descriptor, files and hashes, every cell, keys, and the domain rules."""
    from .validator import validate as run

    try:
        report = run(path)
    except UsjstError as exc:
        raise _fail(str(exc)) from None
    if format is Format.JSON:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_report_text(report))
    raise typer.Exit(0 if report.valid else 1)


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


def main() -> None:
    """Entry point of the ``usjst`` console script."""
    app()
