"""object fields: a JSON object per cell, its keys counted by minLength/maxLength."""

from __future__ import annotations

from conftest import ID, Check


def test_json_objects(check: Check) -> None:
    fields = [ID, {"name": "o", "type": "object", "constraints": {"maxLength": 1}}]
    found = check('id,o\n1,"{""a"": 1}"\n2,"{""a"": 1, ""b"": 2}"\n3,[1]\n4,{a}\n', fields)
    assert found == [
        ("length-error", 3, "o", "must have at most 1 keys"),
        ("type-error", 4, "o", "'[1]' is not a JSON object"),
        ("type-error", 5, "o", "'{a}' is not a JSON object"),
    ]
