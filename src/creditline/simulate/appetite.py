"""How simulated customers respond to their credit limit (issue 13): a hidden appetite for
credit, and the draw-down of those heading for default.

Without it a customer's spending depends on their income only, and a limit matters only
when it runs out; real customers use a line in proportion to it.  Each customer has a
hidden *appetite*: the share of their limit they are comfortable carrying (most 10-40 %,
a few near all of it), drawn from their key like every other behaviour draw, so it does
not depend on who else is simulated.  Below that share they shop more often and spend more
per purchase, the more so the more room is left; above it they shop less.  So a raise
brings more spending (and interest and fees) and a cut brings less, and the customer is
still bound by the available credit (``simulate.behaviour`` never buys past it).

Customers heading for default *draw down first*: in the three months before their hidden
default month their appetite climbs to 75 %, 85 %, 95 % of the limit and they shop twice as
often -- the bust-in-slow-motion a limit cut on falling behaviour scores is meant to catch.
The month before default keeps the behaviour model's own splurge on top.

Nothing here is tuned to a result: the shares are round numbers chosen before any comparison
of limit strategies was run, and both strategies run on the same draws.
"""

from __future__ import annotations

import numpy as np

DRAWDOWN_MONTHS = 3
_DRAWDOWN_APPETITE = np.array([0.95, 0.85, 0.75])  # 1, 2, 3 months before default


def appetite(u: np.ndarray) -> np.ndarray:
    """The hidden share of the limit a customer likes to carry, from a uniform draw: a
    skewed share between 5 % and 95 % (median about 27 %)."""
    return 0.05 + 0.9 * np.asarray(u, dtype=np.float64) ** 1.8


def drawdown_appetite(base: np.ndarray, default_month: np.ndarray, month: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The appetite of customers in the months before their default climbs towards the
    whole limit; everyone else keeps theirs."""
    ahead = np.asarray(default_month) - month  # months until default (<= 0: past it)
    near = (np.asarray(default_month) >= 0) & (ahead >= 1) & (ahead <= DRAWDOWN_MONTHS)
    climbed = _DRAWDOWN_APPETITE[np.clip(ahead, 1, DRAWDOWN_MONTHS) - 1]
    return np.where(near, np.maximum(base, climbed), base), near


def room(want: np.ndarray, limit: np.ndarray, available: np.ndarray) -> np.ndarray:
    """How far below the share they like the customer is, as a share of the limit (0..1;
    0 at or above it)."""
    lim = np.maximum(np.asarray(limit, dtype=np.float64), 1.0)
    used = lim - np.asarray(available, dtype=np.float64)
    return np.clip(want - used / lim, 0.0, 1.0)


def rate_factor(gap: np.ndarray, drawing_down: np.ndarray) -> np.ndarray:
    """Purchase frequency: a quarter of the habit at the liked share, up to 4x the habit with
    the whole limit free; twice that while drawing down before default."""
    return (0.25 + 3.75 * gap) * np.where(drawing_down, 2.0, 1.0)


def ticket_factor(gap: np.ndarray) -> np.ndarray:
    """Ticket size: the income-scaled ticket, up to 3x with the whole limit free."""
    return 1.0 + 2.0 * gap
