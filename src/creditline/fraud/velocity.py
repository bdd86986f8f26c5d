"""Velocity: how many applications share this applicant's identity, phone, device or IP
address over the last 24 hours and 30 days.

The counts include the application being decided, so a threshold of "more than 3 in 24 h"
fires on the fourth.  The store returns the recent applications that share any key; the
counting is here so it is the same on SQLite, PostgreSQL and in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

KEYS: tuple[str, ...] = ("id", "phone", "device", "ip")
WINDOWS: dict[str, timedelta] = {"24h": timedelta(hours=24), "30d": timedelta(days=30)}
LONGEST = max(WINDOWS.values())
VELOCITY_FIELDS: tuple[str, ...] = tuple(f"{k}_{w}" for k in KEYS for w in WINDOWS)


@dataclass(frozen=True)
class ApplicationKeys:
    """The keyed hashes one application is counted under (``None`` when not given)."""

    id: str | None
    phone: str | None
    device: str | None
    ip: str | None

    def get(self, key: str) -> str | None:
        value: str | None = getattr(self, key)
        return value


@dataclass(frozen=True)
class PastApplication:
    keys: ApplicationKeys
    at: datetime


def velocity_counts(current: ApplicationKeys, now: datetime,
                    recent: Iterable[PastApplication]) -> dict[str, int]:
    """``{"id_24h": n, "id_30d": n, "phone_24h": ..., "ip_30d": ...}``; a key the applicant
    did not give counts 0 (nothing to match)."""
    counts = {f: (1 if current.get(f.split("_")[0]) else 0) for f in VELOCITY_FIELDS}
    for past in recent:
        age = now - past.at
        if age < timedelta(0):
            continue
        for k in KEYS:
            value = current.get(k)
            if value is None or past.keys.get(k) != value:
                continue
            for w, span in WINDOWS.items():
                if age <= span:
                    counts[f"{k}_{w}"] += 1
    return counts
