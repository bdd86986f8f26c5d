"""Helpers for servicing integration tests: a customer row, a line, end of day, and the
line's journal in a comparable form."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import insert

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from creditline.servicing.eod import RunEod, run_eod
from creditline.servicing.views import LineView
from creditline.store.tables.foundation import customers


def add_customer(container: Container, name: str = "Li Lei") -> str:
    """A bare customer row (the parties context owns registration; servicing only needs
    the id to exist)."""
    cid = str(uuid.uuid4())
    with container.uow() as uow:
        uow.session.execute(insert(customers).values(
            id=cid, kind="person", name=name, attributes={}, consents={},
            created_at=uow.now(), version=1))
        uow.commit()
    return cid


def open_line(container: Container, limit: str = "10000.00", product: str = "consumer_bnpl",
              **kw: object) -> LineView:
    cid = add_customer(container)
    return sv.open_line(sv.OpenLine(cid, product, limit, **kw), container.uow(), SYSTEM)  # type: ignore[arg-type]


def eod_through(container: Container, clock: FixedClock, day: date) -> None:
    """Move the clock to ``day`` and close every day up to it."""
    clock.set_date(day)
    run_eod(RunEod(day), container.uow(), SYSTEM)


def journal(container: Container, line_id: str) -> list[tuple[str, str, tuple[tuple[str, Decimal], ...]]]:
    """(business date, kind, ((account, signed amount), ...)) for each entry, oldest first."""
    with container.uow() as uow:
        entries = uow.ledger.entries(line_id=line_id, limit=10_000)
    rows = [(e.business_date.isoformat(), e.kind,
             tuple(sorted((p.account, p.amount) for p in e.postings))) for e in entries]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def ledger_sound(container: Container) -> None:
    report = sv.check_ledger(container.uow())
    assert report.ok, report
