"""Use cases of the model registry: register, promote, set a challenger (scoring with the
champion is ``creditline.scoring.serving``).  Each change is written and audited in one transaction; a failed command writes
nothing.  The rules themselves live in ``creditline.scoring.registry``."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from creditline.auth import Principal
from creditline.errors import Conflict, ValidationError
from creditline.paging import Page, PageRequest
from creditline.scoring import registry
from creditline.scoring.registry import ModelRecord, ModelStatus
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class RegisterModel:
    name: str
    model_json: str
    data_fingerprint: str
    metrics: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelRef:
    """A model by id, or by name and version."""

    model_id: str | None = None
    name: str | None = None
    version: int | None = None

    def resolve(self, uow: UnitOfWork) -> ModelRecord:
        record: ModelRecord
        if self.model_id:
            record = uow.models.get(self.model_id)
            return record
        if self.name and self.version is not None:
            record = uow.models.find(self.name, self.version)
            return record
        raise ValidationError("model", "give an id, or a name and a version")


def register_model(cmd: RegisterModel, uow: UnitOfWork, actor: Principal) -> ModelRecord:
    """Store a model JSON as the next candidate version of its name."""
    if len(cmd.data_fingerprint) != 64:
        raise ValidationError("data_fingerprint", "must be a SHA-256 hex digest (64 characters)")
    with uow:
        record = registry.register(uow.models, name=cmd.name, model_json=cmd.model_json,
                                   metrics=cmd.metrics, data_fingerprint=cmd.data_fingerprint,
                                   actor=actor, at=uow.now(), model_id=str(uuid.uuid4()))
        uow.audit(actor, "model.registered", "model", record.id,
                  {"name": record.name, "version": record.version, "kind": record.kind,
                   "card_type": record.card_type, "data_fingerprint": record.data_fingerprint,
                   "metrics": record.metrics})
        uow.commit()
    return record


def promote_model(ref: ModelRef, uow: UnitOfWork, actor: Principal) -> ModelRecord:
    """Make a model the champion of its name; the previous champion is retired."""
    with uow:
        target = ref.resolve(uow)
        before = registry.champion_or_none(uow.models, target.name)
        promoted = registry.promote(uow.models, target.id, actor, uow.now())
        uow.audit(actor, "model.promoted", "model", promoted.id,
                  {"name": promoted.name, "version": promoted.version,
                   "retired": before.id if before else None,
                   "retired_version": before.version if before else None})
        uow.commit()
    return promoted


@dataclass(frozen=True)
class SetChallenger:
    model: ModelRef
    share: float  # of applications scored in shadow, 0-1 (0 stops it)


def set_challenger(cmd: SetChallenger, uow: UnitOfWork, actor: Principal) -> ModelRecord:
    """Run a candidate in shadow on a share of applications (0 stops it)."""
    with uow:
        target = cmd.model.resolve(uow)
        record = registry.set_challenger(uow.models, target.id, cmd.share, actor)
        uow.audit(actor, "model.challenger_set", "model", record.id,
                  {"name": record.name, "version": record.version, "share": cmd.share})
        uow.commit()
    return record


def list_models(uow: UnitOfWork, actor: Principal, name: str | None = None,
                status: ModelStatus | None = None, req: PageRequest | None = None
                ) -> Page[ModelRecord]:
    """A page of registered models, oldest first."""
    actor.require("models:read")
    with uow:
        return uow.models.page(name, status, req or PageRequest())


def install_shipped_card(uow: UnitOfWork, name: str, text: str, actor: Principal) -> bool:
    """Register and promote a card shipped with Creditline (its JSON ``text``, with the
    ``training`` record the training script wrote) if ``name`` has no champion; ``True`` if
    this call installed it.  Runs in the caller's transaction when nested; a concurrent
    installer that wins makes this one a no-op.  Used for the default A-cards and B-card."""
    with uow:
        champion_id, _, _ = uow.models.serving_ids(name)
    if champion_id is not None:
        return False
    meta = json.loads(text).get("training", {})
    try:
        record = register_model(RegisterModel(
            name=name, model_json=text,
            data_fingerprint=meta.get("data_fingerprint")
            or hashlib.sha256(text.encode()).hexdigest(),
            metrics={k: float(v) for k, v in meta.get("holdout", {}).items()}), uow, actor)
        promote_model(ModelRef(model_id=record.id), uow, actor)
    except Conflict:
        return False  # another process installed it first
    return True
