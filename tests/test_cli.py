"""The `usjst` command, through Typer's runner and as a real process."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import usjst_data
from usjst_data.builder import build
from usjst_data.cli import app, plot_app
from usjst_data.models import TABLES_BY_NAME
from usjst_data.schema import table_schema
from usjst_data.validation.run import validate

runner = CliRunner()
COMMANDS = ["validate", "build", "tables", "show", "stats", "sql", "export", "serve", "cite", "schema", "plot timeline"]
# Commands that read a package, and arguments that make them read it.
READERS = {
    "tables": [],
    "show": ["agreements"],
    "stats": [],
    "sql": ["SELECT 1"],
    "export": ["json", "out.json"],
    "serve": [],
    "cite": ["jhlc"],
    "plot timeline": ["-o", "t.png"],
}


def test_validate_shipped_data() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("valid")


def test_validate_json_equals_report_to_dict(built: Path) -> None:
    result = runner.invoke(app, ["validate", str(built), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == validate(built).to_dict()


def test_validate_invalid_package_exits_1(built: Path) -> None:
    csv = built / "usjst_data" / "data" / "domains.csv"
    csv.write_bytes(csv.read_bytes().replace(b"Space", b"Spade"))
    result = runner.invoke(app, ["validate", str(built)])
    assert result.exit_code == 1
    assert "[hash-mismatch]" in result.output
    assert "invalid: 1 error\n" in result.output


def test_validate_caps_repetition(built: Path) -> None:
    csv = built / "usjst_data" / "data" / "citations.csv"
    csv.write_bytes(csv.read_bytes().replace(b"doc-a,", b"doc-z,"))
    report = validate(built)
    count = report.counts()["foreign-key-error"]
    assert count == sum(1 for p in report.problems if p.code == "foreign-key-error")
    assert count > 10
    from usjst_data.cli import format_report_text

    text = format_report_text(report, shown=3)
    assert f"... and {count - 3:,} more foreign-key-error in source_id" in text
    assert text.count("[foreign-key-error]") == 3


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "no datapackage.json found" in result.output
    assert runner.invoke(app, ["show", "nope"]).exit_code == 2
    assert runner.invoke(app, ["validate", "--format", "xml"]).exit_code == 2


def test_build_check_and_seed_errors(repo: Path) -> None:
    assert runner.invoke(app, ["build", "--root", str(repo), "--check"]).exit_code == 1
    assert runner.invoke(app, ["build", "--root", str(repo)]).exit_code == 0
    result = runner.invoke(app, ["build", "--root", str(repo), "--check"])
    assert result.exit_code == 0
    assert "up to date" in result.output
    (repo / "seeds" / "domains.yaml").write_text("- id: Bad Id\n  name: x\n  description: y\n")
    result = runner.invoke(app, ["build", "--root", str(repo)])
    assert result.exit_code == 1
    assert "seeds/domains.yaml:1: Bad Id: id:" in result.output
    assert result.stderr.endswith("error: 1 problem in seeds/; nothing written\n")
    assert runner.invoke(app, ["build", "--root", str(repo / "nowhere")]).exit_code == 2


def test_tables_show_stats_version() -> None:
    assert "agreements" in runner.invoke(app, ["tables"]).output
    first = usjst_data.records("agreements")[0]
    shown = runner.invoke(app, ["show", "agreements", first.id])  # type: ignore[attr-defined]
    assert shown.exit_code == 0
    assert f"title: {first.title}" in shown.output
    assert first.id in runner.invoke(app, ["show", "agreements"]).output  # type: ignore[attr-defined]
    stats = runner.invoke(app, ["stats"])
    assert stats.exit_code == 0
    assert "records citing each source document" in stats.output
    assert runner.invoke(app, ["--version"]).output.strip() == f"usjst-data {usjst_data.__version__}"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help(command: str, flag: str) -> None:
    result = runner.invoke(app, [*command.split(), flag], prog_name="usjst")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: usjst {command} [OPTIONS]")
    assert "<bool>" not in result.stdout
    assert "-h, --help" in result.stdout
    name = command.rsplit(maxsplit=1)[-1]
    registered = [*app.registered_commands, *plot_app.registered_commands]
    assert next(c for c in registered if c.callback and c.callback.__name__ == name).callback.__doc__


@pytest.mark.parametrize("args", [[], ["plot"]])
def test_a_group_without_a_command_prints_its_help(args: list[str]) -> None:
    result = runner.invoke(app, args, prog_name="usjst")
    assert result.exit_code == 0
    assert result.stdout == runner.invoke(app, [*args, "-h"], prog_name="usjst").stdout


def _bad_arguments(tmp_path: Path) -> list[tuple[list[str], str]]:
    """Every command with bad arguments of each kind, and a piece of the error line each must give."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (tmp_path / "file").write_text("")
    (tmp_path / "folder").mkdir()
    cases = [([*c.split(), "--bogus"], "no such option: --bogus") for c in COMMANDS]
    cases += [
        (["show"], "missing argument 'TABLE'"),
        (["sql"], "missing argument 'SQL'"),
        (["export", "json"], "missing argument 'OUT'"),
        (["cite"], "missing argument 'ID'"),
        (["schema"], "missing argument 'TABLE'"),
        (["show", "agreements", "a", "b"], "unexpected extra argument"),
        (["validate", "--format", "xml"], "'xml' is not one of"),
        (["export", "csv", "x.csv"], "'csv' is not one of"),
        (["show", "agreements", "--format", "yaml"], "'yaml' is not one of"),
        (["serve", "--port", "many"], "invalid value for '--port'"),
        (["show", "agreement"], "unknown table 'agreement'; valid tables: sources"),
        (["schema", "agreement"], "unknown table 'agreement'"),
        (["show", "agreements", "nope"], "no record 'nope' in agreements"),
        (["cite", "nope"], "no record 'nope' in any table"),
        (["cite", "jhlc", "--table", "agreement"], "unknown table 'agreement'"),
        (["validate", str(empty)], "no datapackage.json"),
        (["build", "--root", str(empty)], "no seeds/ folder"),
        (["sql", "SELECT * FROM nope"], "nope"),
        (["export", "json", "folder"], "folder is a folder"),
        (["export", "sqlite", "file/x.db"], "file is not a folder"),
        (["export", "jsonl", "missing/x.jsonl"], "missing does not exist"),
        (["plot", "timeline", "-o", "t.txt"], "name a .pdf, .png or .svg file"),
        (["plot", "timeline", "-o", "missing/t.png"], "missing does not exist"),
        (["plot", "timeline", "-o", "folder"], "cannot write this type of file"),
    ]
    cases += [([*c.split(), *a, "--data", str(empty)], "no built package in") for c, a in READERS.items()]
    return cases


