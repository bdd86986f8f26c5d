"""The model registry's domain: what a stored model is, who may promote it, and how traffic is
split between the champion and a challenger running in shadow.

Persistence is behind the ``ModelRegistry`` protocol (the store implements it with SQLAlchemy;
``InMemoryModelRegistry`` serves tests and embedded use).  Rules live here, once:

* a model enters as a *candidate*; only a risk officer or an admin may promote it;
* promotion makes it the *champion* of its name and *retires* the previous champion;
* a candidate may be set as the *challenger* with a traffic share; the decision always uses
  the champion, the challenger scores the same applications in shadow for comparison;
* which applications the challenger sees is a deterministic hash of a key (e.g. application
  id), so a replay routes the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import numpy as np

from creditline.auth import Principal, Role
from creditline.errors import Conflict, Forbidden, NotFound, ValidationError
from creditline.scoring.columns import to_columns

PROMOTER_ROLES = frozenset({Role.RISK_OFFICER, Role.ADMIN})


class ModelStatus(StrEnum):
    CANDIDATE = "candidate"
    CHAMPION = "champion"
    RETIRED = "retired"


@dataclass(frozen=True)
class ModelRecord:
    """One stored version of one model.  ``name`` is the model family (e.g. ``bnpl_a_card``);
    versions count up within it.  ``shadow_share`` > 0 marks the challenger."""

    id: str
    name: str
    version: int
    card_type: str
    kind: str
    status: ModelStatus
    data_fingerprint: str
    metrics: dict[str, float]
    model_json: str
    created_at: datetime
    created_by: str
    promoted_at: datetime | None = None
    promoted_by: str | None = None
    retired_at: datetime | None = None
    shadow_share: float = 0.0
    row_version: int = 1

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


class ModelRegistry(Protocol):
    """What the domain needs from storage."""

    def add(self, record: ModelRecord) -> ModelRecord: ...

    def get(self, model_id: str) -> ModelRecord: ...

    def find(self, name: str, version: int) -> ModelRecord: ...

    def list(self, name: str | None = None,
             status: ModelStatus | None = None) -> list[ModelRecord]: ...

    def update(self, record: ModelRecord) -> ModelRecord: ...

    def next_version(self, name: str) -> int: ...


def data_fingerprint(X: Any, y: Any = None) -> str:
    """SHA-256 over column names, kinds and values (and the target), independent of whether
    the frame came from pandas or polars: the same training data gives the same fingerprint."""
    cols = to_columns(X)
    h = hashlib.sha256()
    h.update(f"rows={cols.n_rows};".encode())
    for name in cols.names:
        h.update(f"{name}:{cols.kinds[name]};".encode())
        values = cols.data[name]
        if cols.kinds[name] == "numeric":
            h.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
        else:
            h.update("\x1f".join("\x00" if v is None else v for v in values).encode())
    if y is not None:
        arr = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
        h.update(b"target;")
        h.update("\x1f".join(map(str, arr.tolist())).encode())
    return h.hexdigest()


def new_record(*, model_id: str, name: str, version: int, model_json: str,
               metrics: Mapping[str, float], data_fingerprint: str, created_by: str,
               at: datetime) -> ModelRecord:
    """A candidate record for a model's JSON; kind and card type are read from the JSON."""
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ValidationError("name", "use letters, digits, '_' or '-'")
    try:
        d = json.loads(model_json)
    except json.JSONDecodeError:
        raise ValidationError("model_json", "is not valid JSON") from None
    kind = d.get("kind") if isinstance(d, dict) else None
    if kind not in ("scorecard", "gbm"):
        raise ValidationError("model_json", "is not a Creditline model (kind scorecard or gbm)")
    return ModelRecord(id=model_id, name=name, version=version,
                       card_type=str(d.get("card_type", "A")), kind=kind,
                       status=ModelStatus.CANDIDATE, data_fingerprint=data_fingerprint,
                       metrics={k: float(v) for k, v in metrics.items()},
                       model_json=model_json, created_at=at, created_by=created_by)


def register(registry: ModelRegistry, *, name: str, model_json: str,
             metrics: Mapping[str, float], data_fingerprint: str, actor: Principal,
             at: datetime, model_id: str) -> ModelRecord:
    """Store a model as the next candidate version of ``name``."""
    actor.require("models:register")
    record = new_record(model_id=model_id, name=name, version=registry.next_version(name),
                        model_json=model_json, metrics=metrics,
                        data_fingerprint=data_fingerprint, created_by=actor.user_id, at=at)
    return registry.add(record)


