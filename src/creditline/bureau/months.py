"""A reporting month (``YYYY-MM``): its first and last day and its neighbours."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from creditline.errors import ValidationError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, field: str = "month") -> Month:
        m = _MONTH.match(text.strip()) if isinstance(text, str) else None
        if m is None or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
            raise ValidationError(field, "must be a month as YYYY-MM")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return _end(self.year, self.month)

    def shift(self, n: int) -> Month:
        k = self.year * 12 + self.month - 1 + n
        return Month(k // 12, k % 12 + 1)

    def window(self, n: int) -> list[Month]:
        """The ``n`` months ending with this one, oldest first."""
        return [self.shift(i) for i in range(1 - n, 1)]


@lru_cache(maxsize=1024)
def _end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (29 February: 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
