"""Limit arithmetic in Decimal: capacities, collateral after haircut, the lowest binds."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from creditline.policy import limits
from creditline.policy.enterprise import Collateral, FinancialStatements, parse_collateral


def test_round_down_to_whole_hundreds_and_never_negative() -> None:
    assert limits.round_down(D("12345.67"), D("100.00")) == D("12300.00")
    assert limits.round_down(D("-5"), D("100.00")) == D("0.00")


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_rounding_never_raises_a_limit(amount: D) -> None:
    r = limits.round_down(amount, D("100.00"))
    assert r <= amount and amount - r < 100 and r % 100 == 0


def test_debt_burden_capacity_leaves_existing_installments_their_room() -> None:
    # 45% of 10,000 = 4,500 a month; 1,500 already taken; 3,000 x 12 months
    assert limits.debt_burden_capacity(D("10000"), D("1500"), D("0.45"), 12) == D("36000.00")
    assert limits.debt_burden_capacity(D("3000"), D("2000"), D("0.45"), 12) == D("0.00")
    assert limits.debt_burden_capacity(None, D("0"), D("0.45"), 12) == D("0.00")


def test_cash_flow_capacity_and_collateral_after_haircut() -> None:
    assert limits.cash_flow_capacity(D("1500000"), D("600000"), D("1.25")) == D("600000.00")
    assert limits.collateral_value([(D("1000000"), D("0.60")), (D("200000"), D("0.90"))]) == \
        D("780000.00")


def test_the_lowest_constraint_binds_and_ties_name_the_first() -> None:
    b = limits.lowest([("REQUESTED_LIMIT", None), ("PRODUCT_MAX", D("50000")),
                       ("LIMIT_MATRIX", D("15000")), ("DEBT_BURDEN", D("15000"))], D("100.00"))
    assert (b.limit, b.binding) == (D("15000.00"), "LIMIT_MATRIX")
    assert b.as_json()["components"] == {"PRODUCT_MAX": "50000.00", "LIMIT_MATRIX": "15000.00",
                                         "DEBT_BURDEN": "15000.00"}


def test_financial_ratios() -> None:
    fs = FinancialStatements.from_mapping({
        "revenue": "10000000.00", "net_profit": "800000.00", "current_assets": "3000000.00",
        "current_liabilities": "2000000.00", "total_assets": "8000000.00",
        "total_liabilities": "4000000.00", "operating_cash_flow": "1500000.00",
        "debt_service": "600000.00"})
    r = fs.ratios()
    assert (r.current_ratio, r.debt_to_asset, r.dscr, r.margin) == \
        (D("1.5000"), D("0.5000"), D("2.5000"), D("0.0800"))


def test_statements_name_the_missing_or_malformed_figure() -> None:
    import pytest

    from creditline.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        FinancialStatements.from_mapping({"revenue": "1.00"})
    assert err.value.field == "financials.net_profit"
    with pytest.raises(ValidationError) as err:
        parse_collateral([{"kind": "goodwill", "appraised_value": "1.00"}])
    assert err.value.field == "collateral.0.kind"
    assert parse_collateral([{"kind": "deposit", "appraised_value": "5.00"}]) == \
        (Collateral("deposit", D("5.00")),)
