"""Helpers for the collections tests: a registered debtor with a consumer_bnpl line who
buys a 1,200.00 phone in 12 installments on 2 March 2026 and pays nothing, so the 1 April
statement's minimum (50.00, due 10 April) is past due from 11 April (day 1, bucket M1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.collections.cases import Case
from creditline.parties import services as parties
from creditline.servicing import services as sv
from creditline.store.tables.foundation import outbox
from tests.conftest import create_user
from tests.integration.servicing_support import eod_through

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Debtor:
    customer_id: str
    line_id: str


def debtor(container: Container, clock: FixedClock, phone: str = "13812341234",
           id_number: str = "11010519491231002X") -> Debtor:
    clock.set_date(date(2026, 3, 2))
    c = parties.register_customer(parties.RegisterPerson(
        name="Li Lei", id_number=id_number, phone=phone, monthly_income="8000",
        consents={"credit_check": True, "data_processing": True}), container.uow(), SYSTEM)
    line = sv.open_line(sv.OpenLine(c.id, "consumer_bnpl", "10000.00"), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(line.id, "1200.00", "JD Mall", "electronics", 12,
                            idempotency_key=f"phone-{uuid.uuid4()}"), container.uow(), SYSTEM)
    return Debtor(c.id, line.id)


def case_of(container: Container, line_id: str) -> Case | None:
    with container.uow() as uow:
        return uow.collection_cases.active_for_line(line_id)


def delinquent(container: Container, clock: FixedClock, through: date = date(2026, 4, 20),
               **kw: Any) -> tuple[Debtor, Case]:
    d = debtor(container, clock, **kw)
    eod_through(container, clock, through)
    case = case_of(container, d.line_id)
    assert case is not None
    return d, case


def collector(container: Container, name: str = "chen") -> Principal:
    create_user(container, name, Role.COLLECTOR)
    return Principal(f"id-{name}", name, Role.COLLECTOR)


SUPERVISOR = Principal("id-sup", "supervisor", Role.RISK_OFFICER)


def local(clock: FixedClock, y: int, m: int, d: int, h: int, mi: int = 0,
          zone: ZoneInfo = SHANGHAI) -> None:
    """Set the wall clock to a local time in ``zone`` (the business date follows it)."""
    clock.current = datetime(y, m, d, h, mi, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def events(container: Container, topic: str) -> list[dict[str, Any]]:
    with container.engine.connect() as c:
        return [dict(r[0]) for r in c.execute(select(outbox.c.payload).where(
            outbox.c.topic == topic).order_by(outbox.c.id))]
