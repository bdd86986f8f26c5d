"""Scoring an application with the A-card champion, through the one serving path
(``creditline.scoring.serving``: parsed models cached per process, only the serving ids
asked per decision).  A challenger in shadow scores the routed share of applications; its
result is recorded and never decides.  The reasons are the champion card's own ranking.

A fresh install has no champion: :func:`ensure_default_cards` registers the A-cards shipped
in ``origination/models/`` and promotes them, audited, as the system user.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creditline.auth import SYSTEM, Principal
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.origination.features import CARD_FOR_KIND
from creditline.scoring import services as scoring
from creditline.scoring.serving import find_serving
from creditline.uow import UnitOfWork

MODELS_DIR = Path(__file__).parent / "models"
N_REASONS = 4


@dataclass(frozen=True)
class ScoreResult:
    model_id: str
    model_name: str
    model_version: int
    score: float
    pd: float
    reasons: tuple[dict[str, str], ...]  # {"code", "en", "zh"} worst first
    shadow: dict[str, Any] | None


def score(uow: UnitOfWork, kind: str, key: str, features: Mapping[str, object]) -> ScoreResult:
    """Score with the champion of the kind's A-card (shadow-scoring the challenger when
    ``key`` falls in its share).  Call inside ``with uow``."""
    name = CARD_FOR_KIND[kind]
    serving = find_serving(uow, name)
    if serving is None:
        _install_default_card(uow, name, SYSTEM)
        serving = find_serving(uow, name)
    if serving is None:
        raise NotFound(f"no champion for model {name!r}; register and promote one")
    result = serving.score(key, features)
    champion = serving.champion
    shadow = None
    if result.challenger_id is not None:
        assert serving.challenger is not None
        shadow = {"model_id": result.challenger_id, "model_version": serving.challenger.version,
                  "score": result.challenger_score, "pd": result.challenger_probability_bad}
    reasons = tuple({"code": r.code, "en": r.text, "zh": r.text_zh}
                    for r in champion.model.reasons_one(features, n=N_REASONS))
    return ScoreResult(champion.id, champion.name, champion.version, result.score,
                       result.probability_bad, reasons, shadow)


def shipped_card(name: str) -> str:
    return (MODELS_DIR / f"{name}.json").read_text()


@dataclass(frozen=True)
class InstallDefaultCards:
    """Install the shipped A-cards (all of them by default) that have no champion."""

    names: tuple[str, ...] = tuple(CARD_FOR_KIND.values())


def ensure_default_cards(cmd: InstallDefaultCards, uow: UnitOfWork, actor: Principal
                         ) -> list[str]:
    """Register and promote every shipped card of ``cmd`` without a champion (e.g. at
    start-up); returns the names this call installed."""
    shipped = tuple(CARD_FOR_KIND.values())
    for name in cmd.names:
        if name not in shipped:
            raise ValidationError("names", f"{name!r} is not a shipped A-card; "
                                           f"one of: {', '.join(shipped)}")
    return [name for name in cmd.names if _install_default_card(uow, name, actor)]


def _install_default_card(uow: UnitOfWork, name: str, actor: Principal) -> bool:
    """Register and promote the shipped A-card ``name`` if it has no champion; ``True`` if
    this call installed it.  Runs in the caller's transaction when nested; a concurrent
    installer that wins makes this one a no-op."""
    with uow:
        champion_id, _, _ = uow.models.serving_ids(name)
    if champion_id is not None:
        return False
    text = shipped_card(name)
    meta = json.loads(text).get("training", {})
    try:
        record = scoring.register_model(scoring.RegisterModel(
            name=name, model_json=text,
            data_fingerprint=meta.get("data_fingerprint") or _fingerprint(text),
            metrics={k: float(v) for k, v in meta.get("holdout", {}).items()}), uow, actor)
        scoring.promote_model(scoring.ModelRef(model_id=record.id), uow, actor)
    except Conflict:
        return False  # another process installed it first
    return True


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
