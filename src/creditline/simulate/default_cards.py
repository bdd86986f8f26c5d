"""Train the default A-cards shipped with Creditline, so a fresh install decides sensibly.

    python -m creditline.simulate.default_cards      # writes origination/models/*.json

It draws a simulated population, keeps only the features an application here can actually
supply — from the customer record, the credit-bureau block of the application, and (for
enterprises) the financial statements and collateral — maps the simulator's vocabularies
onto the platform's, and hands the frames to the one training service
(:func:`creditline.scoring.training.train_card`): a seeded 70/30 split, AUC / KS on the 30%.

Deterministic: the same seed and sizes give byte-identical JSON.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import polars as pl

from creditline.origination.feature_reasons import ENTERPRISE_REASONS, PERSON_REASONS
from creditline.origination.features import (
    ENTERPRISE_CARD,
    ENTERPRISE_FEATURES,
    PERSON_CARD,
    PERSON_FEATURES,
)
from creditline.origination.scorer import MODELS_DIR
from creditline.scoring.training import TrainCard, train_card, write_model
from creditline.simulate.population import Population, generate_population

SEED = 20261123
SOURCE = "creditline.simulate.generate_population"
# the simulator's vocabularies -> the platform's (parties employment, policy collateral kinds)
EMPLOYMENT = {"salaried": "employed", "gig": "freelancer"}
COLLATERAL = {"real_estate": "property"}


def person_frame(pop: Population) -> pl.DataFrame:
    """The consumer training frame in the platform's vocabulary (features + ``bad``)."""
    X = pop.applicant_features()
    return X.with_columns(
        pl.col("employment").replace(EMPLOYMENT),
        *[pl.col(c).cast(pl.Float64) for c in ("monthly_income", "existing_debt_monthly")],
    ).select(*PERSON_FEATURES, "bad")


def enterprise_frame(pop: Population) -> pl.DataFrame:
    E = pop.enterprise_features()
    money = ["annual_revenue", "net_income", "total_assets", "total_liabilities",
             "current_assets", "current_liabilities", "operating_cash_flow",
             "annual_debt_service", "collateral_value"]
    return E.with_columns(
        pl.col("collateral_kind").replace(COLLATERAL),
        *[pl.col(c).cast(pl.Float64) for c in money],
    ).select(*ENTERPRISE_FEATURES, "bad")


def train(persons: int = 60_000, enterprises: int = 8_000, seed: int = SEED,
          out: Path = MODELS_DIR) -> dict[str, dict[str, Any]]:
    """Train and write both default cards; returns each card's training record."""
    pop = generate_population(persons, seed, enterprises=enterprises)
    report: dict[str, dict[str, Any]] = {}
    out.mkdir(parents=True, exist_ok=True)
    for name, frame, cats, texts in (
            (PERSON_CARD, person_frame(pop), ("employment",), PERSON_REASONS),
            (ENTERPRISE_CARD, enterprise_frame(pop), ("industry", "collateral_kind"),
             ENTERPRISE_REASONS)):
        trained = train_card(TrainCard(X=frame.drop("bad"), y=frame["bad"].to_numpy(),
                                       card_type="A", categorical=cats, holdout=0.3,
                                       seed=seed, split="random", reason_texts=texts))
        record = {"rows": trained.rows, "train_rows": trained.train_rows,
                  "holdout_rows": trained.holdout_rows, "bad_rate": trained.bad_rate,
                  "data_fingerprint": trained.fingerprint_train,
                  "holdout": trained.holdout_metrics}
        write_model(out / f"{name}.json", trained.document({
            "source": SOURCE, "seed": seed, "persons": persons, "enterprises": enterprises,
            **record}), canonical=True)
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
