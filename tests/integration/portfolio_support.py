"""A small book run through the real services for the portfolio's worked example: three
consumer lines over the first four months of 2026, on SQLite and PostgreSQL.

- A (Shanghai, opened 5 January) buys 1,200.00 in 12 installments and pays every bill in full
  five days after its statement: current at every month end;
- B (Shanghai, opened 5 January) buys 1,200.00 and never pays: its first bill (1 February)
  falls due on 10 February, so it is 18 days past due at the end of February (M1), 49 at
  the end of March (M2) and 79 at the end of April (M3);
- C (Beijing, opened 3 February) buys 600.00 and never pays: first bill 1 March, due
  10 March, 21 days past due at the end of March (M1), 51 at the end of April (M2)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import insert

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from creditline.store.tables.foundation import customers
from tests.integration.servicing_support import eod_through

D = date
AS_OF = D(2026, 4, 30)


def add_customer(container: Container, name: str, region: str, *, kind: str = "person",
                 industry: str | None = None) -> str:
    cid = str(uuid.uuid4())
    with container.uow() as uow:
        uow.session.execute(insert(customers).values(
            id=cid, kind=kind, name=name, region=region, industry=industry, attributes={},
            consents={}, created_at=uow.now(), version=1))
        uow.commit()
    return cid


def open_line(container: Container, cid: str, limit: str = "10000.00") -> str:
    return sv.open_line(sv.OpenLine(cid, "consumer_bnpl", limit), container.uow(), SYSTEM).id


def four_months(container: Container, clock: FixedClock) -> dict[str, Any]:
    """Build the book through 30 April; the line ids by name."""
    clock.set_date(D(2026, 1, 5))
    a = open_line(container, add_customer(container, "Alice", "Shanghai"))
    b = open_line(container, add_customer(container, "Bo", "Shanghai"))
    sv.purchase(sv.Purchase(a, "1200.00", "JD Mall", "electronics", 12, idempotency_key="a1"),
                container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(b, "1200.00", "JD Mall", "electronics", 12, idempotency_key="b1"),
                container.uow(), SYSTEM)
    eod_through(container, clock, D(2026, 2, 2))
    clock.set_date(D(2026, 2, 3))
    c = open_line(container, add_customer(container, "Chen", "Beijing"))
    sv.purchase(sv.Purchase(c, "600.00", "Lotus Fresh", "groceries", 6, idempotency_key="c1"),
                container.uow(), SYSTEM)
    for month in (2, 3, 4):
        eod_through(container, clock, D(2026, month, 5))
        due = sv.get_line(a, container.uow()).amount_due
        if due > 0:
            sv.repay(sv.Repay(a, str(due), idempotency_key=f"a-pay-{month}"), container.uow(),
                     SYSTEM)
    eod_through(container, clock, AS_OF)
    return {"A": a, "B": b, "C": c}
