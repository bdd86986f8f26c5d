"""End of day's part in a closure, as columns (pure; run by ``batch.closure``): which lines
the kernel closed today, and their final statement.

The servicing kernel closes a ``closing`` line on the day it owes nothing and holds no
credit.  Such a line gets a final statement that day -- the cycle since its last statement,
closing at zero -- unless the kernel cut its regular statement that very day (then that one
is the final statement).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import numpy as np

from creditline.lines.status import STATUS_CODE, LineStatus
from creditline.money import ZERO
from creditline.servicing.calendar import EPOCH
from creditline.servicing.statements import Statement

CLOSED = STATUS_CODE[LineStatus.CLOSED]
_CENT = Decimal("0.01")


def closed_today(before: list[str], after: np.ndarray) -> np.ndarray:
    """A mask: lines ``closing`` before the day and closed after it."""
    was = np.asarray(before, dtype=object) == LineStatus.CLOSING.value
    mask: np.ndarray = was & (np.asarray(after, dtype=np.int64) == CLOSED)
    return mask


def final_statements(line_ids: list[str], mask: np.ndarray, columns: dict[str, np.ndarray],
                     day_number: int, cut_today: set[str]) -> list[Statement]:
    """The final statement of each line in ``mask`` without a statement cut today, from the
    kernel's columns after the day (cents, day numbers)."""
    out: list[Statement] = []
    day = EPOCH + timedelta(days=day_number)
    for i in np.nonzero(mask)[0].tolist():
        line_id = line_ids[i]
        if line_id in cut_today:
            continue
        last = int(columns["last_stmt"][i])
        start = int(columns["opened"][i]) if last < 0 else last + 1

        def cents(name: str, i: int = i) -> Decimal:
            return Decimal(int(columns[name][i])) * _CENT

        out.append(Statement(
            line_id=line_id, statement_date=day, period_start=EPOCH + timedelta(days=start),
            due_date=day, opening=cents("stmt_opening"), purchases=cents("cyc_purchases"),
            returns=cents("cyc_returns"), repayments=cents("cyc_repayments"),
            fees=cents("cyc_fees"), interest=cents("cyc_interest"),
            penalties=cents("cyc_penalties"), closing=ZERO, amount_due=ZERO,
            minimum_payment=ZERO, past_due=ZERO))
    return out
