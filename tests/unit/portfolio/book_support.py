"""A small book built by hand as the store would hand it over (``BookInputs``), for the
portfolio's worked examples: four consumer lines over the first quarter of 2026."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from creditline.collections.rules import default_rules
from creditline.portfolio.book import (
    CATEGORY_SCHEMA,
    INTERVAL_SCHEMA,
    LINE_SCHEMA,
    STATEMENT_SCHEMA,
    WRITEOFF_SCHEMA,
    BookInputs,
    States,
)

D = date
AS_OF = D(2026, 3, 31)


def states() -> States:
    r = default_rules()
    return States(r.buckets, 100)


def line(line_id: str, opened: date, *, balance: int, dpd: int = 0, past_due: int = 0,
         product: str = "consumer_bnpl", kind: str = "person", industry: str | None = None,
         region: str = "Shanghai", channel: str = "app", band: str = "B",
         customer: str | None = None, limit: int = 1_000_000, status: str = "active"
         ) -> dict[str, Any]:
    return {"line_id": line_id, "customer_id": customer or f"c-{line_id}", "product": product,
            "kind": kind, "status": status, "opened_on": opened, "limit": limit,
            "balance": balance, "used": balance, "past_due": past_due, "dpd": dpd,
            "last_eod": AS_OF, "industry": industry, "region": region, "channel": channel,
            "band": band}


def inputs(lines: list[dict[str, Any]], intervals: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
           statements: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
           writeoffs: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
           categories: list[tuple[Any, ...]] = ()) -> BookInputs:  # type: ignore[assignment]
    return BookInputs(
        lines=pl.DataFrame(lines, schema=LINE_SCHEMA),
        intervals=pl.DataFrame(list(intervals), schema=INTERVAL_SCHEMA, orient="row"),
        statements=pl.DataFrame(list(statements), schema=STATEMENT_SCHEMA, orient="row"),
        writeoffs=pl.DataFrame(list(writeoffs), schema=WRITEOFF_SCHEMA, orient="row"),
        categories=pl.DataFrame(list(categories), schema=CATEGORY_SCHEMA, orient="row"))


def quarter() -> BookInputs:
    """L1 (January) stays current; L2 (January) is 1-30 days late at the end of February
    and 31-60 at the end of March; L3 (February) falls late in February and is cured in
    March; L4 (January) falls late in January, rolls to 31-60 in February and is written off
    on 15 March for 500.00.  Statements on the 1st give the month-end balances."""
    return inputs(
        [line("L1", D(2026, 1, 10), balance=60000),
         line("L2", D(2026, 1, 20), balance=90000, dpd=45, past_due=30000),
         line("L3", D(2026, 2, 5), balance=40000),
         line("L4", D(2026, 1, 5), balance=0, status="active")],
        intervals=[("L2", "M1", D(2026, 2, 15), D(2026, 3, 17)),
                   ("L2", "M2", D(2026, 3, 17), None),
                   ("L3", "M1", D(2026, 2, 20), D(2026, 3, 5)),
                   ("L4", "M1", D(2026, 1, 10), D(2026, 2, 9)),
                   ("L4", "M2", D(2026, 2, 9), D(2026, 3, 15))],
        statements=[("L1", D(2026, 1, 1), 0), ("L1", D(2026, 2, 1), 100000),
                    ("L1", D(2026, 3, 1), 80000),
                    ("L2", D(2026, 2, 1), 120000), ("L2", D(2026, 3, 1), 100000),
                    ("L3", D(2026, 3, 1), 50000),
                    ("L4", D(2026, 1, 6), 70000), ("L4", D(2026, 2, 1), 60000),
                    ("L4", D(2026, 3, 1), 55000)],
        writeoffs=[("L4", D(2026, 3, 15), 50000)])
