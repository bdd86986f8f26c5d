"""Statement calendar: a line cuts a statement on its statement day each month and the
amount billed is due ``grace_days`` later.  Statement days run 1-28 so every month has one.

A purchase is billed on the first statement date *strictly after* the purchase date: a
purchase made on statement day belongs to the next cycle (the statement is cut at the end of
that day, but installments bill from the following one).
"""

from __future__ import annotations

from datetime import date, timedelta

EPOCH = date(1970, 1, 1)


def add_months(d: date, months: int, day: int) -> date:
    """The date ``months`` after ``d``'s month, on ``day`` (1-28)."""
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, day)


def next_statement_date(after: date, statement_day: int) -> date:
    """The first statement date strictly after ``after``."""
    candidate = date(after.year, after.month, statement_day)
    return candidate if candidate > after else add_months(candidate, 1, statement_day)


def bill_dates(purchase_date: date, statement_day: int, periods: int) -> list[date]:
    first = next_statement_date(purchase_date, statement_day)
    return [add_months(first, k, statement_day) for k in range(periods)]


def due_date(statement_date: date, grace_days: int) -> date:
    return statement_date + timedelta(days=grace_days)


def day_number(d: date) -> int:
    """Days since 1970-01-01: how the vectorized kernel carries dates."""
    return (d - EPOCH).days
