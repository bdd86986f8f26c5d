"""The pure rules behind issue 12's applicant data: statements that must balance within a
tolerance and run over consecutive recent years, the trend ratios, assets and obligations as
the policy counts them, and mitigants that cannot pledge more receivables than there are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from creditline.errors import ValidationError
from creditline.policy.assets import Asset, Obligation, parse_assets, parse_obligations
from creditline.policy.facts import Applicant, Enterprise, PolicyFacts
from creditline.policy.mitigants import parse_mitigants
from creditline.policy.profile import parse_profile
from creditline.policy.statements import YearStatements, parse_statements, trends

TODAY = date(2026, 3, 2)


def year(y: int, revenue: str, profit: str, assets: str, liabilities: str, equity: str
         ) -> dict[str, Any]:
    return {"year": y, "revenue": revenue, "net_profit": profit, "current_assets": "1000.00",
            "current_liabilities": "500.00", "total_assets": assets,
            "total_liabilities": liabilities, "total_equity": equity,
            "operating_cash_flow": "100.00", "debt_service": "50.00"}


def rule(exc: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    return exc.value.field, exc.value.rule


def test_statements_balance_within_a_tenth_of_a_percent() -> None:
    # 100,000.00 of assets: a gap of 100.00 (0.1 %) passes, 100.01 does not
    ok = YearStatements.from_mapping(year(2025, "500.00", "50.00", "100000.00", "60000.00",
                                          "39900.00"), "statements.0")
    assert ok.total_equity == D("39900.00")
    with pytest.raises(ValidationError) as err:
        YearStatements.from_mapping(year(2025, "500.00", "50.00", "100000.00", "60000.00",
                                         "39899.99"), "statements.0")
    assert rule(err) == ("statements.0.total_assets",
                         "100000.00 differs from total_liabilities + total_equity (99899.99) "
                         "by 100.01, more than the tolerance of 100.00")
    # small firms: at least one yuan of rounding
    YearStatements.from_mapping(year(2025, "500.00", "50.00", "300.00", "100.00", "199.00"),
                                "s")
    # negative equity (accumulated losses) balances too
    YearStatements.from_mapping(year(2025, "500.00", "-90.00", "300.00", "400.00",
                                     "-100.00"), "s")


def test_years_are_two_or_three_consecutive_and_recent() -> None:
    y23, y24, y25 = (year(y, "1000.00", "100.00", "2000.00", "1000.00", "1000.00")
                     for y in (2023, 2024, 2025))
    assert [s.year for s in parse_statements([y25, y23, y24], TODAY)] == [2023, 2024, 2025]
    for items, message in (([y25], "must hold 2 or 3 years"),
                           ([y23, y25], "consecutive and distinct, not 2023, 2025"),
                           ([y25, y25], "consecutive and distinct"),
                           ([{**y23, "year": 2021}, {**y24, "year": 2022}],
                            "the latest year must be 2024 or 2025")):
        with pytest.raises(ValidationError, match=message):
            parse_statements(items, TODAY)


def test_trend_ratios_from_the_first_year_to_the_last() -> None:
    history = parse_statements([
        year(2023, "1000000.00", "50000.00", "2000000.00", "1200000.00", "800000.00"),
        year(2024, "1100000.00", "44000.00", "2000000.00", "1300000.00", "700000.00"),
        year(2025, "810000.00", "16200.00", "2000000.00", "1500000.00", "500000.00"),
    ], TODAY)
    t = trends(history)
    # revenue 1,000,000 -> 810,000 in two years: (0.81)^(1/2) - 1 = -0.10 a year
    assert (t.years, t.revenue_growth, t.margin_trend, t.leverage_trend) == \
        (3, D("-0.1000"), D("-0.0300"), D("0.1500"))
    facts = PolicyFacts(product="sme_line", kind="enterprise", score=600, pd=0.01,
                        enterprise=Enterprise("C", D("5"), history[-1].figures,
                                              history=history))
    ctx = facts.context()["enterprise"]
    assert (ctx["statement_years"], ctx["revenue_growth"], ctx["margin_trend"],
            ctx["leverage_trend"]) == (3, -0.1, -0.03, 0.15)
    assert PolicyFacts.from_json(facts.as_json()) == facts  # replay reads what was stored


def test_assets_and_obligations_as_the_policy_counts_them() -> None:
    [flat, savings] = parse_assets([
        {"kind": "property", "declared_value": "2000000.00"},
        {"kind": "deposit", "declared_value": "50000.00", "verified_value": "48000.00",
         "source": "bank statement"}])
    assert (flat.value, flat.verified, savings.value, savings.verified) == \
        (D("2000000.00"), False, D("48000.00"), True)
    loans = parse_obligations([{"kind": "mortgage", "monthly_payment": "2000.00"},
                               {"kind": "credit_card", "monthly_payment": "300.00"}])
    bureau_low = Applicant(30, D("9000"), D("1500.00"), obligations=loans)
    bureau_high = Applicant(30, D("9000"), D("2600.00"), obligations=loans)
    assert (bureau_low.debt_payments, bureau_high.debt_payments) == (D("2300.00"), D("2600.00"))
    ctx = PolicyFacts(product="consumer_bnpl", kind="person", score=600, pd=0.01,
                      applicant=Applicant(30, D("9000"), assets=(flat, savings))).context()
    assert ctx["assets"] == [{"kind": "property", "value": 2000000.0, "verified": False},
                             {"kind": "deposit", "value": 48000.0, "verified": True}]
    assert Asset.from_json(savings.as_json()) == savings
    assert Obligation.from_json(loans[0].as_json()) == loans[0]


@pytest.mark.parametrize(("items", "field", "message"), [
    ([{"kind": "boat", "declared_value": "1.00"}], "assets.0.kind", "must be one of"),
    ([{"kind": "deposit", "declared_value": "-1.00"}], "assets.0.declared_value",
     "must not be negative"),
    ([{"kind": "deposit", "declared_value": "1e3"}], "assets.0.declared_value",
     "must be a decimal string"),
    ([{"kind": "deposit", "declared_value": "10.00", "verified_value": "9.00"}],
     "assets.0.source", "who or what verified it"),
    ("deposit", "assets", "must be a list"),
    (["deposit"], "assets.0", "must be an object"),
])
def test_bad_assets_name_the_field(items: Any, field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as err:
        parse_assets(items)
    assert err.value.field == field


def test_mitigants_and_profile_rules() -> None:
    pledge = {"kind": "receivables_pledge", "amount": "300.00", "provider": "buyers"}
    assert parse_mitigants([pledge], D("300.00"))[0].amount == D("300.00")
    for receivables in (None, D("299.99")):
        with pytest.raises(ValidationError, match="exceed the receivables declared") as err:
            parse_mitigants([pledge], receivables)
        assert err.value.field == "mitigants.0.amount"
    with pytest.raises(ValidationError) as err2:
        parse_mitigants([{"kind": "hope", "amount": "1.00", "provider": "x"}], None)
    assert err2.value.field == "mitigants.0.kind"
    with pytest.raises(ValidationError) as err3:
        parse_profile({"category": "manufacturer"}, None, None, None, None)
    assert err3.value.field == "business_model.description"
    with pytest.raises(ValidationError) as err4:
        parse_profile(None, None, "-5.00", None, None)
    assert err4.value.field == "order_book"
