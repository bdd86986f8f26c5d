"""Concentration worked by hand: shares, HHI, limits and breaches."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from creditline.errors import ValidationError
from creditline.portfolio.concentration import (
    ConcentrationLimits,
    DimensionLimit,
    concentration,
    default_limits,
    hhi,
    load_limits,
)

D = Decimal


def snapshot(rows: list[tuple[str, str, str | None, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"line_id": pl.String, "customer_id": pl.String,
                                      "industry": pl.String, "region": pl.String,
                                      "balance": pl.Int64}, orient="row")


LIMITS = ConcentrationLimits(
    "t", "0" * 64,
    {"industry": DimensionLimit(D("0.40"), {"C": D("0.65")}, D("0.45")),
     "region": DimensionLimit(D("0.50"), {}, D("0.50")),
     "merchant_category": DimensionLimit(D("0.70"), {}, D("0.60"))},
    single_borrower=D("0.30"), top_ten=D("1"))


def test_shares_hhi_and_breaches_by_hand() -> None:
    # 10,000.00 drawn; the enterprise book is 8,000: industry C 5,000 (62.5 %), F 3,000
    # (37.5 %); the person's 2,000 has no industry
    s = snapshot([("1", "a", "C", "Shanghai", 300000), ("2", "b", "C", "Beijing", 200000),
                  ("3", "c", "F", "Shanghai", 300000), ("4", "d", None, "Shanghai", 200000)])
    cats = pl.DataFrame({"category": ["travel", "groceries"], "outstanding": [80000, 20000]})
    c = concentration(s, cats, LIMITS)
    ind = {x["segment"]: (x["exposure"], x["share"], x["limit"], x["breach"])
           for x in c["dimensions"]["industry"]["segments"]}
    assert ind == {"C": ("5000.00", 0.625, "0.65", False),  # its own limit: 65 %
                   "F": ("3000.00", 0.375, "0.40", False)}
    # HHI = 0.625^2 + 0.375^2 = 0.53125: past 0.45
    assert c["dimensions"]["industry"]["hhi"] == 0.53125
    # Shanghai holds 8,000 of 10,000: past its 50 %; HHI 0.8^2 + 0.2^2 = 0.68 past 0.50
    assert c["dimensions"]["region"]["hhi"] == 0.68
    # travel 80 % of unpaid principal: past 70 %; HHI 0.68 past 0.60.  Borrowers a and c
    # hold 30 % each: at the single-borrower limit, not past it
    assert sorted((b["dimension"], b["segment"]) for b in c["breaches"]) == [
        ("industry", "HHI"), ("merchant_category", "HHI"), ("merchant_category", "travel"),
        ("region", "HHI"), ("region", "Shanghai")]
    tighter = ConcentrationLimits(LIMITS.version, LIMITS.hash, LIMITS.dimensions,
                                  single_borrower=D("0.29"), top_ten=D("0.99"))
    more = concentration(s, cats, tighter)["breaches"]
    assert sorted((b["dimension"], b["segment"]) for b in more)[:3] == [
        ("borrower", "a"), ("borrower", "c"), ("industry", "HHI")]
    assert ("top_ten", "10 largest borrowers") in {(b["dimension"], b["segment"]) for b in more}
    assert [b["customer_id"] for b in c["borrowers"]] == ["a", "c", "b", "d"]
    assert c["total_exposure"] == "10000.00" and c["top_ten_share"] == 1.0
    assert c["borrower_hhi"] == round(0.3 ** 2 * 2 + 0.2 ** 2 * 2, 6)


def test_hhi_of_equal_segments_is_one_over_n() -> None:
    assert hhi(pl.Series([0.25] * 4)) == 0.25
    assert hhi(pl.Series([1.0])) == 1.0


def test_shipped_limits_load_and_bad_ones_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lim = default_limits()
    assert lim.dimensions["industry"].limit_for("C") == D("0.40")
    assert lim.single_borrower == D("0.05")
    assert lim.label.startswith("2026.11.2+")
    (tmp_path / "manifest.json").write_text('{"version": "x", "files": ["c.json"]}')
    (tmp_path / "c.json").write_text('{"dimensions": {"industry": {"max_share": "1.5", '
                                     '"max_hhi": "0.3"}}, "single_borrower": "0.1", '
                                     '"top_ten": "0.2"}')
    with pytest.raises(ValidationError) as e:
        load_limits(tmp_path)
    assert e.value.field == "concentration_limits.dimensions.industry.max_share"
