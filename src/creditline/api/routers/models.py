"""The model registry over HTTP: register a model JSON as a candidate, promote it (risk officer
or admin), run a challenger in shadow, and score an application with the champion."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StrictFloat

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import Count, Timestamp
from creditline.auth import Principal
from creditline.batch import score_all as batch_scoring
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


class ScoreAllRequest(BaseModel):
    as_of: date | None = Field(
        default=None, description="Score on each line's newest behaviour features on or "
                                 "before this date; default: the book's business date.")
    partition_size: int = Field(default=10_000, ge=1, le=batch_scoring.PARTITION_MAX,
                                description="Lines per partition (one transaction each).")


class ScoreRunPublic(BaseModel):
    id: str
    model_id: str
    model: str
    card_type: str
    as_of: date
    engine: str
    partition_size: int
    actor: str
    started_at: Timestamp
    finished_at: Timestamp | None
    status: str = Field(description="running, finished or failed.")
    partitions: int
    lines_scored: int
    skipped: dict[str, int] = Field(description="Lines not scored, by reason: closed, "
                                                "no_features (no behaviour row on or "
                                                "before as_of).")
    seconds: float | None


def _run_public(r: batch_scoring.ScoreRun) -> ScoreRunPublic:
    return ScoreRunPublic(
        id=r.run_id, model_id=r.model_id, model=r.model, card_type=r.card_type, as_of=r.as_of,
        engine=r.engine, partition_size=r.partition_size, actor=r.actor,
        started_at=r.started_at, finished_at=r.finished_at, status=r.status,
        partitions=r.partitions, lines_scored=r.lines_scored, skipped=r.skipped,
        seconds=r.seconds)


def _public(r: ModelRecord, include_model: bool = False) -> ModelPublic:
    return ModelPublic(
        id=r.id, name=r.name, version=r.version, card_type=r.card_type, kind=r.kind,
        status=r.status.value, data_fingerprint=r.data_fingerprint, metrics=r.metrics,
        created_at=r.created_at, created_by=r.created_by, promoted_at=r.promoted_at,
        promoted_by=r.promoted_by, retired_at=r.retired_at, shadow_share=r.shadow_share,
        model=json.loads(r.model_json) if include_model else None)


@router.get("", response_model=ListPage[ModelPublic], summary="List registered models")
def list_models(container: ContainerDep, actor: Annotated[Principal, Allowed("models:read")],
                page: PageParams, name: str | None = None,
                status: Annotated[ModelStatus | None, Query()] = None) -> ListPage[ModelPublic]:
    """Every version of every model family, oldest first, optionally of one name or
    status."""
    return list_page(services.list_models(container.uow(), actor, name, status, page), _public)


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


@router.get("/score-runs/{run_id}", response_model=ScoreRunPublic,
            summary="Read a batch scoring run")
def get_score_run(run_id: str, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("models:read")]) -> ScoreRunPublic:
    """A batch scoring run's summary: card, date, engine, lines scored and skipped; 404 if
    there is no such run."""
    return _run_public(batch_scoring.score_run(container.uow(), actor, run_id))


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


@router.post("/{model_id}/score-all", status_code=201, response_model=ScoreRunPublic,
             summary="Score every line with a card")
def score_all(model_id: str, body: ScoreAllRequest, container: ContainerDep,
              actor: Annotated[Principal, Allowed("models:score_all")]) -> ScoreRunPublic:
    """Score every line with this card on its behaviour features, in this process, and keep
    the scores; the run's summary.  Only cards whose variables are all line behaviour
    features (B-cards): another card is refused (422) naming the variables it lacks.  Large
    books run from the CLI (`creditline model score-all --engine spark`)."""
    cmd = batch_scoring.ScoreAll(services.ModelRef(model_id=model_id), body.as_of,
                                 "local", body.partition_size)
    return _run_public(batch_scoring.score_all(cmd, container.uow(), actor))


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
