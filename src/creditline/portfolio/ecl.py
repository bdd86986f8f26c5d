"""IFRS 9 expected credit loss over columns: PD term structure, LGD, EAD and the weighted ECL.

- **PD.**  A line's B-card probability of default (the calibrated ``pd`` the behaviour stage
  keeps, over ``bcard_horizon_months``) sets the level; the roll rates set the shape: a monthly
  migration matrix between days-past-due states (M0, M1, M2, M3 and D = more than 90 days,
  absorbing), estimated by the cohort method from the collections bucket history at month
  ends (:func:`migration_counts`), powered up (:func:`cumulative_default`).  The line's
  cumulative PD at month ``h`` is ``min(1, pd_bcard x C[s, h] / C[s, H_b])`` with ``C`` the
  matrix's cumulative default probability from its current state ``s``; unscored lines take
  ``C[s, h]`` itself; a line already late never falls below its state's curve (the B-card
  may lower the PD of a current line, not of a late one).  Stage 1 uses 12 months, stage 2
  the product's lifetime, stage 3 PD 1.
- **LGD** per product from the write-offs and recoveries actually seen
  (:func:`estimate_lgd`), a prior while there are too few, never below the floor.
- **EAD** = drawn + CCF x undrawn (an active line's unused limit; CCF per product and stage).
- **Forward-looking**: the ECL of each line is the probability-weighted ECL over the
  scenarios of ``forward_looking.json``, each scaling PD (stages 1-2) and LGD.

Money leaves as integer cents (ROUND_HALF_UP of the float estimate, the rule of
``creditline.money``), so every total is an exact integer sum of the lines.  Pure: frames in,
frames out; the store reads and writes them (``store/ecl.py``).
"""

from __future__ import annotations

import calendar
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from creditline.errors import ValidationError
from creditline.versioned import read_versioned

SCENARIOS_DIR = Path(__file__).parent / "scenarios"
STATES: tuple[str, ...] = ("M0", "M1", "M2", "M3", "D")
DEFAULT_STATE = 4
WHAT = "ecl.parameters"


@dataclass(frozen=True)
class ForwardScenario:
    name: str
    weight: float
    pd_multiplier: float
    lgd_multiplier: float


@dataclass(frozen=True)
class EclParameters:
    """The folder ``portfolio/scenarios`` as read (``label`` = ``version+hash12``)."""

    label: str
    bcard_horizon: int
    lifetime: dict[str, int]
    default_lifetime: int
    ccf: dict[str, dict[int, float]]
    default_ccf: dict[int, float]
    lgd_floor: float
    lgd_min_write_offs: int
    lgd_prior: dict[str, float]
    default_lgd_prior: float
    min_row_observations: int
    prior_migration: np.ndarray
    scenarios: tuple[ForwardScenario, ...]
    stress: tuple[dict[str, Any], ...]

    def lifetime_of(self, product: str) -> int:
        return self.lifetime.get(product, self.default_lifetime)

    @property
    def max_lifetime(self) -> int:
        return max([self.default_lifetime, 12, *self.lifetime.values()])


def _rate(value: Any, field: str, *, low: float = 0.0, high: float | None = 1.0) -> float:
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(WHAT, f"{field} must be a number, got {value!r}") from None
    if not d.is_finite() or d < Decimal(str(low)) or (high is not None and d > Decimal(str(high))):
        raise ValidationError(WHAT, f"{field} must be between {low} and {high}, got {value}")
    return float(d)


def load_parameters(folder: Path | str | None = None) -> EclParameters:
    """Read and check the parameters folder (default: the shipped one, cached)."""
    if folder is None:
        return _shipped()
    return _load(Path(folder))


@lru_cache(maxsize=1)
def _shipped() -> EclParameters:
    return _load(SCENARIOS_DIR)


