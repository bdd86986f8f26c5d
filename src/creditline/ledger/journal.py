"""Journal entries: immutable, at least two postings, each a non-zero signed amount (debit
positive, credit negative), summing to zero per currency.  The constructor runs the
validators; a correction is a reversal entry, never an edit.  The same rules are checked
column-wise for bulk batches (``check_columns``) and, on PostgreSQL, by a deferred
constraint trigger at commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from creditline.ledger.accounts import CHART
from creditline.money import CURRENCY, ZERO, quantize


class UnbalancedEntry(ValueError):
    """A journal entry broke a ledger rule; the message names the rule."""


@dataclass(frozen=True)
class Posting:
    account: str
    amount: Decimal  # debit > 0, credit < 0
    line_id: str | None = None
    currency: str = CURRENCY
    memo: str = ""

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


def _two_or_more(e: JournalEntry) -> str | None:
    return None if len(e.postings) >= 2 else "an entry needs at least two postings"


def _nonzero_cents(e: JournalEntry) -> str | None:
    for p in e.postings:
        if isinstance(p.amount, float):
            return "posting amounts must be Decimal, not float"
        if p.amount == 0:
            return f"posting to {p.account} is zero: a posting is a debit or a credit"
        if quantize(p.amount, p.currency) != p.amount:
            return f"posting to {p.account} has fractions of a cent: {p.amount}"
    return None


def _known_accounts(e: JournalEntry) -> str | None:
    unknown = sorted({p.account for p in e.postings} - set(CHART))
    return f"unknown accounts: {', '.join(unknown)}" if unknown else None


def _balanced(e: JournalEntry) -> str | None:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p in e.postings:
        totals[p.currency] += p.amount
    bad = {c: t for c, t in totals.items() if t != 0}
    return f"postings do not sum to zero: {bad}" if bad else None


VALIDATORS: list[Callable[[JournalEntry], str | None]] = [
    _two_or_more, _nonzero_cents, _known_accounts, _balanced]


@dataclass(frozen=True)
class JournalEntry:
    id: str
    business_date: date
    kind: str  # purchase, return, repayment, eod, reversal ...
    postings: tuple[Posting, ...]
    line_id: str | None = None
    ref: str | None = None  # the purchase / repayment / return it records
    memo: str = ""
    reverses: str | None = None

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise UnbalancedEntry(f"journal entry {self.id}: " + "; ".join(problems))


def validate(entry: JournalEntry) -> list[str]:
    return [msg for check in VALIDATORS if (msg := check(entry)) is not None]


@dataclass
class EntryBuilder:
    """Collects debit/credit pairs and builds one entry; zero amounts are skipped, so
    callers can write the whole pattern and let empty legs fall away."""

    line_id: str | None = None
    postings: list[Posting] = field(default_factory=list)

    def debit(self, account: str, amount: Decimal, memo: str = "") -> EntryBuilder:
        if amount < 0:
            raise ValueError("debit amounts are positive")
        if amount:
            self.postings.append(Posting(account, amount, self.line_id, memo=memo))
        return self

    def credit(self, account: str, amount: Decimal, memo: str = "") -> EntryBuilder:
        if amount < 0:
            raise ValueError("credit amounts are positive")
        if amount:
            self.postings.append(Posting(account, -amount, self.line_id, memo=memo))
        return self

    def move(self, debit: str, credit: str, amount: Decimal, memo: str = "") -> EntryBuilder:
        return self.debit(debit, amount, memo).credit(credit, amount, memo)

    @property
    def empty(self) -> bool:
        return not self.postings

    def build(self, entry_id: str, business_date: date, kind: str, *, ref: str | None = None,
              memo: str = "") -> JournalEntry:
        return JournalEntry(entry_id, business_date, kind, tuple(self.postings),
                            line_id=self.line_id, ref=ref, memo=memo)


def reversal(entry: JournalEntry, new_id: str, business_date: date, memo: str = "") -> JournalEntry:
    """The entry that undoes ``entry``: the same postings with the signs flipped."""
    flipped = tuple(Posting(p.account, -p.amount, p.line_id, p.currency, p.memo)
                    for p in entry.postings)
    return JournalEntry(new_id, business_date, "reversal", flipped, line_id=entry.line_id,
                        ref=entry.ref, memo=memo or f"reversal of {entry.id}", reverses=entry.id)


def trial_balance(postings: Iterable[Posting]) -> dict[tuple[str, str], Decimal]:
    """Signed sum per (account, currency); a sound ledger's sums add to zero per currency."""
    tb: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for p in postings:
        tb[(p.account, p.currency)] += p.amount
    return dict(tb)


def check_columns(entry_index: Sequence[int] | np.ndarray, amount_cents: np.ndarray) -> list[str]:
    """The entry rules over columns (a bulk batch): ``entry_index`` numbers each posting's
    entry; returns one message per broken rule (empty when the batch is sound)."""
    idx = np.asarray(entry_index, dtype=np.int64)
    amt = np.asarray(amount_cents, dtype=np.int64)
    problems: list[str] = []
    if len(idx) == 0:
        return problems
    if (amt == 0).any():
        problems.append(f"{int((amt == 0).sum())} zero postings")
    n = int(idx.max()) + 1
    counts = np.bincount(idx, minlength=n)
    sums = np.zeros(n, dtype=np.int64)
    np.add.at(sums, idx, amt)
    used = counts > 0
    if (counts[used] < 2).any():
        problems.append(f"{int((counts[used] < 2).sum())} entries with fewer than two postings")
    if (sums[used] != 0).any():
        problems.append(f"{int((sums[used] != 0).sum())} entries that do not sum to zero")
    return problems
