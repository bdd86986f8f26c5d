"""The C-card's features: what is known about an open case when its next action is decided.

The C-card (collection scorecard, card type ``C``) estimates the probability that the
debtor does **not** pay back to current within 30 days (the band the strategy tables read).
Its features are only what end of day knows at that moment: the bucket and days past due,
the amount collectable and the balance, the B-card's probability of bad for the line, the
months on book, how often the line was delinquent before and cured, whether the debtor is
reachable by phone, the escalation level (broken promises) and the contacts made so far.
The same function builds the columns for scoring (``batch.collection_strategy``) and the
training frame (``simulate.default_ccard`` reads them back from ``collection_actions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

C_CARD = "collections_c_card"
C_CARD_FILE = Path(__file__).parent / "models" / f"{C_CARD}.json"
FEATURES: tuple[str, ...] = ("bucket", "dpd", "owed", "balance", "b_pd", "months_on_book",
                             "past_cures", "contactable", "escalation", "contacts")
UNREACHED = frozenset({"no_answer", "wrong_number"})
NO_B_SCORE = -1.0  # the line had no B-card score (the card reads it as its own value)


def contactable(recent_calls: Sequence[str | None]) -> bool:
    """Reachable by phone unless the last call found a wrong number or the last three calls
    all went unanswered (``recent_calls``: outcomes, oldest first)."""
    if recent_calls and recent_calls[-1] == "wrong_number":
        return False
    return not (len(recent_calls) >= 3 and all(o in UNREACHED for o in recent_calls[-3:]))


def feature_columns(*, bucket: np.ndarray, dpd: np.ndarray, owed_cents: np.ndarray,
                    balance_cents: np.ndarray, b_pd: np.ndarray, months_on_book: np.ndarray,
                    past_cures: np.ndarray, reachable: np.ndarray, escalation: np.ndarray,
                    contacts: np.ndarray) -> dict[str, np.ndarray]:
    """The C-card's feature columns (floats; money in CNY)."""
    bpd = np.asarray(b_pd, dtype=np.float64)
    return {"bucket": np.asarray(bucket, dtype=np.float64),
            "dpd": np.asarray(dpd, dtype=np.float64),
            "owed": np.asarray(owed_cents, dtype=np.float64) / 100.0,
            "balance": np.asarray(balance_cents, dtype=np.float64) / 100.0,
            "b_pd": np.where(np.isnan(bpd), NO_B_SCORE, bpd),
            "months_on_book": np.asarray(months_on_book, dtype=np.float64),
            "past_cures": np.asarray(past_cures, dtype=np.float64),
            "contactable": np.asarray(reachable, dtype=np.float64),
            "escalation": np.asarray(escalation, dtype=np.float64),
            "contacts": np.asarray(contacts, dtype=np.float64)}
