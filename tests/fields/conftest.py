"""A small package of one CSV and one schema, validated end to end, for the field tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from usjst_data.validation.report import Report
from usjst_data.validation.run import Options, validate

ID = {"name": "id", "type": "integer"}  # the first column of most test tables
Found = list[tuple[str, int | None, str | None, str]]  # code, row, field, message
Check = Callable[..., Found]
Validate = Callable[..., Report]


@pytest.fixture
def report(tmp_path: Path) -> Validate:
    """Validate ``csv`` against ``fields`` (and other schema properties) with ``options``: the report."""

    def run(csv: str, fields: list[dict[str, Any]], options: Options | None = None, **schema: Any) -> Report:
        (tmp_path / "table.csv").write_text(csv)
        resource = {"name": "table", "path": "table.csv", "schema": {"fields": fields, **schema}}
        (tmp_path / "datapackage.json").write_text(json.dumps({"name": "package", "resources": [resource]}))
        return validate(tmp_path, options)

    return run


@pytest.fixture
def check(report: Validate) -> Check:
    """The problems ``report`` finds as (code, row, field, message), by row (the report groups them by kind)."""

    def run(csv: str, fields: list[dict[str, Any]], **schema: Any) -> Found:
        found = [(p.code, p.row, p.field, p.message) for p in report(csv, fields, **schema).problems]
        return sorted(found, key=lambda p: (p[1] or 0, p[0]))

    return run
