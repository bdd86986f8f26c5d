"""Synthetic small and medium enterprises with a hidden ground truth.

Financial statements hang together: total assets follow revenue through an industry's
asset turnover, liabilities follow assets through leverage, current items are shares of
the totals, operating cash flow starts from net income, and debt service follows the
interest-bearing debt.  A hidden "distress" factor pushes margins down and leverage up
together, and the latent default propensity reads the ratios a credit analyst reads
(leverage, margin, debt-service cover, liquidity, firm age, size, industry) plus noise.
Industry downturns (shared with the persons' economy) raise the default hazard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from creditline.simulate.columns import ids, money_series, null_if, text_as_lists
from creditline.simulate.events import SECTION_INDEX, SECTIONS, default_months
from creditline.simulate.identities import (
    REGION_CITIES,
    REGION_CODES,
    REGION_PROVINCES,
    REGION_TIERS,
    birth_dates,
    draw_regions,
    id_numbers,
    usccs,
)
from creditline.simulate.names import BRAND_CHARS, draw_names
from creditline.simulate.propensity import calibrate_intercept, sigmoid

COLLATERAL_KINDS: tuple[str, ...] = ("none", "real_estate", "equipment", "receivables", "deposit",
                                     "guarantee")

# Per GB/T 4754 section: share of SME applicants, median annual revenue (CNY), mean net
# margin, asset turnover, mean leverage, current-asset share, risk on the log-odds, and
# the word that goes into a company name.
_PROFILE: dict[str, tuple[float, float, float, float, float, float, float, str]] = {
    "A": (3, 2e6, 0.05, 0.7, 0.50, 0.30, 0.2, "农业发展"),
    "C": (18, 12e6, 0.05, 1.0, 0.55, 0.50, 0.1, "制造"),
    "D": (0.5, 15e6, 0.06, 0.4, 0.60, 0.25, -0.3, "能源"),
    "E": (7, 10e6, 0.04, 0.8, 0.65, 0.65, 0.3, "建筑工程"),
    "F": (28, 6e6, 0.03, 2.2, 0.55, 0.75, 0.1, "商贸"),
    "G": (6, 5e6, 0.04, 1.3, 0.50, 0.40, 0.1, "物流"),
    "H": (7, 2.5e6, 0.05, 1.6, 0.50, 0.30, 0.3, "餐饮管理"),
    "I": (8, 4e6, 0.09, 1.1, 0.45, 0.60, -0.1, "信息科技"),
    "K": (2, 20e6, 0.08, 0.3, 0.72, 0.70, 0.4, "房地产开发"),
    "L": (8, 3e6, 0.06, 1.2, 0.50, 0.55, 0.05, "商务服务"),
    "M": (5, 3e6, 0.08, 1.2, 0.45, 0.60, -0.1, "技术服务"),
    "N": (0.5, 4e6, 0.05, 0.6, 0.55, 0.35, 0.0, "环境工程"),
    "O": (5, 1.5e6, 0.06, 1.8, 0.45, 0.45, 0.1, "家政服务"),
    "P": (0.5, 1.5e6, 0.07, 1.0, 0.45, 0.40, 0.0, "教育咨询"),
    "Q": (0.5, 3e6, 0.08, 0.9, 0.45, 0.40, -0.2, "医疗管理"),
    "R": (2, 2e6, 0.06, 1.0, 0.50, 0.50, 0.2, "文化传媒"),
}
_SEC = np.array([SECTION_INDEX[s] for s in _PROFILE])
_COLS = np.array([v[:7] for v in _PROFILE.values()])  # (sections, 7)
_NAME_WORD = np.array([v[7] for v in _PROFILE.values()])
DOWNTURN_HAZARD = 1.5


@dataclass(frozen=True)
class EnterpriseDraw:
    enterprises: pl.DataFrame
    truth: pl.DataFrame


def _unique_names(rng: np.random.Generator, city: np.ndarray, word: np.ndarray) -> np.ndarray:
    """``<city><trade name><industry word>有限公司``; a clash gets a longer trade name."""
    n = len(city)
    brand = np.strings.add(BRAND_CHARS[rng.integers(0, len(BRAND_CHARS), n)],
                           BRAND_CHARS[rng.integers(0, len(BRAND_CHARS), n)])
    for _ in range(20):
        names = np.strings.add(np.strings.add(np.strings.add(city, brand), word), "有限公司")
        clash = ~pl.Series(names.tolist()).is_first_distinct().to_numpy()
        if not clash.any():
            return names
        brand = np.where(clash, np.strings.add(brand, BRAND_CHARS[rng.integers(0, len(BRAND_CHARS), n)]),
                         brand)
    raise ValueError("could not make enterprise names unique")  # pragma: no cover


def build_enterprises(seed: np.random.SeedSequence, m: int, as_of: date, *, default_rate: float,
                      downturn: np.ndarray) -> EnterpriseDraw:
    """Draw ``m`` SME applicants as of ``as_of``."""
    if m == 0:  # empty frames with the full schema
        one = build_enterprises(seed, 1, as_of, default_rate=default_rate, downturn=downturn)
        return EnterpriseDraw(one.enterprises.clear(), one.truth.clear())
    s_firm, s_ids, s_default = seed.spawn(3)
    g = np.random.default_rng(s_firm)
    weights = _COLS[:, 0] / _COLS[:, 0].sum()
    prof = g.choice(len(_PROFILE), size=m, p=weights)
    (_, rev_median, margin_mean, turnover, lev_mean, current_share, industry_risk) = _COLS[prof].T
    section = _SEC[prof]
    region = draw_regions(g, m)
    distress = g.standard_normal(m)

    firm_age = np.minimum(0.3 + g.gamma(1.6, 4.0, size=m), 35.0)
    registered_on = (np.datetime64(as_of, "D")
                     - np.round(firm_age * 365.25).astype(np.int64).astype("timedelta64[D]"))
    employees = np.clip(np.round(np.exp(np.log(12) + 0.9 * g.standard_normal(m))), 1, 500).astype(np.int64)
    revenue = np.maximum(rev_median * (employees / 12) ** 0.6 * np.exp(0.6 * g.standard_normal(m)),
                         1e5)
    margin = np.clip(g.normal(margin_mean - 0.025 * distress, 0.05), -0.4, 0.4)
    assets = revenue / turnover * np.exp(0.3 * g.standard_normal(m))
    leverage = np.clip(sigmoid(np.log(lev_mean / (1 - lev_mean)) + 0.5 * distress
                                + 0.4 * g.standard_normal(m)), 0.05, 1.3)
    yuan: Callable[[np.ndarray], np.ndarray] = lambda x: np.round(x).astype(np.int64)  # noqa: E731 - statements are in whole yuan
    revenue_y, assets_y = yuan(revenue), yuan(assets)
    liabilities_y = yuan(assets * leverage)
    current_assets_y = yuan(assets * np.clip(current_share + 0.1 * g.standard_normal(m), 0.05, 0.95))
    current_liab_y = yuan(liabilities_y * g.uniform(0.55, 0.9, size=m))
    net_income_y = yuan(revenue * margin)
    ocf_y = yuan(net_income_y + 0.04 * assets + (0.04 * g.standard_normal(m) - 0.02 * distress) * revenue)
    interest_bearing = liabilities_y * g.uniform(0.3, 0.7, size=m)
    debt_service_y = np.maximum(yuan(interest_bearing * (0.05 + 1 / g.uniform(2, 6, size=m))), 1)
    dscr = ocf_y / debt_service_y
    current_ratio = current_assets_y / np.maximum(current_liab_y, 1)
    lev = liabilities_y / assets_y

    kind_p = np.array([0.2, 0.3, 0.2, 0.15, 0.05, 0.1])
    collateral = g.choice(len(COLLATERAL_KINDS), size=m, p=kind_p)
    value_share = np.select(
        [collateral == 1, collateral == 2, collateral == 3, collateral == 4, collateral == 5],
        [g.uniform(0.3, 1.2, m) * assets, g.uniform(0.1, 0.4, m) * assets,
         g.uniform(0.2, 0.6, m) * current_assets_y, g.uniform(0.02, 0.1, m) * revenue,
         g.uniform(0.1, 0.5, m) * revenue], 0.0)
    collateral_y = yuan(value_share)

    signal = (1.8 * lev - 6.0 * margin - 0.35 * np.log(np.clip(dscr, 0.05, 20))
              - 0.45 * np.log(np.clip(current_ratio, 0.1, 10)) - 0.05 * np.minimum(firm_age, 20)
              + 0.3 * (firm_age < 2) + industry_risk - 0.15 * np.log(revenue / 5e6)
              + 0.35 * distress + 0.5 * g.standard_normal(m))
    latent = calibrate_intercept(signal, default_rate) + signal
    pd_true = sigmoid(latent)
    multiplier = (1.0 + DOWNTURN_HAZARD * downturn[:, section].T).astype(np.float32)
    default_month = default_months(np.random.default_rng(s_default), pd_true, multiplier, section)
    bad = ((default_month >= 0) & (default_month < 12)).astype(np.int8)

    g = np.random.default_rng(s_ids)
    uscc = usccs(g, REGION_CODES[region])
    name = _unique_names(g, REGION_CITIES[region], _NAME_WORD[prof])
    rep_male = g.random(m) < 0.75
    rep_name, _ = draw_names(g, rep_male)
    rep_age = g.integers(28, 66, size=m)
    rep_id = id_numbers(g, REGION_CODES[region], birth_dates(g, rep_age, as_of), rep_male)

    enterprise_id = ids("E", m, width=6)
    frame = pl.DataFrame(text_as_lists({
        "enterprise_id": enterprise_id,
        "uscc": uscc,
        "name": name,
        "industry": np.array(SECTIONS)[section],
        "region_code": REGION_CODES[region],
        "region": REGION_PROVINCES[region],
        "city_tier": REGION_TIERS[region],
        "registered_on": registered_on,
        "firm_age_years": firm_age.round(1),
        "employees": employees.astype(np.int32),
        "legal_representative": rep_name,
        "legal_rep_id_number": rep_id,
    })).with_columns(
        money_series("annual_revenue", revenue_y * 100),
        pl.Series("net_margin", (net_income_y / revenue_y).round(4)),
        money_series("net_income", net_income_y * 100),
        money_series("total_assets", assets_y * 100),
        money_series("total_liabilities", liabilities_y * 100),
        pl.Series("leverage", lev.round(4)),
        money_series("current_assets", current_assets_y * 100),
        money_series("current_liabilities", current_liab_y * 100),
        pl.Series("current_ratio", current_ratio.round(4)),
        money_series("operating_cash_flow", ocf_y * 100),
        money_series("annual_debt_service", debt_service_y * 100),
        pl.Series("dscr", dscr.round(4)),
        pl.Series("collateral_kind", np.array(COLLATERAL_KINDS)[collateral].tolist()),
        money_series("collateral_value", collateral_y * 100),
        pl.lit(as_of).alias("application_date"),
    )
    truth = pl.DataFrame({
        "enterprise_id": enterprise_id.tolist(),
        "pd_true": pd_true,
        "latent_logit": latent,
        "distress": distress,
        "default_month": default_month.astype(np.int16),
        "bad": bad,
    }).with_columns(null_if(pl.col("default_month") < 0, "default_month"))
    return EnterpriseDraw(frame, truth)

