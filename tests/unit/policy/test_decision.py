"""Worked examples of the policy: which rule decides, what limit, which reasons first."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from creditline.errors import ValidationError
from creditline.policy.cases import CASES_DIR, run_cases
from creditline.policy.decision import decide, decide_many
from creditline.policy.enterprise import Collateral, FinancialStatements
from creditline.policy.facts import Applicant, Enterprise, PolicyFacts, Screening
from creditline.policy.ruleset import default_ruleset

RS = default_ruleset()


def person(score: float = 650, income: str = "12000.00", **kw: object) -> PolicyFacts:
    return PolicyFacts(product="consumer_bnpl", kind="person", score=score, pd=0.01,
                       applicant=Applicant(30, D(income)), score_reasons=("A_INCOME", "A_AGE"),
                       **kw)  # type: ignore[arg-type]


STATEMENTS = FinancialStatements(
    revenue=D("10000000"), net_profit=D("800000"), current_assets=D("3000000"),
    current_liabilities=D("2000000"), total_assets=D("8000000"), total_liabilities=D("4000000"),
    operating_cash_flow=D("1500000"), debt_service=D("600000"))


def test_bands_approve_refer_and_decline() -> None:
    assert decide(RS, person(650)).decision == "approved"
    referred = decide(RS, person(560))
    assert referred.decision == "referred" and referred.limit == D("6000.00")
    declined = decide(RS, person(540))
    assert declined.decision == "declined" and declined.limit == D("0.00")
    assert declined.reasons[:3] == ("SCORE_BELOW_CUTOFF", "A_INCOME", "A_AGE")


def test_a_decline_knockout_beats_a_good_score_and_refers_are_listed_after() -> None:
    d = decide(RS, person(700, screening=Screening(blacklist_phone=True, ring_size=6)))
    assert d.decision == "declined"
    assert d.reasons[:2] == ("BLACKLIST_PHONE", "RING_SIZE")
    assert ("RING_SIZE", "refer") in d.knockouts


def test_velocity_thresholds_live_in_the_table() -> None:
    v = {"id_24h": 1, "id_30d": 1, "phone_24h": 1, "phone_30d": 1, "device_24h": 3,
         "device_30d": 3, "ip_24h": 11, "ip_30d": 11}
    d = decide(RS, person(screening=Screening(velocity=v)))
    assert d.decision == "referred" and d.reasons[0] == "VELOCITY_IP_24H"


def test_low_income_person_whose_limit_falls_below_the_minimum_is_declined() -> None:
    d = decide(RS, PolicyFacts(product="consumer_bnpl", kind="person", score=650, pd=0.01,
                               applicant=Applicant(30, D("2500.00"), D("1230.00"))))
    assert d.decision == "declined"
    assert d.reasons[:2] == ("LIMIT_BELOW_MIN", "DEBT_BURDEN")


def test_enterprise_limit_is_the_lowest_of_cash_flow_collateral_and_industry_cap() -> None:
    e = Enterprise("K", D(8), STATEMENTS, (Collateral("deposit", D("2000000")),))
    d = decide(RS, PolicyFacts(product="sme_line", kind="enterprise", score=650, pd=0.01,
                               enterprise=e))
    # real estate cap 500,000 < cash flow 600,000 < deposit 1,800,000
    assert (d.decision, d.limit, d.reasons[0]) == ("approved", D("500000.00"), "INDUSTRY_CAP")
    special = decide(RS, PolicyFacts(product="sme_line", kind="enterprise", score=650, pd=0.01,
                                     enterprise=e, special_terms_limit=D("2500000.00")))
    assert (special.limit, special.reasons[0]) == (D("2500000.00"), "SPECIAL_TERMS")


def test_wrong_kind_for_product_is_bad_input_naming_the_product() -> None:
    with pytest.raises(ValidationError) as err:
        decide(RS, PolicyFacts(product="sme_line", kind="person", score=650, pd=0.01))
    assert err.value.field == "product"
    with pytest.raises(ValidationError, match="unknown product"):
        decide(RS, PolicyFacts(product="mortgage", kind="person", score=650, pd=0.01))


def test_facts_survive_their_stored_form_so_replays_are_exact() -> None:
    e = Enterprise("C", D(5), STATEMENTS, (Collateral("property", D("1000000")),))
    facts = [person(560), PolicyFacts(product="sme_line", kind="enterprise", score=620, pd=0.02,
                                      enterprise=e, requested_limit=D("400000.00"))]
    again = [PolicyFacts.from_json(f.as_json()) for f in facts]
    assert again == facts
    assert decide_many(RS, again) == [decide(RS, f) for f in facts]


def test_the_shipped_example_cases_all_hold() -> None:
    results = run_cases(RS, CASES_DIR)
    assert results and all(r.ok for r in results), [r.problems for r in results if not r.ok]


def test_a_case_that_no_longer_holds_is_reported(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(
        '{"name": "wrong", "facts": {"product": "consumer_bnpl", "kind": "person", '
        '"score": 650, "pd": 0.01, "applicant": {"age": 30, "monthly_income": "12000.00"}}, '
        '"expect": {"decision": "declined", "limit": "1.00"}}')
    [result] = run_cases(RS, tmp_path)
    assert not result.ok
    assert result.problems == ("decision approved != expected declined",
                               "limit 30000.00 != expected 1.00")
