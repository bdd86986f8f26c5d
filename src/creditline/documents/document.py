"""The document record and the rules an upload must pass before anything is written.

Why by content: a client's declared ``Content-Type`` is whatever it says; a PDF, PNG or JPEG
is recognised by its first bytes (its signature), so an executable renamed ``licence.pdf`` is
refused.  A declared type, when given, must agree with the content."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from creditline.errors import CreditlineError, ValidationError

# media type -> the signature its content starts with
SIGNATURES: tuple[tuple[str, bytes], ...] = (
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
)
ACCEPTED_TYPES: tuple[str, ...] = tuple(t for t, _ in SIGNATURES)
# what a client may declare without saying anything about the type
UNSPECIFIED_TYPES = frozenset({"", "application/octet-stream"})

# What a document is for.  A context that needs a new purpose adds it here.
PURPOSES: frozenset[str] = frozenset({
    "business_licence",        # an enterprise's licence (营业执照), issue 12
    "financial_statements",    # balance sheet / income statement of one year
    "identity_document",       # a scan of an identity card
    "income_proof",            # pay slips, tax records
    "asset_proof",             # title deeds, vehicle registration, deposit statements
    "guarantee",               # a guarantee agreement or guarantee-insurance policy
    "closure_proof",           # evidence attached to a closure request (issue 14)
    "other",
})
MAX_FILE_NAME = 255


@dataclass(frozen=True)
class Document:
    """An uploaded file as recorded: the bytes are found by ``sha256`` in the file store."""

    id: str
    owner_kind: str  # customer | application | line | ... (see documents.services.OWNERS)
    owner_id: str
    purpose: str
    media_type: str  # decided from the content
    size: int  # bytes
    sha256: str  # hex, lower case
    file_name: str  # the client's name for it (no folders), shown and offered on download
    uploaded_by: str
    uploaded_at: datetime


def sniff(content: bytes) -> str | None:
    """The accepted media type whose signature ``content`` starts with, else None."""
    for media_type, signature in SIGNATURES:
        if content.startswith(signature):
            return media_type
    return None


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def clean_file_name(name: str | None) -> str:
    """The last part of a client's file name (browsers may send a whole path); refused when
    empty, too long or holding control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base:
        raise ValidationError("file", "needs a file name")
    if len(base) > MAX_FILE_NAME:
        raise ValidationError("file", f"the file name is longer than {MAX_FILE_NAME} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in base):
        raise ValidationError("file", f"the file name {base!r} holds control characters")
    return base


def check_content(file_name: str, content: bytes, declared_type: str | None,
                  max_bytes: int) -> str:
    """The media type of an acceptable upload, or ``ValidationError`` on ``file`` naming the
    file and the rule it broke (empty, too large, type not accepted, declared type differs)."""
    if not content:
        raise ValidationError("file", f"{file_name!r} is empty")
    if len(content) > max_bytes:
        raise ValidationError("file", f"{file_name!r} has {len(content)} bytes, more than "
                                      f"the limit of {max_bytes} bytes")
    media_type = sniff(content)
    if media_type is None:
        raise ValidationError("file", f"{file_name!r} is not an accepted type: its content "
                                      f"is not one of {', '.join(ACCEPTED_TYPES)}")
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    if declared not in UNSPECIFIED_TYPES and declared != media_type:
        raise ValidationError("file", f"{file_name!r} was declared {declared!r} but its "
                                      f"content is {media_type}")
    return media_type


class DocumentCorrupted(CreditlineError):
    """The stored bytes of a document are missing or no longer hash to its SHA-256: the file
    store was damaged or tampered with.  A server fault, never the caller's."""

    http_status = 500
    code = "document_corrupted"
