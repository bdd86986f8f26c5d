"""Document metadata (``documents``).  Records are written once and never changed, so no
locking is needed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from creditline.documents.document import Document
from creditline.store.tables.documents import documents

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


def _aware(v: datetime) -> datetime:
    return v if v.tzinfo is not None else v.replace(tzinfo=UTC)


def _document(row: Any) -> Document:
    return Document(id=row.id, owner_kind=row.owner_kind, owner_id=row.owner_id,
                    purpose=row.purpose, media_type=row.media_type, size=int(row.size),
                    sha256=row.sha256, file_name=row.file_name, uploaded_by=row.uploaded_by,
                    uploaded_at=_aware(row.uploaded_at))


class SqlDocumentRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def add(self, document: Document) -> None:
        d = document
        self.s.execute(insert(documents).values(
            id=d.id, owner_kind=d.owner_kind, owner_id=d.owner_id, purpose=d.purpose,
            media_type=d.media_type, size=d.size, sha256=d.sha256, file_name=d.file_name,
            uploaded_by=d.uploaded_by[:100], uploaded_at=d.uploaded_at))

    def get(self, document_id: str) -> Document | None:
        row = self.s.execute(select(documents).where(documents.c.id == document_id)).first()
        return None if row is None else _document(row)

    def for_owner(self, owner_kind: str, owner_id: str) -> list[Document]:
        rows = self.s.execute(select(documents)
                              .where(documents.c.owner_kind == owner_kind,
                                     documents.c.owner_id == owner_id)
                              .order_by(documents.c.uploaded_at, documents.c.id))
        return [_document(r) for r in rows]
