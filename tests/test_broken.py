"""The corpus of broken inputs: each case gives a clear report and exit status, never a traceback.

A case folder holds the broken package itself, or a `case.json` saying how to make it (from the
fixture seeds, built or not, or from the folder's own files, then edited: text replaced, or a file
made into a FIFO, a directory, a symlink or raw bytes), and `expected.json` with the exit status,
the number of problems of each code the report must have and, for most cases, where each problem
is (code, row, field) and words its message must say.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from usjst_data.builder import build
from usjst_data.cli import app
from usjst_data.validation.codes import CODES

BROKEN = Path(__file__).parent / "fixtures" / "broken"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir())
runner = CliRunner()


def _apply(root: Path, edit: dict[str, Any]) -> None:
    path = root / edit["file"]
    if "replace" in edit:
        path.write_text(edit["replace"], encoding="utf-8")
        return
    if "make" in edit:  # what text cannot describe
        path.unlink()
        match edit["make"]:
            case "fifo":
                os.mkfifo(path)
            case "directory":
                path.mkdir()
            case "symlink":
                path.symlink_to(edit["target"])
            case "bytes":
                path.write_bytes(edit["content"].encode("latin-1"))
            case other:
                raise ValueError(f"unknown kind of file to make: {other!r}")
        return
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert edit["old"] in text, f"{edit['old']!r} not in {edit['file']}"
    new = edit["repeat"] * edit["times"] if "repeat" in edit else edit["new"]
    path.write_text(text.replace(edit["old"], new, 1), encoding="utf-8", newline="")


def _rehash(root: Path, edited: set[str]) -> None:
    """Keep the descriptor's sizes and hashes true, so that only the planted problem shows."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text())
    for resource in descriptor["resources"]:
        if resource["path"] in edited:
            content = (root / resource["path"]).read_bytes()
            resource["bytes"] = len(content)
            resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    path.write_text(json.dumps(descriptor))


def _materialize(case: Path, tmp_path: Path) -> Path:
    """The path to validate for a case, made in tmp_path when the case says how."""
    recipe = case / "case.json"
    if not recipe.exists():
        return case
    spec = json.loads(recipe.read_text())
    root = tmp_path / "package"
    if spec["base"] == "copy":
        shutil.copytree(case, root, ignore=shutil.ignore_patterns("*.json"))
        shutil.copy(case / "datapackage.json", root)
    else:
        shutil.copytree(SEEDS, root / "seeds")
        if spec["base"] == "usjst":
            build(root)
    for edit in spec["edits"]:
        _apply(root, edit)
    if spec["rehash"]:
        _rehash(root, {edit["file"] for edit in spec["edits"]})
    return root / "seeds" if spec["base"] == "seeds" else root


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def _order(place: list[Any]) -> tuple[str, int, str]:
    return place[0], place[1] or 0, place[2] or ""


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = json.loads((case / "expected.json").read_text())
    target = _materialize(case, tmp_path)
    folder = target if target.is_dir() else target.parent
    before = _snapshot(folder)
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(app, ["validate", str(target), "--format", "json"])
    text = runner.invoke(app, ["validate", str(target)])

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == text.exit_code == expected["exit"]
    report = json.loads(result.output)
    assert report["counts"] == expected["codes"], [p["message"] for p in report["problems"]]
    assert set(report["counts"]) <= CODES.keys()
    if "problems" in expected:  # where each problem is: [code, row, field]
        found = sorted(([p["code"], p.get("row"), p.get("field")] for p in report["problems"]), key=_order)
        assert found == sorted(expected["problems"], key=_order), found
    for part in expected.get("messages", []):  # words a message must say
        assert any(part in p["message"] for p in report["problems"]), (part, report["problems"])
    for problem in report["problems"]:
        assert problem["message"], problem
        assert len(problem.get("value", "")) <= 80
    assert "Traceback" not in text.output
    assert text.output.strip().splitlines()[-1].startswith(str(target))
    assert _snapshot(folder) == before, "validation wrote into the package"
    assert not (tmp_path / "executed").exists()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 140
