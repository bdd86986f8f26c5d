"""Enterprise financial statements, the ratios credit officers read from them, and pledged
collateral.  Amounts are Decimal; ratios are Decimal rounded to four places."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from creditline.errors import ValidationError
from creditline.money import money_str, to_money

RATIO = Decimal("0.0001")
COLLATERAL_KINDS: tuple[str, ...] = ("deposit", "property", "receivables", "equipment",
                                     "inventory", "guarantee")
_SIGNED = frozenset({"net_profit", "operating_cash_flow"})


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    if den == 0:
        return None
    return (num / den).quantize(RATIO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ratios:
    current_ratio: Decimal | None
    debt_to_asset: Decimal | None
    dscr: Decimal | None  # None when there is no debt service to cover
    margin: Decimal | None

    def as_dict(self) -> dict[str, str | None]:
        return {k: (None if v is None else str(v)) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class FinancialStatements:
    """One year's figures, in CNY."""

    revenue: Decimal
    net_profit: Decimal
    current_assets: Decimal
    current_liabilities: Decimal
    total_assets: Decimal
    total_liabilities: Decimal
    operating_cash_flow: Decimal
    debt_service: Decimal  # principal and interest due on existing debt over the year

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], field: str = "financials"
                     ) -> FinancialStatements:
        if not isinstance(data, Mapping):
            raise ValidationError(field, "must be an object with the financial statement figures")
        values: dict[str, Decimal] = {}
        for name in cls.__dataclass_fields__:
            if data.get(name) is None:
                raise ValidationError(f"{field}.{name}", "is required")
            values[name] = to_money(data[name], f"{field}.{name}", allow_zero=True,
                                    allow_negative=name in _SIGNED)
        if values["total_assets"] == 0:
            raise ValidationError(f"{field}.total_assets", "must be greater than zero")
        return cls(**values)

    def ratios(self) -> Ratios:
        return Ratios(
            current_ratio=_ratio(self.current_assets, self.current_liabilities),
            debt_to_asset=_ratio(self.total_liabilities, self.total_assets),
            dscr=_ratio(self.operating_cash_flow, self.debt_service),
            margin=_ratio(self.net_profit, self.revenue),
        )

    def as_json(self) -> dict[str, str]:
        return {k: money_str(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Collateral:
    kind: str
    appraised_value: Decimal

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], field: str = "collateral") -> Collateral:
        if not isinstance(data, Mapping):
            raise ValidationError(field, "must be an object with kind and appraised_value")
        kind = data.get("kind")
        if kind not in COLLATERAL_KINDS:
            raise ValidationError(f"{field}.kind", f"must be one of: {', '.join(COLLATERAL_KINDS)}")
        return cls(kind=kind, appraised_value=to_money(data.get("appraised_value"),
                                                       f"{field}.appraised_value"))

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "appraised_value": money_str(self.appraised_value)}


def parse_collateral(items: Sequence[Mapping[str, Any]] | None, field: str = "collateral"
                     ) -> tuple[Collateral, ...]:
    if items is None:
        return ()
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise ValidationError(field, "must be a list of {kind, appraised_value}")
    return tuple(Collateral.from_mapping(c, f"{field}.{i}") for i, c in enumerate(items))
