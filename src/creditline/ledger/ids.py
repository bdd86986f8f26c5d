"""Journal entry ids: 32 hex characters that grow with time (nanoseconds, then random bits
per batch, then a counter), so new entries and their postings append to the end of the
database's indexes instead of landing at random places (random UUIDs made bulk posting
about twice as slow on PostgreSQL).  Unique across processes through the random part."""

from __future__ import annotations

import os
import time


def new_entry_ids(n: int) -> list[str]:
    stamp = f"{time.time_ns():016x}{os.urandom(4).hex()}"
    return [f"{stamp}{i:08x}" for i in range(n)]


def new_entry_id() -> str:
    return new_entry_ids(1)[0]
