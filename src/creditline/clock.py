"""An injected clock, so tests and simulations control time (DESIGN principle 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """Wall-clock time in UTC; the business date is the date in China Standard Time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(CHINA_TZ).date()


@dataclass
class FixedClock:
    """A clock that stands still until moved; used by tests and the simulator."""

    current: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 1, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.astimezone(CHINA_TZ).date()

    def advance(self, **kwargs: float) -> None:
        self.current = self.current + timedelta(**kwargs)

    def set_date(self, d: date) -> None:
        """Move to 09:00 China time on business date ``d``."""
        self.current = datetime(d.year, d.month, d.day, 9, 0, tzinfo=CHINA_TZ).astimezone(UTC)
