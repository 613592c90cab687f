"""Each cross-table rule with a passing case (the fixture) and a failing one."""

from collections.abc import Callable
from typing import Any

import pytest

from usjst_data import rules
from usjst_data.seeds import Dataset


def _edit(data: Dataset, table: str, key: str, **changes: Any) -> None:
    rows = data.tables[table]
    index = next(i for i, r in enumerate(rows) if getattr(r, "id", None) == key)
    rows[index] = rows[index].model_copy(update=changes)


def test_fixture_passes_every_rule(dataset: Dataset) -> None:
    assert rules.check(dataset) == []


@pytest.mark.parametrize(
    ("rule", "table", "key", "changes", "code", "field"),
    [
        (
            rules.foreign_keys,
            "agreements",
            "umbrella-extension-2014",
            {"parent_id": "nope"},
            "foreign-key-error",
            "parent_id",
        ),
        (
            rules.foreign_keys,
            "policies",
            "fixture-act",
            {"domains": ["quantum", "alchemy"]},
            "foreign-key-error",
            "domains",
        ),
        (rules.component_sums, "funding_commitments", "fixture-share-a", {"amount": 200000000}, "sum-error", "amount"),
        (rules.component_sums, "funding_commitments", "fixture-share-b", {"currency": "JPY"}, "sum-error", "currency"),
        (rules.meeting_order, "meetings", "hlc-13", {"date": "2020"}, "order-error", "date"),
        (rules.meeting_order, "meetings", "hlc-13", {"number": 14}, "order-error", "number"),
        (rules.extension_dates, "agreements", "umbrella-extension-2014", {"signed": "1987"}, "order-error", "signed"),
        (
            rules.acyclic_parents,
            "agreements",
            "umbrella-1988",
            {"parent_id": "umbrella-extension-2014"},
            "cycle-error",
            "parent_id",
        ),
        (
            rules.discrepancies,
            "discrepancies",
            "umbrella-1988-signed",
            {"chosen_value": "1988"},
            "discrepancy-error",
            "chosen_value",
        ),
        (
            rules.discrepancies,
            "discrepancies",
            "umbrella-1988-signed",
            {"field": "colour"},
            "foreign-key-error",
            "field",
        ),
    ],
)
def test_rule_fails(
    dataset: Dataset,
    rule: Callable[[Dataset], Any],
    table: str,
    key: str,
    changes: dict[str, Any],
    code: str,
    field: str,
) -> None:
    assert list(rule(dataset)) == []
    _edit(dataset, table, key, **changes)
    problems = list(rule(dataset))
    assert [(p.code, p.field) for p in problems] == [(code, field)]
    assert problems[0].message


def test_every_record_is_cited(dataset: Dataset) -> None:
    citations = dataset.tables["citations"]
    dataset.tables["citations"] = [c for c in citations if c.record_id != "hlc"]
    problems = list(rules.citations(dataset))
    assert [(p.code, p.resource, p.record) for p in problems] == [("citation-error", "dialogues", "hlc")]


def test_citation_names_real_record_and_field(dataset: Dataset) -> None:
    first = dataset.tables["citations"][0]
    dataset.tables["citations"].append(first.model_copy(update={"record_id": "ghost", "locator": "x"}))
    dataset.tables["citations"].append(first.model_copy(update={"locator": "y", "fields": ["colour"]}))
    assert sorted(p.code for p in rules.citations(dataset)) == ["citation-error", "foreign-key-error"]


def test_duplicate_keys(dataset: Dataset) -> None:
    dataset.tables["domains"].append(dataset.tables["domains"][0])
    problems = list(rules.unique_keys(dataset))
    assert [(p.code, p.record) for p in problems] == [("primary-key-error", "quantum")]


def test_check_locates_problems_in_seed_files(dataset: Dataset) -> None:
    _edit(dataset, "meetings", "hlc-13", date="2020")
    [problem] = rules.check(dataset)
    assert problem.line() == (
        "seeds/meetings.yaml:9: hlc-14: date: meeting 14 (2019-05-02) is dated before meeting 13 (2020) [order-error]"
    )
