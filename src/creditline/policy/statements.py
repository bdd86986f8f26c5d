"""Two or three years of an enterprise's financial statements, the balance check and the
trend ratios a credit officer reads across them (issue 12).

The latest year's figures are what the capacity arithmetic uses (``FinancialStatements``);
the earlier years give the trends: revenue growth (compound, per year), margin trend and
leverage trend (the change in net margin and in debt-to-assets from the first year to the
last, as fractions: -0.0200 is two percentage points down)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from creditline.errors import ValidationError
from creditline.money import money_str, to_money
from creditline.policy.enterprise import RATIO, FinancialStatements
from creditline.policy.inputs import parse_list

MIN_YEARS, MAX_YEARS = 2, 3
# assets may differ from liabilities + equity by this share of total assets (rounding in
# published statements), and always by at least one yuan
BALANCE_TOLERANCE = Decimal("0.001")
MIN_TOLERANCE = Decimal("1.00")


@dataclass(frozen=True)
class YearStatements:
    year: int
    figures: FinancialStatements
    total_equity: Decimal  # may be negative (accumulated losses)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], field: str) -> YearStatements:
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
            raise ValidationError(f"{field}.year", "must be a calendar year such as 2025")
        figures = FinancialStatements.from_mapping(
            {k: v for k, v in data.items() if k not in ("year", "total_equity")}, field)
        if data.get("total_equity") is None:
            raise ValidationError(f"{field}.total_equity", "is required")
        equity = to_money(data["total_equity"], f"{field}.total_equity", allow_zero=True,
                          allow_negative=True)
        tolerance = max(MIN_TOLERANCE, (figures.total_assets * BALANCE_TOLERANCE)
                        .quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        gap = figures.total_assets - (figures.total_liabilities + equity)
        if abs(gap) > tolerance:
            raise ValidationError(
                f"{field}.total_assets",
                f"{money_str(figures.total_assets)} differs from total_liabilities + "
                f"total_equity ({money_str(figures.total_liabilities + equity)}) by "
                f"{money_str(abs(gap))}, more than the tolerance of {money_str(tolerance)}")
        return cls(year, figures, equity)

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, **self.figures.as_json(),
                "total_equity": money_str(self.total_equity)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> YearStatements:
        figures = {k: Decimal(v) for k, v in d.items() if k not in ("year", "total_equity")}
        return cls(int(d["year"]), FinancialStatements(**figures), Decimal(d["total_equity"]))


@dataclass(frozen=True)
class Trends:
    years: int
    revenue_growth: Decimal | None  # compound growth per year; None without first revenue
    margin_trend: Decimal | None  # last net margin - first (None without revenue)
    leverage_trend: Decimal  # last debt-to-assets - first

    def as_dict(self) -> dict[str, str | int | None]:
        return {"years": self.years,
                "revenue_growth": None if self.revenue_growth is None
                else str(self.revenue_growth),
                "margin_trend": None if self.margin_trend is None else str(self.margin_trend),
                "leverage_trend": str(self.leverage_trend)}


def _q(v: Decimal) -> Decimal:
    return v.quantize(RATIO, rounding=ROUND_HALF_UP)


def trends(history: tuple[YearStatements, ...]) -> Trends:
    """Trend ratios from the first year to the last (``history`` oldest first)."""
    first, last = history[0].figures, history[-1].figures
    span = history[-1].year - history[0].year
    growth = None
    if first.revenue > 0 and span > 0:
        growth = _q((last.revenue / first.revenue) ** (Decimal(1) / Decimal(span)) - 1)
    m1, m2 = first.ratios().margin, last.ratios().margin
    d1, d2 = first.ratios().debt_to_asset, last.ratios().debt_to_asset
    assert d1 is not None and d2 is not None  # total assets are never zero
    return Trends(years=len(history), revenue_growth=growth,
                  margin_trend=None if m1 is None or m2 is None else _q(m2 - m1),
                  leverage_trend=_q(d2 - d1))


def parse_statements(items: object, today: date, field: str = "statements"
                     ) -> tuple[YearStatements, ...]:
    """Two or three consecutive years, the latest one of the two years before ``today``'s;
    returned oldest first."""
    years = parse_list(items, field, YearStatements.from_mapping,
                       what="one year's statements with year and total_equity", max_items=10)
    if not MIN_YEARS <= len(years) <= MAX_YEARS:
        raise ValidationError(field, f"must hold {MIN_YEARS} or {MAX_YEARS} years of "
                                     "statements")
    ordered = tuple(sorted(years, key=lambda y: y.year))
    numbers = [y.year for y in ordered]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ValidationError(field, f"years must be consecutive and distinct, not "
                                     f"{', '.join(map(str, numbers))}")
    if not today.year - 2 <= numbers[-1] <= today.year - 1:
        raise ValidationError(field, f"the latest year must be {today.year - 2} or "
                                     f"{today.year - 1} (completed years, not stale)")
    return ordered
