"""The limit ramp over columns: a 3,000.00 first limit grows by half at each clean
statement, 3,000 -> 4,500 -> 6,700 -> 10,000 (rounded down to whole hundreds), and stops at
the policy's target; a line past due, frozen, without a statement today, already stepped
today, or too young for a bill to have fallen due does not move."""

from __future__ import annotations

import numpy as np

from creditline.lines.ramp import next_limits, ramp_due

ACTIVE, FROZEN = 0, 1


def test_a_clean_line_grows_by_half_per_statement_up_to_its_target() -> None:
    limit = np.array([300_000], dtype=np.int64)
    target = np.array([2_000_000], dtype=np.int64)
    seen = []
    for _ in range(6):
        limit = next_limits(limit, target, np.array([500_000]))
        seen.append(int(limit[0]) // 100)
    assert seen == [4500, 6700, 10000, 15000, 20000, 20000]


def test_only_lines_with_a_clean_statement_today_after_a_due_date_step() -> None:
    today = 100
    due = ramp_due(status=np.array([ACTIVE, ACTIVE, FROZEN, ACTIVE, ACTIVE, ACTIVE]),
                   active_code=ACTIVE, past_due=np.array([0, 5_000, 0, 0, 0, 0]),
                   last_stmt=np.array([today, today, today, today - 1, today, today]),
                   last_step=np.array([-1, -1, -1, -1, today, -1]), today=today,
                   opened=np.array([50, 50, 50, 50, 50, 70]),
                   first_due_within=np.full(6, 40))
    # the last opened 30 days ago: its first bill is not due yet, so "nothing past due"
    # proves nothing
    assert due.tolist() == [True, False, False, False, False, False]


def test_a_small_growth_still_moves_one_step_and_never_past_the_target() -> None:
    out = next_limits(np.array([50_000, 990_000]), np.array([1_000_000, 1_000_000]),
                      np.array([10_000, 500_000]))
    assert out.tolist() == [60_000, 1_000_000]
