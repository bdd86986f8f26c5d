"""Enterprises in the demo (issue 13): simulated firms draw on their SME lines through a
procurement platform, repay their statements, and after a year go through their periodic
review -- the statements entered by one desk officer, the proposal decided by another."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

from creditline.simulate.demo import DemoConfig, DemoRun
from tests.conftest import SECRET


def test_a_year_and_a_month_of_firms_drawing_repaying_and_being_reviewed(tmp_path: Path) -> None:
    cfg = DemoConfig(customers=10, enterprises=20, months=13, seed=11, activity=1.0,
                     out=tmp_path)
    result = DemoRun(cfg, secret_key=SECRET).run(report=False)
    sme = result.summary["sme"]
    assert sme["lines"] > 0 and sme["lines"] == len(result.context.sme_firms)
    assert sme["draws"] > 0 and sme["repayments"] > 0
    assert Decimal(sme["repaid"]) <= Decimal(sme["drawn"])
    assert sme["refused"] == {}
    assert result.summary["ledger"]["ok"]
    # the headline is the consumer book's; the firms are in their own part
    s = result.summary
    consumer = s["lines"]["by_product"].get("consumer_bnpl", 0)
    assert s["lines"]["by_product"]["sme_line"] == sme["lines"]
    assert s["months"][-1]["lines"] <= consumer and s["end"]["lines"] == "consumer"
    assert s["months"][-1]["balance"] == s["end"]["balance"]
    engine = create_engine(cfg.database_url)
    with engine.connect() as c:
        cases = c.execute(text("SELECT due_on, frequency, status, proposed_by, decided_by "
                               "FROM review_cases")).all()
        draws = c.execute(text("SELECT COUNT(*) FROM purchases p JOIN credit_lines l ON "
                               "l.id = p.line_id WHERE l.product = 'sme_line'")).scalar_one()
        # a firm that defaulted was written off at 180 days past due (line closed, no review)
        closed = c.execute(text("SELECT COUNT(*) FROM credit_lines WHERE product = 'sme_line' "
                                "AND status = 'closed'")).scalar_one()
    engine.dispose()
    # opened on 1 January 2026, every open line falls due for its yearly review on 1 January
    # 2027; the desk enters the statements and decides each proposal the next morning
    assert sme["statements_sent"] == sum(sme["reviews_decided"].values()) == sme["lines"] - closed
    assert len(cases) == sme["lines"] - closed and draws == sme["draws"]
    assert {(str(c.due_on), c.frequency, c.proposed_by, c.decided_by) for c in cases} == {
        ("2027-01-01", "yearly", "desk-risk-1", "desk-risk-2")}
    assert {c.status for c in cases} <= {"approved"}
