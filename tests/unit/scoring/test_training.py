"""The one training service: a frame and a target in, a validated card and its model file
out; the CLI and the shipped default A-cards both go through it."""

from __future__ import annotations

import json
import math
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
        made = json.loads((tmp_path / f"{name}.json").read_text())
        shipped = json.loads((MODELS_DIR / f"{name}.json").read_text())
        assert _same_model(made, shipped), name


def _same_model(a: object, b: object, path: str = "") -> bool:
    """Equal files but for the last bits of a float: the logistic regression's solver and the
    BLAS under it round the coefficients differently from one release of scikit-learn / NumPy
    to the next (seen: 12.10756160964185 vs 12.107561609641849).  Every bin, edge, label, name
    and count must be identical; floats agree to 1e-9 relative, far below a point of score."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_model(a[k], b[k], f"{path}.{k}") for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_model(x, y, path) for x, y in zip(a, b, strict=True))
    return a == b


def test_the_model_comparison_tolerates_rounding_only() -> None:
    assert _same_model({"points": 12.10756160964185}, {"points": 12.107561609641849})
    assert not _same_model({"points": 12.1075616}, {"points": 12.1075617})
    assert not _same_model({"edges": [0.5, 1.5]}, {"edges": [0.5]})
    assert not _same_model({"label": "[0.5, 1.5)"}, {"label": "[0.5, 1.6)"})
