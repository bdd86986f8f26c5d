"""Plans with maker-checker beyond the worked examples: the emergency plan for an
enterprise at risk (cut the limit, call a draw back under the acceleration clause: the
notice names the clause, the called amount is billed on the statement and falls past due
if unpaid), and a person's hardship restructuring with capitalised arrears."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.closure import services as cs
from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.ledger import accounts as acc
from creditline.servicing import services as sv
from tests.integration.closure_support import (
    OFFICER,
    OFFICER2,
    enterprise_line,
    payload,
    person_line,
    render_notices,
)
from tests.integration.servicing_support import eod_through, journal, ledger_sound

D = Decimal


def test_an_emergency_plan_cuts_the_limit_and_calls_a_draw_back(
        sqlite_container: Container, clock: FixedClock) -> None:
    container = sqlite_container
    clock.set_date(date(2026, 3, 2))
    line = enterprise_line(container, 21, "800000.00")
    steel = sv.purchase(sv.Purchase(line.id, "120000.00", "Steel import", "trade", 6),
                        container.uow(), OFFICER)
    sv.purchase(sv.Purchase(line.id, "60000.00", "Spare parts", "trade", 6), container.uow(),
                OFFICER)
    eod_through(container, clock, date(2026, 3, 15))
    clock.set_date(date(2026, 3, 18))
    sv.repay(sv.Repay(line.id, str(sv.get_line(line.id, container.uow()).amount_due)),
             container.uow(), OFFICER)
    clock.set_date(date(2026, 3, 25))
    with pytest.raises(ValidationError, match="due_date"):
        cs.propose_plan(cs.ProposePlan(line.id, "emergency", "sector stress", call_back=(
            steel.id,), due_date="2026-04-10"), container.uow(), OFFICER)
    with pytest.raises(ValidationError, match="new_limit"):
        cs.propose_plan(cs.ProposePlan(line.id, "emergency", "x", new_limit="900000.00"),
                        container.uow(), OFFICER)
    plan = cs.propose_plan(cs.ProposePlan(
        line.id, "emergency", "steel sector stress: supplier insolvent",
        new_limit="200000.00", call_back=(steel.id,), due_date="2026-04-20"),
        container.uow(), OFFICER)
    assert sv.get_line(line.id, container.uow()).limit == D("800000.00")
    with pytest.raises(Forbidden):
        cs.decide_plan(cs.DecidePlan(plan["id"], True, "mine"), container.uow(), OFFICER)
    done = cs.decide_plan(cs.DecidePlan(plan["id"], True, "confirmed"), container.uow(),
                          OFFICER2)
    with pytest.raises(Conflict, match="already approved"):
        cs.decide_plan(cs.DecidePlan(plan["id"], False, "late"), container.uow(), OFFICER2)
    [called] = done["result"]["called_back"]
    # 120,000.00 less the March installment's 19,408.35 principal
    assert (called["principal"], called["billed_on"], called["due_date"]) == (
        "100591.65", "2026-04-15", "2026-04-20")
    notice = payload(container, "line.called_back")
    assert notice["clause"] == "Article 9.2 (acceleration upon material adverse change)"
    assert (notice["due_date"], notice["customer_id"]) == ("2026-04-20", line.customer_id)
    v = sv.get_line(line.id, container.uow())
    # used: 100,591.65 + 60,000.00 - 9,704.17 (the parts draw's March principal)
    assert (v.limit, v.used, v.available) == (D("200000.00"), D("150887.48"), D("49112.52"))
    assert sv.limit_history(line.id, container.uow())[-1].source.value == "closure"

    # 15 April: the whole steel draw is billed with the parts draw's installment
    eod_through(container, clock, date(2026, 4, 15))
    v = sv.get_line(line.id, container.uow())
    assert (v.principal_billed, v.interest_billed, v.minimum_due, v.due_date) == (
        D("110412.27"), D("1870.99"), D("112283.26"), date(2026, 4, 20))  # + 9,820.62
    # not paid: past due from the 21st (collections takes over once it exists)
    eod_through(container, clock, date(2026, 4, 23))
    v = sv.get_line(line.id, container.uow())
    assert (v.past_due, v.days_past_due, v.penalties, v.amount_due) == (
        D("112283.26"), 3, D("202.07"), D("112485.33"))
    ledger_sound(container)
    assert render_notices(container)  # every notice renders in en and zh


def test_a_hardship_restructuring_capitalises_the_arrears(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(container, 31, limit="20000.00")
    p = sv.purchase(sv.Purchase(line.id, "6000.00", "Gome", "appliances", 6), container.uow(),
                    OFFICER)
    eod_through(container, clock, date(2026, 4, 20))  # billed 1 April, missed the 10th
    v = sv.get_line(line.id, container.uow())
    assert (v.principal_billed, v.fees, v.penalties, v.past_due, v.days_past_due) == (
        D("1000.00"), D("30.00"), D("5.15"), D("130.00"), 10)
    clock.set_date(date(2026, 4, 21))
    plan = cs.propose_plan(cs.ProposePlan(
        line.id, "restructuring", "job loss (hardship): six more months, arrears capitalised",
        restructure=(p.id,), extension=6, fee_rate="0", capitalise_arrears=True),
        container.uow(), OFFICER)
    done = cs.decide_plan(cs.DecidePlan(plan["id"], True, "hardship policy H-2"),
                          container.uow(), OFFICER2)
    [r] = done["result"]["restructured"]
    # 5,000.00 unbilled + 1,000.00 principal + 30.00 fee + 5.15 penalty in arrears
    # (0.05 % a day on 1,030.00 from 11 to 20 April)
    assert r["capitalised"] == {"principal": "1000.00", "fee": "30.00", "interest": "0.00",
                                "penalty": "5.15"}
    assert (r["new_principal"], r["periods"]) == ("6035.15", 11)
    assert [x["principal"] for x in r["new_schedule"]] == ["548.65"] * 11
    v = sv.get_line(line.id, container.uow())
    assert (v.principal_unbilled, v.principal_billed, v.fees, v.penalties, v.past_due,
            v.days_past_due, v.total_owed, v.restructured) == (
        D("6035.15"), 0, 0, 0, 0, 0, D("6035.15"), True)
    [entry] = [j for j in journal(container, line.id) if j[1] == "restructure"]
    assert entry[2] == tuple(sorted((
        (acc.FEE_RECEIVABLE, D("-30.00")), (acc.PENALTY_RECEIVABLE, D("-5.15")),
        (acc.PRINCIPAL_BILLED, D("-1000.00")), (acc.PRINCIPAL_UNBILLED, D("-5000.00")),
        (acc.PRINCIPAL_UNBILLED, D("6035.15")))))
    ledger_sound(container)
    assert render_notices(container)  # every notice renders in en and zh
