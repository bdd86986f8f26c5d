"""Uploading proofs over HTTP, on SQLite and PostgreSQL.

Example Trading Co., Ltd. (an enterprise customer) has its business licence uploaded by a
risk officer as a PDF; a reviewer reads the record and downloads the bytes, checked against
the SHA-256.  A program disguised as a PDF, and a file over the size limit (4 KiB in these
tests), are refused with 422 naming ``file`` and leave neither a record, an audit entry nor
a byte in the documents folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.documents.document import sha256_hex
from creditline.store.tables.documents import documents
from creditline.store.tables.foundation import audit_log
from tests.api.test_applications_support import enterprise, register
from tests.conftest import ADMIN, create_user, make_container
from tests.documents_support import EXE_HEADER, image, pdf

LIMIT = 4096


@pytest.fixture
def small(store_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """A container whose documents may be at most 4 KiB."""
    c = make_container(store_url, tmp_path, clock, documents_max_bytes=LIMIT)
    yield c
    c.dispose()


@pytest.fixture
def client(small: Container) -> Iterator[TestClient]:
    from creditline.api.app import create_app

    with TestClient(create_app(small)) as c:
        yield c


def upload(client: TestClient, owner: str, name: str, content: bytes, media: str,
           headers: dict[str, str] = ADMIN, purpose: str = "business_licence",
           owner_kind: str = "customer") -> object:
    return client.post("/v1/documents", headers=headers,
                       data={"owner_kind": owner_kind, "owner_id": owner, "purpose": purpose},
                       files={"file": (name, content, media)})


def stored(c: Container) -> tuple[int, int, list[Path]]:
    """(document rows, audit entries, files in the documents folder)."""
    with c.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(documents)).scalar_one()
        audits = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    root = c.settings.resolved_documents_dir()
    return int(rows), int(audits), sorted(p for p in root.rglob("*") if p.is_file()) \
        if root.exists() else []


def test_a_licence_is_uploaded_read_and_downloaded_intact(small: Container,
                                                          client: TestClient) -> None:
    firm = register(client, enterprise(1))
    officer = create_user(small, "li.officer", "risk_officer")
    reviewer = create_user(small, "wu.reviewer", "reviewer")
    licence = pdf("Business licence 91110000000000001")

    r = upload(client, firm, "营业执照.pdf", licence, "application/pdf", officer)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert {k: doc[k] for k in ("owner_kind", "owner_id", "purpose", "media_type", "size",
                                "sha256", "file_name", "uploaded_by", "uploaded_at")} == {
        "owner_kind": "customer", "owner_id": firm, "purpose": "business_licence",
        "media_type": "application/pdf", "size": len(licence), "sha256": sha256_hex(licence),
        "file_name": "营业执照.pdf", "uploaded_by": "li.officer",
        "uploaded_at": "2026-03-02T02:00:00Z"}
    # the bytes sit in the folder under their hash, not in the database
    path = small.settings.resolved_documents_dir() / doc["sha256"][:2] / doc["sha256"]
    assert path.read_bytes() == licence
    with small.engine.connect() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.entity_id == doc["id"])).one()
    assert (entry.action, entry.actor) == ("document.uploaded", "li.officer")

    assert client.get(f"/v1/documents/{doc['id']}", headers=reviewer).json() == doc
    got = client.get(f"/v1/documents/{doc['id']}/content", headers=reviewer)
    assert got.status_code == 200 and got.content == licence
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == \
        "attachment; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"
    assert got.headers["etag"] == f'"{doc["sha256"]}"'

    # an image is accepted too, typed by its content (the client said octet-stream)
    png = upload(client, firm, "scan", image("PNG"), "application/octet-stream", officer)
    assert png.status_code == 201 and png.json()["media_type"] == "image/png"

    # someone alters the file on disk: the download refuses it, the record stays readable
    path.write_bytes(pdf("Business licence 91110000000000002"))
    bad = client.get(f"/v1/documents/{doc['id']}/content", headers=reviewer)
    assert bad.status_code == 500 and bad.json()["code"] == "document_corrupted"
    assert client.get(f"/v1/documents/{doc['id']}", headers=reviewer).status_code == 200


def test_refused_files_leave_nothing_behind(small: Container, client: TestClient) -> None:
    firm = register(client, enterprise(2))
    before = stored(small)
    assert before[0] == 0 and before[2] == []

    disguised = upload(client, firm, "licence.pdf", EXE_HEADER, "application/pdf")
    assert disguised.status_code == 422
    assert disguised.json()["detail"][0]["loc"] == ["file"]
    assert "'licence.pdf' is not an accepted type" in disguised.json()["message"]

    big = image("PNG", (200, 200)) + bytes(LIMIT)  # a PNG signature, over 4 KiB
    too_large = upload(client, firm, "scan.png", big, "image/png")
    assert too_large.status_code == 422
    assert too_large.json()["detail"][0]["loc"] == ["file"]
    assert f"more than the limit of {LIMIT} bytes" in too_large.json()["message"]

    gif = upload(client, firm, "logo.gif", image("GIF"), "image/gif")
    assert gif.status_code == 422 and "not an accepted type" in gif.json()["message"]
    empty = upload(client, firm, "blank.pdf", b"", "application/pdf")
    assert empty.status_code == 422 and "is empty" in empty.json()["message"]
    unknown = upload(client, "no-such-firm", "licence.pdf", pdf(), "application/pdf")
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["owner_id"]
    purpose = upload(client, firm, "licence.pdf", pdf(), "application/pdf", purpose="selfie")
    assert purpose.status_code == 422 and purpose.json()["detail"][0]["loc"] == ["purpose"]

    assert stored(small) == before


def test_who_may_upload_and_read(sqlite_container: Container, sqlite_api: TestClient) -> None:
    small, client = sqlite_container, sqlite_api
    firm = register(client, enterprise(3))
    reviewer = create_user(small, "wu.reviewer", "reviewer")
    service = create_user(small, "checkout", "service")
    assert upload(client, firm, "l.pdf", pdf(), "application/pdf", reviewer).status_code == 403
    doc = upload(client, firm, "l.pdf", pdf(), "application/pdf", service)
    assert doc.status_code == 201
    assert client.get(f"/v1/documents/{doc.json()['id']}", headers=service).status_code == 403
    assert client.get("/v1/documents/nope", headers=reviewer).status_code == 404
    # the upload route takes a form, not JSON
    json_body = client.post("/v1/documents", headers=ADMIN, json={"owner_id": firm})
    assert json_body.status_code == 415
