"""The model registry over HTTP: register a model JSON as a candidate, promote it (risk officer
or admin), run a challenger in shadow, and score an application with the champion."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StrictFloat

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Count, Timestamp
from creditline.auth import Principal
from creditline.errors import ValidationError
from creditline.scoring import services
from creditline.scoring.registry import ModelRecord, ModelStatus
from creditline.scoring.serving import serving as serving_of

router = APIRouter(prefix="/v1/models", tags=["models"])


class ModelCreate(BaseModel):
    name: str = Field(description="Model family, e.g. bnpl_a_card; versions count up within it.")
    model: dict[str, Any] = Field(description="The model JSON written by `Scorecard.to_json()` "
                                              "or `creditline model train`.")
    data_fingerprint: str | None = Field(
        default=None, description="SHA-256 of the training data; taken from the model's "
                                  "training record when omitted.")
    metrics: dict[str, StrictFloat] | None = None


class ModelPublic(BaseModel):
    id: str
    name: str
    version: int
    card_type: str
    kind: str
    status: str
    data_fingerprint: str
    metrics: dict[str, float]
    created_at: Timestamp
    created_by: str
    promoted_at: Timestamp | None
    promoted_by: str | None
    retired_at: Timestamp | None
    shadow_share: float
    model: dict[str, Any] | None = None


class ChallengerSet(BaseModel):
    share: StrictFloat = Field(ge=0.0, le=1.0, description="Share of applications scored in shadow.")


class ScoreRequest(BaseModel):
    key: str = Field(description="Routing key (e.g. application id): same key, same route.")
    application: dict[str, Any]
    reasons: Count = Field(default=4, ge=0, le=20)


def _public(r: ModelRecord, include_model: bool = False) -> ModelPublic:
    return ModelPublic(
        id=r.id, name=r.name, version=r.version, card_type=r.card_type, kind=r.kind,
        status=r.status.value, data_fingerprint=r.data_fingerprint, metrics=r.metrics,
        created_at=r.created_at, created_by=r.created_by, promoted_at=r.promoted_at,
        promoted_by=r.promoted_by, retired_at=r.retired_at, shadow_share=r.shadow_share,
        model=json.loads(r.model_json) if include_model else None)


@router.get("", response_model=list[ModelPublic], summary="List registered models")
def list_models(container: ContainerDep, actor: Annotated[Principal, Allowed("models:read")],
                name: str | None = None,
                status: Annotated[ModelStatus | None, Query()] = None) -> list[ModelPublic]:
    """Every version of every model family, optionally of one name or status."""
    return [_public(r) for r in services.list_models(container.uow(), actor, name, status)]


@router.post("", status_code=201, response_model=ModelPublic,
             summary="Register a model as a candidate")
def register(body: ModelCreate, container: ContainerDep,
             actor: Annotated[Principal, Allowed("models:register")]) -> ModelPublic:
    """Store a model JSON as the next version of its family, with the fingerprint of the
    data it was trained on; it decides nothing until promoted."""
    training = body.model.get("training") or {}
    fingerprint = body.data_fingerprint or training.get("data_fingerprint")
    if not fingerprint:
        raise ValidationError("data_fingerprint", "required: the model has no training record")
    metrics = body.metrics if body.metrics is not None else {
        k: float(v) for k, v in (training.get("holdout") or {}).items()}
    cmd = services.RegisterModel(name=body.name, model_json=json.dumps(body.model),
                                 data_fingerprint=fingerprint, metrics=metrics)
    return _public(services.register_model(cmd, container.uow(), actor))


@router.get("/{model_id}", response_model=ModelPublic, summary="Read a registered model")
def get_model(model_id: str, container: ContainerDep,
              _: Annotated[Principal, Allowed("models:read")],
              include_model: bool = False) -> ModelPublic:
    """The record, with the model JSON itself when ``include_model`` is true; 404 if there
    is no such model."""
    with container.uow() as uow:
        record = uow.models.get(model_id)
    return _public(record, include_model)


@router.post("/{model_id}/promote", response_model=ModelPublic,
             summary="Promote a model to champion")
def promote(model_id: str, container: ContainerDep,
            actor: Annotated[Principal, Allowed("models:promote")]) -> ModelPublic:
    """The model becomes its family's champion; the previous champion is retired."""
    return _public(services.promote_model(services.ModelRef(model_id=model_id),
                                          container.uow(), actor))


@router.post("/{model_id}/challenger", response_model=ModelPublic,
             summary="Run a model as challenger in shadow")
def challenger(model_id: str, body: ChallengerSet, container: ContainerDep,
               actor: Annotated[Principal, Allowed("models:promote")]) -> ModelPublic:
    """Score this share of applications with the model in shadow (reported, never used to
    decide); share 0 stops it."""
    cmd = services.SetChallenger(services.ModelRef(model_id=model_id), body.share)
    return _public(services.set_challenger(cmd, container.uow(), actor))


@router.post("/by-name/{name}/score", summary="Score one application with a champion")
def score(name: str, body: ScoreRequest, container: ContainerDep,
          _: Annotated[Principal, Allowed("models:score")]) -> dict[str, Any]:
    """Score one application with the champion of ``name``; a routed challenger scores it in
    shadow (reported, never used to decide)."""
    serving = serving_of(container.uow(), name)
    result = serving.score(body.key, body.application)
    reasons = []
    if body.reasons:
        model = serving.champion.model
        import pandas as pd

        row = pd.DataFrame([body.application])
        reasons = [{"code": r.code, "variable": r.variable, "text": r.text,
                    "text_zh": r.text_zh, "points_lost": round(r.points_lost, 2)}
                   for r in model.reasons(row, n=body.reasons)[0]]
    return {
        "model": {"id": serving.champion.id, "name": serving.champion.name,
                  "version": serving.champion.version},
        "score": result.score, "probability_bad": result.probability_bad, "reasons": reasons,
        "shadow": None if result.challenger_id is None else {
            "model_id": result.challenger_id, "score": result.challenger_score,
            "probability_bad": result.challenger_probability_bad},
    }