def _load(folder: Path) -> EclParameters:
    data = read_versioned(folder, files_key="files", what=WHAT)
    docs = dict(data.files)
    p, fl, st = docs["parameters.json"], docs["forward_looking.json"], docs["stress.json"]
    prior = np.array([[_rate(v, "prior_migration") for v in row] for row in p["prior_migration"]])
    if prior.shape != (len(STATES), len(STATES)) or not np.allclose(prior.sum(axis=1), 1.0):
        raise ValidationError(WHAT, "prior_migration must be a 5x5 matrix whose rows sum to 1")
    scen = tuple(ForwardScenario(s["name"], _rate(s["weight"], f"{s['name']}.weight"),
                                 _rate(s["pd_multiplier"], f"{s['name']}.pd_multiplier", high=None),
                                 _rate(s["lgd_multiplier"], f"{s['name']}.lgd_multiplier",
                                       high=None))
                 for s in fl["scenarios"])
    if not scen or abs(sum(s.weight for s in scen) - 1.0) > 1e-9:
        raise ValidationError(WHAT, "forward-looking scenario weights must sum to 1")
    lgd = p["lgd"]
    return EclParameters(
        label=data.label, bcard_horizon=int(p["bcard_horizon_months"]),
        lifetime={k: int(v) for k, v in p["lifetime_months"].items()},
        default_lifetime=int(p["default_lifetime_months"]),
        ccf={prod: {int(s): _rate(v, f"ccf.{prod}.{s}") for s, v in by.items()}
             for prod, by in p["ccf"].items()},
        default_ccf={int(s): _rate(v, f"default_ccf.{s}") for s, v in p["default_ccf"].items()},
        lgd_floor=_rate(lgd["floor"], "lgd.floor"), lgd_min_write_offs=int(lgd["min_write_offs"]),
        lgd_prior={k: _rate(v, f"lgd.prior.{k}") for k, v in lgd["prior"].items()},
        default_lgd_prior=_rate(lgd["default_prior"], "lgd.default_prior"),
        min_row_observations=int(p["min_row_observations"]), prior_migration=prior,
        scenarios=scen, stress=tuple(st["scenarios"]))


# ----- PD: states, the migration matrix and its powers

def state_expr(dpd: str = "dpd") -> pl.Expr:
    """Days past due to the state index (M0 current .. D more than 90 days)."""
    c = pl.col(dpd).fill_null(0)
    return (pl.when(c > 90).then(4).when(c > 60).then(3).when(c > 30).then(2)
            .when(c > 0).then(1).otherwise(0).cast(pl.Int8))


def bucket_state(bucket: str) -> int:
    """A collections bucket name (M0..M7) to the state index: M4 and beyond are D."""
    return min(int(bucket.lstrip("Mm") or 0), DEFAULT_STATE)


def month_ends(first: date, last: date) -> list[date]:
    """Every month's last day from ``first``'s month through ``last`` (inclusive when
    ``last`` is itself a month end)."""
    out: list[date] = []
    y, m = first.year, first.month
    while True:
        end = date(y, m, calendar.monthrange(y, m)[1])
        if end > last:
            return out
        out.append(end)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def migration_counts(population: pl.DataFrame, spells: pl.DataFrame,
                     ends: list[date]) -> np.ndarray:
    """Cohort transition counts between consecutive month ends.

    ``population``: ``line_id``, ``opened_on``: a line belongs to the cohort of month end
    ``t`` when it was opened by then.  ``spells``: ``line_id``, ``state``, ``entered_on``,
    ``left_on`` (null: still there): the bucket history; a line in no spell on a date is
    current (M0).  Returns ``counts[i, j]``: lines in state ``i`` at one month end and ``j``
    at the next."""
    counts = np.zeros((len(STATES), len(STATES)), dtype=np.int64)
    if len(ends) < 2 or population.is_empty():
        return counts

    def states_at(t: date) -> pl.DataFrame:
        return (spells.filter((pl.col("entered_on") <= t)
                              & (pl.col("left_on").is_null() | (pl.col("left_on") > t)))
                .group_by("line_id").agg(pl.col("state").max().alias("s")))

    at = {t: states_at(t) for t in ends}
    for t0, t1 in itertools.pairwise(ends):
        pop = population.filter(pl.col("opened_on") <= t0).select("line_id")
        pairs = (pop.join(at[t0], on="line_id", how="left")
                 .join(at[t1].rename({"s": "s1"}), on="line_id", how="left")
                 .select(pl.col("s").fill_null(0).cast(pl.Int64).alias("i"),
                         pl.col("s1").fill_null(0).cast(pl.Int64).alias("j"))
                 .group_by("i", "j").len())
        for i, j, n in pairs.iter_rows():
            counts[i, j] += n
    return counts


