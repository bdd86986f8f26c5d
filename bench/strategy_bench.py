"""End of day's limit-strategy stage, line by line against once per class of facts.

    PYTHONPATH=src python bench/strategy_bench.py [--rows 100000] [--seed 42]

Draws N random lines (mostly good payers, some late, frozen or suspended, some enterprises,
5 % not scored, a share of values right on the tables' thresholds) and times
``batch.limit_strategy.decide_rows`` on them twice in the same run: ``memoise=False`` (the
prepared ZEN decision once per line, as before) and ``memoise=True`` (once per class of
facts, ``rulesets.fact_classes``).  Prints lines/s of each, the ratio, the number of
distinct classes, and checks the two outputs are identical.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from creditline.batch.limit_strategy import StrategyOutput, decide_rows, facts_of
from creditline.lines.behaviour_ports import StrategyRow
from creditline.lines.strategy import STRATEGY
from creditline.rulesets.fact_classes import fact_classes

DAY = date(2026, 7, 1)
BAND_EDGES = (0.0055, 0.011, 0.022, 0.044)


def book(n: int, seed: int) -> tuple[list[StrategyRow], dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    status = rng.choice(["active", "frozen", "suspended"], n, p=[0.9, 0.07, 0.03])
    kind = rng.choice(["person", "enterprise"], n, p=[0.9, 0.1])
    limit = rng.integers(5, 500, n) * 100
    used_share = rng.uniform(0, 1.05, n).round(2)
    income = rng.integers(20, 400, n) * 100
    no_income = rng.random(n) < 0.05
    inc_days = rng.integers(1, 400, n)
    has_inc = rng.random(n) < 0.5
    dec_days = rng.integers(1, 120, n)
    has_dec = rng.random(n) < 0.2
    opened = rng.integers(30, 1500, n)
    rows = [StrategyRow(
        line_id=f"L{i:07d}", customer_kind=str(kind[i]), product="consumer_bnpl",
        status=str(status[i]), limit=Decimal(int(limit[i])),
        used=(Decimal(int(limit[i])) * Decimal(str(used_share[i]))).quantize(Decimal("0.01")),
        monthly_income=None if no_income[i] else Decimal(int(income[i])),
        opted_out=bool(rng.random() < 0.05),
        frozen_by_strategy=bool(status[i] == "frozen" and rng.random() < 0.7),
        last_increase=DAY - timedelta(days=int(inc_days[i])) if has_inc[i] else None,
        last_decrease=DAY - timedelta(days=int(dec_days[i])) if has_dec[i] else None,
        cycles_since_increase=int(rng.integers(0, 24)), product_min=Decimal("500.00"),
        product_max=Decimal("50000.00"), opened_on=DAY - timedelta(days=int(opened[i])),
        decided_today=False) for i in range(n)]
    late = rng.random(n) < 0.12
    features = {
        "b_pd": np.where(rng.random(n) < 0.05, np.nan,
                         np.where(rng.random(n) < 0.02, rng.choice(BAND_EDGES, n),
                                  rng.beta(1.2, 60, n))),
        "utilisation": used_share.astype(np.float64),
        "clean_cycles": rng.integers(0, 13, n).astype(np.float64),
        "max_dpd_6m": np.where(rng.random(n) < 0.8, 0, rng.integers(0, 120, n)).astype(
            np.float64),
        "dpd": np.where(late, rng.integers(1, 150, n), 0).astype(np.float64),
    }
    return rows, features


def timed(rows: list[StrategyRow], features: dict[str, np.ndarray],
          memoise: bool) -> tuple[StrategyOutput, float]:
    started = time.perf_counter()
    out = decide_rows(rows, features, DAY, STRATEGY.default(), memoise=memoise)
    return out, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(f"{platform.platform()}, {os.cpu_count()} CPUs, load average at the start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows, features = book(args.rows, args.seed)
    ruleset = STRATEGY.default()
    classes = fact_classes(ruleset.graph)
    assert classes is not None, "the shipped tables are not understood: no memoisation"
    contexts = [facts_of(r, {k: float(v[i]) for k, v in features.items()}, DAY)
                for i, r in enumerate(rows)]
    keys = [classes.key(c) for c in contexts]
    distinct = len({k for k in keys if k is not None})
    decide_rows(rows[:500], {k: v[:500] for k, v in features.items()}, DAY, ruleset,
                memoise=False)  # warm up
    plain, t_plain = timed(rows, features, memoise=False)
    memo, t_memo = timed(rows, features, memoise=True)
    same = (memo.decided, memo.errors, memo.moves, memo.kept) == (
        plain.decided, plain.errors, plain.moves, plain.kept)
    n = len(rows)
    print(f"rows {n:,}, distinct classes {distinct:,} (lines evaluated alone: "
          f"{sum(k is None for k in keys)}), moves {len(memo.moves):,}, "
          f"errors {len(memo.errors):,}, outputs identical: {same}")
    print(f"per line : {t_plain:8.2f} s  {n / t_plain:12,.0f} lines/s")
    print(f"memoised : {t_memo:8.2f} s  {n / t_memo:12,.0f} lines/s")
    print(f"ratio    : {t_plain / t_memo:.1f}x")
    if not same:
        raise SystemExit("memoised and per-line outputs differ")


if __name__ == "__main__":
    main()
