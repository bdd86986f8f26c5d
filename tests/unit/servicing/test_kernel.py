"""The end-of-day kernel, day by day on small books: accrual to the exact cent with
carried remainders, penalties from the day after the due date, billing, statements, the
minimum payment and days past due; and the same answers whatever the partitioning."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from creditline.ledger import accounts as acc
from creditline.lines.status import STATUS_CODE, LineStatus
from creditline.products.catalog import Waterfall
from creditline.servicing.calendar import day_number
from creditline.servicing.kernel import DayResult, close_day
from tests.unit.servicing.factories import LineSpec, columns, inst

D = Decimal


def run(specs: list[LineSpec], first: date, last: date) -> list[DayResult]:
    lines, cols, table = columns(specs)
    out = []
    day = first
    while day <= last:
        res = close_day(lines, cols, day, table)
        lines, cols = res.lines, res.inst
        out.append(res)
        day += timedelta(days=1)
    return out


def posted(results: list[DayResult], account: str) -> int:
    code = acc.ACCOUNT_INDEX[account]
    return sum(int(r.postings["amount"][r.postings["account"] == code].sum()) for r in results)


def test_interest_accrues_daily_on_unbilled_principal_and_never_loses_the_sub_cent() -> None:
    draw = [inst("d", k, due=date(2026, 1 + k, 20), bill=date(2026, 1 + k, 15), principal=p,
                 billed=False)
            for k, p in ((1, "617.28"), (2, "617.28"))]
    spec = LineSpec(installments=draw, interest_rates={"d": D("0.00035")}, stmt_day=15,
                    grace=5, last_eod=date(2026, 1, 31))
    results = run([spec], date(2026, 2, 1), date(2026, 2, 28))
    # 1234.56 x 0.00035 = 0.432096 a day; billed on 15 Feb after accruing 15 days
    first = results[14]
    assert bool(first.inst["billed"][0]) and not bool(first.inst["billed"][1])
    assert first.inst["i_amt"][0] == int(15 * 43.2096)  # 648 cents, remainder carried
    # from 16 Feb only the second half is unbilled: 617.28 x 0.00035 = 0.216048 a day
    carry_cents = 15 * 43.2096 - 648  # carried remainder stays with the first installment
    assert carry_cents > 0
    assert results[-1].inst["i_amt"][1] == int(13 * 21.6048)
    assert posted(results, acc.INTEREST_INCOME) == -(648 + int(13 * 21.6048))


def test_a_penalty_starts_the_day_after_the_due_date() -> None:
    spec = LineSpec(installments=[inst("p", 1, due=date(2026, 4, 10), principal="46.00")],
                    last_eod=date(2026, 4, 9))
    results = run([spec], date(2026, 4, 10), date(2026, 4, 30))
    assert results[0].inst["pen_amt"][0] == 0  # the due date itself
    assert results[1].inst["pen_amt"][0] == 2  # 46.00 x 0.05% = 2.3 cents
    assert results[-1].inst["pen_amt"][0] == 46  # 20 days x 2.3 cents, exactly
    assert posted(results, acc.PENALTY_RECEIVABLE) == 46


def test_statement_day_bills_cuts_a_statement_and_a_missed_minimum_ages_the_line() -> None:
    spec = LineSpec(installments=[inst("p", k, due=date(2026, 3 + k, 10), fee="6.00",
                                       billed=False) for k in (1, 2)],
                    cycle=(D("200.00"),) + (D(0),) * 5, last_eod=date(2026, 3, 31))
    results = run([spec], date(2026, 4, 1), date(2026, 4, 15))
    cut = results[0]
    st_ = {k: int(v[0]) for k, v in cut.statements.items()}
    assert (st_["purchases"], st_["fees"], st_["closing"], st_["amount_due"]) == (20000, 600, 20600, 10600)
    assert st_["minimum_payment"] == 5000 and st_["due_date"] == day_number(date(2026, 4, 10))
    assert results[9].lines["dpd"][0] == 0  # 10 April: still in time
    day11 = results[10].lines
    assert int(day11["past_due"][0]) == 5000 and int(day11["dpd"][0]) == 1
    assert int(results[-1].lines["dpd"][0]) == 5
    # statement identity to the cent
    assert st_["closing"] == (st_["opening"] + st_["purchases"] - st_["returns"]
                              - st_["repayments"] + st_["fees"] + st_["interest"] + st_["penalties"])


def test_a_credit_balance_pays_what_is_billed_and_keeps_the_line_current() -> None:
    spec = LineSpec(installments=[inst("p", 1, due=date(2026, 4, 10), fee="6.00", billed=False)],
                    credit=D("30.00"), last_eod=date(2026, 3, 31))
    r = run([spec], date(2026, 4, 1), date(2026, 4, 1))[0]
    assert int(r.lines["credit"][0]) == 0
    assert int(r.inst["f_paid"][0]) == 600 and int(r.inst["p_paid"][0]) == 2400
    # the statement shows what is left after the credit, and its minimum
    assert int(r.statements["amount_due"][0]) == 7600
    assert int(r.statements["minimum_payment"][0]) == 5000


def test_an_idle_empty_line_gets_no_statement_and_a_closing_line_that_owes_nothing_closes() -> None:
    idle = LineSpec(last_eod=date(2026, 3, 31))
    closing = LineSpec(status=LineStatus.CLOSING, last_eod=date(2026, 3, 31))
    r = run([idle, closing], date(2026, 4, 1), date(2026, 4, 1))[0]
    assert len(r.statements["line_idx"]) == 0
    assert r.lines["status"].tolist() == [STATUS_CODE[LineStatus.ACTIVE], STATUS_CODE[LineStatus.CLOSED]]
    assert r.lines["last_eod"].tolist() == [day_number(date(2026, 4, 1))] * 2


@st.composite
def books(draw: st.DrawFn) -> list[LineSpec]:
    specs = []
    for li in range(draw(st.integers(1, 5))):
        items = []
        for p in range(draw(st.integers(0, 3))):
            n = draw(st.integers(1, 4))
            start = draw(st.integers(0, 60))
            for k in range(1, n + 1):
                due = date(2026, 1, 10) + timedelta(days=start + 30 * k)
                billed = due <= date(2026, 3, 1)
                items.append(inst(f"L{li}P{p}", k, due=due, fee=str(draw(st.sampled_from(["0", "1.50"]))),
                                  principal=str(draw(st.integers(1, 100000)) / 100), billed=billed,
                                  p_paid="0"))
        specs.append(LineSpec(
            installments=items, interest_rates={f"L{li}P{p}": D(draw(st.sampled_from(["0", "0.00041"])))
                                                for p in range(3)},
            credit=D(draw(st.integers(0, 20000))) / 100, stmt_day=draw(st.integers(1, 28)),
            waterfall=draw(st.sampled_from([Waterfall(), Waterfall(by="due")])),
            min_remaining=D("50.00"), min_due=date(2026, 2, 20), last_eod=date(2026, 2, 28)))
    return specs


@settings(max_examples=25, deadline=None)
@given(books())
def test_one_batch_and_line_by_line_give_the_same_answers(specs: list[LineSpec]) -> None:
    together = run(specs, date(2026, 3, 1), date(2026, 4, 5))
    for i, spec in enumerate(specs):
        alone = run([spec], date(2026, 3, 1), date(2026, 4, 5))
        for t, a in zip(together, alone):
            for k, v in a.lines.items():
                if k != "wf":  # an index into each run's own waterfall table
                    assert t.lines[k][i] == v[0], k
            mine = t.inst["line_idx"] == i
            for k in ("p_paid", "f_paid", "i_amt", "i_paid", "pen_amt", "pen_paid", "billed"):
                assert np.array_equal(t.inst[k][mine], a.inst[k]), k
            tp = t.postings["line_idx"] == i
            assert sorted(zip(t.postings["account"][tp], t.postings["amount"][tp])) == \
                sorted(zip(a.postings["account"], a.postings["amount"]))
            ts = t.statements["line_idx"] == i
            for k, v in a.statements.items():
                if k != "line_idx":
                    assert np.array_equal(t.statements[k][ts], v), k
        assert sum(int(r.postings["amount"].sum()) for r in together) == 0
