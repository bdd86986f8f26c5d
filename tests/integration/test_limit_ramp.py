"""The new-customer limit ramp, on both stores, as a worked example.

Two new customers with the same good file apply on 2 March 2026 (statement day 1).  The
policy would grant each more than the product's first limit, so each line opens at
3,000.00 with that figure as its ramp target.  Both buy in one payment on 2 March (due
10 April).  Wang pays his 200.00 on 5 April, buys 100.00 on 20 April (due 10 May), pays it
on 8 May and buys 100.00 on 20 May; Zhou buys 1,000.00 and does not pay.  (A statement is
cut for a cycle with something on it: a line nobody uses does not grow.)

- 1 April: no step: no bill has fallen due yet, so "nothing past due" proves nothing (a
  bust-out that maxed the line on its first day looks the same);
- 1 May: Wang paid his first bill: his limit grows by half, to 4,500.00; Zhou is past due
  since 11 April: his stays at 3,000.00;
- 1 June: Wang's grows again, to 6,700.00 (rounded down to whole hundreds);
- every step is a ``permanent`` limit event (source ``strategy``, reason LIMIT_RAMP) and a
  ``line.limit_changed`` notification; closing 1 June again (the stage alone) changes
  nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.lines.limits import LimitKind, LimitSource
from creditline.servicing import services as sv
from creditline.store.tables.foundation import outbox
from tests.api.test_applications_support import GOOD_BUREAU, applied, person, register
from tests.conftest import ADMIN
from tests.integration.servicing_support import eod_through


def _limit(container: Container, line_id: str) -> Decimal:
    with container.uow() as uow:
        line = uow.lines.get(line_id)
        assert line is not None
        return line.limit


def test_a_first_limit_grows_at_each_clean_statement_up_to_the_policy(
        api: TestClient, container: Container, clock: FixedClock) -> None:
    wang, zhou = (applied(api, register(api, person(400 + i)), bureau=GOOD_BUREAU)
                  for i in range(2))
    for a in (wang, zhou):
        assert a["decision"] == "approved" and a["limit"] == "3000.00"
    detail = api.get(f"/v1/applications/{wang['id']}", headers=ADMIN).json()
    target = Decimal(detail["policy"]["ramp_target"])
    assert target > Decimal("6700.00")
    sv.purchase(sv.Purchase(zhou["line_id"], "1000.00", "JD Mall", "phones", 1),
                container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(wang["line_id"], "200.00", "JD Mall", "books", 1),
                container.uow(), SYSTEM)

    eod_through(container, clock, date(2026, 4, 1))
    assert _limit(container, wang["line_id"]) == _limit(container, zhou["line_id"]) \
        == Decimal("3000.00")
    eod_through(container, clock, date(2026, 4, 5))
    sv.repay(sv.Repay(wang["line_id"], "200.00"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 20))
    sv.purchase(sv.Purchase(wang["line_id"], "100.00", "JD Mall", "books", 1),
                container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 5, 1))
    assert _limit(container, wang["line_id"]) == Decimal("4500.00")
    assert _limit(container, zhou["line_id"]) == Decimal("3000.00")
    eod_through(container, clock, date(2026, 5, 8))
    sv.repay(sv.Repay(wang["line_id"], "100.00"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 5, 20))
    sv.purchase(sv.Purchase(wang["line_id"], "100.00", "JD Mall", "books", 1),
                container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 6, 1))
    assert _limit(container, wang["line_id"]) == Decimal("6700.00")
    assert _limit(container, zhou["line_id"]) == Decimal("3000.00")

    with container.uow() as uow:
        events = [e for e in uow.limit_events.of_line(wang["line_id"])
                  if e.source == LimitSource.STRATEGY]
    assert [(e.business_date, e.old_limit, e.new_limit, e.kind, e.reason_codes)
            for e in events] == [
        (date(2026, 5, 1), Decimal("3000.00"), Decimal("4500.00"), LimitKind.PERMANENT,
         ("LIMIT_RAMP",)),
        (date(2026, 6, 1), Decimal("4500.00"), Decimal("6700.00"), LimitKind.PERMANENT,
         ("LIMIT_RAMP",))]
    with container.engine.connect() as c:
        changed = [r.payload for r in c.execute(select(outbox.c.payload).where(
            outbox.c.topic == "line.limit_changed"))]
    assert sorted((p["from"], p["to"]) for p in changed) == [
        ("3000.00", "4500.00"), ("4500.00", "6700.00")]

    again = run_eod(RunEod(date(2026, 6, 1), stage="limit_ramp"), container.uow(), SYSTEM)
    assert again is not None
    assert _limit(container, wang["line_id"]) == Decimal("6700.00")
