"""The model registry in SQL: implements ``creditline.scoring.registry.ModelRegistry``.

Locking: optimistic.  Every row carries ``row_version``; ``update`` writes only if the version
read is still current (else ``ConcurrencyError``).  A partial unique index allows one champion
per name, so concurrent promotions cannot both commit (the loser gets ``Conflict``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError, Conflict, NotFound
from creditline.scoring.registry import ModelRecord, ModelStatus
from creditline.store.tables.scoring import models

_FIELDS = ("id", "name", "version", "card_type", "kind", "data_fingerprint", "metrics",
           "model_json", "created_at", "created_by", "promoted_at", "promoted_by", "retired_at",
           "shadow_share", "row_version")


def _record(row: Row[Any]) -> ModelRecord:
    m = row._mapping
    return ModelRecord(status=ModelStatus(m["status"]), **{f: m[f] for f in _FIELDS})


def _values(r: ModelRecord) -> dict[str, Any]:
    return {**{f: getattr(r, f) for f in _FIELDS}, "status": r.status.value}


class SqlModelRepository:
    def __init__(self, session: Session, uow: Any) -> None:
        self.s = session

    def add(self, record: ModelRecord) -> ModelRecord:
        try:
            with self.s.begin_nested():
                self.s.execute(insert(models).values(**_values(record)))
        except IntegrityError:
            raise Conflict(f"{record.label} already exists") from None
        return record

    def get(self, model_id: str) -> ModelRecord:
        row = self.s.execute(select(models).where(models.c.id == model_id)).first()
        if row is None:
            raise NotFound(f"model {model_id} not found")
        return _record(row)

    def find(self, name: str, version: int) -> ModelRecord:
        row = self.s.execute(select(models).where(models.c.name == name,
                                                  models.c.version == version)).first()
        if row is None:
            raise NotFound(f"model {name} v{version} not found")
        return _record(row)

    def list(self, name: str | None = None,
             status: ModelStatus | None = None) -> list[ModelRecord]:
        q = select(models).order_by(models.c.name, models.c.version)
        if name is not None:
            q = q.where(models.c.name == name)
        if status is not None:
            q = q.where(models.c.status == status.value)
        return [_record(r) for r in self.s.execute(q)]

    def update(self, record: ModelRecord) -> ModelRecord:
        values = _values(record)
        values["row_version"] = record.row_version + 1
        try:
            with self.s.begin_nested():
                result = self.s.execute(
                    update(models).where(models.c.id == record.id,
                                         models.c.row_version == record.row_version)
                    .values(**{k: v for k, v in values.items() if k != "id"}))
        except IntegrityError:
            raise Conflict(f"{record.name} already has a champion") from None
        if result.rowcount != 1:  # type: ignore[attr-defined]  # SQLAlchemy types Session.execute() as Result; rowcount is on the CursorResult it returns
            raise ConcurrencyError(f"{record.label} changed since it was read; retry")
        return self.get(record.id)

    def next_version(self, name: str) -> int:
        current = self.s.execute(select(func.max(models.c.version))
                                 .where(models.c.name == name)).scalar()
        return int(current or 0) + 1
