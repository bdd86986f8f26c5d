"""Scoring an application with the A-card champion, through the one serving path
(``creditline.scoring.serving``: parsed models cached per process, only the serving ids
asked per decision).  A challenger in shadow scores the routed share of applications; its
result is recorded and never decides.  The reasons are the champion card's own ranking.

A fresh install has no champion: :func:`ensure_default_cards` registers the A-cards shipped
in ``origination/models/`` and promotes them, audited, as the system user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creditline.auth import SYSTEM, Principal
from creditline.errors import NotFound, ValidationError
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
    this call installed it (``scoring.services.install_shipped_card``)."""
    return scoring.install_shipped_card(uow, name, shipped_card(name), actor)
