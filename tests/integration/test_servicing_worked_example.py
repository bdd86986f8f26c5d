"""A worked example (after hordak's): Li Lei buys a 1,200.00 phone in 12 installments on
her consumer_bnpl line, pays part of the first bill, misses the second due date, returns
half of the goods and pays off.  Every balance and every posting is asserted, on SQLite and
PostgreSQL.

Product terms: statement on the 1st, due 9 days later, 0.5 % installment fee per period,
0.05 % penalty a day on what is unpaid after the due date, minimum payment = fees +
penalties + 10 % of billed principal, at least 50.00.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.ledger import accounts as acc
from creditline.servicing import services as sv
from tests.integration.servicing_support import eod_through, journal, ledger_sound, open_line

D = Decimal
UNBILLED, BILLED, FEE, PENALTY = (acc.PRINCIPAL_UNBILLED, acc.PRINCIPAL_BILLED,
                                  acc.FEE_RECEIVABLE, acc.PENALTY_RECEIVABLE)
CASH, MERCHANT, FEE_INC, PEN_INC = (acc.CASH_CLEARING, acc.MERCHANT_PAYABLE, acc.FEE_INCOME,
                                    acc.PENALTY_INCOME)


def balances(container: Container, line_id: str) -> dict[str, object]:
    v = sv.get_line(line_id, container.uow())
    return {"used": v.used, "available": v.available, "unbilled": v.principal_unbilled,
            "billed": v.principal_billed, "fees": v.fees, "penalties": v.penalties,
            "credit": v.credit_balance, "due": v.amount_due, "minimum": v.minimum_due,
            "past_due": v.past_due, "dpd": v.days_past_due}


def expected_penalties() -> dict[date, Decimal]:
    """Penalty per day, worked independently: 46.00 of installment 1 is late from 11 April
    (2.3 cents a day), installment 2's 106.00 from 11 May (5.3 cents a day); remainders
    carry, so the total posted after n days is floor(n x daily) cents."""
    out: dict[date, Decimal] = {}
    for day in (date(2026, 4, 11) + timedelta(days=k) for k in range(40)):
        total = D(0)
        for start, daily in ((date(2026, 4, 11), D("2.3")), (date(2026, 5, 11), D("5.3"))):
            n = (day - start).days + 1
            if n >= 1:
                total += (int(daily * n) - int(daily * (n - 1))) * D("0.01")
        out[day] = total
    return out


def test_twelve_installments_partial_payment_missed_due_date_return_and_payoff(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "10000.00")

    # 2 March: a 1,200.00 purchase in 12 installments of 100.00 + 6.00 fee
    p = sv.purchase(sv.Purchase(line.id, "1200.00", "JD Mall", "electronics", 12,
                                idempotency_key="order-1"), container.uow(), SYSTEM)
    assert [(i.principal, i.fee) for i in p.schedule] == [(D("100.00"), D("6.00"))] * 12
    assert (p.schedule[0].bill_date, p.schedule[0].due_date) == (date(2026, 4, 1), date(2026, 4, 10))
    assert balances(container, line.id) == {
        "used": D("1200.00"), "available": D("8800.00"), "unbilled": D("1200.00"),
        "billed": 0, "fees": 0, "penalties": 0, "credit": 0, "due": 0, "minimum": 0,
        "past_due": 0, "dpd": 0}

    # 1 April: the first statement bills installment 1
    eod_through(container, clock, date(2026, 4, 1))
    [s1] = sv.list_statements(line.id, container.uow())
    assert (s1.opening, s1.purchases, s1.fees, s1.closing) == (0, D("1200.00"), D("6.00"), D("1206.00"))
    assert (s1.amount_due, s1.minimum_payment, s1.due_date) == (D("106.00"), D("50.00"), date(2026, 4, 10))
    assert balances(container, line.id)["billed"] == D("100.00")

    # 5 April: pays 60.00 -- the fee first, then principal; the minimum is met
    clock.set_date(date(2026, 4, 5))
    r = sv.repay(sv.Repay(line.id, "60.00", idempotency_key="pay-1"), container.uow(), SYSTEM)
    assert (r.allocation["fee"], r.allocation["principal"]) == (D("6.00"), D("54.00"))
    assert balances(container, line.id) == {
        "used": D("1146.00"), "available": D("8854.00"), "unbilled": D("1100.00"),
        "billed": D("46.00"), "fees": 0, "penalties": 0, "credit": 0, "due": D("46.00"),
        "minimum": 0, "past_due": 0, "dpd": 0}

    # 1 May: statement 2; 46.00 has been late since 11 April (penalty 0.48 so far)
    eod_through(container, clock, date(2026, 5, 1))
    s2 = sv.list_statements(line.id, container.uow())[1]
    assert (s2.opening, s2.repayments, s2.fees, s2.penalties, s2.closing) == (
        D("1206.00"), D("60.00"), D("6.00"), D("0.48"), D("1152.48"))
    assert (s2.amount_due, s2.minimum_payment, s2.due_date) == (D("152.48"), D("50.00"), date(2026, 5, 10))
    assert balances(container, line.id)["dpd"] == 0  # the April minimum was paid

    # 10 May passes unpaid: from the 11th the line is past due and both bills accrue
    eod_through(container, clock, date(2026, 5, 20))
    assert balances(container, line.id) == {
        "used": D("1146.00"), "available": D("8854.00"), "unbilled": D("1000.00"),
        "billed": D("146.00"), "fees": D("6.00"), "penalties": D("1.45"), "credit": 0,
        "due": D("153.45"), "minimum": D("50.00"), "past_due": D("50.00"), "dpd": 10}
    refused = None
    try:
        sv.purchase(sv.Purchase(line.id, "10.00", "JD Mall", "books"), container.uow(), SYSTEM)
    except Exception as e:
        refused = e
    assert getattr(refused, "reason", None) == "line_past_due"

    # 21 May: half of the goods go back -- installments 12..7 are reversed with their fees
    clock.set_date(date(2026, 5, 21))
    ret = sv.return_goods(sv.ReturnGoods(p.id, "600.00"), container.uow(), SYSTEM)
    assert ret.effect["unbilled_principal"] == D("600.00")
    assert ret.effect["scheduled_fees_waived"] == D("36.00")
    schedule = sv.get_purchase(p.id, container.uow()).schedule
    assert [i.principal for i in schedule] == [D("100.00")] * 6 + [D("0.00")] * 6
    assert [i.fee for i in schedule] == [D("6.00")] * 6 + [D("0.00")] * 6
    after_return = balances(container, line.id)
    assert (after_return["used"], after_return["available"], after_return["unbilled"]) == (
        D("546.00"), D("9454.00"), D("400.00"))

    # ... and pays off: penalties, fees, billed principal, then the rest paid ahead
    view = sv.get_line(line.id, container.uow())
    assert view.payoff_amount == D("553.45")
    r2 = sv.repay(sv.Repay(line.id, "553.45", idempotency_key="pay-2"), container.uow(), SYSTEM)
    assert r2.allocation == {"penalty": D("1.45"), "fee": D("6.00"), "interest": 0,
                             "principal": D("146.00"), "prepaid_interest": 0,
                             "prepaid_principal": D("400.00"), "credit_balance": 0}
    eod_through(container, clock, date(2026, 6, 1))
    assert balances(container, line.id) == {
        "used": 0, "available": D("10000.00"), "unbilled": 0, "billed": 0, "fees": 0,
        "penalties": 0, "credit": 0, "due": 0, "minimum": 0, "past_due": 0, "dpd": 0}
    s4 = sv.list_statements(line.id, container.uow())[-1]
    assert (s4.statement_date, s4.returns, s4.repayments, s4.penalties, s4.closing) == (
        date(2026, 6, 1), D("600.00"), D("553.45"), D("0.97"), 0)
    assert all(s.reconciles for s in sv.list_statements(line.id, container.uow()))
    assert all(i.status in ("paid", "prepaid", "cancelled")
               for i in sv.get_purchase(p.id, container.uow()).schedule)

    # every posting, entry by entry
    def entry(*postings: tuple[str, str]) -> tuple[tuple[str, Decimal], ...]:
        return tuple(sorted((a, D(x)) for a, x in postings))

    expected = [("2026-03-02", "purchase", entry((UNBILLED, "1200.00"), (MERCHANT, "-1200.00"))),
                ("2026-04-01", "eod", entry((BILLED, "100.00"), (UNBILLED, "-100.00"),
                                            (FEE, "6.00"), (FEE_INC, "-6.00"))),
                ("2026-04-05", "repayment", entry((CASH, "60.00"), (FEE, "-6.00"), (BILLED, "-54.00")))]
    for day, amount in expected_penalties().items():
        legs = [(PENALTY, str(amount)), (PEN_INC, str(-amount))]
        if day == date(2026, 5, 1):
            legs += [(BILLED, "100.00"), (UNBILLED, "-100.00"), (FEE, "6.00"), (FEE_INC, "-6.00")]
        expected.append((day.isoformat(), "eod", entry(*legs)))
    expected += [
        ("2026-05-21", "repayment", entry((CASH, "553.45"), (PENALTY, "-1.45"), (FEE, "-6.00"),
                                          (BILLED, "-146.00"), (UNBILLED, "-400.00"))),
        ("2026-05-21", "return", entry((MERCHANT, "600.00"), (UNBILLED, "-600.00")))]
    assert journal(container, line.id) == sorted(expected, key=lambda r: (r[0], r[1]))
    assert sum(expected_penalties().values()) == D("1.45")

    with container.uow() as uow:
        tb = {a: t for a, _, t in uow.ledger.trial_balance()}
    assert tb[CASH] == D("613.45") and tb[MERCHANT] == D("-600.00")
    assert tb[FEE_INC] == D("-12.00") and tb[PEN_INC] == D("-1.45")
    assert sum(tb.values()) == 0
    ledger_sound(container)
