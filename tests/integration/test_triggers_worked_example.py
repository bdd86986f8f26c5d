"""Worked examples of the real-time triggers and the merchant-category caps (issue 13), on
SQLite and PostgreSQL.

Han Mei's consumer_bnpl line has a 10,000.00 limit.  The shipped trigger tables
(``lines/trigger_rules``, 2026.11.2) say: three returns within 7 days cut half of the
available credit; risky-category spending (luxury, gaming, gift cards, jewellery) of half
the limit or more within 7 days holds the purchase for a reviewer; a new line drawn from at
most 30 % to at least 90 % within days, after two quick purchases, is frozen and the
purchase held.  The product caps high-energy categories (travel, home appliances, fuel,
motor vehicles) at 40 % of the limit, refuses gambling, lottery and crypto assets, and
halves the installment fee of green purchases (0.5 % a period becomes 0.25 %).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import BusinessRuleViolation, Conflict, Forbidden
from creditline.servicing import holds
from creditline.servicing import services as sv
from creditline.servicing.triggers import trigger_rules
from creditline.store.tables.foundation import outbox
from tests.integration.servicing_support import eod_through, ledger_sound, open_line

D = Decimal
REVIEWER = Principal(user_id="rv-1", name="zhao-reviewer", role=Role.REVIEWER)


def line_figures(container: Container, line_id: str) -> tuple[Decimal, ...]:
    """(limit, used, held, available) as the line shows them."""
    v = sv.get_line(line_id, container.uow())
    return v.limit, v.used, v.held, v.available


def outbox_of(container: Container, topic: str) -> list[dict[str, object]]:
    with container.engine.connect() as c:
        return [dict(r[0]) for r in c.execute(select(outbox.c.payload).where(
            outbox.c.topic == topic).order_by(outbox.c.id))]


def buy(container: Container, line_id: str, amount: str, category: str, key: str,
        installments: int = 1, merchant: str = "Jade Mall") -> sv.PurchaseView:
    return sv.purchase(sv.Purchase(line_id, amount, merchant, category, installments,
                                   idempotency_key=key), container.uow(), SYSTEM)


def test_frequent_returns_cut_the_available_credit_the_same_day(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "10000.00")
    bought = [buy(container, line.id, "300.00", "apparel", f"dress-{n}") for n in range(3)]
    assert line_figures(container, line.id) == (D("10000.00"), D("900.00"), 0, D("9100.00"))

    # 3 March: two dresses go back -- no trigger yet
    clock.set_date(date(2026, 3, 3))
    for p in bought[:2]:
        sv.return_goods(sv.ReturnGoods(p.id, "100.00"), container.uow(), SYSTEM)
    assert line_figures(container, line.id) == (D("10000.00"), D("700.00"), 0, D("9300.00"))

    # 4 March: the third return within 7 days cuts half the available credit, at once
    sv.return_goods(sv.ReturnGoods(bought[2].id, "100.00"), container.uow(), SYSTEM)
    # used 600.00, available was 9,400.00: the limit comes down by 4,700.00
    assert line_figures(container, line.id) == (D("5300.00"), D("600.00"), 0, D("4700.00"))
    event = sv.limit_history(line.id, container.uow())[-1]
    assert (event.old_limit, event.new_limit, event.source.value, event.reason_codes) == (
        D("10000.00"), D("5300.00"), "trigger", ("RETURNS_FREQUENT",))
    assert event.rules_version == trigger_rules().label
    [fired] = holds.list_triggers(container.uow(), line_id=line.id).items
    assert (fired.code, fired.action, fired.event, fired.facts["returns_in_window"]) == (
        "RETURNS_FREQUENT", "cut", "return", 3)
    assert fired.outcome == {"old_limit": "10000.00", "new_limit": "5300.00"}
    [told] = outbox_of(container, "line.trigger_fired")
    assert told["reason_zh"] == "短期内多次退货：您的可用额度暂时减少一半。"
    assert told["customer_id"] == line.customer_id
    ledger_sound(container)


def test_a_spend_spike_in_risky_categories_holds_the_purchase_for_a_reviewer(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "10000.00")
    buy(container, line.id, "3000.00", "luxury", "bag")  # 30 % of the limit: booked

    # two days later a 2,500.00 watch: 55 % of the limit in luxury within 7 days -> held
    clock.set_date(date(2026, 3, 4))
    watch = buy(container, line.id, "2500.00", "luxury", "watch", installments=6)
    assert (watch.status, watch.schedule) == ("held", ())
    assert watch.hold is not None and watch.hold["triggers"] == ["RISKY_CATEGORY_SPIKE"]
    assert "高风险类别消费骤增" in watch.hold["reason_zh"]
    assert line_figures(container, line.id) == (D("10000.00"), D("3000.00"), D("2500.00"),
                                                D("4500.00"))
    # a retry with the same key answers the hold again and reserves nothing more
    again = buy(container, line.id, "2500.00", "luxury", "watch", installments=6)
    assert (again.id, again.status, again.replayed) == (watch.id, "held", True)
    assert line_figures(container, line.id)[2] == D("2500.00")
    [waiting] = holds.list_holds(container.uow()).items
    assert (waiting.id, waiting.amount, waiting.status.value) == (watch.id, D("2500.00"), "held")

    # the purchase's own maker may not release it; the reviewer does, on 5 March
    with pytest.raises(Forbidden):
        holds.decide_hold(holds.DecideHold(watch.id, True, "mine"), container.uow(), SYSTEM)
    clock.set_date(date(2026, 3, 5))
    booked = holds.decide_hold(holds.DecideHold(watch.id, True, "called the customer"),
                               container.uow(), REVIEWER)
    assert (booked.id, booked.status, booked.made_on, len(booked.schedule)) == (
        watch.id, "active", date(2026, 3, 5), 6)
    assert [i.principal for i in booked.schedule] == [D("416.66")] * 5 + [D("416.70")]
    assert line_figures(container, line.id) == (D("10000.00"), D("5500.00"), 0, D("4500.00"))
    with pytest.raises(Conflict):
        holds.decide_hold(holds.DecideHold(watch.id, False, "late"), container.uow(), REVIEWER)

    # a second spike is refused by the reviewer: the reservation goes, the customer is told
    ring = buy(container, line.id, "800.00", "jewellery", "ring")
    assert ring.status == "held"
    assert line_figures(container, line.id) == (D("10000.00"), D("5500.00"), D("800.00"),
                                                D("3700.00"))
    refused = holds.decide_hold(holds.DecideHold(ring.id, False, "not the customer"),
                                container.uow(), REVIEWER)
    assert refused.status == "refused"
    assert line_figures(container, line.id) == (D("10000.00"), D("5500.00"), 0, D("4500.00"))
    assert [t.code for t in holds.list_triggers(container.uow(), line_id=line.id).items] == [
        "RISKY_CATEGORY_SPIKE", "RISKY_CATEGORY_SPIKE"]
    [note] = outbox_of(container, "purchase.hold_refused")
    assert note["reason_en"] == "Your held purchase of 800.00 at Jade Mall was not approved."
    ledger_sound(container)


def test_a_bust_out_freezes_a_new_line_and_holds_the_purchase(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "5000.00")
    buy(container, line.id, "500.00", "electronics", "phone-case")
    buy(container, line.id, "500.00", "electronics", "earbuds")
    clock.set_date(date(2026, 3, 3))
    big = buy(container, line.id, "3700.00", "electronics", "laptop")  # 20 % -> 94 %
    assert big.status == "held" and big.hold is not None
    assert big.hold["triggers"] == ["BUST_OUT_PATTERN"]
    view = sv.get_line(line.id, container.uow())
    assert (view.status, view.used, view.held, view.available) == (
        "frozen", D("1000.00"), D("3700.00"), D("300.00"))
    with pytest.raises(Conflict, match="frozen"):  # released only on an active line
        holds.decide_hold(holds.DecideHold(big.id, True, "ok"), container.uow(), REVIEWER)


def test_a_bust_out_into_risky_goods_suspends_the_line(
        sqlite_container: Container, clock: FixedClock) -> None:
    """The same bust-out, the last purchase a 3,700.00 watch: the risky spike, the bust-out
    and their combination all fire; the line is suspended (suspend over freeze)."""
    clock.set_date(date(2026, 3, 2))
    line = open_line(sqlite_container, "5000.00")
    buy(sqlite_container, line.id, "500.00", "electronics", "phone-case")
    buy(sqlite_container, line.id, "500.00", "electronics", "earbuds")
    clock.set_date(date(2026, 3, 3))
    big = buy(sqlite_container, line.id, "3700.00", "luxury", "watch")
    assert big.status == "held" and big.hold is not None
    assert big.hold["triggers"] == ["RISKY_CATEGORY_SPIKE", "BUST_OUT_PATTERN",
                                    "BUST_OUT_RISKY"]
    assert "暂停使用" in big.hold["reason_zh"]
    view = sv.get_line(line.id, sqlite_container.uow())
    assert (view.status, view.held) == ("suspended", D("3700.00"))


def test_category_caps_refuse_by_name_and_green_purchases_pay_a_lower_fee(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "10000.00")
    buy(container, line.id, "3000.00", "travel", "flight", merchant="Skyline Air Tickets")
    with pytest.raises(BusinessRuleViolation) as cap:
        buy(container, line.id, "1500.00", "home_appliances", "dryer")
    assert cap.value.reason == "category_cap"
    assert "caps high-energy spending at 40 % of the limit (4000.00)" in cap.value.message
    assert "at most 1000.00 more" in cap.value.message
    with pytest.raises(BusinessRuleViolation) as banned:
        buy(container, line.id, "50.00", "lottery", "ticket")
    assert banned.value.reason == "category_prohibited"
    buy(container, line.id, "1000.00", "home_appliances", "fridge")  # exactly the room left

    solar = buy(container, line.id, "1200.00", "green_energy", "solar", installments=12,
                merchant="Sunleaf Solar")
    plain = buy(container, line.id, "1200.00", "electronics", "tv", installments=12)
    assert (solar.fee_rate, solar.schedule[0].fee) == (D("0.0025"), D("3.00"))
    assert (plain.fee_rate, plain.schedule[0].fee) == (D("0.005"), D("6.00"))
    assert line_figures(container, line.id) == (D("10000.00"), D("6400.00"), 0, D("3600.00"))
    ledger_sound(container)


def test_a_hold_is_not_released_beyond_a_limit_cut_since(
        sqlite_container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(sqlite_container, "10000.00")
    buy(sqlite_container, line.id, "3000.00", "luxury", "bag")
    held = buy(sqlite_container, line.id, "2500.00", "luxury", "watch")
    assert held.status == "held"
    sv.change_limit(sv.ChangeLimit(line.id, "5000.00", "income fell"), sqlite_container.uow(),
                    REVIEWER)  # used 3,000.00 + held 2,500.00 > 5,000.00: available 0.00
    with pytest.raises(BusinessRuleViolation) as e:
        holds.decide_hold(holds.DecideHold(held.id, True, "ok"), sqlite_container.uow(),
                          REVIEWER)
    assert e.value.reason == "insufficient_available_credit"
    assert line_figures(sqlite_container, line.id) == (D("5000.00"), D("3000.00"),
                                                       D("2500.00"), D("0.00"))


def test_a_hold_nobody_decides_lapses_three_days_later(container: Container,
                                                       clock: FixedClock) -> None:
    """The trigger rules give a reviewer three days (``hold_expiry_days``): a watch held on
    4 March and never decided lapses when end of day closes 7 March -- the reservation
    goes, the customer is told, and a reviewer coming late finds it decided (409)."""
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "10000.00")
    buy(container, line.id, "3000.00", "luxury", "bag")
    clock.set_date(date(2026, 3, 4))
    watch = buy(container, line.id, "2500.00", "luxury", "watch", installments=6)
    assert watch.status == "held" and trigger_rules().window.hold_expiry_days == 3
    eod_through(container, clock, date(2026, 3, 6))
    assert line_figures(container, line.id)[2] == D("2500.00")  # still waiting
    eod_through(container, clock, date(2026, 3, 7))
    assert line_figures(container, line.id) == (D("10000.00"), D("3000.00"), 0, D("7000.00"))
    lapsed = holds.get_hold(watch.id, container.uow())
    assert (lapsed.status.value, lapsed.decided_by, lapsed.decided_on, lapsed.decision_note) == (
        "expired", "system", date(2026, 3, 7), "not decided within 3 days")
    [note] = outbox_of(container, "purchase.hold_expired")
    assert (note["purchase_id"], note["amount"], note["days"], note["made_on"]) == (
        watch.id, "2500.00", 3, "2026-03-04")
    with pytest.raises(Conflict):
        holds.decide_hold(holds.DecideHold(watch.id, True, "late"), container.uow(), REVIEWER)
    assert [h.id for h in holds.list_holds(container.uow(), status="expired").items] == [
        watch.id]
    ledger_sound(container)
