"""Concentration: how much of the drawn balance sits in one industry, region, merchant
category or borrower, the Herfindahl-Hirschman index (HHI, the sum of squared shares: 1/n
for n equal segments, 1.0 for one) per dimension, and the segments and borrowers past their
limits.

The limits are data (``portfolio/limits/``, a versioned folder; its ``version+hash12`` label
is on every answer): a maximum share per dimension with named exceptions, a maximum HHI per
dimension, a single-borrower and a top-ten limit.  Exposure is the drawn balance (what is
owed, billed or not) in integer cents.  The industry dimension covers enterprise lines only
(shares of the enterprise book: persons have no industry); a customer without a region is
``-``; merchant categories are measured on unpaid principal by the category of the purchase
it came from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from creditline.errors import ValidationError
from creditline.money import to_rate
from creditline.versioned import read_versioned

LIMITS_DIR = Path(__file__).parent / "limits"
DIMENSIONS = ("industry", "region", "merchant_category")


@dataclass(frozen=True)
class DimensionLimit:
    max_share: Decimal
    segments: dict[str, Decimal]
    max_hhi: Decimal

    def limit_for(self, segment: str) -> Decimal:
        return self.segments.get(segment, self.max_share)


@dataclass(frozen=True)
class ConcentrationLimits:
    version: str
    hash: str
    dimensions: dict[str, DimensionLimit]
    single_borrower: Decimal
    top_ten: Decimal

    @property
    def label(self) -> str:
        return f"{self.version}+{self.hash[:12]}"


def _share(raw: Any, field: str) -> Decimal:
    r = to_rate(raw, field)
    if not 0 < r <= 1:
        raise ValidationError(field, "must be above 0 and at most 1 (100 %)")
    return r


def load_limits(folder: Path | str | None = None) -> ConcentrationLimits:
    data = read_versioned(folder if folder is not None else LIMITS_DIR, files_key="files",
                          what="concentration_limits")
    [(_, doc)] = data.files
    if not isinstance(doc, dict) or not isinstance(doc.get("dimensions"), dict):
        raise ValidationError("concentration_limits", "concentration.json needs 'dimensions'")
    dims = {}
    for name, raw in doc["dimensions"].items():
        if name not in DIMENSIONS:
            raise ValidationError(f"concentration_limits.dimensions.{name}",
                                  f"must be one of {', '.join(DIMENSIONS)}")
        f = f"concentration_limits.dimensions.{name}"
        dims[name] = DimensionLimit(
            _share(raw.get("max_share"), f"{f}.max_share"),
            {str(k): _share(v, f"{f}.segments.{k}") for k, v in (raw.get("segments") or {}).items()},
            _share(raw.get("max_hhi"), f"{f}.max_hhi"))
    return ConcentrationLimits(data.version, data.hash, dims,
                               _share(doc.get("single_borrower"), "concentration_limits.single_borrower"),
                               _share(doc.get("top_ten"), "concentration_limits.top_ten"))


@lru_cache(maxsize=4)
def _cached(folder: str) -> ConcentrationLimits:
    return load_limits(folder)


def default_limits() -> ConcentrationLimits:
    return _cached(str(LIMITS_DIR))


def exposure_by(frame: pl.DataFrame, key: str, amount: str = "balance") -> pl.DataFrame:
    """Exposure per segment of ``key``: lines (when the frame has them), amount, share, largest
    first."""
    f = frame.with_columns(pl.col(key).fill_null("-").alias("segment"))
    g = f.group_by("segment").agg(pl.len().alias("rows"), pl.col(amount).sum().alias("exposure"))
    total = int(g["exposure"].sum()) if g.height else 0
    return (g.with_columns(share=pl.when(pl.lit(total) > 0)
                           .then(pl.col("exposure") / pl.lit(max(total, 1))).otherwise(0.0))
            .sort(["exposure", "segment"], descending=[True, False]))


def hhi(shares: pl.Series) -> float:
    """Herfindahl-Hirschman index of shares that add up to one."""
    return round(float((shares ** 2).sum()), 6) if shares.len() else 0.0


def concentration(snapshot: pl.DataFrame, categories: pl.DataFrame,
                  limits: ConcentrationLimits, top: int = 10) -> dict[str, Any]:
    """Every dimension's segments with share and limit, its HHI, the top borrowers, and the
    breaches (segment, borrower, top ten or HHI past its limit)."""
    dims: dict[str, pl.DataFrame] = {
        # industries are the enterprises' (GB/T 4754 sections); persons have none
        "industry": exposure_by(snapshot.filter(pl.col("industry").is_not_null()), "industry"),
        "region": exposure_by(snapshot, "region"),
        "merchant_category": exposure_by(categories.rename({"category": "merchant_category"}),
                                         "merchant_category", "outstanding"),
    }
    breaches: list[dict[str, Any]] = []
    out: dict[str, Any] = {"limits_version": limits.label, "dimensions": {}}
    for name, t in dims.items():
        lim = limits.dimensions.get(name)
        rows = []
        for seg, n, exp, share in t.select("segment", "rows", "exposure", "share").iter_rows():
            cap = lim.limit_for(seg) if lim is not None and seg != "-" else None
            over = cap is not None and Decimal(str(round(share, 6))) > cap
            # lines per segment; the categories arrive summed (no count of their own)
            count = None if name == "merchant_category" else int(n)
            rows.append({"segment": seg, "rows": count, "exposure": _money(exp),
                         "share": round(float(share), 4),
                         "limit": None if cap is None else f"{cap:f}", "breach": over})
            if over:
                breaches.append({"dimension": name, "segment": seg, "share": round(float(share), 4),
                                 "limit": f"{cap:f}", "exposure": _money(exp)})
        h = hhi(t["share"])
        if lim is not None and Decimal(str(h)) > lim.max_hhi:
            breaches.append({"dimension": name, "segment": "HHI", "share": h,
                             "limit": f"{lim.max_hhi:f}", "exposure": None})
        out["dimensions"][name] = {"segments": rows, "hhi": h,
                                   "max_hhi": None if lim is None else f"{lim.max_hhi:f}"}
    borrowers = (snapshot.group_by("customer_id").agg(pl.len().alias("lines"),
                                                      pl.col("balance").sum().alias("exposure"))
                 .sort(["exposure", "customer_id"], descending=[True, False]))
    total = int(borrowers["exposure"].sum()) if borrowers.height else 0
    head = []
    for cid, n, exp in borrowers.head(top).iter_rows():
        share = exp / total if total else 0.0
        over = Decimal(str(round(share, 6))) > limits.single_borrower
        head.append({"customer_id": cid, "lines": int(n), "exposure": _money(exp),
                     "share": round(share, 4), "breach": over})
        if over:
            breaches.append({"dimension": "borrower", "segment": cid, "share": round(share, 4),
                             "limit": f"{limits.single_borrower:f}", "exposure": _money(exp)})
    ten = int(borrowers.head(10)["exposure"].sum()) if borrowers.height else 0
    ten_share = round(ten / total, 4) if total else 0.0
    if Decimal(str(ten_share)) > limits.top_ten:
        breaches.append({"dimension": "top_ten", "segment": "10 largest borrowers",
                         "share": ten_share, "limit": f"{limits.top_ten:f}",
                         "exposure": _money(ten)})
    out.update({"total_exposure": _money(total), "borrowers": head,
                "borrower_hhi": hhi(borrowers["exposure"] / total) if total else 0.0,
                "top_ten_share": ten_share, "breaches": breaches})
    return out


def _money(cents: int | None) -> str | None:
    """Integer cents as a money string (exact: no float on the way)."""
    if cents is None:
        return None
    return f"{Decimal(int(cents)).scaleb(-2):.2f}"