def test_every_failure_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cases = _bad_arguments(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    covered = set()
    for args, message in cases:
        result = runner.invoke(app, args, prog_name="usjst")
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code == 2, (args, result.output)
        assert result.stdout == "", args
        assert result.stderr.startswith("error: "), (args, result.stderr)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert sorted(tmp_path.rglob("*")) == before, args
        covered.add(" ".join(args[:2]) if args[0] == "plot" else args[0])
    assert covered == set(COMMANDS)


def _unwritable(tmp_path: Path) -> Path:
    """A folder this process cannot write in (root writes anywhere but in /proc/1)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o555)
        return folder
    if not Path("/proc/1").is_dir():
        pytest.skip("needs a folder that root cannot write in")
    return Path("/proc/1")


@pytest.mark.parametrize("args", [["export", "sqlite"], ["export", "xlsx"], ["plot", "timeline", "-o"]])
def test_an_unwritable_folder_is_one_error_line(tmp_path: Path, args: list[str]) -> None:
    folder = _unwritable(tmp_path)
    suffix = ".png" if args[0] == "plot" else f".{args[1]}"
    result = runner.invoke(app, [*args, str(folder / f"usjst{suffix}")])
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {folder}/usjst{suffix}: no permission to write in {folder}\n"
    assert not (folder / f"usjst{suffix}").exists()


@pytest.mark.parametrize(
    ("args", "module", "extra"),
    [
        (["sql", "SELECT 1"], "duckdb", "duckdb"),
        (["plot", "timeline"], "matplotlib", "plot"),
        (["serve"], "datasette.app", "web"),
    ],
)
def test_a_missing_extra_is_named(
    args: list[str], module: str, extra: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.endswith(f'install it with: pip install "usjst-data[{extra}]"\n')
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args", [["show", "agreements", "--bogus"], ["export", "sqlite", "missing/x.db"], ["cite", "nope"]]
)
def test_console_script_prints_one_line_and_exits_2(tmp_path: Path, args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from usjst_data.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.startswith("error: ")
    assert out.stderr.count("\n") == 1, out.stderr
    assert list(tmp_path.iterdir()) == []


def test_module_entry_point_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text("[1, 2")
    out = subprocess.run(
        [sys.executable, "-m", "usjst_data", "validate", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 1
    assert "[json-error]" in out.stdout
    assert "Traceback" not in out.stderr


def test_plot_timeline_writes_png(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "timeline.png"
    data = built / "usjst_data" / "data"
    result = runner.invoke(app, ["plot", "timeline", "-o", str(out), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}\n"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_schema_formats() -> None:
    result = runner.invoke(app, ["schema", "meetings", "--format", "table-schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == table_schema(TABLES_BY_NAME["meetings"])
    result = runner.invoke(app, ["schema", "meetings"])
    assert json.loads(result.output)["title"] == "Meeting"


def test_schema_unknown_table_lists_valid_names() -> None:
    result = runner.invoke(app, ["schema", "meeting"])
    assert result.exit_code == 2
    assert "error: unknown table 'meeting'; valid tables: sources" in result.output


def test_validate_seeds_folder() -> None:
    seeds = Path(__file__).parent / "fixtures" / "seeds"
    result = runner.invoke(app, ["validate", str(seeds)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("valid")


def test_validate_pick_skip_and_limit(built: Path) -> None:
    csv = built / "usjst_data" / "data" / "domains.csv"
    csv.write_bytes(csv.read_bytes().replace(b"space,Space,", b"Space,Space,"))
    report = json.loads(runner.invoke(app, ["validate", str(built), "--format", "json"]).output)
    assert {"hash-mismatch", "pattern-error"} <= set(report["counts"])
    picked = json.loads(
        runner.invoke(app, ["validate", str(built), "--format", "json", "--pick", "hash-mismatch"]).output
    )
    assert picked["counts"] == {"hash-mismatch": 1}
    skipped = runner.invoke(app, ["validate", str(built), "--skip", "hash-mismatch", "--skip", "pattern-error"])
    assert "[hash-mismatch]" not in skipped.output
    assert "[pattern-error]" not in skipped.output
    limited = json.loads(runner.invoke(app, ["validate", str(built), "--format", "json", "--limit-errors", "1"]).output)
    assert limited["error_count"] == 1
    assert limited["truncated"] is True


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["tables"], "\nagreements  +2  A treaty"),
        (["show", "agreements"], "umbrella-1988"),
        (["show", "agreements", "umbrella-1988"], "title: Agreement on Fixture Cooperation"),
        (["stats"], "doc-a"),
        (["sql", "SELECT id FROM agreements ORDER BY id"], "umbrella-1988"),
        (["cite", "umbrella-1988"], "agreements/umbrella-1988: Agreement on Fixture Cooperation"),
        (["export", "json", "out.json"], "wrote out.json"),
        (["plot", "timeline", "-o", "t.svg"], "wrote t.svg"),
    ],
)
def test_data_option_reads_another_build(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], shown: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*args, "--data", str(built / "usjst_data" / "data")])
    assert result.exit_code == 0, result.output
    assert re.search(shown, result.stdout), result.stdout
    if args[0] == "export":
        assert "umbrella-1988" in (tmp_path / "out.json").read_text()
    if args[0] == "plot":
        assert "umbrella-1988" not in (tmp_path / "t.svg").read_text()  # labels, not ids
        assert "Fixture Agreement" in (tmp_path / "t.svg").read_text()


def _show(built: Path, *args: str) -> str:
    result = runner.invoke(app, ["show", *args, "--data", str(built / "usjst_data" / "data")])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_lists_a_table_aligned_with_a_header(built: Path) -> None:
    lines = _show(built, "agreements").splitlines()
    assert lines[0].split() == ["id", "title", "signed", "kind"]
    starts = [lines[0].index(name) for name in ("title", "signed", "kind")]
    assert lines[2].startswith("umbrella-1988 ")
    assert [lines[2].index(v) for v in ("Agreement on Fixture Cooperation", "1988-06-20", "agreement")] == starts
    assert lines[3][starts[1] :].startswith("2014 ")
    assert set(lines[1]) == {"-", " "}
    assert lines[-1] == "(2 rows)"
    links = _show(built, "agreement_parties").splitlines()
    assert links[0].split() == ["agreement_id", "institution_id", "role"]
    assert _show(built, "meetings").splitlines()[0].split() == ["id", "dialogue_id", "date"]


def test_show_csv_and_json_give_every_column(built: Path) -> None:
    import csv

    records = usjst_data.records("agreements", built / "usjst_data" / "data")
    dumped = [r.model_dump(mode="json") for r in records]
    assert json.loads(_show(built, "agreements", "--format", "json")) == dumped
    rows = list(csv.DictReader(_show(built, "agreements", "--format", "csv").splitlines()))
    assert [list(r) for r in rows] == [list(d) for d in dumped]
    assert rows[0]["domains"] == '["quantum"]'
    assert json.loads(_show(built, "agreements", "umbrella-1988", "--format", "json")) == dumped[:1]


def test_show_escapes_control_characters_on_a_terminal(
    repo: Path, edit_seed: Callable[[str, str, str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_seed("agreements", "title: Agreement on Fixture Cooperation", 'title: "Agreement\\a \\e[2J on \\u202eFixture"')
    build(repo)
    assert "Agreement\x07 " in _show(repo, "agreements")  # piped: the data as it is (less colour codes)
    monkeypatch.setattr("usjst_data.cli._terminal", lambda: True)
    for shown in (_show(repo, "agreements"), _show(repo, "agreements", "umbrella-1988")):
        assert "Agreement\\x07 \\x1b[2J on \\u202eFixture" in shown
        assert not {"\x07", "\x1b", "\u202e"} & set(shown)


def test_counted_nouns() -> None:
    from usjst_data.tabular import plural

    assert [plural(n, "problem") for n in (0, 1, 2, 1000)] == [
        "0 problems",
        "1 problem",
        "2 problems",
        "1,000 problems",
    ]
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"


def test_sql_json_gives_amounts_as_numbers(built: Path) -> None:
    pytest.importorskip("duckdb")
    query = "SELECT id, amount FROM funding_commitments WHERE id IN ('fixture-share-b', 'fixture-yen-fund') ORDER BY id"
    result = runner.invoke(app, ["sql", query, "--format", "json", "--data", str(built)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"id": "fixture-share-b", "amount": 50000000.5},
        {"id": "fixture-yen-fund", "amount": 100000000000},
    ]
