"""Worked examples of closing a line (issue 14), every balance asserted, on SQLite and
PostgreSQL.

1. Wang Fang's clean consumer closure: she owes 1,218.00 on a phone bought in three
   installments, asks to close her line; the system review approves at once (a clean line),
   the line goes to ``closing`` (no new purchases), the installments run off on their
   schedule, and end of day closes the line the day the last one is paid, with a final
   statement and a closure confirmation.
2. Zhang Wei's complex request: a large balance and an income drop; referred to a
   reviewer, who counter-offers a reduction instead; he accepts and the limit goes down
   with a limit event.  A withdrawn request leaves the line as it was.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.closure import services as cs
from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.servicing import services as sv
from tests.documents_support import pdf
from tests.integration.closure_support import (
    CUSTOMER,
    OFFICER,
    REVIEWER,
    payload,
    person_line,
    render_notices,
    topics,
)
from tests.integration.servicing_support import eod_through, ledger_sound

D = Decimal


def owed(container: Container, line_id: str) -> dict[str, object]:
    v = sv.get_line(line_id, container.uow())
    return {"status": v.status, "limit": v.limit, "unbilled": v.principal_unbilled,
            "billed": v.principal_billed, "fees": v.fees, "total_owed": v.total_owed,
            "available": v.available}


def test_a_clean_consumer_closure_is_approved_by_the_system_and_closes_after_the_last_installment(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(container, 1)
    # 2 March: 1,200.00 in 3 installments of 400.00 + 6.00 fee
    sv.purchase(sv.Purchase(line.id, "1200.00", "Suning", "electronics", 3), container.uow(),
                OFFICER)
    clock.set_date(date(2026, 3, 10))
    req = cs.submit_request(cs.SubmitRequest(line.id, ("no_longer_needed",), "", "close"),
                            container.uow(), CUSTOMER)
    assert req["status"] == "closing"
    assert req["review"]["outcome"] == "approve" and req["review"]["findings"] == []
    assert req["review"]["rules"].startswith("2026.11.2+")
    assert [h["event"] for h in req["history"]] == ["submitted", "system_review", "executed"]
    assert owed(container, line.id) == {
        "status": "closing", "limit": D("10000.00"), "unbilled": D("1200.00"), "billed": 0,
        "fees": 0, "total_owed": D("1200.00"), "available": D("8800.00")}
    with pytest.raises(Conflict, match="closing"):
        sv.purchase(sv.Purchase(line.id, "10.00", "Suning", "electronics"), container.uow(),
                    OFFICER)
    with pytest.raises(Conflict, match="already closing"):
        cs.submit_request(cs.SubmitRequest(line.id, ("other",), "again", "close"),
                          container.uow(), CUSTOMER)

    # the installments run off: 406.00 billed on the 1st of April, May and June, each paid
    for bill, pay in ((date(2026, 4, 1), date(2026, 4, 5)), (date(2026, 5, 1), date(2026, 5, 6)),
                      (date(2026, 6, 1), date(2026, 6, 3))):
        eod_through(container, clock, bill)
        assert owed(container, line.id)["billed"] == D("400.00")
        assert owed(container, line.id)["fees"] == D("6.00")
        clock.set_date(pay)
        sv.repay(sv.Repay(line.id, "406.00"), container.uow(), OFFICER)
        eod_through(container, clock, pay)  # end of that day
        if pay != date(2026, 6, 3):
            assert owed(container, line.id)["status"] == "closing"
    # 3 June: the last installment paid; end of day closed the line
    assert owed(container, line.id) == {
        "status": "closed", "limit": D("10000.00"), "unbilled": 0, "billed": 0, "fees": 0,
        "total_owed": 0, "available": D("10000.00")}
    statements = sv.list_statements(line.id, container.uow())
    final = statements[-1]
    assert [s.statement_date for s in statements] == [
        date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 3)]
    assert (final.period_start, final.opening, final.repayments, final.closing,
            final.amount_due, final.minimum_payment) == (
        date(2026, 6, 2), D("406.00"), D("406.00"), 0, 0, 0)
    assert final.reconciles
    done = cs.get_request(req["id"], container.uow(), CUSTOMER)
    assert done["status"] == "closed" and done["finished_on"] == "2026-06-03"
    assert "review" not in done and done["review_outcome"] == "approve"
    assert topics(container, line.customer_id)[-1] == "closure.completed"
    assert [t for t in topics(container, line.customer_id) if t.startswith("closure.")] == [
        "closure.received", "closure.approved", "closure.completed"]
    assert payload(container, "closure.completed")["days"] == 85
    ledger_sound(container)
    assert render_notices(container)  # every notice renders in en and zh


def test_a_complex_request_is_referred_counter_offered_and_accepted_as_a_reduction(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(container, 2, limit="30000.00")
    sv.purchase(sv.Purchase(line.id, "8000.00", "Gome", "appliances", 12), container.uow(),
                OFFICER)
    clock.set_date(date(2026, 3, 12))
    payslip = pdf("Pay slip February 2026: 6,000.00")
    proof = cs.ProofFile("payslip-2026-02.pdf", payslip, "application/pdf")
    req = cs.submit_request(cs.SubmitRequest(line.id, ("income_change",),
                                             "My salary was cut by half", "close",
                                             files=(proof,)), container.uow(), CUSTOMER)
    assert req["status"] == "manual_review"
    assert [f["code"] for f in req["review"]["findings"]] == ["LARGE_BALANCE"]
    assert req["review"]["facts"]["balance"] == "8000.00"

    screen = cs.review_screen(req["id"], container.uow())
    [stored] = screen["proofs"]
    assert (stored["file_name"], stored["media_type"], stored["size"], stored["sha256"]) == (
        "payslip-2026-02.pdf", "application/pdf", len(payslip), hashlib.sha256(payslip).hexdigest())
    with container.uow() as uow:
        assert [d.id for d in uow.documents.for_owner("closure_request", req["id"])] == [
            stored["id"]]
    assert screen["findings"]["outcome"] == "refer"
    assert screen["line"]["total_owed"] == "8000.00"
    assert screen["limit_history"][0]["new_limit"] == "30000.00"

    # a counter-offer above the current limit is refused, and so is deciding a closed case
    with pytest.raises(ValidationError, match="counter_limit"):
        cs.decide_request(cs.DecideRequest(req["id"], "counter_offer", "keep the line",
                                           "35000.00"), container.uow(), REVIEWER)
    offered = cs.decide_request(cs.DecideRequest(
        req["id"], "counter_offer", "8,000 still owed over 12 months: reduce instead",
        "10000.00"), container.uow(), REVIEWER)
    assert offered["status"] == "counter_offered" and offered["counter_limit"] == "10000.00"
    assert owed(container, line.id)["limit"] == D("30000.00")  # nothing yet

    clock.set_date(date(2026, 3, 14))
    done = cs.answer_counter_offer(cs.AnswerCounterOffer(req["id"], True), container.uow(),
                                   CUSTOMER)
    assert done["status"] == "executed" and done["final_limit"] == "10000.00"
    assert owed(container, line.id) == {
        "status": "active", "limit": D("10000.00"), "unbilled": D("8000.00"), "billed": 0,
        "fees": 0, "total_owed": D("8000.00"), "available": D("2000.00")}
    history = sv.limit_history(line.id, container.uow())
    assert [(e.old_limit, e.new_limit, e.source.value) for e in history][-1] == (
        D("30000.00"), D("10000.00"), "closure")
    assert [h["event"] for h in done["history"]] == [
        "submitted", "system_review", "counter_offered", "counter_offer_accepted", "executed"]
    assert [t for t in topics(container, line.customer_id) if t.startswith("closure.")] == [
        "closure.received", "closure.referred", "closure.counter_offered", "closure.reduced"]

    # a second request, withdrawn before the decision: the line stays as it was
    again = cs.submit_request(cs.SubmitRequest(line.id, ("too_much_credit",), "", "reduce",
                                               "6000.00"), container.uow(), CUSTOMER)
    assert again["status"] == "manual_review"  # 8,000 owed: still a large balance
    with pytest.raises(Conflict, match="open closure request"):
        cs.submit_request(cs.SubmitRequest(line.id, ("other",), "x", "close"), container.uow(),
                          CUSTOMER)
    gone = cs.withdraw_request(cs.WithdrawRequest(again["id"]), container.uow(), CUSTOMER)
    assert gone["status"] == "withdrawn"
    assert owed(container, line.id)["limit"] == D("10000.00")
    with pytest.raises(Conflict, match="withdrawn"):
        cs.decide_request(cs.DecideRequest(again["id"], "approve", "ok"), container.uow(),
                          REVIEWER)
    ledger_sound(container)
    assert render_notices(container)  # every notice renders in en and zh


def test_maker_checker_above_the_limit_and_no_approving_ones_own_proposal(
        sqlite_container: Container, clock: FixedClock) -> None:
    container = sqlite_container
    clock.set_date(date(2026, 3, 2))
    line = person_line(container, 3, limit="10000.00")
    sv.purchase(sv.Purchase(line.id, "9000.00", "JD", "electronics", 6), container.uow(),
                OFFICER)
    req = cs.submit_request(cs.SubmitRequest(line.id, ("moving_abroad",), "", "close"),
                            container.uow(), CUSTOMER)
    assert req["status"] == "manual_review"
    # lower the maker-checker limit below this line's 10,000 for the test
    from creditline.closure import rules
    rules.closure_rules().parameters["second_review_above"] = "5000.00"
    try:
        proposed = cs.decide_request(cs.DecideRequest(req["id"], "approve", "clean history"),
                                     container.uow(), OFFICER)
        assert proposed["status"] == "pending_second"
        with pytest.raises(Forbidden, match="maker-checker"):
            cs.decide_request(cs.DecideRequest(req["id"], "approve", "me again"),
                              container.uow(), OFFICER)
        done = cs.decide_request(cs.DecideRequest(req["id"], "approve", "agreed"),
                                 container.uow(), REVIEWER)
    finally:
        rules.closure_rules().parameters["second_review_above"] = "100000.00"
    assert done["status"] == "closing"
    assert owed(container, line.id)["status"] == "closing"
