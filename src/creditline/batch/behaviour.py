"""The behaviour stage of end of day: every visited line's behaviour features, scored by the
champion B-card, kept per line and business date.

Registered after the servicing kernel, whose published columns (balances, days past due,
status) are the state the day left.  ``read`` takes, in bulk for the partition, the lines'
limits, their feature history (the maximum days past due over 3/6/12 months, utilisation
30 days ago), the last 90 days' purchases by merchant category and the newest statements
(``uow.behaviour.history``), and the serving B-card (installing the shipped default when the
book has no champion, as origination does for its A-cards).  ``compute`` is the domain's
pure column function (``lines.behaviour.behaviour_features``) and the card's columnar
scoring; ``write`` replaces the (line, day) rows of ``behaviour_scores`` -- so the stage is
``rerunnable``.

The stage publishes ``b_score``, ``b_pd`` and the feature columns for later stages (the
limit strategy reads them without another query).  Closed lines are not scored.  Without a
champion and without a shipped card the features are still kept (score NULL): that is what
the B-card's training script reads (``simulate.default_bcard``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Columns, Partition, Stage, StageOutput
from creditline.lines.behaviour import FEATURES, BehaviourInputs, behaviour_features, feature_frame
from creditline.lines.behaviour_ports import BehaviourHistory
from creditline.lines.status import STATUS_CODE, LineStatus
from creditline.scoring.services import install_shipped_card
from creditline.scoring.serving import ServedModel, find_serving
from creditline.servicing.calendar import day_number
from creditline.uow import UnitOfWork

BEHAVIOUR = "behaviour"
B_CARD = "line_b_card"
B_CARD_FILE = Path(__file__).resolve().parent.parent / "lines" / "models" / f"{B_CARD}.json"
_CLOSED = STATUS_CODE[LineStatus.CLOSED]


@dataclass(frozen=True)
class BehaviourRead:
    history: BehaviourHistory
    card: ServedModel | None


@dataclass(frozen=True)
class ScoredRows:
    """What ``write`` stores: the scored lines (not closed) and their columns."""

    line_ids: list[str]
    columns: dict[str, object]


def serving_b_card(uow: UnitOfWork) -> ServedModel | None:
    """The champion B-card, the shipped default installed first when there is none."""
    serving = find_serving(uow, B_CARD)
    if serving is None and B_CARD_FILE.exists():
        install_shipped_card(uow, B_CARD, B_CARD_FILE.read_text(), SYSTEM)
        serving = find_serving(uow, B_CARD)
    return None if serving is None else serving.champion


def _read(uow: UnitOfWork, part: Partition) -> BehaviourRead:
    return BehaviourRead(uow.behaviour.history(part.line_ids, part.day), serving_b_card(uow))


def inputs_of(part: Partition, history: BehaviourHistory) -> BehaviourInputs:
    """The domain's inputs from the kernel's columns and the bulk read."""
    c = part.columns
    return BehaviourInputs(
        day=day_number(part.day), limit=history.limit,
        used=np.asarray(c["principal_unbilled"]) + np.asarray(c["principal_billed"]),
        dpd=np.asarray(c["dpd"]), opened=np.asarray(part.frame["opened"], dtype=np.int64),
        util_30d_ago=history.util_30d_ago, max_dpd_3m=history.max_dpd_3m,
        max_dpd_6m=history.max_dpd_6m, max_dpd_12m=history.max_dpd_12m,
        purchases=history.purchases, statements=history.statements)


def score_columns(card: ServedModel | None, features: dict[str, np.ndarray],
                  n: int) -> tuple[np.ndarray, np.ndarray]:
    """The card's score and probability of bad per line (NaN without a card)."""
    if card is None or n == 0:
        return np.full(n, np.nan), np.full(n, np.nan)
    frame = pl.DataFrame(feature_frame(features))
    score = np.asarray(card.model.score(frame), dtype=np.float64)
    p_bad = np.asarray(card.model.predict_proba(frame)[:, 1], dtype=np.float64)
    return score, p_bad


def _compute(part: Partition, read: BehaviourRead) -> StageOutput:
    inp = inputs_of(part, read.history)
    features = behaviour_features(inp)
    n = len(inp)
    score, p_bad = score_columns(read.card, features, n)
    live = np.asarray(part.columns["status"]) != _CLOSED
    keep = np.flatnonzero(live)
    ids = [part.line_ids[i] for i in keep.tolist()]
    label = None if read.card is None else read.card.label
    stored: dict[str, object] = {"dpd": inp.dpd[keep],
                                 **{k: features[k][keep] for k in FEATURES},
                                 "score": score[keep], "pd": p_bad[keep],
                                 "model": [label] * len(ids)}
    published: Columns = {"b_score": score, "b_pd": p_bad, **features}
    return StageOutput(columns=published, data=ScoredRows(ids, stored),
                       counts={"scored": 0 if read.card is None else len(ids)})


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    rows: ScoredRows = result.data
    uow.behaviour.save_scores(part.day, rows.line_ids, rows.columns)
    return {}


BEHAVIOUR_STAGE = Stage(
    BEHAVIOUR, compute=_compute, read=_read, write=_write, rerunnable=True,
    description="behaviour features of every visited line, scored by the champion B-card; "
                "kept per line and day (behaviour_scores)")
