"""A small package of one inline CSV and one field list, validated end to end, for the field tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from usjst_data.validator import validate

Found = list[tuple[str, int | None, str | None, str]]  # code, row, field, message
Check = Callable[..., Found]


@pytest.fixture
def check(tmp_path: Path) -> Check:
    """Validate ``csv`` against ``fields`` (and other schema properties): its problems, by row."""

    def run(csv: str, fields: list[dict[str, Any]], **schema: Any) -> Found:
        (tmp_path / "table.csv").write_text(csv)
        resource = {"name": "table", "path": "table.csv", "schema": {"fields": fields, **schema}}
        (tmp_path / "datapackage.json").write_text(json.dumps({"name": "package", "resources": [resource]}))
        found = [(p.code, p.row, p.field, p.message) for p in validate(tmp_path).problems]
        return sorted(found, key=lambda p: (p[1] or 0, p[0]))  # by row: the report groups problems by kind

    return run
