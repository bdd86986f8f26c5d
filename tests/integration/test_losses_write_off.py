"""A worked example of a charge-off and the recoveries after it, on SQLite and PostgreSQL.

Li Lei buys a 1,200.00 phone in 12 installments of 100.00 + 6.00 fee on 2 March 2026 and
never pays.  From 11 April the 1 April minimum is past due; on 7 October she is 180 days
past due and the write-off rules (consumer lines: 180 days) charge the line off at end of
day.  The allowance holds 500.00 (a provision posted on 30 September): the first 500.00 of
the loss uses it up, the rest is impairment expense.  She then pays 300.00 on 20 October and
the remaining 975.00 on 2 November: recoveries, not repayments of a live balance.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.collections import services as cs
from creditline.errors import BusinessRuleViolation, ValidationError
from creditline.ledger import accounts as acc
from creditline.losses import services as ls
from creditline.losses.records import Decision, LossStatus, Source
from creditline.losses.rules import write_off_rules
from creditline.servicing import services as sv
from tests.integration.collections_support import SUPERVISOR, debtor, events
from tests.integration.losses_support import book, open_installments, provide, without_provisions
from tests.integration.servicing_support import eod_through, journal, ledger_sound

D = Decimal


def test_charged_off_at_180_days_past_due_then_recovered_to_the_cent(
        container: Container, clock: FixedClock) -> None:
    container = without_provisions(container)  # the allowance is what the example posts
    d = debtor(container, clock)
    eod_through(container, clock, date(2026, 10, 6))
    eve = sv.get_line(d.line_id, container.uow())
    assert (eve.days_past_due, eve.principal_billed, eve.principal_unbilled, eve.fees) == (
        179, D("700.00"), D("500.00"), D("42.00"))  # April to October billed, 7 x 6.00 fees
    provide(container, "500.00", date(2026, 9, 30))

    # 7 October, day 180: end of day charges the line off
    eod_through(container, clock, date(2026, 10, 7))
    [wo] = ls.list_write_offs(container.uow(), line_id=d.line_id)
    penalties = -book(container)[acc.PENALTY_INCOME]  # every penalty posted, none ever paid
    assert (wo.status, wo.source, wo.dpd, wo.threshold_dpd, wo.business_date) == (
        Decision.EXECUTED, Source.END_OF_DAY, 180, 180, date(2026, 10, 7))
    assert wo.rules_version == write_off_rules().label
    assert wo.amounts == {"principal_unbilled": D("500.00"), "principal_billed": D("700.00"),
                          "fee": D("42.00"), "interest_accrued": D("0.00"),
                          "interest_billed": D("0.00"), "penalty": penalties}
    assert penalties == D("33.00")
    assert (wo.amount, wo.from_allowance, wo.to_expense) == (
        D("1275.00"), D("500.00"), D("775.00"))
    assert [e for e in journal(container, d.line_id) if e[1] == "write_off"] == [
        ("2026-10-07", "write_off", tuple(sorted((
            (acc.PRINCIPAL_UNBILLED, D("-500.00")), (acc.PRINCIPAL_BILLED, D("-700.00")),
            (acc.FEE_RECEIVABLE, D("-42.00")), (acc.PENALTY_RECEIVABLE, D("-33.00")),
            (acc.LOSS_ALLOWANCE, D("500.00")), (acc.IMPAIRMENT_EXPENSE, D("775.00"))))))]
    # every balance of the book: the receivables are gone, the allowance used up, the loss
    # beyond it (and the provision itself) is expense
    assert book(container) == {
        acc.MERCHANT_PAYABLE: D("-1200.00"), acc.FEE_INCOME: D("-42.00"),
        acc.PENALTY_INCOME: D("-33.00"), acc.IMPAIRMENT_EXPENSE: D("1275.00")}
    line = sv.get_line(d.line_id, container.uow())
    assert (line.status, line.total_owed, line.past_due, line.days_past_due) == (
        "closed", D("0.00"), D("0.00"), 0)
    assert open_installments(container, d.line_id) == 0
    account = ls.get_account(d.line_id, container.uow())
    assert (account.status, account.written_off, account.recovered, account.claim) == (
        LossStatus.WRITTEN_OFF, D("1275.00"), D("0.00"), D("1275.00"))
    with container.uow() as uow:
        assert account.case_id is not None
        case = uow.collection_cases.get(account.case_id)
    assert case is not None and (case.status, case.closed_on) == ("written_off", date(2026, 10, 7))
    [told] = events(container, ls.WRITTEN_OFF_TOPIC)
    assert (told["amount"], told["line_id"]) == ("1275.00", d.line_id)
    ledger_sound(container)

    # collection goes on: a call on the written-off case is logged (through the contact
    # gate); a promise to pay is not tracked any more, a payment will be a recovery
    call = cs.log_call(cs.LogCall(case.id, "reached", note="reminded of the debt"),
                       container.uow(), SUPERVISOR)
    assert (call.contact.allowed, call.case.status) == (True, "written_off")
    with pytest.raises(BusinessRuleViolation, match="not tracked after a write-off"):
        cs.log_call(cs.LogCall(case.id, "promise_to_pay", promise_amount="100.00",
                               promise_date=date(2026, 10, 15)), container.uow(), SUPERVISOR)

    # end of day no longer visits the closed line: nothing accrues on it
    eod_through(container, clock, date(2026, 10, 19))
    assert sv.get_line(d.line_id, container.uow()).as_of == date(2026, 10, 7)

    # 20 October: 300.00 arrives -- a recovery, retried once with the same key
    clock.set_date(date(2026, 10, 20))
    r = sv.repay(sv.Repay(d.line_id, "300.00", idempotency_key="rec-1"), container.uow(), SYSTEM)
    again = sv.repay(sv.Repay(d.line_id, "300.00", idempotency_key="rec-1"), container.uow(),
                     SYSTEM)
    assert (r.allocation, again.id, again.replayed) == ({"recovery": D("300.00")}, r.id, True)
    assert [e for e in journal(container, d.line_id) if e[1] == "recovery"] == [
        ("2026-10-20", "recovery", ((acc.CASH_CLEARING, D("300.00")),
                                    (acc.RECOVERY_INCOME, D("-300.00"))))]
    assert ls.get_account(d.line_id, container.uow()).claim == D("975.00")
    # more than the claim is refused, naming the field, and changes nothing
    with pytest.raises(ValidationError, match="amount: must not exceed the amount written off "
                                              r"not yet recovered \(975.00\)"):
        sv.repay(sv.Repay(d.line_id, "975.01"), container.uow(), SYSTEM)
    clock.set_date(date(2026, 11, 2))
    sv.repay(sv.Repay(d.line_id, "975.00"), container.uow(), SYSTEM)
    account = ls.get_account(d.line_id, container.uow())
    assert (account.recovered, account.claim) == (D("1275.00"), D("0.00"))
    assert [(p.kind.value, p.amount, p.business_date) for p in
            ls.list_payments(container.uow(), line_id=d.line_id)] == [
        ("recovery", D("975.00"), date(2026, 11, 2)), ("recovery", D("300.00"), date(2026, 10, 20))]
    assert book(container) == {
        acc.MERCHANT_PAYABLE: D("-1200.00"), acc.FEE_INCOME: D("-42.00"),
        acc.PENALTY_INCOME: D("-33.00"), acc.IMPAIRMENT_EXPENSE: D("1275.00"),
        acc.CASH_CLEARING: D("1275.00"), acc.RECOVERY_INCOME: D("-1275.00")}
    assert [e["still_owed"] for e in events(container, ls.RECOVERY_RECEIVED)] == [
        "975.00", "0.00"]
    line = sv.get_line(d.line_id, container.uow())
    assert (line.status, line.total_owed, line.credit_balance) == ("closed", D("0.00"), D("0.00"))
    ledger_sound(container)
