"""Train the default B-card shipped with Creditline (``lines/models/line_b_card.json``), so
a fresh install scores behaviour sensibly, and write its model report.

    python -m creditline.simulate.default_bcard     # ~2 CPU minutes: a demo run, then a fit

A B-card must learn from behaviour, so this runs the simulated market through the real
services (``creditline demo``, static limits: no strategy acts on what the card learns from),
and reads back the behaviour features end of day kept per line and day
(``behaviour_scores``: the same columns the card will score) on observation days -- the
consumer statement day (the 1st) of months 2 to 9.  Each line-day is labelled from the
simulator's hidden truth: *bad* when the holder's hidden default month falls within the six
months after the observation (a holder already in default is left out).  The frame goes to
the one training service (``scoring.training.train_card``: a seeded 70/30 split, AUC / KS on
the 30 %).  The file's training record also keeps the score bands of the training rows, the
baseline the demo's PSI is measured against (``batch.behaviour.b_card_psi``).

Deterministic for a seed: the demo run is (same seed, same database), so is the split.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import create_engine, text

from creditline.batch.behaviour import B_CARD, B_CARD_FILE
from creditline.lines.behaviour import FEATURES
from creditline.scoring.metrics import quantile_edges
from creditline.scoring.training import TrainCard, train_card, write_shipped_card
from creditline.simulate.context import DemoConfig
from creditline.simulate.demo import DemoRun
from creditline.simulate.events import month_index

SEED = 20261130
CUSTOMERS = 3_000
HORIZON_MONTHS = 6
OBSERVE_MONTHS = range(2, 10)  # the 1st of March .. October of the run's year
SCORE_BANDS = 10


def training_frame(db_url: str, truth: dict[str, int | None], as_of: date) -> pl.DataFrame:
    """Feature rows on the observation days, labelled from the hidden default months
    (``truth``: line id -> month index of default, None: no default in the horizon)."""
    days = [date(as_of.year + (as_of.month - 1 + m) // 12, (as_of.month - 1 + m) % 12 + 1, 1)
            for m in OBSERVE_MONTHS]
    engine = create_engine(db_url)
    with engine.connect() as conn:
        marks = ", ".join(f":d{i}" for i in range(len(days)))
        rows = conn.execute(text(
            f"SELECT line_id, business_date, {', '.join(FEATURES)} FROM behaviour_scores "
            f"WHERE business_date IN ({marks}) ORDER BY business_date, line_id"),
            {f"d{i}": d.isoformat() for i, d in enumerate(days)}).all()
    engine.dispose()
    out: list[dict[str, Any]] = []
    for r in rows:
        line_id, day = r[0], r[1] if isinstance(r[1], date) else date.fromisoformat(str(r[1]))
        if line_id not in truth:
            continue
        k = month_index(as_of, day)
        d = truth[line_id]
        if d is not None and d <= k:
            continue  # already in default when observed
        bad = int(d is not None and k < d <= k + HORIZON_MONTHS)
        out.append({**{f: float(v) for f, v in zip(FEATURES, r[2:], strict=True)}, "bad": bad})
    return pl.DataFrame(out)


def train(customers: int = CUSTOMERS, seed: int = SEED, out: Path = B_CARD_FILE,
          report: Path | None = None) -> dict[str, Any]:
    """Run the market, fit the card, write it (and its report); returns its training record."""
    with tempfile.TemporaryDirectory(prefix="creditline-bcard-") as tmp:
        run = DemoRun(DemoConfig(customers=customers, months=12, seed=seed, out=Path(tmp),
                                 limits="static")).run(report=False)
        ctx = run.context
        truth = {a.line_id: a.default_month for a in ctx.applications if a.line_id}
        frame = training_frame(ctx.config.database_url, truth, ctx.config.as_of)
    y = frame["bad"].to_numpy()
    trained = train_card(TrainCard(X=frame.drop("bad"), y=y, card_type="B", holdout=0.3,
                                   seed=seed, split="random"))
    scores = np.asarray(trained.model.score(frame.drop("bad")), dtype=np.float64)
    edges = quantile_edges(scores, SCORE_BANDS)
    counts = np.bincount(np.searchsorted(edges, scores, side="right"),
                         minlength=len(edges) + 1)
    record = {"source": "creditline.simulate.default_bcard (creditline demo, static limits)",
              "seed": seed, "customers": customers, "rows": trained.rows,
              "train_rows": trained.train_rows, "holdout_rows": trained.holdout_rows,
              "bad_rate": trained.bad_rate, "label": f"default within {HORIZON_MONTHS} "
                                                     "months of the observation (hidden truth)",
              "data_fingerprint": trained.fingerprint_train, "holdout": trained.holdout_metrics,
              "score_edges": [round(float(e), 6) for e in edges],
              "score_counts": counts.tolist()}
    write_shipped_card(out, trained, record, frame, seed, report,
                       f"Default B-card ({B_CARD}), 30 % sample")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the default B-card on simulated "
                                                 "behaviour (a demo run) and its hidden truth.")
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=B_CARD_FILE)
    parser.add_argument("--report", type=Path, default=None, help="write the model report here")
    args = parser.parse_args()
    r = train(args.customers, args.seed, args.out, args.report)
    m = r["holdout"]
    print(f"{B_CARD}: holdout AUC {m['auc']:.3f}  KS {m['ks']:.3f}  Gini {m['gini']:.3f}  "
          f"bad rate {r['bad_rate']:.3%}  rows {r['rows']}")


if __name__ == "__main__":
    main()
