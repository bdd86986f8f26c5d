"""Reconciling sub-ledgers: for every line, the balances its row caches, the sums over its
installments and the sums of its postings must be the same numbers, to the cent; the whole
ledger must sum to zero and every entry must balance.  Pure: the caller gathers the sums."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from creditline.ledger.accounts import LINE_BALANCE_ACCOUNT, account
from creditline.money import ZERO


@dataclass(frozen=True)
class Mismatch:
    line_id: str
    balance: str
    cached: Decimal
    installments: Decimal | None
    postings: Decimal


@dataclass(frozen=True)
class LedgerCheck:
    lines_checked: int
    trial_balance_total: Decimal
    unbalanced_entries: list[str]
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.trial_balance_total == 0 and not self.unbalanced_entries and not self.mismatches


def check_lines(cached: Mapping[str, Mapping[str, Decimal]],
                installments: Mapping[str, Mapping[str, Decimal]],
                postings: Mapping[str, Mapping[str, Decimal]],
                trial_balance_total: Decimal, unbalanced_entries: list[str]) -> LedgerCheck:
    """``cached`` and ``installments`` map line id -> balance name (``LINE_BALANCE_ACCOUNT``)
    -> amount; ``postings`` maps line id -> account -> signed sum."""
    mismatches: list[Mismatch] = []
    for line_id in sorted(set(cached) | set(postings)):
        row = cached.get(line_id, {})
        inst = installments.get(line_id, {})
        by_account = postings.get(line_id, {})
        for name, code in LINE_BALANCE_ACCOUNT.items():
            from_postings = by_account.get(code, ZERO) * account(code).type.normal_sign
            c = row.get(name, ZERO)
            i = None if name == "credit_balance" else inst.get(name, ZERO)
            if c != from_postings or (i is not None and i != c):
                mismatches.append(Mismatch(line_id, name, c, i, from_postings))
    return LedgerCheck(len(cached), trial_balance_total, unbalanced_entries, mismatches)
