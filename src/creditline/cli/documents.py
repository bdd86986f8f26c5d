"""``creditline documents``: upload a proof file, show a document (and save its bytes)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated

import typer

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.documents.document import PURPOSES, Document
from creditline.documents.services import (
    OWNERS,
    GetDocument,
    UploadDocument,
    get_document,
    read_document,
    upload_document,
)
from creditline.errors import ValidationError

sub = typer.Typer(help="Uploaded proofs (PDF, PNG, JPEG): upload one, show one.",
                  no_args_is_help=True)


def _print(d: Document) -> None:
    console.print(f"document {d.id}\n"
                  f"  owner      {d.owner_kind} {d.owner_id}\n"
                  f"  purpose    {d.purpose}\n"
                  f"  file       {d.file_name} ({d.media_type}, {d.size} bytes)\n"
                  f"  sha256     {d.sha256}\n"
                  f"  uploaded   {d.uploaded_at.isoformat(timespec='seconds')} by "
                  f"{d.uploaded_by}", soft_wrap=True, markup=False, highlight=False)


@sub.command("upload")
def documents_upload(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="The file: PDF, PNG or JPEG.")],
    owner_kind: Annotated[str, typer.Option(
        help=f"What it belongs to: {', '.join(sorted(OWNERS))}.")],
    owner_id: Annotated[str, typer.Option(help="The owner's id.")],
    purpose: Annotated[str, typer.Option(help=f"What it proves: {', '.join(sorted(PURPOSES))}.")],
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Store a file for a customer, application or line (audited).

    The type is decided by the content; an empty, too large or other file is refused."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError("FILE", f"cannot read {str(path)!r}: {exc.strerror}") from None
    container = container_for(db)
    actor = actor_from_token(container, token)
    declared, _ = mimetypes.guess_type(path.name)
    _print(upload_document(UploadDocument(owner_kind=owner_kind, owner_id=owner_id,
                                          purpose=purpose, file_name=path.name,
                                          content=content, declared_type=declared),
                           container.uow(), actor))


@sub.command("show")
def documents_show(
    document_id: Annotated[str, typer.Argument(metavar="ID", help="The document's id.")],
    out: Annotated[Path | None, typer.Option(
        help="Also save the file's bytes here, after checking their SHA-256.")] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Print a document's metadata (and with --out save its checked bytes)."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    if out is None:
        _print(get_document(GetDocument(document_id), container.uow(), actor))
        return
    found = read_document(GetDocument(document_id), container.uow(), actor)
    out.write_bytes(found.content)
    _print(found.document)
    console.print(f"saved {found.document.size} bytes to {out}", soft_wrap=True,
                  markup=False, highlight=False)
