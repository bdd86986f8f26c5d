"""Life events over the months after the as-of date: industry downturns for the whole
economy, and job losses and income shocks for each person.

These are what turn a person's ex-ante default propensity into an actual default: a
month without a job triples the hazard, an industry in a downturn lays people off and
squeezes the self-employed.  The same event paths drive the observed 12-month default
label *and* the day-by-day behaviour model, so the label and the simulated book tell
one story.  Month ``k`` covers ``[as_of + k months, as_of + k + 1 months)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from creditline.parties.identity import INDUSTRY_SECTIONS

SECTIONS: tuple[str, ...] = tuple(INDUSTRY_SECTIONS)
SECTION_INDEX: dict[str, int] = {s: i for i, s in enumerate(SECTIONS)}

EMPLOYMENTS: tuple[str, ...] = ("salaried", "self_employed", "gig", "student", "retired",
                                "unemployed")
SALARIED, SELF_EMPLOYED, GIG, STUDENT, RETIRED, UNEMPLOYED = range(6)

# Sections whose fortunes swing with the cycle (mining, manufacturing, construction,
# trade, transport, hospitality, real estate).
_CYCLICAL = frozenset("BCEFGHK")
_DOWNTURN_START = np.array([0.025 if s in _CYCLICAL else 0.01 for s in SECTIONS])
_DOWNTURN_MEAN_MONTHS = 6.0

# Monthly chance of losing a job, by employment (students, retirees and the unemployed
# have no job to lose), and the share of income that remains while out of work.
_JOB_LOSS_HAZARD = np.array([0.005, 0.008, 0.018, 0.0, 0.0, 0.0])
_JOBLESS_INCOME = np.array([0.35, 0.3, 0.2, 1.0, 1.0, 1.0])
_JOBLESS_MEAN_MONTHS = 4.0
_SHOCK_HAZARD = 0.012  # illness, family emergency, cut hours
_DOWNTURN_LAYOFF_MULTIPLIER = 3.0

# How much each state raises the hazard of default (multiplies the base hazard).
JOBLESS_HAZARD = 2.5
SHOCK_HAZARD = 1.2
DOWNTURN_HAZARD = 0.5


@dataclass(frozen=True)
class LifeEvents:
    """Event paths for ``n`` people over ``horizon`` months.

    ``income_factor[i, k]`` multiplies person ``i``'s true income in month ``k``;
    ``jobless``/``shocked`` say why; ``downturn[k, s]`` is the economy-wide state of
    industry section ``s``; ``section[i]`` is the person's industry (-1: none)."""

    horizon: int
    downturn: np.ndarray  # (horizon, sections) bool
    section: np.ndarray  # (n,) int
    income_factor: np.ndarray  # (n, horizon) float32
    jobless: np.ndarray  # (n, horizon) bool
    shocked: np.ndarray  # (n, horizon) bool

    def in_downturn(self) -> np.ndarray:
        """``(n, horizon)``: is the person's industry in a downturn that month?"""
        has = self.section >= 0
        out = np.zeros_like(self.jobless)
        out[has] = self.downturn[:, self.section[has]].T
        return out

    def hazard_multiplier(self) -> np.ndarray:
        """``(n, horizon)`` multiplier on the base default hazard."""
        return (1.0 + JOBLESS_HAZARD * self.jobless + SHOCK_HAZARD * self.shocked
                + DOWNTURN_HAZARD * self.in_downturn()).astype(np.float32)


def month_index(as_of: date, day: date) -> int:
    """Which event month ``day`` falls in (negative before ``as_of``)."""
    k = (day.year - as_of.year) * 12 + day.month - as_of.month
    return k - 1 if day.day < as_of.day else k


def industry_downturns(rng: np.random.Generator, horizon: int) -> np.ndarray:
    """A two-state (normal / downturn) Markov chain per industry section."""
    out = np.zeros((horizon, len(SECTIONS)), dtype=bool)
    state = np.zeros(len(SECTIONS), dtype=bool)
    for k in range(horizon):
        u = rng.random(len(SECTIONS))
        state = np.where(state, u >= 1.0 / _DOWNTURN_MEAN_MONTHS, u < _DOWNTURN_START)
        out[k] = state
    return out


def person_events(rng: np.random.Generator, employment: np.ndarray, section: np.ndarray,
                  downturn: np.ndarray) -> LifeEvents:
    """Job losses and income shocks month by month, vectorised over people."""
    n = len(employment)
    horizon = downturn.shape[0]
    jobless = np.zeros((n, horizon), dtype=bool)
    shocked = np.zeros((n, horizon), dtype=bool)
    shock_depth = np.ones((n, horizon), dtype=np.float32)
    jobless_left = np.zeros(n, dtype=np.int64)
    shock_left = np.zeros(n, dtype=np.int64)
    depth = np.ones(n, dtype=np.float32)
    has_section = section >= 0
    base_hazard = _JOB_LOSS_HAZARD[employment]
    for k in range(horizon):
        in_down = np.zeros(n, dtype=bool)
        in_down[has_section] = downturn[k, section[has_section]]
        hazard = base_hazard * np.where(in_down, _DOWNTURN_LAYOFF_MULTIPLIER, 1.0)
        lose = (jobless_left == 0) & (rng.random(n) < hazard)
        jobless_left[lose] = rng.geometric(1.0 / _JOBLESS_MEAN_MONTHS, size=int(lose.sum()))
        jobless[:, k] = jobless_left > 0
        jobless_left = np.maximum(jobless_left - 1, 0)

        hit = (shock_left == 0) & (rng.random(n) < _SHOCK_HAZARD)
        shock_left[hit] = rng.integers(1, 5, size=int(hit.sum()))
        depth[hit] = rng.uniform(0.5, 0.85, size=int(hit.sum())).astype(np.float32)
        shocked[:, k] = shock_left > 0
        shock_depth[:, k] = np.where(shock_left > 0, depth, 1.0)
        shock_left = np.maximum(shock_left - 1, 0)

    events = LifeEvents(horizon, downturn, section, np.ones((n, horizon), np.float32),
                        jobless, shocked)
    down = events.in_downturn()
    squeeze = np.where(employment == SELF_EMPLOYED, 0.75,
                       np.where(employment == GIG, 0.85, 1.0))[:, None]
    factor = (np.where(jobless, _JOBLESS_INCOME[employment][:, None], 1.0)
              * shock_depth * np.where(down & ~jobless, squeeze, 1.0))
    return LifeEvents(horizon, downturn, section, factor.astype(np.float32), jobless, shocked)


def default_months(rng: np.random.Generator, pd: np.ndarray, multiplier: np.ndarray,
                   groups: np.ndarray, window: int = 12) -> np.ndarray:
    """The month each party stops paying for good (-1: not within the horizon).

    The base hazard is set so that, averaged over the event paths of the party's group,
    the chance of defaulting within ``window`` months is ``pd``; the realised path then
    moves it up (lost job) or down (nothing happened).  One exponential draw per party
    against the cumulative hazard keeps this exact and vectorised."""
    window = min(window, multiplier.shape[1])
    exposure = multiplier[:, :window].sum(axis=1)
    group_exposure = np.ones(len(pd))
    for g in np.unique(groups):
        rows = groups == g
        group_exposure[rows] = exposure[rows].mean()
    base = -np.log1p(-np.clip(pd, 0.0, 0.999)) / group_exposure
    cumulative = base[:, None] * np.cumsum(multiplier, axis=1)
    threshold = rng.exponential(size=len(pd))
    crossed = cumulative >= threshold[:, None]
    return np.where(crossed.any(axis=1), crossed.argmax(axis=1), -1)
