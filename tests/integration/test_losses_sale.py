"""Write-off below the threshold (maker-checker) and a sale of non-performing debt, on
SQLite and PostgreSQL.

Li Lei and Han Meimei each buy a 1,200.00 phone on 2 March 2026 and never pay.  On 20 June
both are 71 days past due (bucket M3).  A risk officer proposes to write Li Lei's line off
early (she has disappeared): below the rules' 180 days it waits for a second officer.  Then
a pool -- bucket M3 and later, live or written off -- is sold to Huarong Asset Management at
0.10 per unit of face value, with maker-checker.  A payment Han Meimei makes to the lender
afterwards is the buyer's money.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import Conflict, Forbidden
from creditline.ledger import accounts as acc
from creditline.losses import services as ls
from creditline.losses.records import Decision, LossStatus, Source
from creditline.servicing import services as sv
from tests.integration.collections_support import debtor, events
from tests.integration.losses_support import (
    CHECKER,
    MAKER,
    book,
    open_installments,
    without_provisions,
)
from tests.integration.servicing_support import eod_through, journal, ledger_sound

D = Decimal
BUYER = "Huarong Asset Management"


def test_early_write_off_waits_for_a_second_officer_then_a_pool_is_sold(
        container: Container, clock: FixedClock) -> None:
    container = without_provisions(container)  # the allowance is what the example posts
    li = debtor(container, clock)
    han = debtor(container, clock, phone="13912345678", id_number="360426199101010071")
    eod_through(container, clock, date(2026, 6, 20))
    li_eve = sv.get_line(li.line_id, container.uow())
    han_eve = sv.get_line(han.line_id, container.uow())
    assert (li_eve.days_past_due, han_eve.days_past_due) == (71, 71)
    before = book(container)

    # the maker proposes: 71 days is below the 180 the rules write off at
    wo = ls.propose_write_off(ls.ProposeWriteOff(li.line_id, "customer cannot be traced"),
                              container.uow(), MAKER)
    assert (wo.status, wo.source, wo.dpd, wo.threshold_dpd, wo.needs_second_approval) == (
        Decision.PENDING, Source.OFFICER, 71, 180, True)
    assert book(container) == before  # nothing posted yet
    assert sv.get_line(li.line_id, container.uow()).status == li_eve.status
    with pytest.raises(Forbidden, match="a second person decides it"):
        ls.decide_write_off(ls.DecideWriteOff(wo.id, True, "ok"), container.uow(), MAKER)
    with pytest.raises(Conflict, match="already has a write-off waiting"):
        ls.propose_write_off(ls.ProposeWriteOff(li.line_id, "again"), container.uow(), MAKER)
    done = ls.decide_write_off(ls.DecideWriteOff(wo.id, True, "trace report seen"),
                               container.uow(), CHECKER)
    li_face = li_eve.total_owed
    assert (done.status, done.decided_by, done.amount, done.from_allowance, done.to_expense) == (
        Decision.EXECUTED, "zhao", li_face, D("0.00"), li_face)  # no allowance: all expense
    with pytest.raises(Conflict, match="already executed"):
        ls.decide_write_off(ls.DecideWriteOff(wo.id, True, "twice"), container.uow(), CHECKER)
    with pytest.raises(Conflict, match="written_off: it cannot be written off or sold again"):
        ls.propose_write_off(ls.ProposeWriteOff(li.line_id, "again"), container.uow(), MAKER)

    # the pool: bucket M3 and later, live or written off, 0.10 per unit of face value
    pool = ls.Pool(method="per_face", rate="0.10", min_bucket=3)
    p = ls.preview_sale(pool, container.uow())
    han_face = han_eve.total_owed
    li_price, han_price = (li_face / 10).quantize(D("0.01")), (han_face / 10).quantize(D("0.01"))
    assert (p.preview.count, p.preview.face, p.preview.price) == (
        2, li_face + han_face, li_price + han_price)
    assert (p.preview.loss_on_sale, p.preview.recovery_income) == (han_face - han_price, li_price)
    assert (p.from_allowance, p.to_expense) == (D("0.00"), han_face - han_price)
    sale = ls.propose_sale(ls.ProposeSale(BUYER, pool), container.uow(), MAKER)
    assert (sale.status, sale.count, sale.face) == (Decision.PENDING, 2, li_face + han_face)
    with pytest.raises(Forbidden):
        ls.decide_sale(ls.DecideSale(sale.id, True, "mine"), container.uow(), MAKER)
    sold = ls.decide_sale(ls.DecideSale(sale.id, True, "board approval 2026-17"),
                          container.uow(), CHECKER)
    assert (sold.status, sold.business_date, sold.price, sold.recovery_income, sold.to_expense) == (
        Decision.EXECUTED, date(2026, 6, 20), li_price + han_price, li_price,
        han_face - han_price)

    # transfer postings: Han's live receivables out, the price owed by the buyer, the loss
    # on sale as expense; Li's claim was off the books: its price is a recovery
    han_sale = [e for e in journal(container, han.line_id) if e[1] == "debt_sale"]
    assert han_sale == [("2026-06-20", "debt_sale", tuple(sorted((
        (acc.PRINCIPAL_UNBILLED, -han_eve.principal_unbilled),
        (acc.PRINCIPAL_BILLED, -han_eve.principal_billed), (acc.FEE_RECEIVABLE, -han_eve.fees),
        (acc.PENALTY_RECEIVABLE, -han_eve.penalties),
        (acc.DEBT_SALE_RECEIVABLE, han_price),
        (acc.IMPAIRMENT_EXPENSE, han_face - han_price)))))]
    assert [e for e in journal(container, li.line_id) if e[1] == "debt_sale"] == [
        ("2026-06-20", "debt_sale", ((acc.RECOVERY_INCOME, -li_price),
                                     (acc.DEBT_SALE_RECEIVABLE, li_price)))]
    after = book(container)
    assert after[acc.DEBT_SALE_RECEIVABLE] == li_price + han_price
    assert after[acc.IMPAIRMENT_EXPENSE] == li_face + han_face - han_price
    assert after[acc.RECOVERY_INCOME] == -li_price
    for code in (acc.PRINCIPAL_UNBILLED, acc.PRINCIPAL_BILLED, acc.FEE_RECEIVABLE,
                 acc.PENALTY_RECEIVABLE):
        assert code not in after
    for d in (li, han):
        account = ls.get_account(d.line_id, container.uow())
        assert (account.status, account.buyer, account.sale_id) == (LossStatus.SOLD, BUYER,
                                                                    sale.id)
        with container.uow() as uow:
            assert account.case_id is not None
            case = uow.collection_cases.get(account.case_id)
        assert case is not None and case.status == "sold"
        assert sv.get_line(d.line_id, container.uow()).status == "closed"
        assert open_installments(container, d.line_id) == 0
    assert sorted(e["line_id"] for e in events(container, ls.DEBT_SOLD)) == sorted(
        [li.line_id, han.line_id])
    assert {e["buyer"] for e in events(container, ls.DEBT_SOLD)} == {BUYER}
    ledger_sound(container)

    # 25 June: Han pays the lender 100.00 -- owed on to the buyer, recorded per buyer
    clock.set_date(date(2026, 6, 25))
    r = sv.repay(sv.Repay(han.line_id, "100.00"), container.uow(), SYSTEM)
    assert r.allocation == {"to_buyer": D("100.00")}
    assert [e for e in journal(container, han.line_id) if e[1] == "debt_buyer_remit"] == [
        ("2026-06-25", "debt_buyer_remit", ((acc.CASH_CLEARING, D("100.00")),
                                            (acc.DEBT_BUYER_PAYABLE, D("-100.00"))))]
    [paid] = ls.list_payments(container.uow(), buyer=BUYER)
    assert (paid.line_id, paid.amount, paid.kind.value) == (han.line_id, D("100.00"), "to_buyer")
    assert ls.get_account(han.line_id, container.uow()).owed_to_buyer == han_face - D("100.00")
    [fwd] = events(container, ls.PAYMENT_FORWARDED)
    assert (fwd["buyer"], fwd["amount"]) == (BUYER, "100.00")

    # a sold line cannot be written off or sold again
    with pytest.raises(Conflict, match=f"sold to {BUYER}"):
        ls.propose_write_off(ls.ProposeWriteOff(han.line_id, "late"), container.uow(), MAKER)
    with pytest.raises(Conflict, match="cannot be sold again"):
        ls.preview_sale(ls.Pool(rate="0.2", line_ids=(han.line_id,)), container.uow())
    with pytest.raises(Conflict, match="cannot be sold again"):
        ls.propose_sale(ls.ProposeSale("Cinda", ls.Pool(rate="0.2", line_ids=(li.line_id,))),
                        container.uow(), MAKER)
    ledger_sound(container)
