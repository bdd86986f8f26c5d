"""Simulator benchmark: how long the population generator and the behaviour model take.

    python bench/simulate_bench.py            # 100k applicants, 2,000 customers x 365 days

Prints wall-clock seconds (best of ``--repeat`` runs).  The behaviour run uses the tiny
test ledger from ``tests/unit/simulate/toy_book.py`` only to move balances between days;
the time reported is spent inside ``plan_day`` itself.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.simulate import toy_book

from creditline.simulate import behaviour
from creditline.simulate.population import generate_population


def best_of(repeat: int, fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="applicants to generate")
    parser.add_argument("--enterprises", type=int, default=10_000, help="SMEs to generate")
    parser.add_argument("--customers", type=int, default=2_000, help="customers to simulate")
    parser.add_argument("--days", type=int, default=365, help="business days to simulate")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    args = parser.parse_args()

    t, pop = best_of(args.repeat, lambda: generate_population(args.n, seed=1))
    print(f"generate_population persons={args.n:,}: {t:.2f} s  "
          f"({args.n / t:,.0f} applicants/s)")
    t, _ = best_of(args.repeat, lambda: generate_population(1, seed=1, enterprises=args.enterprises))
    print(f"generate_population enterprises={args.enterprises:,}: {t:.2f} s")
    t, frame = best_of(args.repeat, pop.applicant_features)  # type: ignore[union-attr]
    print(f"applicant_features: {t:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "a.parquet"
        t, _ = best_of(args.repeat, lambda: frame.write_parquet(out))  # type: ignore[union-attr]
        print(f"write parquet ({out.stat().st_size / 1e6:.1f} MB): {t:.2f} s")

    small = generate_population(args.customers, seed=2)
    customers = behaviour.Customers.from_population(small)
    limits = np.clip(customers.income * 2, 100_000, 3_000_000).astype(np.int64)
    spent = [0.0]
    plan_day = behaviour.plan_day

    def timed(*a, **k):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        out = plan_day(*a, **k)
        spent[0] += time.perf_counter() - started
        return out

    toy_book.plan_day = timed  # type: ignore[assignment]
    best, intents = float("inf"), 0
    for _ in range(args.repeat):
        spent[0] = 0.0
        log, _book = toy_book.run(customers, limits, date(2026, 1, 1), args.days)
        best, intents = min(best, spent[0]), len(log)
    cd = args.customers * args.days
    print(f"plan_day {args.customers:,} customers x {args.days} days ({cd:,} customer-days, "
          f"{intents:,} intents): {best:.2f} s  ({cd / best:,.0f} customer-days/s)")


if __name__ == "__main__":
    main()