def transition_matrix(counts: np.ndarray, prior: np.ndarray, min_observations: int
                      ) -> tuple[np.ndarray, list[str]]:
    """Row-normalised counts; a row seen fewer than ``min_observations`` times is the
    prior's.  D is absorbing.  Returns the matrix and the states whose row is the prior."""
    matrix = np.array(prior, dtype=np.float64, copy=True)
    from_prior = []
    for i in range(DEFAULT_STATE):
        n = int(counts[i].sum())
        if n >= min_observations:
            matrix[i] = counts[i] / n
        else:
            from_prior.append(STATES[i])
    matrix[DEFAULT_STATE] = 0.0
    matrix[DEFAULT_STATE, DEFAULT_STATE] = 1.0
    return matrix, from_prior


def cumulative_default(matrix: np.ndarray, months: int) -> np.ndarray:
    """``C[s, h]``: probability of having reached D within ``h`` months from state ``s``
    (``h`` = 0..months), from the powers of the monthly matrix."""
    out = np.zeros((len(STATES), months + 1))
    power = np.eye(len(STATES))
    out[:, 0] = power[:, DEFAULT_STATE]
    for h in range(1, months + 1):
        power = power @ matrix
        out[:, h] = power[:, DEFAULT_STATE]
    return out


# ----- LGD

@dataclass(frozen=True)
class LgdEstimate:
    product: str
    lgd: float
    write_offs: int
    written_off: int  # cents
    recovered: int  # cents
    source: str  # "observed" | "prior"; "(floor)" appended when the floor bound it


def estimate_lgd(observed: pl.DataFrame, products: list[str], params: EclParameters
                 ) -> dict[str, LgdEstimate]:
    """``observed``: one row per written-off line, ``product``, ``written_off`` and
    ``recovered`` (cents).  LGD = 1 - recovered / written off, pooled per product."""
    sums = {r["product"]: r for r in observed.group_by("product").agg(
        pl.len().alias("n"), pl.col("written_off").sum(), pl.col("recovered").sum()).to_dicts()}
    out = {}
    for product in sorted(set(products) | set(sums)):
        r = sums.get(product, {"n": 0, "written_off": 0, "recovered": 0})
        n, wo, rec = int(r["n"]), int(r["written_off"] or 0), int(r["recovered"] or 0)
        if n >= params.lgd_min_write_offs and wo > 0:
            lgd, source = 1.0 - min(rec, wo) / wo, "observed"
        else:
            lgd, source = params.lgd_prior.get(product, params.default_lgd_prior), "prior"
        if lgd < params.lgd_floor:
            lgd, source = params.lgd_floor, source + " (floor)"
        out[product] = LgdEstimate(product, lgd, n, wo, rec, source)
    return out


# ----- ECL

@dataclass(frozen=True)
class PdModel:
    """What the PD of every line is computed from: the matrix and its cumulative curves."""

    matrix: np.ndarray
    cumulative: np.ndarray  # (states, max lifetime + 1)
    from_prior: tuple[str, ...]
    observations: int


def pd_model(counts: np.ndarray, params: EclParameters) -> PdModel:
    matrix, from_prior = transition_matrix(counts, params.prior_migration,
                                           params.min_row_observations)
    return PdModel(matrix, cumulative_default(matrix, params.max_lifetime), tuple(from_prior),
                   int(counts.sum()))


def pd_scale(state: np.ndarray, pd_bcard: np.ndarray, model: PdModel, horizon: int
             ) -> np.ndarray:
    """Per line, the factor that takes the matrix's curve from its state to the B-card's
    level at the B-card's horizon (1 for an unscored line).  A line already late keeps at
    least its state's roll-rate curve (a factor of 1 or more): being late is the stronger
    signal, and the shipped B-card, trained on a book with few defaults, gives a line 51 days
    late 1.4 % over six months where the roll rates give tens of percent."""
    anchor = model.cumulative[state, horizon]
    ok = ~np.isnan(pd_bcard) & (anchor > 0)
    scale = np.where(ok, np.divide(pd_bcard, anchor, out=np.ones_like(anchor), where=ok), 1.0)
    return np.where(state > 0, np.maximum(scale, 1.0), scale)


def _cents(x: np.ndarray) -> np.ndarray:
    """Float amounts in cents to whole cents, half up (amounts here are never negative)."""
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5).astype(np.int64)


