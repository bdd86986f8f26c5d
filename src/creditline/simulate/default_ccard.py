"""Train the default C-card shipped with Creditline (``collections/models/collections_c_card.json``)
and write its model report.

    python -m creditline.simulate.default_ccard --report docs/collections_c_card_report.html

A C-card must learn from collection outcomes, so this runs the simulated market through the
real services (``creditline demo`` with the **fixed ladder**: every case in a bucket gets the
same contacts, so what the card learns is not shaped by a strategy that read an earlier
card) and reads back the decision rows end of day kept for every open case and day
(``collection_actions``: the same feature columns the card scores, ``collections.ccard``).
Rows are taken at the escalation points -- the first day of a case in each bucket -- and
every 15 days after within a bucket.  Each row is labelled from what then happened on the
book: *bad* when the case was **not** resolved (the line back to current) within 30 days of
the row's day.  Rows whose 30 days run past the end of the simulation are left out (their
outcome is not known).  The frame goes to the one training service
(``scoring.training.train_card``: a seeded 70/30 split, AUC / KS on the 30 %).

Deterministic for a seed: the demo run is (same seed, same database), so is the split.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import create_engine, select

from creditline.collections.ccard import C_CARD, C_CARD_FILE, FEATURES, NO_B_SCORE
from creditline.scoring.training import TrainCard, train_card, write_shipped_card
from creditline.simulate.context import DemoConfig
from creditline.simulate.demo import DemoRun
from creditline.store.tables.collection_strategy import collection_actions
from creditline.store.tables.collections import collection_cases

SEED = 20261130
CUSTOMERS = 3_000
HORIZON_DAYS = 30
EVERY_DAYS = 15


def training_frame(db_url: str, last_day: date) -> pl.DataFrame:
    """Feature rows at the escalation points, labelled by the case's outcome 30 days on."""
    a, c = collection_actions.c, collection_cases.c
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(a.case_id, a.business_date, a.bucket, a.dpd, a.owed,
                                   a.balance, a.b_pd, a.months_on_book, a.past_cures,
                                   a.contactable, a.escalation, a.contacts, c.status,
                                   c.closed_on)
                            .join(collection_cases, c.id == a.case_id)
                            .order_by(a.case_id, a.business_date)).all()
    engine.dispose()
    out: list[dict[str, Any]] = []
    last_case, last_bucket, last_taken = None, None, None
    for r in rows:
        new_bucket = r.case_id != last_case or r.bucket != last_bucket
        take = new_bucket or (last_taken is not None
                              and (r.business_date - last_taken).days >= EVERY_DAYS)
        last_case, last_bucket = r.case_id, r.bucket
        if not take:
            continue
        last_taken = r.business_date
        horizon = r.business_date + timedelta(days=HORIZON_DAYS)
        if horizon > last_day:
            continue  # the outcome is not known yet
        cured = r.status == "resolved" and r.closed_on is not None and r.closed_on <= horizon
        out.append({"bucket": float(r.bucket), "dpd": float(r.dpd), "owed": float(r.owed),
                    "balance": float(r.balance),
                    "b_pd": NO_B_SCORE if r.b_pd is None else float(r.b_pd),
                    "months_on_book": float(r.months_on_book),
                    "past_cures": float(r.past_cures), "contactable": float(r.contactable),
                    "escalation": float(r.escalation), "contacts": float(r.contacts),
                    "bad": int(not cured)})
    return pl.DataFrame(out).select(*FEATURES, "bad")


def train(customers: int = CUSTOMERS, seed: int = SEED, out: Path = C_CARD_FILE,
          report: Path | None = None, keep: Path | None = None) -> dict[str, Any]:
    """Run the market with the fixed ladder, fit the card, write it (and its report)."""
    with tempfile.TemporaryDirectory(prefix="creditline-ccard-") as tmp:
        cfg = DemoConfig(customers=customers, months=12, seed=seed, out=keep or Path(tmp),
                         limits="static", collections="ladder")
        DemoRun(cfg).run(report=False)
        frame = training_frame(cfg.database_url, cfg.last_day)
    y = frame["bad"].to_numpy()
    trained = train_card(TrainCard(X=frame.drop("bad"), y=y, card_type="C", holdout=0.3,
                                   seed=seed, split="random"))
    record = {"source": "creditline.simulate.default_ccard (creditline demo, fixed ladder, "
                        "static limits)",
              "seed": seed, "customers": customers, "rows": trained.rows,
              "train_rows": trained.train_rows, "holdout_rows": trained.holdout_rows,
              "bad_rate": trained.bad_rate,
              "label": f"case not resolved (line not back to current) within {HORIZON_DAYS} "
                       "days of the escalation point",
              "data_fingerprint": trained.fingerprint_train, "holdout": trained.holdout_metrics}
    write_shipped_card(out, trained, record, frame, seed, report,
                       f"Default C-card ({C_CARD}), 30 % sample")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the default C-card on simulated "
                                                 "collection outcomes (a demo run, fixed ladder).")
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=C_CARD_FILE)
    parser.add_argument("--report", type=Path, default=None, help="write the model report here")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the demo run's database in this folder")
    args = parser.parse_args()
    r = train(args.customers, args.seed, args.out, args.report, args.keep)
    m = r["holdout"]
    print(f"{C_CARD}: holdout AUC {m['auc']:.3f}  KS {m['ks']:.3f}  Gini {m['gini']:.3f}  "
          f"bad rate {r['bad_rate']:.3%}  rows {r['rows']}")


if __name__ == "__main__":
    main()
