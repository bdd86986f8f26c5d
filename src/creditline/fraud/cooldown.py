"""The cool-down after a decline: how long ago this applicant was last declined.  The
policy's knock-out table decides how many days are too few."""

from __future__ import annotations

from datetime import datetime


def days_since(last_decline: datetime | None, now: datetime) -> int | None:
    """Whole days since the last decline, ``None`` if never declined."""
    if last_decline is None:
        return None
    return max(0, (now - last_decline).days)