def promotion(records: list[ModelRecord], target: ModelRecord, actor: Principal,
              at: datetime) -> list[ModelRecord]:
    """The records that change when ``target`` becomes champion: the target itself and the
    previous champion of the same name (retired).  Pure: nothing is saved here."""
    if actor.role not in PROMOTER_ROLES:
        raise Forbidden(f"role {actor.role.value!r} may not promote models; "
                        "a risk officer or admin must")
    if target.status == ModelStatus.CHAMPION:
        raise Conflict(f"{target.label} is already the champion")
    changed = [replace(r, status=ModelStatus.RETIRED, retired_at=at, shadow_share=0.0)
               for r in records
               if r.name == target.name and r.status == ModelStatus.CHAMPION and r.id != target.id]
    changed.append(replace(target, status=ModelStatus.CHAMPION, promoted_at=at,
                           promoted_by=actor.user_id, retired_at=None, shadow_share=0.0))
    return changed


def promote(registry: ModelRegistry, model_id: str, actor: Principal,
            at: datetime) -> ModelRecord:
    """Promote a stored model (candidate, or a retired one as a rollback) to champion."""
    target = registry.get(model_id)
    changed = promotion(registry.list(name=target.name), target, actor, at)
    for r in changed:
        registry.update(r)
    return changed[-1]


def set_challenger(registry: ModelRegistry, model_id: str, share: float,
                   actor: Principal) -> ModelRecord:
    """Run a candidate in shadow on ``share`` of traffic (0 stops it); one challenger per name."""
    if actor.role not in PROMOTER_ROLES:
        raise Forbidden(f"role {actor.role.value!r} may not set a challenger; "
                        "a risk officer or admin must")
    if not 0.0 <= share <= 1.0:
        raise ValidationError("share", "must be between 0 and 1")
    target = registry.get(model_id)
    if target.status != ModelStatus.CANDIDATE:
        raise Conflict(f"{target.label} is {target.status.value}; only a candidate can challenge")
    for r in registry.list(name=target.name, status=ModelStatus.CANDIDATE):
        if r.id != target.id and r.shadow_share > 0:
            registry.update(replace(r, shadow_share=0.0))
    return registry.update(replace(target, shadow_share=share))


def champion(registry: ModelRegistry, name: str) -> ModelRecord:
    found = registry.list(name=name, status=ModelStatus.CHAMPION)
    if not found:
        raise NotFound(f"no champion for model {name!r}; promote a candidate first")
    return found[0]


def champion_or_none(registry: ModelRegistry, name: str) -> ModelRecord | None:
    found = registry.list(name=name, status=ModelStatus.CHAMPION)
    return found[0] if found else None


def challenger(registry: ModelRegistry, name: str) -> ModelRecord | None:
    for r in registry.list(name=name, status=ModelStatus.CANDIDATE):
        if r.shadow_share > 0:
            return r
    return None


def in_shadow_share(key: str, share: float, salt: str = "") -> bool:
    """Deterministic split: the first 8 bytes of SHA-256(salt:key) as a fraction of 2^64."""
    if share <= 0:
        return False
    if share >= 1:
        return True
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64 < share


class InMemoryModelRegistry:
    """A registry in a dict: for tests and for scoring without a database."""

    def __init__(self) -> None:
        self._rows: dict[str, ModelRecord] = {}

    def add(self, record: ModelRecord) -> ModelRecord:
        if record.id in self._rows:
            raise Conflict(f"model id {record.id} already exists")
        if any(r.name == record.name and r.version == record.version
               for r in self._rows.values()):
            raise Conflict(f"{record.label} already exists")
        self._rows[record.id] = record
        return record

    def get(self, model_id: str) -> ModelRecord:
        try:
            return self._rows[model_id]
        except KeyError:
            raise NotFound(f"model {model_id} not found") from None

    def find(self, name: str, version: int) -> ModelRecord:
        for r in self._rows.values():
            if r.name == name and r.version == version:
                return r
        raise NotFound(f"model {name} v{version} not found")

    def list(self, name: str | None = None,
             status: ModelStatus | None = None) -> list[ModelRecord]:
        return sorted((r for r in self._rows.values()
                       if (name is None or r.name == name)
                       and (status is None or r.status == status)),
                      key=lambda r: (r.name, r.version))

    def update(self, record: ModelRecord) -> ModelRecord:
        current = self.get(record.id)
        if current.row_version != record.row_version:
            from creditline.errors import ConcurrencyError

            raise ConcurrencyError(f"{record.label} changed since it was read")
        saved = replace(record, row_version=record.row_version + 1)
        self._rows[record.id] = saved
        return saved

    def next_version(self, name: str) -> int:
        return 1 + max((r.version for r in self._rows.values() if r.name == name), default=0)
