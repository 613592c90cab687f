"""The ``usjst`` command: a thin layer over the library functions.

Every failure is one ``error: …`` line on stderr and exit status 2 (1 only for invalid data); the
group below turns usage errors, the library's errors and the operating system's into that line.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from .errors import UsjstError, require
from .formats import ExportFormat, SchemaFormat
from .meta import VERSION
from .validation.report import DEFAULT_PER_KIND, Problem, Report, printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .validation.batches import Progress

DEFAULT_SHOWN = 20
USAGE_ERROR = 2


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _os_error_text(exc: OSError) -> str:
    """An OS error as `path: reason` rather than Python's `[Errno 21] ...`."""
    if exc.strerror and exc.filename is not None:
        target = f"{exc.filename} -> {exc.filename2}" if exc.filename2 is not None else str(exc.filename)
        return f"{target}: {exc.strerror}"
    return str(exc)


class _OneLineErrors(TyperGroup):
    """The root command: turns every expected failure into one `error: …` line and exit status 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(
                args, prog_name, complete_var, standalone_mode=False, windows_expand_args=windows_expand_args, **extra
            )
        except typer.TyperException as exc:  # bad usage: unknown option, missing argument, bad value
            context = getattr(exc, "ctx", None)
            message = exc.format_message().rstrip(".")
            hint = f" (see `{context.command_path} --help`)" if context is not None else ""
            code = _error(message[:1].lower() + message[1:] + hint, exc.exit_code)
        except UsjstError as exc:
            code = _error(str(exc))
        except OSError as exc:
            code = _error(_os_error_text(exc))
        except typer.Abort:
            code = _error("aborted")
        if standalone_mode:
            sys.exit(code or 0)
        return code


def _error(message: str, code: int = USAGE_ERROR) -> int:
    typer.echo(f"error: {_one_line(message)}", err=True)
    return code


app = typer.Typer(
    cls=_OneLineErrors,
    help="The US–Japan science and technology cooperation dataset: validate, build, browse.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Folder of a built package (holding datapackage.json), e.g. usjst_data/data after `usjst build`; "
        "default: the data installed with usjst-data.",
        show_default=False,
    ),
]


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


def _fail(message: str, code: int = USAGE_ERROR) -> typer.Exit:
    _error(message, code)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"usjst-data {VERSION}")
        raise typer.Exit()


def _help_without_command(ctx: typer.Context) -> None:
    """A group given no command prints its help, as `-h` would."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """The US–Japan science and technology cooperation dataset."""
    _help_without_command(ctx)


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
    if warnings := report.warning_count:
        verdict += f", {warnings:,} warning{'' if warnings == 1 else 's'}"
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
    from .validation.codes import UnknownCodeError, check_codes
    from .validation.run import Options
    from .validation.run import validate as run

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
    from .tabular import plural

    if not (root / "seeds").is_dir():
        raise _fail(f"no seeds/ folder in {root.resolve()}; run from the repository root or pass --root")
    try:
        result = run(root, check_only=check)
    except SeedError as exc:
        typer.echo("\n".join(p.line() for p in exc.problems), err=True)
        raise _fail(f"{plural(len(exc.problems), 'problem')} in seeds/; nothing written", 1) from None
    if check:
        for path in result.stale:
            typer.echo(f"stale: {path}")
        typer.echo("build is up to date" if not result.stale else "run `usjst build` and commit the result")
        raise typer.Exit(1 if result.stale else 0)
    for path in result.written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{plural(len(result.written), 'file')} changed")


@app.command()
def tables(data: DataOption = None) -> None:
    """List the tables with their row counts and descriptions."""
    from .loader import records
    from .models import TABLES

    width = max(len(t.name) for t in TABLES)
    for table in TABLES:
        typer.echo(f"{table.name:<{width}}  {len(records(table.name, data)):>5}  {table.description}")


class RowsFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _terminal() -> bool:
    """Whether output goes to a terminal, where control characters in the data must not act."""
    return sys.stdout.isatty()


def _print_rows(names: list[str], rows: list[tuple[Any, ...]], format: RowsFormat) -> None:
    from .tabular import aligned, as_csv, as_json

    if format is RowsFormat.JSON:
        typer.echo(as_json(names, rows))
    elif format is RowsFormat.CSV:
        typer.echo(as_csv(names, rows), nl=False)
    else:
        typer.echo(aligned(names, rows, escape=_terminal()))


@app.command()
def show(
    table: Annotated[str, typer.Argument(metavar="TABLE", help="Table name (see `usjst tables`).")],
    record_id: Annotated[str | None, typer.Argument(metavar="ID", help="Record id; omit to list the table.")] = None,
    format: Annotated[
        RowsFormat,
        typer.Option("--format", help="table: the columns that tell the records apart; csv, json: every column."),
    ] = RowsFormat.TABLE,
    data: DataOption = None,
) -> None:
    """Print a record, or list a table's records."""
    from .loader import record, records
    from .tabular import printable, summary_columns

    items = records(table, data) if record_id is None else [record(table, record_id, data)]
    dumped = [item.model_dump(mode="json") for item in items]
    if record_id is not None and format is RowsFormat.TABLE:
        for name, value in dumped[0].items():
            if value not in (None, []):
                text = f"{name}: {', '.join(value) if isinstance(value, list) else value}"
                typer.echo(printable(text) if _terminal() else text)
        return
    names = summary_columns(table) if format is RowsFormat.TABLE else list(dumped[0] if dumped else [])
    _print_rows(names, [tuple(row[n] for n in names) for row in dumped], format)


