"""The documents context's ports: metadata in a repository (``uow.documents``, SQL in
``creditline.store.documents``) and the bytes in a file store (``uow.document_files``: a
folder in ``creditline.store.document_files``, an object store in production)."""

from __future__ import annotations

from typing import Protocol

from creditline.documents.document import Document


class DocumentRepository(Protocol):
    def add(self, document: Document) -> None: ...

    def get(self, document_id: str) -> Document | None: ...

    def for_owner(self, owner_kind: str, owner_id: str) -> list[Document]:
        """The owner's documents, oldest first."""


class DocumentStore(Protocol):
    """Content-addressed bytes: a file is stored under its SHA-256 (hex), so the same
    content uploaded twice is kept once.  Not transactional: the upload service writes the
    bytes last, just before its commit, and removes them again if the commit fails."""

    @property
    def max_bytes(self) -> int:
        """The largest file it accepts (``CREDITLINE_DOCUMENTS_MAX_BYTES``)."""

    def put(self, sha256: str, content: bytes) -> bool:
        """Store ``content`` under ``sha256``; True if it was not there before."""

    def get(self, sha256: str) -> bytes | None:
        """The stored bytes, or None when there are none (unchecked: the caller compares
        them with the recorded hash)."""

    def exists(self, sha256: str) -> bool: ...

    def remove(self, sha256: str) -> None:
        """Take back a ``put`` whose record was not committed."""
