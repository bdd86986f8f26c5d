"""The one training service: a frame and a target in, a validated card and its model file
out; the CLI and the shipped default A-cards both go through it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from creditline.errors import ValidationError
from creditline.origination.scorer import MODELS_DIR
from creditline.scoring.registry import data_fingerprint
from creditline.scoring.training import TrainCard, train_card, write_model
from tests.unit.scoring.simdata import Book


@pytest.fixture(scope="module")
def frame(book: Book) -> tuple[pl.DataFrame, np.ndarray]:
    return pl.from_pandas(book.X), np.asarray(book.y)


def test_a_stratified_split_holds_out_the_share_with_the_same_bad_rate(
        frame: tuple[pl.DataFrame, np.ndarray]) -> None:
    X, y = frame
    trained = train_card(TrainCard(X=X, y=y, categorical=("region",), holdout=0.25, seed=3))
    assert (trained.rows, trained.holdout_rows) == (6000, 1500)
    assert trained.train_rows + trained.holdout_rows == trained.rows
    assert trained.bad_rate == pytest.approx(float(y.mean()))
    assert trained.holdout_metrics["auc"] > 0.7
    assert trained.train_metrics["auc"] >= trained.holdout_metrics["auc"] - 0.02
    assert trained.fingerprint_all == data_fingerprint(X, y)
    assert trained.fingerprint_train != trained.fingerprint_all


def test_the_model_file_carries_the_training_record_and_loads_back(
        frame: tuple[pl.DataFrame, np.ndarray], tmp_path: Path) -> None:
    from creditline.scoring import load_model

    X, y = frame
    trained = train_card(TrainCard(X=X, y=y, seed=5, split="random"))
    text = write_model(tmp_path / "card.json", trained.document(
        {"data_fingerprint": trained.fingerprint_train, "holdout": trained.holdout_metrics}))
    d = json.loads(text)
    assert d["training"]["data_fingerprint"] == trained.fingerprint_train
    row = X.row(0, named=True)
    assert load_model(text).score_one(row) == trained.model.score_one(row)


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "forest"}, "kind"), ({"card_type": "Z"}, "card_type"),
    ({"split": "by-month"}, "split"), ({"holdout": 1.0}, "holdout"),
    ({"categorical": ("colour",)}, "categorical")])
def test_a_bad_training_command_names_the_field(
        frame: tuple[pl.DataFrame, np.ndarray], change: dict[str, object], field: str) -> None:
    X, y = frame
    with pytest.raises(ValidationError, match=field):
        train_card(TrainCard(X=X, y=y, **change))  # type: ignore[arg-type]


def test_the_shipped_default_cards_are_what_the_training_service_makes(tmp_path: Path) -> None:
    """Retraining the default A-cards through the one service, from the simulator's
    population, gives the shipped files byte for byte."""
    from creditline.simulate.default_cards import train

    report = train(out=tmp_path)
    for name in report:
        assert (tmp_path / f"{name}.json").read_bytes() == (MODELS_DIR / f"{name}.json").read_bytes()
