"""Sector actions: watch each industry's delinquency, flag it past its threshold, and cut
every line in it by a percentage -- previewed first, applied as one audited batch, and
reversible.

The early-warning table is data (``lines/sectors/``, a versioned folder): per GB/T 4754
section a threshold for the 30+ days-past-due rate and one for the default rate (90+ days
past due), a default pair for the sections it does not name, and the fewest open lines an
industry needs before its rates mean anything.  ``industry_rates`` is the computation over
columns (one row per open enterprise line), so the whole book is watched in one pass.

A cut lowers each line's permanent limit by the percentage, to the cent, never below the
product's minimum; a limit may fall below what is used (the stated rule of every cut:
available credit is then zero, nothing is called in).  Reversing a cut puts back the old
limit of every line whose limit is still the one the cut set (a line changed since is left
alone and named).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from creditline.errors import ValidationError
from creditline.money import ZERO, quantize, to_rate
from creditline.versioned import read_versioned

SECTORS_DIR = Path(__file__).parent / "sectors"
INDUSTRIES = tuple("ABCDEFGHIJKLMNOPQRST")  # GB/T 4754 sections (parties.identity)
DPD30, DEFAULT_DPD = 30, 90


@dataclass(frozen=True)
class Threshold:
    dpd30_rate: Decimal
    default_rate: Decimal


@dataclass(frozen=True)
class EarlyWarning:
    version: str
    hash: str
    min_lines: int
    default: Threshold
    industries: dict[str, Threshold]

    @property
    def label(self) -> str:
        return f"{self.version}+{self.hash[:12]}"

    def threshold(self, industry: str) -> Threshold:
        return self.industries.get(industry, self.default)


def _threshold(raw: Any, field: str) -> Threshold:
    if not isinstance(raw, dict):
        raise ValidationError(field, "must be an object with dpd30_rate and default_rate")
    rates = []
    for name in ("dpd30_rate", "default_rate"):
        r = to_rate(raw.get(name), f"{field}.{name}")
        if not 0 < r <= 1:
            raise ValidationError(f"{field}.{name}", "must be above 0 and at most 1 (100 %)")
        rates.append(r)
    return Threshold(*rates)


def load_early_warning(folder: Path | str | None = None) -> EarlyWarning:
    data = read_versioned(folder if folder is not None else SECTORS_DIR, files_key="tables",
                          what="sectors")
    [(_, doc)] = data.files
    if not isinstance(doc, dict):
        raise ValidationError("sectors", "early_warning.json must be an object")
    n = doc.get("min_lines")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValidationError("sectors.min_lines", "must be a positive integer")
    industries = doc.get("industries") or {}
    for code in industries:
        if code not in INDUSTRIES:
            raise ValidationError(f"sectors.industries.{code}", "must be a GB/T 4754 section A-T")
    return EarlyWarning(data.version, data.hash, n, _threshold(doc.get("default"), "sectors.default"),
                        {k: _threshold(v, f"sectors.industries.{k}") for k, v in industries.items()})


@lru_cache(maxsize=4)
def _cached(folder: str) -> EarlyWarning:
    return load_early_warning(folder)


def default_early_warning() -> EarlyWarning:
    return _cached(str(SECTORS_DIR))


def parse_industry(value: object, field: str = "industry") -> str:
    if not isinstance(value, str) or value.strip().upper() not in INDUSTRIES:
        raise ValidationError(field, "must be a GB/T 4754 section letter A-T")
    return value.strip().upper()


_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,4})?")  # ASCII only, like money amounts


def parse_percent(value: object, field: str = "percent") -> Decimal:
    if isinstance(value, str) and not _PERCENT.fullmatch(value.strip()):
        raise ValidationError(field, "must be a decimal string such as \"20\" or \"12.5\"")
    pct = to_rate(value, field)
    if not 0 < pct <= 100:
        raise ValidationError(field, "must be above 0 and at most 100")
    return pct


@dataclass(frozen=True)
class IndustryRate:
    industry: str
    lines: int
    dpd30: int
    defaults: int
    dpd30_rate: Decimal
    default_rate: Decimal
    flagged: bool
    why: tuple[str, ...]  # DPD30_RATE / DEFAULT_RATE: which threshold it passed


def industry_rates(table: EarlyWarning, industry: Sequence[str], dpd: np.ndarray
                   ) -> list[IndustryRate]:
    """The rates of every industry with open lines, over columns (one row per open
    enterprise line): counts by ``np.unique``/``bincount``, rates to four places."""
    if len(industry) == 0:
        return []
    codes, which = np.unique(np.asarray(industry, dtype=object), return_inverse=True)
    d = np.asarray(dpd, dtype=np.int64)
    lines = np.bincount(which, minlength=len(codes))
    late = np.bincount(which, weights=(d >= DPD30), minlength=len(codes)).astype(np.int64)
    bad = np.bincount(which, weights=(d >= DEFAULT_DPD), minlength=len(codes)).astype(np.int64)
    out = []
    for k, code in enumerate(codes.tolist()):
        r30 = (Decimal(int(late[k])) / int(lines[k])).quantize(Decimal("0.0001"))
        rdef = (Decimal(int(bad[k])) / int(lines[k])).quantize(Decimal("0.0001"))
        t = table.threshold(code)
        why = tuple(name for name, rate, limit in (("DPD30_RATE", r30, t.dpd30_rate),
                                                   ("DEFAULT_RATE", rdef, t.default_rate))
                    if rate > limit)
        flagged = bool(why) and int(lines[k]) >= table.min_lines
        out.append(IndustryRate(str(code), int(lines[k]), int(late[k]), int(bad[k]), r30, rdef,
                                flagged, why if flagged else ()))
    return out


def cut_to(limit: Decimal, percent: Decimal, floor: Decimal) -> Decimal:
    """A limit cut by ``percent`` (to the cent), never below ``floor`` nor above ``limit``."""
    return min(limit, max(floor, quantize(limit * (100 - percent) / 100)))


class ActionStatus(StrEnum):
    APPLIED = "applied"
    REVERSED = "reversed"


@dataclass(frozen=True)
class SectorLine:
    """One line of a sector cut: its limits before and after."""

    line_id: str
    customer_id: str
    old_limit: Decimal
    new_limit: Decimal


@dataclass(frozen=True)
class SectorAction:
    id: str
    industry: str
    percent: Decimal
    reason: str
    business_date: date
    created_by: str
    created_at: datetime
    lines: tuple[SectorLine, ...]
    status: ActionStatus = ActionStatus.APPLIED
    reversed_by: str | None = None
    reversed_at: datetime | None = None

    @property
    def customers(self) -> int:
        return len({x.customer_id for x in self.lines})

    @property
    def limit_removed(self) -> Decimal:
        return sum((x.old_limit - x.new_limit for x in self.lines), ZERO)


@dataclass(frozen=True)
class SectorFlag:
    industry: str
    flagged: bool
    checked_on: date
    flagged_on: date | None
    rate: IndustryRate
    rules_version: str
