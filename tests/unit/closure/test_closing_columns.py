"""The closure stage's column function on hand-made columns: which lines the kernel closed
today, and their final statement (the cycle since the last statement, closing at zero)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from creditline.closure.closing import closed_today, final_statements
from creditline.lines.status import STATUS_CODE, LineStatus
from creditline.servicing.calendar import day_number

ACTIVE, CLOSING, CLOSED = (STATUS_CODE[s] for s in (LineStatus.ACTIVE, LineStatus.CLOSING,
                                                     LineStatus.CLOSED))


def test_only_a_closing_line_the_kernel_closed_gets_a_final_statement() -> None:
    before = ["closing", "closing", "active", "closing"]
    after = np.array([CLOSED, CLOSING, ACTIVE, CLOSED])
    mask = closed_today(before, after)
    assert mask.tolist() == [True, False, False, True]
    june3 = day_number(date(2026, 6, 3))
    cols = {"last_stmt": np.array([day_number(date(2026, 6, 1)), -1, -1, -1]),
            "opened": np.array([0, 0, 0, day_number(date(2026, 5, 20))]),
            "stmt_opening": np.array([40600, 0, 0, 0]),
            "cyc_purchases": np.array([0, 0, 0, 25000]),
            "cyc_returns": np.array([0, 0, 0, 25000]),
            "cyc_repayments": np.array([40600, 0, 0, 0]),
            **{k: np.zeros(4, dtype=np.int64) for k in ("cyc_fees", "cyc_interest",
                                                         "cyc_penalties")}}
    rows = final_statements(["a", "b", "c", "d"], mask, cols, june3, cut_today={"d"})
    [a] = rows  # "d" had its regular statement cut today: that one is the final one
    assert (a.line_id, a.statement_date, a.period_start, a.opening, a.repayments, a.closing,
            a.amount_due) == ("a", date(2026, 6, 3), date(2026, 6, 2), Decimal("406.00"),
                              Decimal("406.00"), 0, 0)
    assert a.reconciles
