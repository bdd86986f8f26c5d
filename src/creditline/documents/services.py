"""Uploading and reading documents.

An upload is checked whole before anything is written (owner, purpose, file name, size,
type by content), so a refused file leaves neither a record nor bytes.  The record and its
audit entry are written in one transaction; the bytes go to the file store just before the
commit and are taken back if the commit fails.  A read re-hashes the bytes and refuses to
hand out anything that does not match the recorded SHA-256."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from creditline.auth import Principal
from creditline.documents.document import (
    PURPOSES,
    Document,
    DocumentCorrupted,
    check_content,
    clean_file_name,
    sha256_hex,
)
from creditline.errors import NotFound, ValidationError
from creditline.uow import UnitOfWork

# owner kind -> does a record of that kind with this id exist?  A context whose records own
# documents (closure requests, collection cases) adds its row here.
OWNERS: dict[str, Callable[[UnitOfWork, str], bool]] = {
    "customer": lambda uow, i: uow.customers.get(i) is not None,
    "application": lambda uow, i: uow.applications.get(i) is not None,
    "line": lambda uow, i: uow.lines.get(i) is not None,
}
MAX_OWNER_ID = 64


@dataclass(frozen=True)
class UploadDocument:
    owner_kind: str
    owner_id: str
    purpose: str
    file_name: str
    content: bytes
    declared_type: str | None = None  # the client's Content-Type for the file, if any


@dataclass(frozen=True)
class GetDocument:
    document_id: str


@dataclass(frozen=True)
class OwnerDocuments:
    owner_kind: str
    owner_id: str


@dataclass(frozen=True)
class DocumentContent:
    document: Document
    content: bytes  # checked against document.sha256


def _check_fields(cmd: UploadDocument) -> None:
    if cmd.owner_kind not in OWNERS:
        raise ValidationError("owner_kind", f"must be one of: {', '.join(sorted(OWNERS))}")
    if not cmd.owner_id or len(cmd.owner_id) > MAX_OWNER_ID \
            or not cmd.owner_id.isprintable():
        raise ValidationError("owner_id", f"must be an id of 1 to {MAX_OWNER_ID} printable "
                                          "characters")
    if cmd.purpose not in PURPOSES:
        raise ValidationError("purpose", f"must be one of: {', '.join(sorted(PURPOSES))}")


def upload_document(cmd: UploadDocument, uow: UnitOfWork, actor: Principal) -> Document:
    """Record an uploaded file for its owner (audited); see the module docstring."""
    actor.require("documents:upload")
    _check_fields(cmd)
    name = clean_file_name(cmd.file_name)
    with uow:
        files = uow.document_files
        media_type = check_content(name, cmd.content, cmd.declared_type, files.max_bytes)
        if not OWNERS[cmd.owner_kind](uow, cmd.owner_id):
            raise ValidationError("owner_id", f"no {cmd.owner_kind} with id {cmd.owner_id!r}")
        digest = sha256_hex(cmd.content)
        doc = Document(id=str(uuid.uuid4()), owner_kind=cmd.owner_kind, owner_id=cmd.owner_id,
                       purpose=cmd.purpose, media_type=media_type, size=len(cmd.content),
                       sha256=digest, file_name=name, uploaded_by=actor.name,
                       uploaded_at=uow.now())
        uow.documents.add(doc)
        uow.audit(actor, "document.uploaded", "document", doc.id,
                  {"owner_kind": doc.owner_kind, "owner_id": doc.owner_id,
                   "purpose": doc.purpose, "media_type": media_type, "size": doc.size,
                   "sha256": digest, "file_name": name})
        created = files.put(digest, cmd.content)
        try:
            uow.commit()
        except BaseException:
            if created:
                files.remove(digest)
            raise
        return doc


def get_document(cmd: GetDocument, uow: UnitOfWork, actor: Principal) -> Document:
    """A document's metadata."""
    actor.require("documents:read")
    with uow:
        doc = uow.documents.get(cmd.document_id)
        if doc is None:
            raise NotFound(f"no document {cmd.document_id!r}")
        return doc


def read_document(cmd: GetDocument, uow: UnitOfWork, actor: Principal) -> DocumentContent:
    """A document's bytes, checked against its recorded size and SHA-256."""
    doc = get_document(cmd, uow, actor)
    content = uow.document_files.get(doc.sha256)
    if content is None:
        raise DocumentCorrupted(f"document {doc.id!r}: its stored file is missing")
    if len(content) != doc.size or sha256_hex(content) != doc.sha256:
        raise DocumentCorrupted(f"document {doc.id!r}: the stored file does not match its "
                                "recorded SHA-256 (damaged or altered)")
    return DocumentContent(doc, content)


def documents_of(cmd: OwnerDocuments, uow: UnitOfWork, actor: Principal) -> list[Document]:
    """The documents an owner holds, oldest first (reviewers' and other contexts' view)."""
    actor.require("documents:read")
    with uow:
        return uow.documents.for_owner(cmd.owner_kind, cmd.owner_id)
