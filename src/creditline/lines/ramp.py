"""The new-customer limit ramp: a first line starts small and grows with behaviour.

A new customer's line opens at the product's first limit (``limit.first_limit_max``) even
when the policy would grant more; the policy's figure is kept as the ramp's *target*.  At
each statement the line closes without arrears (active, nothing past due) the limit grows
by the product's ``limit.ramp_growth`` share, rounded down to ``RAMP_STEP``, until it
reaches the target -- but only once a due date has passed (the line is older than the
longest cycle plus its grace days): nothing past due then means a bill was paid, not that
none has fallen due yet, so a bust-out that maxed the line in its first days never steps.  A first-party fraudster who never means to pay takes the first limit
and no more; a customer who pays reaches what the policy granted within a few months.

Pure functions over columns (integer cents, day numbers), run by the ``limit_ramp`` stage of
end of day (``creditline.batch.limit_ramp``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

RAMP_STEP_CENTS = 100_00  # limits move in whole hundreds of yuan
GROWTH_SCALE = 10**6  # growth shares are carried as integer parts per million


@dataclass(frozen=True)
class LimitRamp:
    """A line's ramp: grow by ``growth`` per clean statement until ``target``."""

    line_id: str
    target: Decimal
    growth: Decimal
    last_step_on: date | None = None


def ramp_due(status: np.ndarray, active_code: int, past_due: np.ndarray, last_stmt: np.ndarray,
             last_step: np.ndarray, today: int, opened: np.ndarray,
             first_due_within: np.ndarray) -> np.ndarray:
    """Lines that step today: a statement cut today, the line active with nothing past due
    after at least one due date (``opened`` more than ``first_due_within`` days ago), and no
    step taken today already (so running the day again changes nothing)."""
    due: np.ndarray = ((last_stmt == today) & (status == active_code) & (past_due <= 0)
                       & (last_step != today) & (today - opened > first_due_within))
    return due


def next_limits(limit: np.ndarray, target: np.ndarray, growth_ppm: np.ndarray) -> np.ndarray:
    """The grown limits in cents: ``limit x (1 + growth)`` rounded down to a whole step, at
    least one step up, never past the target (and never down)."""
    grown = limit + limit * growth_ppm // GROWTH_SCALE
    stepped = grown // RAMP_STEP_CENTS * RAMP_STEP_CENTS
    stepped = np.maximum(stepped, limit + RAMP_STEP_CENTS)
    out: np.ndarray = np.maximum(limit, np.minimum(stepped, target))
    return out
