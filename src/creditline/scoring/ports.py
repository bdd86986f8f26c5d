"""What the scoring and origination use cases need from the model registry, as a Protocol
(SQL implementation in ``creditline.store.models``; reached as ``uow.models``)."""

from __future__ import annotations

from typing import Protocol

from creditline.paging import Page, PageRequest
from creditline.scoring.registry import ModelRecord, ModelRegistry, ModelStatus


class ModelRepository(ModelRegistry, Protocol):
    def serving_ids(self, model_name: str) -> tuple[str | None, str | None, float]:
        """Champion id, challenger id and its shadow share, without loading model JSON."""

    def page(self, name: str | None, status: ModelStatus | None, req: PageRequest
             ) -> Page[ModelRecord]:
        """Every version of every family in ``(created_at, id)`` order (the one list order)."""
        ...