@app.command()
def stats(data: DataOption = None) -> None:
    """Print record counts, records citing each source document, and how full optional fields are."""
    from .coverage import stats as compute
    from .series import meeting_series, series_lines

    result = compute(data)
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
    typer.echo("numbered meeting series: ordinals held, missing, and what is known of the missing")
    for line in series_lines(meeting_series()):
        typer.echo(line)


class CiteFormat(StrEnum):
    PLAIN = "plain"
    BIBTEX = "bibtex"


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(metavar="SQL", help="A DuckDB query over the tables and views.")],
    format: Annotated[RowsFormat, typer.Option("--format", help="Output format.")] = RowsFormat.TABLE,
    data: DataOption = None,
) -> None:
    """Run SQL on every table and on the joined views (timeline, commitments_with_parties, ...) with DuckDB."""
    require("duckdb", "duckdb")
    from .loader import data_folder
    from .sql import query

    names, rows = query(statement, data_folder(data))
    _print_rows(names, rows, format)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="sqlite, json, jsonl or xlsx.")],
    out: Annotated[
        Path,
        typer.Argument(metavar="OUT", help="File to write, e.g. usjst.db; sqlite also writes usjst.metadata.json."),
    ],
    data: DataOption = None,
) -> None:
    """Write the whole package as SQLite (with Datasette metadata), JSON, JSON Lines or an Excel workbook."""
    from .export import export as run
    from .loader import data_folder
    from .output import check_target

    # Checked here too so that no export format creates folders or leaves a partial file at a bad path.
    check_target(out)
    for path in run(fmt.value, out, data_folder(data)):
        typer.echo(f"wrote {path}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", "-p", help="Port on 127.0.0.1 to serve on.")] = 8001,
    data: DataOption = None,
) -> None:
    """Browse and search the tables in Datasette on this machine only (needs the `web` extra)."""
    from .loader import data_folder
    from .serve import serve as run

    run(
        port,
        "127.0.0.1",
        data_folder(data),
        on_ready=lambda url: typer.echo(f"serving {url} (Ctrl-C to stop)", err=True),
    )


@app.command()
def cite(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Record id, or a link record's keys joined by `/`.")],
    table: Annotated[str | None, typer.Option("--table", help="Table of the record, if the id is in several.")] = None,
    format: Annotated[CiteFormat, typer.Option("--format", help="Output format.")] = CiteFormat.PLAIN,
    data: DataOption = None,
) -> None:
    """Print how to cite a record: the dataset, then each source behind it with its locators."""
    from .citing import cite as run

    citation = run(record_id, table, data)
    typer.echo(citation.bibtex if format is CiteFormat.BIBTEX else citation.plain, nl=format is CiteFormat.PLAIN)


plot_app = typer.Typer(
    help="Draw figures of the dataset.", invoke_without_command=True, rich_markup_mode=None, add_completion=False
)
plot_app.callback()(_help_without_command)
app.add_typer(plot_app, name="plot")


@plot_app.command()
def timeline(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write: .png, .svg or .pdf, by its suffix.")
    ] = Path("timeline.png"),
    data: DataOption = None,
) -> None:
    """Draw a timeline of agreements, dialogues, meetings, programs, commitments and policies since 1960."""
    from .plot import plot_timeline

    typer.echo(f"wrote {plot_timeline(output, data)}")


@app.command()
def schema(
    table: Annotated[str, typer.Argument(metavar="TABLE", help="Table name (see `usjst tables`).")],
    format: Annotated[
        SchemaFormat, typer.Option("--format", help="JSON Schema of the model, or Frictionless Table Schema.")
    ] = SchemaFormat.JSON_SCHEMA,
) -> None:
    """Print a table's schema as JSON."""
    from .schema_export import render_schema

    typer.echo(render_schema(table, format.value), nl=False)


def main() -> None:
    """Entry point of the ``usjst`` console script."""
    if sys.argv[1:2] == ["validate"]:
        from .validation.run import lean_process

        lean_process()
    app(prog_name="usjst")
