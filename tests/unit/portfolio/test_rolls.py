"""Roll rates and the transition matrix: a 3x3 example worked by hand, and a larger random
book checked against an independent implementation, the cohort estimator of openrisk's
``transitionMatrix`` package (from PyPI)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from creditline.collections.rules import Bucket
from creditline.portfolio.book import Book, States
from creditline.portfolio.rolls import count_matrix, pairs, roll_table, transition_matrix

THREE = States((Bucket("M0", 0, 0), Bucket("M1", 1, None)), 100)  # M0, M1 and WO
ENDS = (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31))


def book_of(paths: dict[str, list[int]], states: States = THREE,
            ends: tuple[date, ...] = ENDS) -> Book:
    """A book whose history is each line's state at the month ends, from the first."""
    rows = [(line, k, ends[k], s, 100 * (s + 1), s == states.wo)
            for line, path in paths.items() for k, s in enumerate(path)]
    h = pl.DataFrame(rows, schema={"line_id": pl.String, "k": pl.Int64, "month_end": pl.Date,
                                   "state": pl.Int64, "balance": pl.Int64,
                                   "charged_off": pl.Boolean}, orient="row")
    return Book(ends[-1], states, ends, pl.DataFrame(), h, pl.DataFrame(), True)


# Ten lines over three month ends (0 = M0 current, 1 = M1 late, 2 = WO charged off).
# L10 leaves the book after the second month end (paid off and closed).
PATHS = {"L1": [0, 0, 0], "L2": [0, 0, 1], "L3": [0, 1, 0], "L4": [0, 1, 1],
         "L5": [1, 0, 0], "L6": [1, 1, 2], "L7": [1, 2, 2], "L8": [0, 0, 0],
         "L9": [2, 2, 2], "L10": [0, 0]}


def test_a_three_by_three_matrix_worked_by_hand() -> None:
    b = book_of(PATHS)
    counts = count_matrix(pairs(b), 3)
    # from M0: L1 x2, L2, L5 (second month), L8 x2, L10 stay; L2, L3, L4 fall late
    # from M1: L3 and L5 cure; L4 and L6 stay; L6 and L7 are charged off
    # from WO: L7 once, L9 twice
    assert counts.tolist() == [[7, 3, 0], [2, 2, 2], [0, 0, 3]]
    m = transition_matrix(counts)
    assert m == [[0.7, 0.3, 0.0], [0.333333, 0.333333, 0.333333], [0.0, 0.0, 1.0]]

    t = roll_table(b)
    first, second = t["periods"]
    # January -> February: M0 had L1-L4, L8, L10; L3 and L4 rolled (2 of 6)
    assert (first["lines"], first["roll"]["M0"]) == (10, round(2 / 6, 4))
    # M1 had L5, L6, L7: L7 rolled to WO, L5 cured
    assert (first["roll"]["M1"], first["cure"]["M1"]) == (round(1 / 3, 4), round(1 / 3, 4))
    # February -> March: M0 had L1, L2, L5, L8 (L10 has left): L2 rolled
    assert (second["lines"], second["roll"]["M0"]) == (9, 0.25)
    assert (second["roll"]["M1"], second["cure"]["M1"]) == (round(1 / 3, 4), round(1 / 3, 4))
    # flow M0 -> M1 by balance (M1 lines carry 200 each, M0 lines 100): February's M1 balance
    # (L3, L4, L6: 600) over January's M0 balance (L1-L4, L8, L10: 600)
    assert first["flow"]["M0->M1"] == 1.0


def test_an_empty_row_stays_empty() -> None:
    assert transition_matrix(np.array([[1, 1], [0, 0]])) == [[0.5, 0.5], [None, None]]


def test_the_matrix_agrees_with_openrisk_transition_matrix() -> None:
    """A random book of 300 lines over 7 month ends (a Markov chain over M0, M1-M3 and WO,
    every line on the book throughout, as the package's cohort estimator expects) gives the
    same per-period and average matrices in both implementations."""
    tm = pytest.importorskip("transitionMatrix")
    from transitionMatrix.estimators.cohort_estimator import CohortEstimator

    states = States((Bucket("M0", 0, 0), Bucket("M1", 1, 30), Bucket("M2", 31, 60),
                     Bucket("M3", 61, None)), 100)
    n = len(states.names)
    truth = np.array([[.90, .10, 0, 0, 0], [.40, .30, .30, 0, 0], [.15, .05, .30, .50, 0],
                      [.05, 0, .05, .50, .40], [0, 0, 0, 0, 1]])
    rng = np.random.default_rng(17)
    T = 7
    ends = tuple(date(2026, m, 28) for m in range(1, T + 1))
    paths = {}
    for i in range(300):
        s = [int(rng.choice(n, p=[.7, .15, .1, .05, 0]))]
        for _ in range(T - 1):
            s.append(int(rng.choice(n, p=truth[s[-1]])))
        paths[f"L{i:03d}"] = s
    b = book_of(paths, states, ends)
    ours = roll_table(b)

    # the package's compact format: ID, Time (cohort index), State; sorted by ID then time.
    # Its last row is counted twice (the loop's boundary case), so a sentinel entity in a
    # state of its own closes the data; that state's row and column are dropped below.
    import pandas as pd

    rows = [(i, k, s) for i, (_, path) in enumerate(sorted(paths.items()))
            for k, s in enumerate(path)]
    rows.append((len(paths), T - 1, n))
    data = pd.DataFrame(rows, columns=["ID", "Time", "State"])
    space = tm.StateSpace([(str(k), str(k)) for k in range(n + 1)])
    est = CohortEstimator(states=space, cohort_bounds=list(range(T)),
                          ci={"method": "goodman", "alpha": 0.05})
    with np.errstate(all="ignore"):
        est.fit(data)
    theirs = np.asarray(est.average_matrix)[:n, :n]
    mine = np.array([[np.nan if x is None else x for x in row] for row in ours["matrix"]])
    assert np.allclose(np.nan_to_num(mine), theirs, atol=1e-6)
    for k in range(T - 1):
        theirs_k = np.asarray(est.matrix_set[k])[:n, :n]
        counts = count_matrix(pairs(b).filter(pl.col("k") == k), n)
        mine_k = np.array([[0.0 if x is None else x for x in row]
                           for row in transition_matrix(counts)])
        assert np.allclose(mine_k, theirs_k, atol=1e-6), k
