"""A simulated applicant book with a known answer: the true log-odds of default is a fixed
function of the applicant's features, so a good scorecard must rank rows in that order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

REGION_EFFECT = {"north": 0.0, "south": 0.1, "east": -0.2, "west": 0.6, "inland": 0.8,
                 "coast": -0.1, "islands": 0.3}


@dataclass(frozen=True)
class Book:
    X: pd.DataFrame
    y: np.ndarray
    logit: np.ndarray  # the true log-odds of bad


def simulate(n: int = 6000, seed: int = 0) -> Book:
    """Older applicants, higher income and fewer inquiries are safer; utilisation and a
    missing income are riskier; region shifts risk; ``noise`` has no effect at all."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(20, 65, n).round()
    utilization = rng.beta(2, 3, n)
    income = rng.lognormal(8.5, 0.5, n).round(-1)
    income_missing = rng.random(n) < 0.08
    inquiries = rng.poisson(1.5, n).astype(float)
    regions = np.array(list(REGION_EFFECT))
    region = regions[rng.choice(len(regions), n, p=[0.25, 0.2, 0.2, 0.15, 0.1, 0.095, 0.005])]
    noise = rng.normal(size=n)
    logit = (-1.6 - 0.04 * (age - 40) + 2.5 * (utilization - 0.4)
             - 0.8 * np.where(income_missing, 0.0, np.log(income) - 8.5)
             + 0.6 * income_missing + 0.3 * inquiries
             + np.vectorize(REGION_EFFECT.get)(region))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({
        "age": age, "utilization": utilization,
        "income": np.where(income_missing, np.nan, income),
        "inquiries": inquiries, "region": region, "noise": noise,
    })
    return Book(X, y, logit)


def split(book: Book, train_share: float = 0.7) -> tuple[Book, Book]:
    k = int(len(book.y) * train_share)
    return (Book(book.X.iloc[:k].reset_index(drop=True), book.y[:k], book.logit[:k]),
            Book(book.X.iloc[k:].reset_index(drop=True), book.y[k:], book.logit[k:]))
