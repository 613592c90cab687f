"""The `usjst` command, through Typer's runner and as a real process."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import usjst_data
from usjst_data.cli import app
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
    assert count > 10
    from usjst_data.cli import format_report_text

    text = format_report_text(report, shown=3)
    assert f"... and {count - 3:,} more foreign-key-error in citations" in text
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


@pytest.mark.parametrize("command", ["validate", "build", "tables", "show", "stats"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert app.registered_commands
    assert next(c for c in app.registered_commands if c.callback and c.callback.__name__ == command).callback.__doc__


def test_module_entry_point_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text("[1, 2")
    out = subprocess.run(
        [sys.executable, "-m", "usjst_data", "validate", str(tmp_path)], capture_output=True, text=True
    )
    assert out.returncode == 1
    assert "[json-error]" in out.stdout
    assert "Traceback" not in out.stderr
