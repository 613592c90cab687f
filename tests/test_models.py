from typing import Any

import pytest
from pydantic import ValidationError

from usjst_data.models import Agreement, FundingCommitment, Institution

COMMITMENT: dict[str, Any] = {
    "id": "c",
    "title": "t",
    "amount": "100",
    "currency": "USD",
    "amount_qualifier": "exact",
    "kind": "grant",
    "status": "announced",
}


def _error_types(model: type, data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [e["type"] for e in info.value.errors()]


def test_commitment_usd_same_currency() -> None:
    ok = FundingCommitment.model_validate({**COMMITMENT, "amount_usd": "100", "usd_basis": "same_currency"})
    assert ok.amount_usd == ok.amount


@pytest.mark.parametrize(
    "extra",
    [
        {"amount_usd": "100"},  # no basis
        {"amount_usd": "90", "usd_basis": "same_currency"},  # differs from amount
        {"amount_usd": "100", "usd_basis": "stated_by_source"},  # USD needs no conversion
        {"currency": "JPY", "amount_usd": "100", "usd_basis": "same_currency"},
    ],
)
def test_commitment_usd_must_be_sourced(extra: dict[str, str]) -> None:
    assert _error_types(FundingCommitment, {**COMMITMENT, **extra}) == ["constraint-error"]


def test_commitment_currency_and_unknown_fields() -> None:
    assert _error_types(FundingCommitment, {**COMMITMENT, "currency": "usd"}) == ["code-error"]
    assert _error_types(FundingCommitment, {**COMMITMENT, "note": "x"}) == ["extra_forbidden"]


def test_agreement_dates_in_order() -> None:
    base = {"id": "a", "title": "A", "kind": "agreement", "status": "in_force"}
    Agreement.model_validate({**base, "signed": "1988", "entry_into_force": "1988-06-20"})
    assert _error_types(Agreement, {**base, "signed": "1988-06-20", "entry_into_force": "1987"}) == ["order-error"]


def test_institution_country_and_slug() -> None:
    base = {"id": "x", "name": "X", "kind": "agency"}
    assert Institution.model_validate({**base, "country": "INT"}).country == "INT"
    assert _error_types(Institution, {**base, "country": "XX"}) == ["code-error"]
    assert _error_types(Institution, {**base, "id": "Not A Slug"}) == ["string_pattern_mismatch"]
