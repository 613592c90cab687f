import inspect
from enum import StrEnum

from usjst_data import vocab
from usjst_data.coding import RULES, value_rules
from usjst_data.models import TABLES
from usjst_data.schema import categories, columns
from usjst_data.vocab import AgreementKind

VOCABULARIES = [
    v
    for _, v in inspect.getmembers(vocab, inspect.isclass)
    if issubclass(v, StrEnum) and v.__module__ == vocab.__name__
]


def test_every_value_of_every_vocabulary_has_exactly_one_rule() -> None:
    assert len(VOCABULARIES) == 26
    assert set(RULES) == set(VOCABULARIES)
    for vocabulary in VOCABULARIES:
        assert sorted(RULES[vocabulary]) == sorted(m.value for m in vocabulary), vocabulary.__name__


def test_rules_read_as_one_sentence() -> None:
    for vocabulary, rules in RULES.items():
        for value, rule in rules.items():
            where = f"{vocabulary.__name__}.{value}: {rule!r}"
            assert rule[0].isupper() or rule[0] == "`", where
            assert rule.endswith("."), where
            assert "\n" not in rule, where
            assert len(rule) < 300, where


def test_every_categorical_column_has_a_vocabulary_with_rules() -> None:
    for table in TABLES:
        for column in columns(table.name):
            if column.kind == "enum":
                assert column.vocabulary in RULES, f"{table.name}.{column.name}"
                assert tuple(v for v, _ in value_rules(column.vocabulary)) == column.enum


def test_value_rules_follow_the_vocabulary_order() -> None:
    rules = value_rules(AgreementKind)
    assert [value for value, _ in rules] == [m.value for m in AgreementKind]
    assert dict(rules)["exchange_of_notes"].startswith("An instrument concluded by an exchange of notes")


def test_descriptor_categories_carry_the_rules() -> None:
    kind = next(c for c in columns("agreements") if c.name == "kind")
    assert categories(kind) == [{"value": m.value, "description": RULES[AgreementKind][m]} for m in AgreementKind]
    table_name = next(c for c in columns("citations") if c.name == "table")
    assert categories(table_name) == [t.name for t in TABLES]
