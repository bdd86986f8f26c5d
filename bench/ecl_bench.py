"""Expected credit loss speed: lines per second of one measurement (read, compute, write) and
of the stress scenarios, over a book of ``--lines`` lines.

    python bench/ecl_bench.py [--lines 100000] [--store postgres|sqlite]

The book is ``eod_bench``'s bulk seed (90 % consumer BNPL, 10 % SME, one purchase each),
with two B-card scores per line (31 Jan and 27 Feb, the first higher so some lines drop past
the stage-2 threshold) and days past due set on a sixteenth of the lines (45 days: stage 2)
and another sixteenth (100 days: stage 3), so staging, the PD curves and every ECL path run.
It measures as of 28 February (a month end): the bulk reads (``read_inputs``), the columnar
compute (``measure_inputs``: staging through the decision table on distinct facts, the PD
model, LGD, EAD, ECL), and the write (``record_run``: the run, its per-line results by COPY,
the provision entry); then ``run_stress`` over the four shipped scenarios (each a full
re-measurement plus the 12-month cash flow).  No bucket history is seeded: the migration
matrix comes from the prior (its estimation over a real history is in the demo).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))
from eod_bench import NOW, _bulk, drop, fresh, seed

from creditline.auth import SYSTEM
from creditline.clock import FixedClock
from creditline.lines.behaviour import FEATURES
from creditline.portfolio import ecl_services as es
from creditline.store.tables.behaviour import behaviour_scores

AS_OF = date(2026, 2, 28)


def scores(c, n_chunk: int = 100_000) -> None:  # type: ignore[no-untyped-def]
    with c.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM credit_lines ORDER BY id"))]
    rng = np.random.default_rng(3)
    first = rng.normal(600, 20, len(ids))
    drop_ = rng.exponential(12, len(ids))
    for k in range(0, len(ids), n_chunk):
        rows = []
        for i in range(k, min(k + n_chunk, len(ids))):
            base = {f: 0 for f in FEATURES} | {"line_id": ids[i], "dpd": 0, "model": "bench"}
            for day, s in ((date(2026, 1, 31), first[i]), (date(2026, 2, 27), first[i] - drop_[i])):
                pd_ = float(1 / (1 + np.exp((s - 520) / 20 * np.log(2))))
                rows.append(base | {"business_date": day, "score": float(s), "pd": pd_})
        _bulk(c, behaviour_scores, rows)
    with c.engine.begin() as conn:
        conn.execute(text("UPDATE credit_lines SET dpd = 45 WHERE id LIKE '0%'"))
        conn.execute(text("UPDATE credit_lines SET dpd = 100 WHERE id LIKE '1%'"))
        if c.engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--store", choices=["postgres", "sqlite"], default="postgres")
    a = ap.parse_args()
    clock = FixedClock(NOW)
    with tempfile.TemporaryDirectory() as tmp:
        c, scratch = fresh(a.store, Path(tmp), clock)
        try:
            t = time.perf_counter()
            seed(c, a.lines)
            scores(c)
            print(f"          seeded with scores in {time.perf_counter() - t:.0f} s", flush=True)
            with c.uow() as uow:
                t0 = time.perf_counter()
                inputs = es.read_inputs(uow, AS_OF)
                t1 = time.perf_counter()
                m = es.measure_inputs(inputs)
                t2 = time.perf_counter()
                out = es.record_run(uow, m, SYSTEM, source="manual")
                uow.commit()
                t3 = time.perf_counter()
            n = m.results.height
            stages = dict(m.results.group_by("stage").len().iter_rows())
            print(f"ecl       {n:,} lines (stages {dict(sorted(stages.items()))}), ECL "
                  f"{out.run.ecl:,.2f}: read {t1 - t0:.2f} s, compute {t2 - t1:.2f} s, write "
                  f"{t3 - t2:.2f} s; {n / (t3 - t0):,.0f} lines/s in all", flush=True)
            clock.set_date(AS_OF)  # the stress measures on the book's business date
            t4 = time.perf_counter()
            v = es.run_stress(es.RunStress(), c.uow(), SYSTEM)
            t5 = time.perf_counter()
            print(f"stress    {len(v.results)} scenarios: {t5 - t4:.2f} s = "
                  f"{n * len(v.results) / (t5 - t4):,.0f} line-scenarios/s "
                  + ", ".join(f"{r.scenario.name} {r.ecl / 100:,.2f}" for r in v.results),
                  flush=True)
            print(f"RESULT store={a.store} lines={n} read={t1 - t0:.2f} compute={t2 - t1:.2f} "
                  f"write={t3 - t2:.2f} stress={t5 - t4:.2f}")
        finally:
            c.dispose()
            drop(scratch)


if __name__ == "__main__":
    main()
