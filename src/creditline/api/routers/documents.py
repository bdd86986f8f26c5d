"""Documents: upload a proof (multipart), read its metadata, download its bytes.

The file's type is decided by its content (PDF, PNG or JPEG), not by the declared
``Content-Type``; the download is re-checked against the recorded SHA-256 and always offered
as an attachment, so a browser never renders an uploaded file in the API's origin."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import BaseModel, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Timestamp
from creditline.auth import Principal
from creditline.documents.document import Document
from creditline.documents.services import (
    GetDocument,
    UploadDocument,
    get_document,
    read_document,
    upload_document,
)

router = APIRouter(prefix="/v1/documents", tags=["documents"])


class DocumentPublic(BaseModel):
    id: str
    owner_kind: str = Field(description="what the document belongs to: customer, "
                                        "application, line")
    owner_id: str
    purpose: str = Field(description="what it proves, e.g. business_licence")
    media_type: str = Field(description="decided from the content: application/pdf, "
                                        "image/png or image/jpeg")
    size: int = Field(description="bytes")
    sha256: str = Field(description="SHA-256 of the bytes, hex; the download is checked "
                                    "against it")
    file_name: str
    uploaded_by: str
    uploaded_at: Timestamp

    @classmethod
    def of(cls, d: Document) -> DocumentPublic:
        return cls(id=d.id, owner_kind=d.owner_kind, owner_id=d.owner_id, purpose=d.purpose,
                   media_type=d.media_type, size=d.size, sha256=d.sha256,
                   file_name=d.file_name, uploaded_by=d.uploaded_by,
                   uploaded_at=d.uploaded_at)


@router.post("", response_model=DocumentPublic, status_code=201, summary="Upload a document")
def post_document(
    file: Annotated[UploadFile, File(description="the file: PDF, PNG or JPEG")],
    owner_kind: Annotated[str, Form(max_length=30)],
    owner_id: Annotated[str, Form(max_length=64)],
    purpose: Annotated[str, Form(max_length=40)],
    container: ContainerDep,
    actor: Annotated[Principal, Allowed("documents:upload")],
) -> DocumentPublic:
    """Store a file for its owner (audited).  Refused with 422 naming ``file`` when it is
    empty, larger than the limit, not a PDF/PNG/JPEG by content, or declared as another
    type; nothing is stored then."""
    content = file.file.read()  # bounded by the input guard (creditline.api.limits)
    cmd = UploadDocument(owner_kind=owner_kind, owner_id=owner_id, purpose=purpose,
                         file_name=file.filename or "", content=content,
                         declared_type=file.content_type)
    return DocumentPublic.of(upload_document(cmd, container.uow(), actor))


@router.get("/{document_id}", response_model=DocumentPublic, summary="Show a document")
def get_document_route(document_id: str, container: ContainerDep,
                       actor: Annotated[Principal, Allowed("documents:read")]
                       ) -> DocumentPublic:
    """A document's metadata: owner, purpose, type, size, SHA-256, who uploaded it when."""
    return DocumentPublic.of(get_document(GetDocument(document_id), container.uow(), actor))


@router.get("/{document_id}/content", summary="Download a document",
            response_class=Response,
            responses={200: {"description": "the file's bytes",
                             "content": {"application/pdf": {}, "image/png": {},
                                         "image/jpeg": {}}}})
def get_document_content(document_id: str, container: ContainerDep,
                         actor: Annotated[Principal, Allowed("documents:read")]) -> Response:
    """The file's bytes, after checking them against the recorded SHA-256 (500
    ``document_corrupted`` if they no longer match)."""
    found = read_document(GetDocument(document_id), container.uow(), actor)
    d = found.document
    return Response(found.content, media_type=d.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(d.file_name, safe='')}",
        "ETag": f'"{d.sha256}"',
        "Cache-Control": "private, no-store",
    })
