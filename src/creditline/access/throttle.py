"""Failed-authentication throttle, pure and in memory: after ``limit`` failures from one
client within ``window`` seconds, that client is refused until its oldest failure leaves the
window.

Keyed by client, not by user: a bearer token is 256 random bits that names nobody, so a
wrong token cannot be charged to a user (and a per-user lockout would let anyone lock a
victim out by guessing at them).  The state lives in one process: with ``serve --workers N``
each worker counts on its own, so a client gets at most N x ``limit`` failures per window
before every worker refuses it."""

from __future__ import annotations

import math
from collections import OrderedDict, deque


class FailureThrottle:
    def __init__(self, limit: int, window: float, max_clients: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._fails: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        fails = self._fails.get(client)
        if fails is None:
            return None
        while fails and fails[0] <= now - self.window:
            fails.popleft()
        if not fails:
            del self._fails[client]
            return None
        return fails

    def retry_after(self, client: str, now: float) -> int:
        """Seconds the client must wait (0: it may try now)."""
        fails = self._recent(client, now)
        if fails is None or len(fails) < self.limit:
            return 0
        return max(1, math.ceil(fails[-self.limit] + self.window - now))

    def failed(self, client: str, now: float) -> None:
        fails = self._recent(client, now)
        if fails is None:
            fails = self._fails[client] = deque(maxlen=self.limit)
        fails.append(now)
        self._fails.move_to_end(client)
        while len(self._fails) > self.max_clients:  # bounded memory under a spray of addresses
            self._fails.popitem(last=False)
