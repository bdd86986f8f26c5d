"""The seeds' foreign-trade company (issue 14), on SQLite and PostgreSQL: Firm 7 Import &
Export draws 300,000.00 (a Hamburg order) and 200,000.00 (a Rotterdam order) on its
1,000,000.00 SME line in March, each over 12 months (annuity, 0.04 % a day, statement on
the 15th, due 5 days later).  In May the Hamburg buyer cancels its export orders.  The
account manager opens a negotiation; the company asks for two more years on everything,
the bank counter-proposes; they agree on a partial closure: the limit down to 400,000.00,
the riskiest draw (Hamburg) called back and due on the June statement, and the Rotterdam
draw's repayment term extended by one year (9 remaining months + 12).  The officer who
concluded the negotiation may not approve the plan (403); a second officer does.

Every balance is asserted, and the new schedule: 21 annuity installments from 15 June 2026
to 15 February 2028 (the old one ended 15 February 2027) summing to the 152,651.06 left to
repay, the interest accrued so far (244.24) carried to its first installment.  The
restructuring entry closes the old schedule and opens the new one for the same amount: the
trial balance is unchanged, account by account.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.closure import services as cs
from creditline.errors import Forbidden, ValidationError
from creditline.ledger import accounts as acc
from creditline.servicing import services as sv
from tests.integration.closure_support import (
    OFFICER,
    OFFICER2,
    enterprise_line,
    payload,
    render_notices,
    topics,
)
from tests.integration.servicing_support import eod_through, journal, ledger_sound

D = Decimal


def state(container: Container, line_id: str) -> tuple[object, ...]:
    v = sv.get_line(line_id, container.uow())
    return (v.limit, v.principal_unbilled, v.principal_billed, v.interest_accrued,
            v.interest_billed, v.amount_due, v.past_due, v.total_owed, v.restructured)


def trial_balance(container: Container) -> dict[str, Decimal]:
    with container.uow() as uow:
        return {a: amount for a, _, amount in uow.ledger.trial_balance()}


def test_negotiation_partial_closure_of_the_riskiest_draw_and_a_one_year_extension(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = enterprise_line(container, 7, "1000000.00")
    hamburg = sv.purchase(sv.Purchase(line.id, "300000.00", "Hamburg order", "export_financing",
                                      12), container.uow(), OFFICER)
    rotterdam = sv.purchase(sv.Purchase(line.id, "200000.00", "Rotterdam order",
                                        "export_financing", 12), container.uow(), OFFICER)
    assert [(i.bill_date, i.due_date, i.principal) for i in rotterdam.schedule[:4]] == [
        (date(2026, 3, 15), date(2026, 3, 20), D("15595.09")),
        (date(2026, 4, 15), date(2026, 4, 20), D("15782.23")),
        (date(2026, 5, 15), date(2026, 5, 20), D("15971.62")),
        (date(2026, 6, 15), date(2026, 6, 20), D("16163.28"))]
    assert rotterdam.schedule[-1].bill_date == date(2027, 2, 15)

    # March to May: every statement paid in full three days after it
    for bill, billed, interest in ((date(2026, 3, 15), "38987.72", "2800.00"),
                                   (date(2026, 4, 15), "39455.57", "5716.55"),
                                   (date(2026, 5, 15), "39929.04", "5058.67")):
        eod_through(container, clock, bill)
        v = sv.get_line(line.id, container.uow())
        assert (v.principal_billed, v.interest_billed) == (D(billed), D(interest))
        clock.set_date(bill.replace(day=18))
        sv.repay(sv.Repay(line.id, str(v.amount_due)), container.uow(), OFFICER)
    eod_through(container, clock, date(2026, 5, 19))
    assert state(container, line.id) == (
        D("1000000.00"), D("381627.67"), 0, D("610.60"), 0, 0, 0, D("382238.27"), False)

    # 20 May: the negotiation
    clock.set_date(date(2026, 5, 20))
    case = cs.open_negotiation(cs.OpenNegotiation(line.id, "am-liu", "Hamburg orders cancelled"),
                               container.uow(), OFFICER)
    cs.add_negotiation_entry(cs.NegotiationEntry(
        case["id"], "note", "Hamburg buyer cancelled 3 orders; Rotterdam orders stand"),
        container.uow(), OFFICER)
    cs.add_negotiation_entry(cs.NegotiationEntry(
        case["id"], "proposal", "Extend every draw by 24 months", side="customer",
        terms={"extension": "24"}), container.uow(), OFFICER)
    cs.add_negotiation_entry(cs.NegotiationEntry(
        case["id"], "counter_proposal",
        "Close the Hamburg draw at the June statement, limit 400,000, Rotterdam +12 months",
        terms={"new_limit": "400000.00", "extension": "12"}), container.uow(), OFFICER)
    with pytest.raises(ValidationError, match="due_date"):  # not a statement's due date
        cs.conclude_negotiation(cs.ConcludeNegotiation(
            case["id"], "partial_closure", "agreed", cs.ProposePlan(
                line.id, "partial_closure", "x", new_limit="400000.00",
                call_back=(hamburg.id,), due_date="2026-06-30", restructure=(rotterdam.id,),
                extension=12)), container.uow(), OFFICER)
    agreed = cs.ProposePlan(
        line.id, "partial_closure", "export orders cancelled: close the Hamburg exposure",
        new_limit="400000.00", call_back=(hamburg.id,), due_date="2026-06-20",
        restructure=(rotterdam.id,), extension=12)
    ended = cs.conclude_negotiation(cs.ConcludeNegotiation(
        case["id"], "partial_closure", "Counter-proposal accepted by the company", agreed),
        container.uow(), OFFICER)
    assert ended["status"] == "concluded" and ended["outcome"] == "partial_closure"
    assert [e["kind"] for e in ended["entries"]] == [
        "opened", "note", "proposal", "counter_proposal", "concluded"]
    assert state(container, line.id)[0] == D("1000000.00")  # nothing until approved

    before = trial_balance(container)
    with pytest.raises(Forbidden, match="maker-checker"):
        cs.decide_plan(cs.DecidePlan(ended["plan_id"], True, "mine"), container.uow(), OFFICER)
    plan = cs.decide_plan(cs.DecidePlan(ended["plan_id"], True, "terms agreed"),
                          container.uow(), OFFICER2)
    assert plan["status"] == "approved" and plan["decided_by"] == OFFICER2.name
    # the limit is down, Rotterdam rescheduled, Hamburg waits for the June statement
    assert state(container, line.id) == (
        D("400000.00"), D("381627.67"), 0, D("610.60"), 0, 0, 0, D("382238.27"), True)
    assert trial_balance(container) == before  # unchanged, account by account
    assert plan["result"]["called_back"] == [{
        "purchase_id": hamburg.id, "principal": "228976.61", "interest_so_far": "366.36",
        "fees_waived": "0.00", "billed_on": "2026-06-15", "due_date": "2026-06-20"}]
    [r] = plan["result"]["restructured"]
    assert (r["old_principal"], r["new_principal"], r["periods"]) == ("152651.06", "152651.06", 21)
    assert [(x["bill_date"], x["principal"]) for x in r["old_schedule"]][-1] == (
        "2027-02-15", "17781.66")
    new = [(x["bill_date"], x["principal"], x["interest"]) for x in r["new_schedule"]]
    assert new[:3] == [("2026-06-15", "6434.92", "244.24"), ("2026-07-15", "6512.14", "0.00"),
                       ("2026-08-15", "6590.28", "0.00")]
    assert new[-1] == ("2028-02-15", "8168.72", "0.00")
    assert sum(D(p) for _, p, _ in new) == D("152651.06")
    [entry] = [j for j in journal(container, line.id) if j[1] == "restructure"]
    assert entry == ("2026-05-20", "restructure", (
        (acc.PRINCIPAL_UNBILLED, D("-152651.06")), (acc.PRINCIPAL_UNBILLED, D("152651.06"))))
    draws = {p.merchant: p for p in sv.purchases_of_line(line.id, container.uow())}
    with container.uow() as uow:
        flags = {p.merchant: p.restructured for p in uow.purchases.of_line(line.id)}
    assert flags == {"Hamburg order": False, "Rotterdam order": True}
    assert [i.bill_date for i in draws["Hamburg order"].schedule
            if i.status != "paid"] == [date(2026, 6, 15)] * 9

    # 15 June: the statement bills the called Hamburg draw and Rotterdam's first new
    # installment; the company pays it all on the 18th
    eod_through(container, clock, date(2026, 6, 15))
    assert state(container, line.id) == (
        D("400000.00"), D("146216.14"), D("235411.53"), 0, D("4732.17"), D("240143.70"), 0,
        D("386359.84"), True)
    assert D("235411.53") == D("228976.61") + D("6434.92")
    clock.set_date(date(2026, 6, 18))
    sv.repay(sv.Repay(line.id, "240143.70"), container.uow(), OFFICER)
    eod_through(container, clock, date(2026, 7, 15))
    assert state(container, line.id) == (
        D("400000.00"), D("139704.00"), D("6512.14"), 0, D("1754.59"), D("8266.73"), 0,
        D("147970.73"), True)
    statuses = {p.merchant: p.status for p in sv.purchases_of_line(line.id, container.uow())}
    assert statuses == {"Hamburg order": "paid", "Rotterdam order": "active"}
    mine = topics(container, line.customer_id)
    assert [t for t in mine if t.startswith(("negotiation.", "line.limit_reduced",
                                             "line.called_back", "line.restructured"))] == [
        "negotiation.opened", "negotiation.concluded", "line.limit_reduced", "line.called_back",
        "line.restructured"]
    notice = payload(container, "line.called_back")
    assert notice["clause"].startswith("Article 9.2") and notice["due_date"] == "2026-06-20"
    ledger_sound(container)
    assert render_notices(container)  # every notice renders in en and zh
