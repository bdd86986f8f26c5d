"""Watching the registered models on the live book: is the population a champion scores
still the one it was built for, and how does a challenger in shadow compare with it?

- A card whose training record keeps its score bands (the shipped B-card does) is compared
  with them: PSI of the scores of the latest day scored (``psi_against_training``).
- An application card is compared with itself: PSI of the scores of the applications it
  scored in its first days as champion against those of the latest days (the bands are the
  baseline's deciles).
- A challenger is compared with the champion on the applications both scored (the shadow
  result every application records): means, the mean absolute difference, the correlation.

Statuses use the usual PSI limits (``monitor.DEFAULT_WARN_LIMIT`` / ``DEFAULT_PSI_LIMIT``):
below 0.10 stable, up to 0.25 watch, above that shifted.  A sample smaller than
``MIN_ROWS`` gives no PSI (said so, with the counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from creditline.auth import Principal
from creditline.scoring.columns import InputError
from creditline.scoring.metrics import psi
from creditline.scoring.monitor import DEFAULT_PSI_LIMIT, DEFAULT_WARN_LIMIT, psi_against_training
from creditline.scoring.registry import ModelRecord
from creditline.uow import UnitOfWork

MIN_ROWS = 50
LOOK_BACK_DAYS = 7  # the latest behaviour-scored day is at most this far behind the book


@dataclass(frozen=True)
class Stability:
    model: str  # the champion's label
    compared: str  # which samples: "training" or "launch"
    baseline: str  # what the baseline is, in words (dates)
    current: str
    baseline_rows: int
    current_rows: int
    psi: float | None
    status: str  # ok | warn | drift | too_few | no_baseline


@dataclass(frozen=True)
class ShadowComparison:
    champion: str
    challenger: str
    share: float
    rows: int
    champion_mean: float | None
    challenger_mean: float | None
    mean_abs_diff: float | None
    correlation: float | None


def _utc(at: datetime) -> datetime:
    """Instants compare in UTC (a store may hand back naive UTC timestamps)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def status_of(value: float) -> str:
    return ("drift" if value > DEFAULT_PSI_LIMIT else "warn" if value > DEFAULT_WARN_LIMIT
            else "ok")


def _champion(uow: UnitOfWork, name: str) -> ModelRecord | None:
    champion_id, _, _ = uow.models.serving_ids(name)
    return None if champion_id is None else uow.models.get(champion_id)


def behaviour_stability(name: str, today: date, uow: UnitOfWork,
                        actor: Principal) -> Stability | None:
    """The champion behaviour card's scores on the latest scored day (at most
    ``LOOK_BACK_DAYS`` before ``today``) against its training sample's score bands."""
    actor.require("models:read")
    with uow:
        record = _champion(uow, name)
        if record is None:
            return None
        scores: list[float] = []
        day = today
        for back in range(LOOK_BACK_DAYS + 1):
            day = today - timedelta(days=back)
            rows = uow.behaviour.score_sample(day, day)
            scores = [float(s) for s, m in zip(rows.get("score", []), rows.get("model", []),
                                               strict=True)
                      if s is not None and m == record.label]
            if scores:
                break
    if len(scores) < MIN_ROWS:
        return Stability(record.label, "training", "training sample",
                         day.isoformat() if scores else "—", 0, len(scores), None, "too_few")
    try:
        value = psi_against_training(record.model_json, np.asarray(scores, dtype=np.float64))
    except InputError:
        return Stability(record.label, "training", "—", day.isoformat(), 0, len(scores), None,
                         "no_baseline")
    return Stability(record.label, "training", "training sample", day.isoformat(), 0,
                     len(scores), round(value, 4), status_of(value))


def application_stability(name: str, days: int, uow: UnitOfWork,
                          actor: Principal) -> Stability | None:
    """The application card's scores in its first ``days`` days as champion against its
    latest ``days`` days."""
    actor.require("models:read")
    with uow:
        record = _champion(uow, name)
        if record is None:
            return None
        start = _utc(record.promoted_at or record.created_at)
        now = _utc(uow.now())
        scored = [(_utc(a.created_at), float(a.score)) for a in uow.applications.since(start)
                  if a.model_id == record.id and a.score is not None]
    span = timedelta(days=days)
    base = [s for at, s in scored if at < start + span]
    cur = [s for at, s in scored if at >= now - span and at >= start + span]
    baseline = f"{start.date().isoformat()} – {(start + span).date().isoformat()}"
    current = f"{(now - span).date().isoformat()} – {now.date().isoformat()}"
    if len(base) < MIN_ROWS or len(cur) < MIN_ROWS:
        return Stability(record.label, "launch", baseline, current, len(base), len(cur), None,
                         "too_few")
    value = psi(np.asarray(base), np.asarray(cur))
    return Stability(record.label, "launch", baseline, current, len(base), len(cur),
                     round(value, 4), status_of(value))


def shadow_comparison(name: str, days: int, uow: UnitOfWork,
                      actor: Principal) -> ShadowComparison | None:
    """The challenger of ``name`` against its champion on the applications of the last
    ``days`` days that both scored; None when no challenger runs."""
    actor.require("models:read")
    with uow:
        champion_id, challenger_id, share = uow.models.serving_ids(name)
        if champion_id is None or challenger_id is None:
            return None
        champion, challenger = uow.models.get(champion_id), uow.models.get(challenger_id)
        pairs = [(float(a.score), float(a.shadow["score"]))
                 for a in uow.applications.since(uow.now() - timedelta(days=days))
                 if a.shadow and a.shadow.get("model_id") == challenger_id
                 and a.score is not None and a.shadow.get("score") is not None]
    if not pairs:
        return ShadowComparison(champion.label, challenger.label, share, 0, None, None, None,
                                None)
    a, b = np.asarray(pairs, dtype=np.float64).T
    corr = float(np.corrcoef(a, b)[0, 1]) if len(pairs) > 2 and a.std() > 0 and b.std() > 0 \
        else None
    return ShadowComparison(champion.label, challenger.label, share, len(pairs),
                            round(float(a.mean()), 2), round(float(b.mean()), 2),
                            round(float(np.abs(a - b).mean()), 2),
                            None if corr is None else round(corr, 4))
