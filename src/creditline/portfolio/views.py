"""The book's tables as JSON-able data: what the API answers, the CLI prints with
``--json`` and the report's sections render, so the three never differ.  Money as strings
(integer cents shifted two places, exact), shares as fractions rounded to four places."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from creditline.collections.rules import default_rules
from creditline.errors import ValidationError
from creditline.money import CENT
from creditline.portfolio.book import Book, States
from creditline.portfolio.concentration import concentration, default_limits
from creditline.portfolio.rolls import roll_table
from creditline.portfolio.vintages import SEGMENTS, vintage_table


def states() -> States:
    r = default_rules()
    return States(r.buckets, int(r.tolerance / CENT))


def money(cents: Any) -> str:
    return f"{Decimal(int(cents or 0)).scaleb(-2):.2f}"


_MONEY_COLUMNS = ("balance", "balance_30", "balance_90", "written_off")


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-able rows: money columns (integer cents) as money strings."""
    out = []
    for r in frame.iter_rows(named=True):
        out.append({k: money(v) if k in _MONEY_COLUMNS else
                    (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()})
    return out


def vintages_of(book: Book, by: str | None = None) -> dict[str, Any]:
    if by is not None and by not in SEGMENTS:
        raise ValidationError("by", f"must be one of {', '.join(SEGMENTS)}")
    return {"as_of": book.as_of.isoformat(), "by": by, "states": book.states.names,
            "dpd30_from": book.states.names[book.states.dpd30],
            "dpd90_from": book.states.names[book.states.dpd90],
            "rows": rows(vintage_table(book, by))}


def rolls_of(book: Book) -> dict[str, Any]:
    return {"as_of": book.as_of.isoformat(), **roll_table(book)}


def concentration_of(book: Book) -> dict[str, Any]:
    open_lines = book.snapshot.filter(pl.col("status") != "closed")
    return {"as_of": book.as_of.isoformat(),
            **concentration(open_lines, book.categories, default_limits())}
