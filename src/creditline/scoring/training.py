"""Training a card, once: split, fit, validate on the holdout, and write the model file with
its training record (what the model registry reads: ``data_fingerprint`` and ``holdout``
metrics).

The service takes data — a feature frame and a 0/1 target — and never knows where it came
from: ``creditline model train`` reads it from a file, the shipped default A-cards are
trained on the simulator's population (``creditline.simulate.default_cards``).  Both call
:func:`train_card`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from creditline.errors import ValidationError
from creditline.scoring.metrics import discrimination
from creditline.scoring.registry import data_fingerprint
from creditline.scoring.scorecard import CARD_TYPES, Scorecard

if TYPE_CHECKING:  # LightGBM is imported only when a GBM card is trained
    from creditline.scoring.gbm import GBMScorecard

KINDS = ("scorecard", "gbm")
# stratified: scikit-learn's stratified split (same bad rate on both sides);
# random: each row trains with probability 1 - holdout, from a seeded generator
SPLITS = ("stratified", "random")


@dataclass(frozen=True)
class TrainCard:
    """Fit a ``kind`` card of ``card_type`` on ``X`` / ``y`` (1 = bad), holding out a share
    of the rows for validation."""

    X: pl.DataFrame
    y: np.ndarray
    card_type: str = "A"
    kind: str = "scorecard"
    categorical: tuple[str, ...] = ()
    holdout: float = 0.3
    seed: int = 42
    split: str = "stratified"
    # per-variable {"code", "en", "zh"}: the card's reason texts (stored with the card)
    reason_texts: Mapping[str, Mapping[str, str]] | None = None


@dataclass(frozen=True)
class TrainedCard:
    """A fitted card and what validating it found."""

    model: Scorecard | GBMScorecard
    rows: int
    train_rows: int
    holdout_rows: int
    bad_rate: float
    train_metrics: dict[str, float]
    holdout_metrics: dict[str, float]
    fingerprint_all: str  # of every row given (features and target)
    fingerprint_train: str  # of the rows the card was fitted on

    def document(self, training: Mapping[str, Any]) -> dict[str, Any]:
        """The model file's content: the card's JSON form plus its ``training`` record."""
        doc: dict[str, Any] = self.model.to_dict()
        doc["training"] = dict(training)
        return doc


def train_card(cmd: TrainCard) -> TrainedCard:
    """Split, fit on the training rows, and measure AUC / KS / Gini on both sides."""
    if cmd.card_type not in CARD_TYPES:
        raise ValidationError("card_type", f"must be one of {', '.join(CARD_TYPES)}")
    if cmd.kind not in KINDS:
        raise ValidationError("kind", "must be scorecard or gbm")
    if cmd.split not in SPLITS:
        raise ValidationError("split", f"must be one of {', '.join(SPLITS)}")
    if not 0.0 < cmd.holdout < 1.0:
        raise ValidationError("holdout", "must be a share strictly between 0 and 1")
    for c in cmd.categorical:
        if c not in cmd.X.columns:
            raise ValidationError("categorical", f"column {c!r} not in the data")
    y = np.asarray(cmd.y)
    if len(y) != cmd.X.height:
        raise ValidationError("y", f"has {len(y)} labels but X has {cmd.X.height} rows")
    train_idx, test_idx = _split(y, cmd.holdout, cmd.seed, cmd.split)
    X_tr, X_te = cmd.X[train_idx], cmd.X[test_idx]
    y_tr, y_te = y[train_idx], y[test_idx]
    cats = list(cmd.categorical) or None
    model: Scorecard | GBMScorecard
    if cmd.kind == "scorecard":
        model = Scorecard(card_type=cmd.card_type, categorical=cats,
                          reason_texts=cmd.reason_texts)
    else:
        from creditline.scoring.gbm import GBMScorecard

        model = GBMScorecard(card_type=cmd.card_type, categorical=cats,
                             reason_texts=cmd.reason_texts)
    model.fit(X_tr, y_tr)
    return TrainedCard(
        model=model, rows=len(y), train_rows=len(y_tr), holdout_rows=len(y_te),
        bad_rate=float(y.mean()),
        train_metrics=discrimination(y_tr, model.predict_proba(X_tr)[:, 1]),
        holdout_metrics=discrimination(y_te, model.predict_proba(X_te)[:, 1]),
        fingerprint_all=data_fingerprint(cmd.X, y),
        fingerprint_train=data_fingerprint(X_tr, y_tr))


def _split(y: np.ndarray, holdout: float, seed: int, how: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted row indices of the training and the holdout rows."""
    if how == "stratified":
        from sklearn.model_selection import train_test_split

        tr, te = train_test_split(np.arange(len(y)), test_size=holdout, random_state=seed,
                                  stratify=y)
        return np.sort(tr), np.sort(te)
    train = np.random.default_rng(seed).random(len(y)) < 1.0 - holdout
    return np.flatnonzero(train), np.flatnonzero(~train)


def write_model(path: Path, doc: Mapping[str, Any], *, canonical: bool = False) -> str:
    """Write a model document; ``canonical`` is the form the shipped cards use (sorted keys,
    one-space indent, ASCII, a final newline) so a retrain diffs cleanly.  Returns the text."""
    if canonical:
        text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    else:
        text = json.dumps(doc, indent=2, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return text


def write_shipped_card(out: Path, trained: TrainedCard, record: Mapping[str, Any],
                       frame: pl.DataFrame, seed: int, report: Path | None,
                       title: str) -> None:
    """Write a shipped card (canonical JSON, with its training ``record``) and, if asked, its
    model report on a seeded 30 % sample of the training ``frame`` (``bad`` the label): what
    the default B- and C-card scripts both do."""
    from creditline.scoring.report import build_report  # matplotlib: only when asked

    out.parent.mkdir(parents=True, exist_ok=True)
    write_model(out, trained.document(record), canonical=True)
    if report is not None:
        hold = np.random.default_rng(seed).random(frame.height) >= 0.7
        sample = frame.filter(pl.Series(hold))
        report.write_text(build_report(trained.model, sample.drop("bad"),
                                       sample["bad"].to_numpy(), title=title),
                          encoding="utf-8")
