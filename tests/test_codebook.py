from pathlib import Path

from usjst_data.codebook import render_codebook
from usjst_data.coding import DOMAINS_RULE, GENERAL_RULES, RULES
from usjst_data.models import TABLES, Domain
from usjst_data.schema import columns
from usjst_data.seeds import Dataset, read_seeds
from usjst_data.vocab import AgreementStatus

ROOT = Path(__file__).parents[1]


def test_committed_codebook_is_current() -> None:
    domains = read_seeds(ROOT / "seeds").of(Domain)
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == render_codebook(domains)


def test_codebook_documents_every_field(dataset: Dataset) -> None:
    text = render_codebook(dataset.of(Domain))
    for table in TABLES:
        assert f"## {table.name}" in text
        for column in columns(table.name):
            assert column.description, f"{table.name}.{column.name} has no description"
            assert f"| `{column.name}`" in text


def _section(text: str, table: str) -> str:
    start = text.index(f"\n## {table}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_each_categorical_field_is_followed_by_its_coding_rules(dataset: Dataset) -> None:
    text = render_codebook(dataset.of(Domain))
    for table in TABLES:
        section = _section(text, table.name)
        for column in columns(table.name):
            if column.vocabulary is None:
                continue
            rules = section[section.index("### Coding rules") :]
            block = rules[rules.index(f"**`{column.name}`**") :]
            for value, rule in RULES[column.vocabulary].items():
                assert f"| `{value}` | {rule} |" in block, f"{table.name}.{column.name}: {value}"
    agreements = _section(text, "agreements")
    assert agreements.index("| `status`") < agreements.index("### Coding rules")
    assert f"| `in_force` | {RULES[AgreementStatus][AgreementStatus.IN_FORCE]} |" in agreements
    assert "### Coding rules" not in _section(text, "discrepancy_values")


def test_domains_are_coded_by_the_domain_descriptions(dataset: Dataset) -> None:
    domains = dataset.of(Domain)
    text = render_codebook(domains)
    areas = _section(text, "domains")
    assert domains
    for domain in domains:
        assert f"| `{domain.id}` | {domain.description} |" in areas
    for table in ("agreements", "dialogues", "meetings", "programs", "funding_commitments", "policies"):
        assert f"**`domains`**: {DOMAINS_RULE}" in _section(text, table)


def test_codebook_opens_with_the_general_rules(dataset: Dataset) -> None:
    text = render_codebook(dataset.of(Domain))
    general = text[text.index("## General coding rules") : text.index("\n## sources")]
    assert [title for title, _ in GENERAL_RULES] == [
        line.split("**")[1].rstrip(".") for line in general.splitlines() if line.startswith("- **")
    ]
