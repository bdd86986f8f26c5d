"""Batch scoring speed (``creditline model score-all``, issue 18): lines per second of the
local engine and of Spark ``local[2]`` on the same book, as ratios to the in-memory columnar
scorer on the same feature columns, measured in the same run.

    python bench/score_all_bench.py [--lines 100000] [--partition 20000] [--rounds 2]

The book: ``--lines`` lines seeded in bulk by ``bench/eod_bench.py``'s loader (real line
rows), each with one behaviour row on the scoring date whose features are drawn at random
(written in bulk with ``uow.behaviour.save_scores``, as end of day writes them; closing a
statement day for 100k lines here first would take minutes that are not what this
measures).  The card: the shipped B-card, installed as champion.

1. ``kernel``: ``batch.behaviour.score_columns`` over the feature columns already in memory
   -- the ceiling (no database); its loops are compiled (or loaded from numba's cache) once
   before the rounds.
2. ``local``: ``score_all`` in this process, partition after partition (read, score, write
   each in its own transaction).
3. ``spark``: the same on Spark ``local[2]`` (two executor threads on this machine); the
   first run pays the executors' Python start-up, imports and container (reported apart as
   ``spark cold``), the later rounds reuse the workers.

Every round checks that Spark's scores equal the local run's, line by line.  Results are
printed; figures go to bench/RESULTS.md by hand.  PostgreSQL only (``CREDITLINE_BENCH_PG_URL``
or the test database server); the scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eod_bench import PG_URL, SECRET, seed

from creditline.auth import SYSTEM
from creditline.batch.behaviour import score_columns, serving_b_card
from creditline.batch.score_all import ScoreAll, score_all
from creditline.batch.spark import SparkEngine
from creditline.bootstrap import Container, bootstrap, executor_container
from creditline.clock import FixedClock
from creditline.lines.behaviour import FEATURES, WHOLE
from creditline.scoring.services import ModelRef
from creditline.settings import Settings
from creditline.store.scratch import create_database, drop_database

AS_OF = date(2026, 2, 10)


def features(n: int, seed_: int = 18) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed_)
    out: dict[str, np.ndarray] = {}
    for k in FEATURES:
        if k in WHOLE:
            out[k] = rng.integers(0, 30, n).astype(np.float64)
        else:
            out[k] = rng.random(n) * (2.0 if k == "purchase_velocity" else 1.0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--partition", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    url = create_database(PG_URL, "sparkscore_bench_")
    folder = Path(tempfile.mkdtemp(prefix="score_all_bench_"))
    clock = FixedClock(datetime(2026, 2, 10, 2, 0, tzinfo=UTC))
    c: Container = bootstrap(Settings(database_url=url, secret_key=SECRET, data_dir=folder),
                             clock=clock)
    engine = None
    try:
        t = time.perf_counter()
        seed(c, args.lines)
        with c.engine.connect() as conn:
            ids = conn.execute(text("SELECT id FROM credit_lines ORDER BY id")).scalars().all()
        feats = features(len(ids))
        with c.uow() as uow:
            card = serving_b_card(uow)
            assert card is not None
            uow.behaviour.save_scores(AS_OF, ids, {
                "dpd": np.zeros(len(ids), dtype=np.int64),
                **{k: feats[k].astype(np.int64) if k in WHOLE else feats[k] for k in FEATURES},
                "score": [None] * len(ids), "pd": [None] * len(ids), "model": [None] * len(ids)})
            uow.commit()
        n = len(ids)
        print(f"book: {n:,} lines with features on {AS_OF} in {time.perf_counter() - t:.1f} s "
              f"(card {card.label})", flush=True)
        cmd = ScoreAll(ModelRef(model_id=card.id), AS_OF, "local", args.partition)
        engine = SparkEngine(c.settings.model_dump(mode="json"), executor_container,
                             master="local[2]", app_name="score-all-bench")
        engine.session()
        t = time.perf_counter()
        cold = score_all(ScoreAll(cmd.model, AS_OF, "spark", args.partition), c.uow(), SYSTEM,
                         engine=engine)
        print(f"spark cold: {n / (time.perf_counter() - t):,.0f} lines/s "
              f"({cold.lines_scored:,} scored)", flush=True)
        score_columns(card, {k: v[:1000] for k, v in feats.items()}, 1000)  # compiled once
        rates: dict[str, list[float]] = {"kernel": [], "local": [], "spark": []}
        for r in range(args.rounds):
            t = time.perf_counter()
            score_columns(card, feats, n)
            rates["kernel"].append(n / (time.perf_counter() - t))
            t = time.perf_counter()
            here = score_all(cmd, c.uow(), SYSTEM)
            rates["local"].append(n / (time.perf_counter() - t))
            t = time.perf_counter()
            there = score_all(ScoreAll(cmd.model, AS_OF, "spark", args.partition), c.uow(),
                              SYSTEM, engine=engine)
            rates["spark"].append(n / (time.perf_counter() - t))
            with c.uow() as uow:
                a, b = uow.batch_scores.scores(here.run_id), uow.batch_scores.scores(there.run_id)
            assert a == b and len(a["line_id"]) == n, "spark and local differ"
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:,.0f} lines/s"
                                                 for k, v in rates.items()), flush=True)
        med = {k: statistics.median(v) for k, v in rates.items()}
        print(f"RESULT lines={n} partition={args.partition} kernel={med['kernel']:,.0f}/s "
              f"local={med['local']:,.0f}/s ({med['local'] / med['kernel']:.4f} of kernel) "
              f"spark={med['spark']:,.0f}/s ({med['spark'] / med['kernel']:.4f} of kernel, "
              f"{med['spark'] / med['local']:.2f}x local); scores identical")
    finally:
        if engine is not None:
            engine.stop()
        c.dispose()
        drop_database(url, PG_URL)


if __name__ == "__main__":
    main()
