"""Temporary limits granted by rule: dated campaigns (a shopping festival) as data.

``lines/campaigns/`` is a versioned folder (``creditline.versioned``): one file per campaign
with its days, the products it covers, the eligibility rule and the raise.  A line is
eligible when it is active, of a covered product, at most ``max_dpd`` days past due, on the
book at least ``min_days_on_book`` days on the campaign's first day, and its permanent limit
is at least ``min_limit``; it then gets a temporary limit of ``limit x (1 + raise_share)``
(to the cent, at most the product's maximum) for the campaign's days.  ``eligible_mask`` is
the rule over columns, so a whole book is decided in one pass.

**The over-limit rule** (``over_limit: run_off``, the only one offered): when a temporary
limit lapses, what is used above the permanent limit is not called in.  It runs off through
the installments already scheduled; until the used amount is back below the permanent
limit the available credit is zero (``max(0, limit - used - held)``), so the line takes no
new purchase.  The lapse records the excess (reason code ``OVER_LIMIT_RUN_OFF``, the amount
in the note) and tells the customer (``lines.limits.lapse_event``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from creditline.errors import ValidationError
from creditline.money import quantize, to_money, to_rate
from creditline.versioned import read_versioned

CAMPAIGNS_DIR = Path(__file__).parent / "campaigns"
OVER_LIMIT_RULES = ("run_off",)


@dataclass(frozen=True)
class Campaign:
    code: str
    name_en: str
    name_zh: str
    start: date
    end: date
    products: frozenset[str]
    raise_share: Decimal
    max_dpd: int
    min_days_on_book: int
    min_limit: Decimal
    over_limit: str

    def amount(self, limit: Decimal, cap: Decimal) -> Decimal:
        """The temporary limit a line with permanent ``limit`` gets (at most ``cap``)."""
        return min(cap, quantize(limit * (1 + self.raise_share)))


@dataclass(frozen=True)
class Campaigns:
    version: str
    hash: str
    campaigns: dict[str, Campaign]

    @property
    def label(self) -> str:
        return f"{self.version}+{self.hash[:12]}"

    def get(self, code: object) -> Campaign:
        if not isinstance(code, str) or code not in self.campaigns:
            raise ValidationError("campaign", "must be one of "
                                              + ", ".join(sorted(self.campaigns)))
        return self.campaigns[code]


def _day(value: object, field: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(field, "must be a date as YYYY-MM-DD")


def _count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        raise ValidationError(field, "must be an integer from 0 to 3650")
    return value


def parse_campaign(raw: Any, name: str) -> Campaign:
    """Check one campaign file; errors name the field, e.g. ``campaigns.double11_2026.end``."""
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) \
            or not raw["code"].isidentifier():
        raise ValidationError("campaigns", f"{name} needs a 'code' (letters, digits, _)")
    f = f"campaigns.{raw['code']}"
    start, end = _day(raw.get("start"), f"{f}.start"), _day(raw.get("end"), f"{f}.end")
    if end < start:
        raise ValidationError(f"{f}.end", f"must be on or after start ({start.isoformat()})")
    share = to_rate(raw.get("raise_share"), f"{f}.raise_share")
    if not 0 < share <= 1:
        raise ValidationError(f"{f}.raise_share", "must be above 0 and at most 1 (100 %)")
    products = raw.get("products")
    if not isinstance(products, list) or not products \
            or not all(isinstance(p, str) for p in products):
        raise ValidationError(f"{f}.products", "must list at least one product code")
    rule = raw.get("eligible") or {}
    if not isinstance(rule, dict):
        raise ValidationError(f"{f}.eligible", "must be an object")
    over = raw.get("over_limit", "run_off")
    if over not in OVER_LIMIT_RULES:
        raise ValidationError(f"{f}.over_limit", "must be one of " + ", ".join(OVER_LIMIT_RULES))
    for lang in ("en", "zh"):
        if not isinstance(raw.get(f"name_{lang}"), str) or not raw[f"name_{lang}"].strip():
            raise ValidationError(f"{f}.name_{lang}", "is required (customers read it)")
    return Campaign(
        code=raw["code"], name_en=raw["name_en"], name_zh=raw["name_zh"], start=start, end=end,
        products=frozenset(products), raise_share=share,
        max_dpd=_count(rule.get("max_dpd", 0), f"{f}.eligible.max_dpd"),
        min_days_on_book=_count(rule.get("min_days_on_book", 0),
                                f"{f}.eligible.min_days_on_book"),
        min_limit=to_money(rule.get("min_limit", "0"), f"{f}.eligible.min_limit",
                           allow_zero=True),
        over_limit=over)


def load_campaigns(folder: Path | str | None = None) -> Campaigns:
    data = read_versioned(folder if folder is not None else CAMPAIGNS_DIR,
                          files_key="campaigns", what="campaigns")
    out: dict[str, Campaign] = {}
    for name, doc in data.files:
        c = parse_campaign(doc, name)
        if c.code in out:
            raise ValidationError("campaigns", f"{name}: campaign {c.code} is defined twice")
        out[c.code] = c
    return Campaigns(data.version, data.hash, out)


@lru_cache(maxsize=4)
def _cached(folder: str) -> Campaigns:
    return load_campaigns(folder)


def default_campaigns() -> Campaigns:
    """The shipped campaigns, loaded and checked once per process."""
    return _cached(str(CAMPAIGNS_DIR))


def eligible_mask(c: Campaign, *, status: Sequence[str], product: Sequence[str],
                  dpd: np.ndarray, opened_on: Sequence[date], limit: np.ndarray,
                  has_temporary: np.ndarray) -> np.ndarray:
    """The campaign's rule over columns (one row per line): True where the line gets the
    campaign's temporary limit.  A line that already has a temporary limit is left alone
    (a grant would replace an officer's)."""
    active = np.array([s == "active" for s in status], dtype=bool)
    covered = np.array([p in c.products for p in product], dtype=bool)
    on_book = np.array([(c.start - o).days >= c.min_days_on_book for o in opened_on], dtype=bool)
    mask: np.ndarray = (active & covered & on_book & (np.asarray(dpd) <= c.max_dpd)
                        & (np.asarray(limit) >= float(c.min_limit))
                        & ~np.asarray(has_temporary, dtype=bool))
    return mask


def over_limit(permanent: Decimal, used: Decimal) -> Decimal:
    """What is used above the permanent limit (zero when within it): under ``run_off`` it
    runs off through the scheduled installments, with no new purchase meanwhile."""
    return max(Decimal("0.00"), used - permanent)

