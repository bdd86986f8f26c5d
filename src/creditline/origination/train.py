"""Train the default A-cards shipped with Creditline, so a fresh install decides sensibly.

    python -m creditline.origination.train            # writes origination/models/*.json

It draws a simulated population (``creditline.simulate``), keeps only the features an
application here can actually supply — from the customer record, the credit-bureau block
of the application, and (for enterprises) the financial statements and collateral — maps
the simulator's vocabularies onto the platform's, fits the scoring package's
:class:`~creditline.scoring.scorecard.Scorecard` on 70% and reports AUC / KS on the rest.

Deterministic: the same seed and sizes give byte-identical JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from creditline.origination.features import (
    ENTERPRISE_CARD,
    ENTERPRISE_FEATURES,
    PERSON_CARD,
    PERSON_FEATURES,
)
from creditline.scoring.metrics import discrimination
from creditline.scoring.registry import data_fingerprint
from creditline.scoring.scorecard import Scorecard

MODELS_DIR = Path(__file__).parent / "models"
SEED = 20261123
_EMPLOYMENT = {"salaried": "employed", "gig": "freelancer"}  # simulator -> parties vocabulary
_COLLATERAL = {"real_estate": "property"}  # simulator -> policy vocabulary


def person_frame(pop: Any) -> pl.DataFrame:
    """The consumer training frame in the platform's vocabulary (features + ``bad``)."""
    X: pl.DataFrame = pop.applicant_features()
    return X.with_columns(
        pl.col("employment").replace(_EMPLOYMENT),
        *[pl.col(c).cast(pl.Float64) for c in ("monthly_income", "existing_debt_monthly")],
    ).select(*PERSON_FEATURES, "bad")


def enterprise_frame(pop: Any) -> pl.DataFrame:
    E: pl.DataFrame = pop.enterprise_features()
    money = ["annual_revenue", "net_income", "total_assets", "total_liabilities",
             "current_assets", "current_liabilities", "operating_cash_flow",
             "annual_debt_service", "collateral_value"]
    return E.with_columns(
        pl.col("collateral_kind").replace(_COLLATERAL),
        *[pl.col(c).cast(pl.Float64) for c in money],
    ).select(*ENTERPRISE_FEATURES, "bad")


def fit_card(frame: pl.DataFrame, seed: int, categorical: list[str]
             ) -> tuple[Scorecard, dict[str, Any]]:
    """Fit on a seeded 70% and measure on the other 30%; returns the card and the training
    record the model registry reads (``data_fingerprint``, ``holdout`` metrics)."""
    rng = np.random.default_rng(seed)
    train = rng.random(frame.height) < 0.7
    X, y = frame.drop("bad"), frame["bad"].to_numpy()
    X_tr, y_tr = X.filter(pl.Series(train)), y[train]
    card = Scorecard(card_type="A", categorical=categorical, min_bin_size=0.05,
                     round_points=False)
    card.fit(X_tr, y_tr)
    test = ~train
    holdout = discrimination(y[test], card.predict_proba(X.filter(pl.Series(test)))[:, 1])
    record = {"rows": frame.height, "train_rows": int(train.sum()),
              "holdout_rows": int(test.sum()), "bad_rate": float(y.mean()),
              "data_fingerprint": data_fingerprint(X_tr, y_tr), "holdout": holdout}
    return card, record


def train(persons: int = 60_000, enterprises: int = 8_000, seed: int = SEED,
          out: Path = MODELS_DIR) -> dict[str, dict[str, Any]]:
    from creditline.simulate.population import generate_population

    pop = generate_population(persons, seed, enterprises=enterprises)
    report: dict[str, dict[str, Any]] = {}
    out.mkdir(parents=True, exist_ok=True)
    for name, frame, cats in (
            (PERSON_CARD, person_frame(pop), ["employment"]),
            (ENTERPRISE_CARD, enterprise_frame(pop), ["industry", "collateral_kind"])):
        card, record = fit_card(frame, seed, cats)
        doc = json.loads(card.to_json())
        doc["training"] = {"source": "creditline.simulate.generate_population", "seed": seed,
                           "persons": persons, "enterprises": enterprises, **record}
        (out / f"{name}.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        report[name] = record
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the default A-cards on simulated data.")
    parser.add_argument("--persons", type=int, default=60_000, help="simulated consumer applicants")
    parser.add_argument("--enterprises", type=int, default=8_000, help="simulated SME applicants")
    parser.add_argument("--seed", type=int, default=SEED, help="population seed")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="folder for the JSON files")
    args = parser.parse_args()
    for name, r in train(args.persons, args.enterprises, args.seed, args.out).items():
        m = r["holdout"]
        print(f"{name}: holdout AUC {m['auc']:.3f}  KS {m['ks']:.3f}  Gini {m['gini']:.3f}  "
              f"bad rate {r['bad_rate']:.3%}  rows {r['rows']}")


if __name__ == "__main__":
    main()
