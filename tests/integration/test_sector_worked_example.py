"""A sector cut and a quarterly review under a flagged industry, on SQLite and PostgreSQL: five manufacturers (GB/T 4754 section C) hold
100,000.00 SME lines; two draw 50,000.00 in March and stop paying.  On 19 April both are 30
days past due: C's 30+ DPD rate is 40 %, above its 10 % threshold in the early-warning table
(``lines/sectors``), so end of day's watch flags C (and the watch on demand agrees).  A lone wholesaler (F) is
below the five lines a rate needs.  A risk officer previews a 20 % cut of C (5 lines, 5
customers, 100,000.00 of limit), applies it as one batch that tells every customer, and
reverses it; a line whose limit was changed in between is left alone and named."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.servicing import line_reviews as rv
from creditline.servicing import sectors as st
from creditline.servicing import services as sv
from creditline.store.tables.foundation import audit_log, customers, outbox
from tests.integration.servicing_support import eod_through

D = Decimal
OFFICER = Principal(user_id="ro-1", name="li-officer", role=Role.RISK_OFFICER)
CHECKER = Principal(user_id="ro-2", name="wang-checker", role=Role.RISK_OFFICER)


def enterprise_line(container: Container, industry: str, limit: str) -> str:
    cid = str(uuid.uuid4())
    with container.uow() as uow:
        uow.session.execute(insert(customers).values(
            id=cid, kind="enterprise", name=f"Works {cid[:4]}", industry=industry,
            attributes={}, consents={}, created_at=uow.now(), version=1))
        uow.commit()
    return sv.open_line(sv.OpenLine(cid, "sme_line", limit), container.uow(), SYSTEM).id


def limit_of(container: Container, line_id: str) -> Decimal:
    return sv.get_line(line_id, container.uow()).limit


def flagged_manufacturing(container: Container, clock: FixedClock) -> tuple[list[str], str]:
    """Five manufacturers (two of them 30+ days past due by 25 April) and a wholesaler."""
    clock.set_date(date(2026, 3, 2))
    makers = [enterprise_line(container, "C", "100000.00") for _ in range(5)]
    trader = enterprise_line(container, "F", "200000.00")
    for n, line_id in enumerate(makers[:2]):
        sv.purchase(sv.Purchase(line_id, "50000.00", "Steel Supply Co", "raw_materials", 3,
                                idempotency_key=f"steel-{n}"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 25))
    assert [sv.get_line(x, container.uow()).days_past_due >= 30 for x in makers] == [
        True, True, False, False, False]
    return makers, trader


def test_a_sector_cut_is_previewed_applied_to_every_line_and_reversed(
        container: Container, clock: FixedClock) -> None:
    makers, trader = flagged_manufacturing(container, clock)

    flags = {f.industry: f for f in st.watch_sectors(container.uow(), OFFICER)}
    c, f = flags["C"], flags["F"]
    # flagged since 19 April: the day end of day's own watch first saw both 30 days late
    assert (c.flagged, c.rate.lines, c.rate.dpd30, c.rate.dpd30_rate, c.rate.why,
            c.flagged_on) == (True, 5, 2, D("0.4"), ("DPD30_RATE",), date(2026, 4, 19))
    assert (f.flagged, f.rate.lines) == (False, 1)

    preview = st.preview_sector_cut(st.SectorCut("c", "20"), container.uow())
    assert (len(preview.lines), preview.customers, preview.limit_removed) == (5, 5,
                                                                              D("100000.00"))
    assert {x.new_limit for x in preview.lines} == {D("80000.00")}
    assert limit_of(container, makers[0]) == D("100000.00")  # a preview changes nothing

    with pytest.raises(Conflict, match="not flagged"):
        st.apply_sector_cut(st.SectorCut("F", "20", "stress"), container.uow(), OFFICER)
    for bad, field in ((st.SectorCut("Z", "20", "x"), "industry"),
                       (st.SectorCut("C", "120", "x"), "percent")):
        with pytest.raises(ValidationError) as e:
            st.apply_sector_cut(bad, container.uow(), OFFICER)
        assert e.value.field == field

    action = st.apply_sector_cut(st.SectorCut("C", "20", "manufacturing downturn"),
                                 container.uow(), OFFICER)
    assert (len(action.lines), action.customers, action.limit_removed) == (5, 5, D("100000.00"))
    assert [limit_of(container, x) for x in makers] == [D("80000.00")] * 5
    assert limit_of(container, trader) == D("200000.00")
    event = sv.limit_history(makers[3], container.uow())[-1]
    assert (event.source.value, event.old_limit, event.new_limit, event.reason_codes) == (
        "sector_action", D("100000.00"), D("80000.00"), ("SECTOR_ACTION", "C", action.id))
    with container.engine.connect() as conn:
        told = [r[0] for r in conn.execute(select(outbox.c.payload).where(
            outbox.c.topic == "line.limit_changed"))]
        audited = conn.execute(select(audit_log.c.action).where(
            audit_log.c.entity_id == action.id)).scalars().all()
    assert len(told) == 5 and {t["sector_action_id"] for t in told} == {action.id}
    assert "行业（C类）风险上升" in told[0]["reason_zh"]
    assert audited == ["sector.cut_applied"]

    # a risk officer moves one line meanwhile; the reversal leaves it alone
    sv.change_limit(sv.ChangeLimit(makers[4], "60000.00", "own review"), container.uow(),
                    OFFICER)
    back, left = st.reverse_sector_cut(action.id, container.uow(), OFFICER)
    assert (back.status.value, left) == ("reversed", [makers[4]])
    assert [limit_of(container, x) for x in makers] == [D("100000.00")] * 4 + [D("60000.00")]
    with pytest.raises(Conflict):
        st.reverse_sector_cut(action.id, container.uow(), OFFICER)
    [listed] = st.list_sector_actions(container.uow(), "C").items
    assert (listed.id, listed.status.value, listed.reversed_by) == (
        action.id, "reversed", "li-officer")


def statements(cash_flow: str, debt_service: str) -> dict[str, str]:
    return {"revenue": "5000000.00", "net_profit": "300000.00", "current_assets": "900000.00",
            "current_liabilities": "600000.00", "total_assets": "3000000.00",
            "total_liabilities": "1500000.00", "operating_cash_flow": cash_flow,
            "debt_service": debt_service}


def test_enterprise_lines_in_a_flagged_industry_are_reviewed_quarterly(
        container: Container, clock: FixedClock) -> None:
    makers, trader = flagged_manufacturing(container, clock)
    st.watch_sectors(container.uow(), OFFICER)  # C flagged on 25 April
    assert rv.schedule_reviews(container.uow(), OFFICER).opened == []  # none due yet

    # 2 June: a quarter after opening, every manufacturer is due; the wholesaler (yearly,
    # F not flagged) only in March 2027
    clock.set_date(date(2026, 6, 2))
    run = rv.schedule_reviews(container.uow(), OFFICER)
    assert sorted(c.line_id for c in run.opened) == sorted(makers)
    assert {(c.frequency, c.due_on) for c in run.opened} == {("quarterly", date(2026, 6, 2))}
    case = {c.line_id: c for c in run.opened}

    with pytest.raises(ValidationError) as bad:
        rv.upload_statements(rv.UploadStatements(case[makers[2]].id, {"revenue": "1.00"}),
                             container.uow(), OFFICER)
    assert bad.value.field == "statements.net_profit"
    # capacity = cash flow / 1.40 - debt service, to the 1,000.00 below
    up = rv.upload_statements(rv.UploadStatements(case[makers[2]].id, statements(
        "1400000.00", "200000.00")), container.uow(), OFFICER)
    assert (up.capacity, up.proposal.value if up.proposal else None, up.proposed_limit) == (
        D("800000.00"), "increase", D("130000.00"))
    down = rv.upload_statements(rv.UploadStatements(case[makers[3]].id, statements(
        "140000.00", "30000.00")), container.uow(), OFFICER)
    assert (down.proposal.value if down.proposal else None, down.proposed_limit) == (
        "reduce", D("70000.00"))
    gone = rv.upload_statements(rv.UploadStatements(case[makers[4]].id, statements(
        "50000.00", "0.00")), container.uow(), OFFICER)
    assert gone.proposal is not None and gone.proposal.value == "close"

    with pytest.raises(Forbidden):  # maker-checker: not one's own proposal
        rv.decide_review(rv.DecideReview(up.id, True, "fine"), container.uow(), OFFICER)
    done = rv.decide_review(rv.DecideReview(up.id, True, "strong cash flow"), container.uow(),
                            CHECKER)
    assert (done.status.value, done.decided_by) == ("approved", "wang-checker")
    assert limit_of(container, makers[2]) == D("130000.00")
    event = sv.limit_history(makers[2], container.uow())[-1]
    assert (event.source.value, event.reason_codes) == ("review", ("REVIEW", "increase"))
    rv.decide_review(rv.DecideReview(gone.id, True, "no capacity left"), container.uow(),
                     CHECKER)
    assert sv.get_line(makers[4], container.uow()).status == "closing"

    # 5 August: the cases still open are 64 days overdue -- end of day freezes their lines
    # (the review stage); the schedule then finds nothing left to freeze
    eod_through(container, clock, date(2026, 8, 5))
    assert sorted(c.line_id for c in rv.overdue_reviews(container.uow())) == sorted(
        [makers[0], makers[1], makers[3]])
    assert [sv.get_line(x, container.uow()).status for x in makers] == [
        "frozen", "frozen", "active", "frozen", "closed"]  # closing ran off: closed
    assert sv.get_line(trader, container.uow()).status == "active"
    late = rv.schedule_reviews(container.uow(), OFFICER)
    assert (late.opened, late.frozen) == ([], [])  # makers[2]'s next review: 2 September
    with container.engine.connect() as conn:
        frozen_by = conn.execute(select(audit_log.c.actor).where(
            audit_log.c.action == "line.status_changed")).scalars().all()
    assert frozen_by == ["system"] * 3


def test_schedule_freezes_a_long_overdue_line_end_of_day_has_not_visited(
        sqlite_container: Container, clock: FixedClock) -> None:
    """The on-demand schedule applies the same freeze rule as the end-of-day stage."""
    clock.set_date(date(2026, 3, 2))
    line_id = enterprise_line(sqlite_container, "F", "100000.00")
    clock.set_date(date(2027, 3, 2))
    [case] = rv.schedule_reviews(sqlite_container.uow(), OFFICER).opened
    assert (case.frequency, case.due_on) == ("yearly", date(2027, 3, 2))
    clock.set_date(date(2027, 5, 2))  # 61 days overdue, no end of day run since
    assert rv.schedule_reviews(sqlite_container.uow(), OFFICER).frozen == [line_id]
    assert sv.get_line(line_id, sqlite_container.uow()).status == "frozen"


def test_end_of_day_watches_the_sectors_and_opens_the_reviews_by_itself(
        container: Container, clock: FixedClock) -> None:
    """Nobody asks: end of day flags C on the day two of its five manufacturers reach 30
    days past due (19 April: a 40 % 30+ rate against 10 %), and opens the five quarterly
    reviews on 2 June, as system."""
    makers, trader = flagged_manufacturing(container, clock)
    [c] = [f for f in st.list_flags(container.uow()) if f.industry == "C"]
    assert (c.flagged, c.flagged_on, c.rate.dpd30) == (True, date(2026, 4, 19), 2)
    with container.engine.connect() as conn:
        who = conn.execute(select(audit_log.c.actor, audit_log.c.entity_id).where(
            audit_log.c.action == "sector.flagged")).all()
    assert [tuple(r) for r in who] == [("system", "C")]
    assert rv.list_reviews(container.uow()).items == []

    eod_through(container, clock, date(2026, 6, 2))
    opened = rv.list_reviews(container.uow()).items
    assert sorted(x.line_id for x in opened) == sorted(makers)
    assert {(x.frequency, x.due_on, x.opened_on) for x in opened} == {
        ("quarterly", date(2026, 6, 2), date(2026, 6, 2))}
    assert trader not in {x.line_id for x in opened}
    # asking again the same day finds nothing more to open
    assert rv.schedule_reviews(container.uow(), OFFICER).opened == []
