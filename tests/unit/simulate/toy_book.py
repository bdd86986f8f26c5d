"""A deliberately tiny line ledger for testing the behaviour model on its own.

It is NOT a stand-in for the servicing services (no interest, fees, installments,
waterfall or events): it only moves the four numbers the behaviour model reads -
available credit, statement amount due, minimum due and days past due - so tests can
run a customer for months and check what they *intend*.  The demo driver feeds the
same intents to the real services instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from creditline.simulate.behaviour import (
    Customers,
    Intent,
    LineBook,
    Purchase,
    PurchaseMemory,
    Repay,
    Return,
    plan_day,
)

STATEMENT_DAY = 1  # statements on the 1st, due on the 11th
DUE_AFTER_DAYS = 10


@dataclass
class ToyBook:
    limit: np.ndarray  # cents
    balance: np.ndarray = field(init=False)
    amount_due: np.ndarray = field(init=False)
    minimum_due: np.ndarray = field(init=False)
    due: np.ndarray = field(init=False)
    overdue_since: np.ndarray = field(init=False)
    frozen: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.limit)
        self.balance = np.zeros(n, dtype=np.int64)
        self.amount_due = np.zeros(n, dtype=np.int64)
        self.minimum_due = np.zeros(n, dtype=np.int64)
        self.due = np.zeros(n, dtype=np.int64)
        self.overdue_since = np.zeros(n, dtype=np.int64)
        self.frozen = np.zeros(n, dtype=bool)

    def view(self, day: date) -> LineBook:
        d = day.toordinal()
        dpd = np.where((self.minimum_due > 0) & (self.due > 0) & (d > self.due), d - self.due, 0)
        return LineBook(self.limit.copy(), self.limit - self.balance, self.amount_due.copy(),
                        self.minimum_due.copy(), self.due.copy(), dpd, ~self.frozen & (dpd < 30))

    def morning(self, day: date) -> None:
        if day.day == STATEMENT_DAY:
            unpaid_min = self.minimum_due.copy()
            self.amount_due = self.balance.copy()
            self.minimum_due = np.where(self.balance > 0,
                                        np.minimum(self.balance,
                                                   np.maximum(self.balance // 10, 5000))
                                        + unpaid_min, 0)
            self.minimum_due = np.minimum(self.minimum_due, self.balance)
            still_overdue = unpaid_min > 0
            new_due = (day + timedelta(days=DUE_AFTER_DAYS)).toordinal()
            self.due = np.where(self.balance > 0, np.where(still_overdue, self.due, new_due), 0)

    def apply(self, intents: list[Intent], memory: PurchaseMemory, day: date) -> None:
        for it in intents:
            i, a = it.customer, it.action
            cents = int(a.amount * 100)
            if isinstance(a, Purchase):
                assert cents <= self.limit[i] - self.balance[i], "over the limit"
                self.balance[i] += cents
                memory.record(i, a, day)
            elif isinstance(a, Return):
                self.balance[i] -= cents
                self.amount_due[i] = min(self.amount_due[i], self.balance[i])
                self.minimum_due[i] = min(self.minimum_due[i], self.balance[i])
                memory.forget(a.purchase_ref)
            elif isinstance(a, Repay):
                cents = min(cents, self.balance[i])
                self.balance[i] -= cents
                self.amount_due[i] = max(self.amount_due[i] - cents, 0)
                self.minimum_due[i] = max(self.minimum_due[i] - cents, 0)


def run(customers: Customers, limits_cents: np.ndarray, start: date, days: int
        ) -> tuple[list[tuple[date, Intent]], ToyBook]:
    """Run ``days`` business days; returns every intent with its date, and the book."""
    book = ToyBook(np.asarray(limits_cents, dtype=np.int64))
    memory = PurchaseMemory()
    log: list[tuple[date, Intent]] = []
    for step in range(days):
        day = start + timedelta(days=step)
        book.morning(day)
        intents = plan_day(customers, book.view(day), day, memory.recent(day))
        book.apply(intents, memory, day)
        log.extend((day, it) for it in intents)
    return log, book
