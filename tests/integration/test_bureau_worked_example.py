"""Credit-bureau reporting as worked examples, on SQLite and PostgreSQL.

Li Lei opens a consumer line on 2 March 2026 and buys a 1,200.00 phone in 12 installments;
the first statement (1 April) asks 50.00 by 10 April.  Each month is reported from the book
at its month end.  The 24-month repayment status string (oldest month first) follows the
PBoC alphabet kept as data in ``bureau/formats/2026.1``."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.bureau import services as bs
from creditline.clock import FixedClock
from creditline.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from creditline.servicing import services as sv
from creditline.store.tables.notify import notify_messages
from tests.integration.bureau_support import close_case, last_record, relay, report, reported
from tests.integration.collections_support import debtor, events
from tests.integration.servicing_support import eod_through, ledger_sound

D = Decimal


def pad(tail: str) -> str:
    """The 24-month string whose last months are ``tail`` (the line did not exist before)."""
    return "/" * (24 - len(tail)) + tail


def pay_on_time(container: Container, clock: FixedClock, y: int, m: int, line_id: str) -> D:
    eod_through(container, clock, date(y, m, 5))
    due = sv.get_line(line_id, container.uow()).amount_due
    sv.repay(sv.Repay(line_id, str(due), idempotency_key=f"pay-{y}-{m}"), container.uow(),
             SYSTEM)
    return due


def test_a_year_of_a_line_in_its_24_month_string(container: Container,
                                                 clock: FixedClock) -> None:
    d = debtor(container, clock)
    line = d.line_id

    # March: the line is open, nothing falls due before 10 April
    march = report(container, clock, 2026, 3).run
    assert march.counts["reported"] == 1 and march.held == []
    rec = last_record(container, line, "2026-03")
    assert rec is not None
    assert (rec.record_type, rec.month_status, rec.history) == ("A", "*", pad("*"))
    assert (rec.account_type, rec.subject_type, rec.account_status) == ("R1", "P", "1")
    assert (rec.balance, rec.past_due, rec.days_past_due) == (D("1200.00"), D("0.00"), 0)

    # April: nothing paid, 20 days late at month end -- the first negative record waits for
    # the customer's notice (art. 15); the run sends it and lists the line as held
    april = report(container, clock, 2026, 4).run
    assert april.counts["reported"] == 0 and april.counts["notices"] == 1
    [held] = april.held
    assert (held["line_id"], held["rule"], held["month_status"]) == (
        line, "notice_required", "1")
    [notice] = events(container, "bureau.negative_notice")
    assert notice == {"line_id": line, "customer_id": d.customer_id, "month": "2026-04",
                      "past_due": "50.00", "days_past_due": 20, "balance": "1207.06",
                      "notice_days": 7, "dedupe_key": f"bureau.negative_notice:{line}"}
    relay(container)  # the inbox delivers it on 30 April
    with container.engine.connect() as c:
        [(subject, status)] = c.execute(select(notify_messages.c.subject,
                                               notify_messages.c.status).where(
            notify_messages.c.topic == "bureau.negative_notice")).all()
    assert status == "sent" and "50.00" in subject

    # May: 20 May the customer pays what is past due (M2 since 11 May): paid late before
    # the month end is M; the notice period (7 days from 30 April) has passed, so April's
    # late month now reaches the bureau inside May's string
    eod_through(container, clock, date(2026, 5, 20))
    owed = sv.get_line(line, container.uow()).past_due
    assert owed == D("50.00")
    sv.repay(sv.Repay(line, str(owed), idempotency_key="cure"), container.uow(), SYSTEM)
    may = report(container, clock, 2026, 5).run
    assert (may.counts["reported"], may.counts["negative"], may.held) == (1, 1, [])
    rec = last_record(container, line, "2026-05")
    assert rec is not None and (rec.month_status, rec.history) == ("M", pad("*1M"))
    assert (rec.balance, rec.past_due, rec.account_status) == (D("1165.55"), D("0.00"), "1")

    # June to September: paid on time each month
    paid = []
    for m in (6, 7, 8, 9):
        paid.append(pay_on_time(container, clock, 2026, m, line))
        report(container, clock, 2026, m)
    assert paid == [D("271.96"), D("106.00"), D("106.00"), D("106.00")]
    rec = last_record(container, line, "2026-09")
    assert rec is not None and (rec.month_status, rec.history) == ("N", pad("*1MNNNN"))
    assert rec.balance == D("600.00")

    # October to January: no more payments -- 1, 2, 3, 4 (31-60 days, ...)
    for m in (10, 11, 12):
        report(container, clock, 2026, m)
    report(container, clock, 2027, 1)
    rec = last_record(container, line, "2027-01")
    assert rec is not None
    assert (rec.month_status, rec.history, rec.account_status) == ("4", pad("*1MNNNN1234"), "2")
    assert (rec.balance, rec.past_due, rec.days_past_due) == (D("638.18"), D("72.30"), 113)

    # 10 February 2027 the line is written off (the losses work moves its collection case to
    # written_off): B from February on, reporting what was owed when it was written off
    eod_through(container, clock, date(2027, 2, 10))
    close_case(container, line, "written_off", date(2027, 2, 10))
    report(container, clock, 2027, 2)
    report(container, clock, 2027, 3)
    rec = last_record(container, line, "2027-03")
    assert rec is not None
    assert (rec.month_status, rec.history, rec.account_status) == (
        "B", pad("*1MNNNN1234BB"), "4")
    owes = sv.get_line(line, container.uow())
    assert (rec.balance, rec.past_due) == (owes.total_owed, owes.past_due)
    # what the customer still owes on the line, 172 days late (the limit was cut meanwhile)
    assert (rec.balance, rec.past_due, rec.days_past_due, rec.credit_limit) == (
        D("666.40"), D("117.34"), 172, D("600.00"))
    assert [m for m, _ in reported(container, line)] == [
        "2026-03", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
        "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]

    # the file of March 2027: the header and Li Lei's record by identity number
    runs = bs.list_runs(container.uow())
    assert [r.month for r in runs][:2] == ["2027-03", "2027-02"]
    f = bs.run_file(runs[0].id, "text", container.uow())
    header, row = f.content.decode().splitlines()
    assert header.startswith("H|2026.1+") and header.endswith("|2027-03|2027-03-31|1")
    assert row == (f"A|2027-03|{line}|R1|P|11010519491231002X|Li Lei|2026-03-02|CNY|"
                   f"{rec.credit_limit}|{owes.total_owed}|{owes.past_due}|{rec.days_past_due}|4|B|"
                   f"{pad('*1MNNNN1234BB')}|N")
    doc = json.loads(bs.run_file(runs[0].id, "json", container.uow()).content)
    assert doc["records"][0]["history"] == pad("*1MNNNN1234BB")
    ledger_sound(container)


def test_the_first_negative_report_waits_until_the_notice_is_delivered_and_its_period_passed(
        container: Container, clock: FixedClock) -> None:
    d = debtor(container, clock)
    report(container, clock, 2026, 3)
    april = report(container, clock, 2026, 4).run
    assert [h["rule"] for h in april.held] == ["notice_required"]

    # the relay has not run: the notice sits in the outbox, nothing reached the customer
    may = report(container, clock, 2026, 5).run
    [held] = may.held
    assert (held["rule"], held["month_status"]) == ("notice_not_delivered", "2")
    assert may.counts["notices"] == 0  # one notice a line, not one a month
    assert len(events(container, "bureau.negative_notice")) == 1

    relay(container)  # delivered on 31 May
    # a 45-day notice period (configurable per run) has not run out by 30 June
    june = report(container, clock, 2026, 6, notice_days=45).run
    [held] = june.held
    assert (held["rule"], held["until"], held["month_status"]) == (
        "notice_period_running", "2026-07-15", "3")
    assert reported(container, d.line_id) == [("2026-03", reported(container, d.line_id)[0][1])]

    # July: the default 7 days have long passed -- reported, with every late month
    july = report(container, clock, 2026, 7).run
    assert july.held == [] and july.counts["negative"] == 1
    rec = last_record(container, d.line_id, "2026-07")
    assert rec is not None and (rec.month_status, rec.history) == ("4", pad("*1234"))
    # later negative records need no new notice
    august = report(container, clock, 2026, 8).run
    assert august.held == [] and august.counts["notices"] == 0


def test_a_dispute_is_flagged_and_a_correction_reaches_the_bureau_as_an_update(
        container: Container, clock: FixedClock) -> None:
    d = debtor(container, clock)
    line = d.line_id
    report(container, clock, 2026, 3)
    report(container, clock, 2026, 4)
    relay(container)
    eod_through(container, clock, date(2026, 5, 20))
    sv.repay(sv.Repay(line, "50.00", idempotency_key="cure"), container.uow(), SYSTEM)
    report(container, clock, 2026, 5)

    # the customer says the April instalment was paid on time (a transfer we misapplied)
    with pytest.raises(NotFound, match=r"no record of line .* was reported for 2026-04"):
        bs.raise_dispute(bs.RaiseDispute(line, "2026-04", "paid on 9 April"), container.uow(),
                         SYSTEM)
    dispute = bs.raise_dispute(bs.RaiseDispute(line, "2026-05", "the April instalment was "
                                               "paid on 9 April; bank receipt attached"),
                               container.uow(), SYSTEM)
    with pytest.raises(Conflict, match="already disputed"):  # a second dispute of the record
        bs.raise_dispute(bs.RaiseDispute(line, "2026-05", "again"), container.uow(), SYSTEM)

    pay_on_time(container, clock, 2026, 6, line)
    june = report(container, clock, 2026, 6).run
    rec = last_record(container, line, "2026-06")
    assert rec is not None and rec.disputed and rec.history == pad("*1MN")

    # checked: the payment was ours to apply.  May is corrected to N, resolving the dispute
    with pytest.raises(ValidationError, match="status: must be a code of the alphabet"):
        bs.correct(bs.Correct(line, "2026-05", "X", "misapplied"), container.uow(), SYSTEM)
    fix = bs.correct(bs.Correct(line, "2026-05", "N", "transfer of 9 April misapplied",
                                dispute.id), container.uow(), SYSTEM)
    [resolved] = bs.list_disputes(container.uow(), "corrected")
    assert (resolved.id, resolved.resolution) == (dispute.id, "transfer of 9 April misapplied")

    pay_on_time(container, clock, 2026, 7, line)
    july = report(container, clock, 2026, 7).run
    assert july.counts["updates"] == 1
    rows = [r for m, r in reported(container, line) if m == "2026-07"]
    assert [(r.record_type, r.month, r.month_status, r.history, r.disputed, r.correction_id)
            for r in rows] == [
        ("A", "2026-07", "N", pad("*1NNN"), False, None),
        ("U", "2026-05", "N", pad("*1N"), False, fix.id)]
    [c] = bs.line_history(line, container.uow()).corrections
    assert c.reported_in == july.id
    text = bs.run_file(july.id, "text", container.uow()).content.decode().splitlines()
    assert [x.split("|")[:2] for x in text[1:]] == [["A", "2026-07"], ["U", "2026-05"]]
    # what May's own run reported stays as it was: the history is append-only
    may_rec = last_record(container, line, "2026-05")
    assert may_rec is not None and may_rec.month_status == "M"

    # reporting a month again gives back its run: the same id, the same bytes
    again = bs.run_month(bs.RunMonth("2026-06"), container.uow(), SYSTEM)
    assert not again.created and again.run == june
    first = bs.run_file(june.id, "text", container.uow())
    assert first.content == bs.run_file(again.run.id, "text", container.uow()).content
    assert first.sha256 == june.text_sha256

    # a month not yet reported can no longer be, once the book has moved past its end
    eod_through(container, clock, date(2026, 9, 2))
    with pytest.raises(BusinessRuleViolation, match="every open line must be closed through "
                                                    "2026-08-31"):
        bs.run_month(bs.RunMonth("2026-08"), container.uow(), SYSTEM)
    with pytest.raises(ValidationError, match="month: must have ended"):
        bs.run_month(bs.RunMonth("2026-09"), container.uow(), SYSTEM)
    with pytest.raises(ValidationError, match="month: must be a month as YYYY-MM"):
        bs.run_month(bs.RunMonth("2026-13"), container.uow(), SYSTEM)


def test_a_sold_line_is_reported_once_as_ended_from_its_collection_case(
        container: Container, clock: FixedClock) -> None:
    d = debtor(container, clock)
    report(container, clock, 2026, 3)
    report(container, clock, 2026, 4)
    relay(container)
    eod_through(container, clock, date(2026, 5, 25))
    close_case(container, d.line_id, "sold", date(2026, 5, 25))  # the losses work's sale
    may = report(container, clock, 2026, 5).run
    rec = last_record(container, d.line_id, "2026-05")
    assert rec is not None
    assert (rec.month_status, rec.history, rec.account_status) == ("G", pad("*1G"), "5")
    assert (rec.balance, rec.past_due, rec.days_past_due) == (D("0.00"), D("0.00"), 0)
    assert may.counts["negative"] == 1
    # the buyer reports it from now on: the lender's file no longer carries the account
    june = report(container, clock, 2026, 6).run
    assert (june.counts["reported"], june.counts["ended"]) == (0, 1)
