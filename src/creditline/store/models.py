"""The model registry in SQL: implements ``creditline.scoring.ports.ModelRepository``.

Locking: optimistic.  Every row carries ``row_version``; ``update`` writes only if the version
read is still current (else ``ConcurrencyError``).  A partial unique index allows one champion
per name, so concurrent promotions cannot both commit (the loser gets ``Conflict``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError, Conflict, NotFound
from creditline.paging import Page, PageRequest
from creditline.scoring.registry import ModelRecord, ModelStatus
from creditline.store import browse
from creditline.store.tables.scoring import models

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_FIELDS = ("id", "name", "version", "card_type", "kind", "data_fingerprint", "metrics",
           "model_json", "created_at", "created_by", "promoted_at", "promoted_by", "retired_at",
           "shadow_share", "row_version")


_SERVING = (select(models.c.id, models.c.status, models.c.shadow_share)
            .where(models.c.name == bindparam("name"),
                   or_(models.c.status == "champion", models.c.shadow_share > 0)))


def _record(row: Row[Any]) -> ModelRecord:
    m = row._mapping
    return ModelRecord(status=ModelStatus(m["status"]), **{f: m[f] for f in _FIELDS})


def _values(r: ModelRecord) -> dict[str, Any]:
    return {**{f: getattr(r, f) for f in _FIELDS}, "status": r.status.value}


class SqlModelRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

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

    def page(self, name: str | None, status: ModelStatus | None, req: PageRequest
             ) -> Page[ModelRecord]:
        where: list[ColumnElement[bool]] = []
        if name is not None:
            where.append(models.c.name == name)
        if status is not None:
            where.append(models.c.status == status.value)
        return browse.page(self.s, select(models), models.c.created_at, models.c.id, req,
                           lambda rows: [_record(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)

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

    def serving_ids(self, model_name: str) -> tuple[str | None, str | None, float]:
        """Champion id, challenger id and its shadow share, without loading model JSON
        (every application asks; one indexed read of three columns)."""
        rows = self.s.execute(_SERVING, {"name": model_name}).all()
        champ = next((r.id for r in rows if r.status == "champion"), None)
        ch = next(((r.id, float(r.shadow_share)) for r in rows
                   if r.status == "candidate" and r.shadow_share > 0), (None, 0.0))
        return champ, ch[0], ch[1]
