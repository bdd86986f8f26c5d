"""Scoring an application with the A-card champion from the model registry.

Models in the registry never change once stored, so a loaded model is cached per process by
its id; each decision only asks the registry *which* ids serve (champion, challenger and its
share) — a small query, never the model JSON.  A challenger in shadow scores the routed
share of applications; its result is recorded and never decides.

A fresh install has no champion: :func:`ensure_default_cards` registers the A-cards shipped
in ``origination/models/`` and promotes them, audited, as the system user.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creditline.auth import SYSTEM, Principal
from creditline.errors import Conflict, NotFound
from creditline.origination.features import CARD_FOR_KIND
from creditline.scoring import services as scoring
from creditline.scoring.model_file import load_model
from creditline.scoring.registry import in_shadow_share
from creditline.uow import UnitOfWork

MODELS_DIR = Path(__file__).parent / "models"
_lock = threading.Lock()
_loaded: dict[str, Any] = {}  # model id -> fitted model (immutable once stored)
_best: dict[str, dict[str, float]] = {}  # model id -> best points per variable


@dataclass(frozen=True)
class ScoreResult:
    model_id: str
    model_name: str
    model_version: int
    score: float
    pd: float
    reasons: tuple[dict[str, str], ...]  # {"code", "en", "zh"} worst first
    shadow: dict[str, Any] | None


def _model(uow: UnitOfWork, model_id: str) -> tuple[Any, str, int]:
    cached = _loaded.get(model_id)
    if cached is not None:
        return cached
    record = uow.models.get(model_id)
    model = load_model(record.model_json)
    entry = (model, record.name, record.version)
    with _lock:
        _loaded[model_id] = entry
    return entry


def _best_points(model: Any) -> dict[str, float]:
    """Best points each variable can give among bins that held training data."""
    out = {}
    for v in model.variables_:
        vb = model.bins_[v]
        pts = model.points_[v]
        occupied = (vb.good + vb.bad) > 0
        out[v] = float(pts[occupied].max()) if occupied.any() else float(pts.max())
    return out


def adverse_reasons(model_id: str, model: Any, row: Mapping[str, object], n: int = 4
                    ) -> tuple[dict[str, str], ...]:
    """Top ``n`` adverse factors for one application: the variables whose points fall
    furthest below their best bin (the scorecard's own ranking, computed on the single-row
    path because building a one-row DataFrame would cost more than the whole decision)."""
    if not hasattr(model, "compile"):
        import pandas as pd

        [reasons] = model.reasons(pd.DataFrame([dict(row)]), n=n)
        return tuple({"code": r.code, "en": r.text, "zh": r.text_zh} for r in reasons)
    best = _best.get(model_id)
    if best is None:
        best = _best_points(model)
        with _lock:
            _best[model_id] = best
    catalogue = model.reason_catalogue()
    lost = []
    for var in model.compile().variables:
        shortfall = best[var.name] - var.points_one(row.get(var.name))
        if shortfall > 1e-9:
            lost.append((-shortfall, model.variables_.index(var.name), var.name))
    lost.sort()
    return tuple({"code": catalogue[name].code, "en": catalogue[name].en,
                  "zh": catalogue[name].zh} for _, _, name in lost[:n])


def score(uow: UnitOfWork, kind: str, key: str, features: Mapping[str, object]) -> ScoreResult:
    """Score with the champion of the kind's A-card (shadow-scoring the challenger when
    ``key`` falls in its share).  Call inside ``with uow``."""
    name = CARD_FOR_KIND[kind]
    champion_id, challenger_id, share = uow.models.serving_ids(name)
    if champion_id is None:
        ensure_default_card(uow, name)
        champion_id, challenger_id, share = uow.models.serving_ids(name)
    if champion_id is None:
        raise NotFound(f"no champion for model {name!r}; register and promote one")
    model, mname, mversion = _model(uow, champion_id)
    s = float(model.score_one(features))
    p = float(model.proba_one(features))
    shadow = None
    if challenger_id is not None and in_shadow_share(key, share, salt=challenger_id):
        ch, _name, cversion = _model(uow, challenger_id)
        shadow = {"model_id": challenger_id, "model_version": cversion,
                  "score": float(ch.score_one(features)), "pd": float(ch.proba_one(features))}
    return ScoreResult(champion_id, mname, mversion, s, p,
                       adverse_reasons(champion_id, model, features), shadow)


def shipped_card(name: str) -> str:
    return (MODELS_DIR / f"{name}.json").read_text()


def ensure_default_card(uow: UnitOfWork, name: str, actor: Principal = SYSTEM) -> bool:
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


def ensure_default_cards(uow: UnitOfWork, actor: Principal = SYSTEM) -> list[str]:
    """Install every shipped A-card that has no champion (e.g. at start-up)."""
    return [name for name in CARD_FOR_KIND.values() if ensure_default_card(uow, name, actor)]


def _fingerprint(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
