"""The `usjst` command, through Typer's runner and as a real process."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import usjst_data
from usjst_data.cli import app
from usjst_data.models import TABLES_BY_NAME
from usjst_data.schema import table_schema
from usjst_data.validator import validate

runner = CliRunner()


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


@pytest.mark.parametrize(
    "command", ["validate", "build", "tables", "show", "stats", "sql", "export", "serve", "cite", "schema"]
)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert app.registered_commands
    assert next(c for c in app.registered_commands if c.callback and c.callback.__name__ == command).callback.__doc__


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
