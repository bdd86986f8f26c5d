"""Serving models: the champion of a name decides, a challenger in shadow scores its share.

One path for every caller (origination's A-card decisions, ``POST /v1/models/by-name/{name}
/score``) and one cache: a stored model never changes, so a parsed model is kept per process
by its id, and each request only asks *which* ids serve (champion, challenger and its share) —
a small query, never the model JSON.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from creditline.errors import NotFound
from creditline.scoring.model_file import load_model
from creditline.scoring.registry import (
    ModelRecord,
    ModelRegistry,
    challenger,
    champion,
    in_shadow_share,
)
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ServedModel:
    """A stored model, parsed and ready to score."""

    id: str
    name: str
    version: int
    model: Any  # Scorecard or GBMScorecard (LightGBM is imported only when one is served)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


class ModelCache:
    """Parsed models by id.  Safe to share between threads: a race parses a model twice and
    keeps one; nothing is ever invalidated because a stored model never changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, ServedModel] = {}

    def get(self, model_id: str, record: Callable[[], ModelRecord]) -> ServedModel:
        """The model ``model_id``, reading its ``record`` only the first time."""
        cached = self._models.get(model_id)
        if cached is not None:
            return cached
        r = record()
        served = ServedModel(r.id, r.name, r.version, load_model(r.model_json))
        with self._lock:
            return self._models.setdefault(model_id, served)

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


MODELS = ModelCache()  # the process's one cache


@dataclass(frozen=True)
class ShadowResult:
    """The decision score (always the champion's) and, when routed, the challenger's."""

    champion_id: str
    score: float
    probability_bad: float
    challenger_id: str | None = None
    challenger_score: float | None = None
    challenger_probability_bad: float | None = None


@dataclass(frozen=True)
class Serving:
    """The champion (and challenger, with its traffic share) of one model name."""

    champion: ServedModel
    challenger: ServedModel | None = None
    share: float = 0.0

    @classmethod
    def from_registry(cls, registry: ModelRegistry, name: str,
                      cache: ModelCache | None = None) -> Serving:
        """From any :class:`ModelRegistry`; NotFound without a champion.  Parses into a
        cache of its own unless given one: an in-memory registry's ids are chosen by its
        caller, so they must not meet the store's (UUID) ids in the process cache."""
        cache = ModelCache() if cache is None else cache
        champ = champion(registry, name)
        ch = challenger(registry, name)
        return cls(cache.get(champ.id, lambda: champ),
                   None if ch is None else cache.get(ch.id, lambda: ch),
                   0.0 if ch is None else ch.shadow_share)

    def score(self, key: str, application: Mapping[str, object]) -> ShadowResult:
        """Score with the champion; if ``key`` falls in the challenger's share, score it in
        shadow too (its result is recorded, never used to decide)."""
        champ = self.champion.model
        s = float(champ.score_one(application))
        p = float(champ.proba_one(application))
        ch = self.challenger
        if ch is None or not in_shadow_share(key, self.share, salt=ch.id):
            return ShadowResult(self.champion.id, s, p)
        return ShadowResult(self.champion.id, s, p, ch.id, float(ch.model.score_one(application)),
                            float(ch.model.proba_one(application)))


def find_serving(uow: UnitOfWork, name: str, cache: ModelCache = MODELS) -> Serving | None:
    """Who serves ``name`` now (``None`` while it has no champion).  Call inside ``with uow``;
    models are read from the registry only the first time this process serves them."""
    champion_id, challenger_id, share = uow.models.serving_ids(name)
    if champion_id is None:
        return None
    champ = cache.get(champion_id, lambda: uow.models.get(champion_id))
    ch = None if challenger_id is None else cache.get(
        challenger_id, lambda: uow.models.get(challenger_id))
    return Serving(champ, ch, share if ch is not None else 0.0)


def serving(uow: UnitOfWork, name: str) -> Serving:
    """The champion (and challenger) of ``name``; NotFound while it has no champion."""
    with uow:
        found = find_serving(uow, name)
    if found is None:
        raise NotFound(f"no champion for model {name!r}; promote a candidate first")
    return found