def measure(book: pl.DataFrame, model: PdModel, lgd: dict[str, LgdEstimate],
            params: EclParameters, *, pd_multiplier: np.ndarray | None = None,
            recovery_haircut: float = 0.0) -> pl.DataFrame:
    """ECL per line.  ``book`` (one row per line): ``line_id``, ``product``, ``status``,
    ``dpd``, ``drawn`` and ``limit_unused`` (cents), ``pd_bcard`` (null: unscored),
    ``stage`` (from :func:`creditline.portfolio.staging.allocate`).  Adds ``state``,
    ``pd_12m``, ``pd_lifetime``, ``pd`` (the one the stage uses), ``lgd``, ``ccf``,
    ``undrawn``, ``ead``, ``ecl`` and ``el_12m`` (cents: the 12-month expected loss
    whatever the stage).  A stress passes a per-line ``pd_multiplier`` and a
    ``recovery_haircut``."""
    n = book.height
    state = book.select(state_expr()).to_series().to_numpy().astype(np.int64)
    stage = book["stage"].to_numpy().astype(np.int64)
    products = book["product"].to_list()
    pd_b = book["pd_bcard"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    scale = pd_scale(state, pd_b, model, params.bcard_horizon)
    life = np.array([params.lifetime_of(p) for p in products], dtype=np.int64) if n else \
        np.zeros(0, dtype=np.int64)
    life = np.maximum(life, 12)
    pd12 = np.clip(model.cumulative[state, 12] * scale, 0.0, 1.0)
    pdl = np.clip(model.cumulative[state, life] * scale, 0.0, 1.0)
    mult = np.ones(n) if pd_multiplier is None else np.asarray(pd_multiplier, dtype=np.float64)
    lgd0 = np.array([lgd[p].lgd if p in lgd else params.default_lgd_prior for p in products])
    lgd0 = 1.0 - (1.0 - lgd0) * (1.0 - recovery_haircut)
    ccf = np.array([params.ccf.get(p, params.default_ccf).get(int(s), 0.0)
                    for p, s in zip(products, stage, strict=True)])
    active = (book["status"] == "active").to_numpy()
    unused = book["limit_unused"].to_numpy().astype(np.float64)
    undrawn = np.where(active, np.maximum(unused, 0.0), 0.0)
    drawn = np.maximum(book["drawn"].to_numpy().astype(np.float64), 0.0)
    ead = _cents(drawn + ccf * undrawn)
    impaired = stage == 3
    horizon_pd = np.where(stage == 1, pd12, pdl)
    ecl = np.zeros(n)
    el = np.zeros(n)
    for s in params.scenarios:
        pd_k = np.where(impaired, 1.0, np.clip(horizon_pd * mult * s.pd_multiplier, 0.0, 1.0))
        pd12_k = np.where(impaired, 1.0, np.clip(pd12 * mult * s.pd_multiplier, 0.0, 1.0))
        lgd_k = np.clip(lgd0 * s.lgd_multiplier, 0.0, 1.0)
        ecl += s.weight * pd_k * lgd_k * ead
        el += s.weight * pd12_k * lgd_k * ead
    return book.with_columns(
        pl.Series("state", state, dtype=pl.Int8),
        pl.Series("pd_12m", np.where(impaired, 1.0, np.clip(pd12 * mult, 0.0, 1.0))),
        pl.Series("pd_lifetime", np.where(impaired, 1.0, np.clip(pdl * mult, 0.0, 1.0))),
        pl.Series("pd", np.where(impaired, 1.0, np.clip(horizon_pd * mult, 0.0, 1.0))),
        pl.Series("pd_scale", scale * mult),
        pl.Series("lgd", lgd0), pl.Series("ccf", ccf),
        pl.Series("undrawn", _cents(undrawn), dtype=pl.Int64),
        pl.Series("ead", ead, dtype=pl.Int64),
        pl.Series("ecl", _cents(ecl), dtype=pl.Int64),
        pl.Series("el_12m", _cents(el), dtype=pl.Int64))


DIMENSIONS: tuple[str, ...] = ("stage", "product", "industry", "region")


def summarise(results: pl.DataFrame, by: str) -> pl.DataFrame:
    """Lines, EAD, ECL (cents) and coverage (ECL / EAD) per value of one dimension."""
    return (results.group_by(pl.col(by).fill_null("-") if by != "stage" else pl.col(by))
            .agg(pl.len().alias("lines"), pl.col("drawn").sum(), pl.col("ead").sum(),
                 pl.col("ecl").sum(), pl.col("el_12m").sum())
            .with_columns((pl.col("ecl") / pl.col("ead")).fill_nan(0.0).alias("coverage"))
            .sort(by))
