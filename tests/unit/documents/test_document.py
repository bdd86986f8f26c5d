"""What an upload must be before anything is written: a PDF, PNG or JPEG by its content,
not empty, within the size limit, declared (if at all) as what it is, with a plain file
name; and the upload service writing the record, the audit entry and the bytes together
(the in-memory unit of work; the stores are tested in tests/api/test_documents.py)."""

from __future__ import annotations

import pytest

from creditline.auth import Principal, Role
from creditline.documents.document import (
    DocumentCorrupted,
    check_content,
    clean_file_name,
    sha256_hex,
    sniff,
)
from creditline.documents.services import (
    GetDocument,
    OwnerDocuments,
    UploadDocument,
    documents_of,
    read_document,
    upload_document,
)
from creditline.errors import Forbidden, ValidationError
from creditline.parties.services import RegisterEnterprise, register_customer
from tests.documents_support import EXE_HEADER, TEXT, image, pdf
from tests.fakes import FakeUnitOfWork

OFFICER = Principal("u-1", "li.officer", Role.RISK_OFFICER)
REVIEWER = Principal("u-2", "wu.reviewer", Role.REVIEWER)


def test_the_type_is_read_from_the_content() -> None:
    assert sniff(pdf()) == "application/pdf"
    assert sniff(image("PNG")) == "image/png"
    assert sniff(image("JPEG")) == "image/jpeg"
    assert sniff(image("GIF")) is None
    assert sniff(EXE_HEADER) is None
    assert sniff(TEXT) is None


def test_a_file_is_refused_by_name_and_rule() -> None:
    with pytest.raises(ValidationError, match=r"file: 'a.pdf' is empty"):
        check_content("a.pdf", b"", None, 100)
    with pytest.raises(ValidationError, match=r"'big.png' has 101 bytes, more than the limit "
                                              r"of 100 bytes"):
        check_content("big.png", b"\x89PNG\r\n\x1a\n" + bytes(93), None, 100)
    with pytest.raises(ValidationError, match=r"'setup.pdf' is not an accepted type"):
        check_content("setup.pdf", EXE_HEADER, "application/pdf", 10_000)
    with pytest.raises(ValidationError, match=r"'scan.png' was declared 'image/png' but its "
                                              r"content is application/pdf"):
        check_content("scan.png", pdf(), "image/png", 10_000)
    # a generic or absent declaration defers to the content; parameters are ignored
    assert check_content("x", pdf(), "application/octet-stream", 10_000) == "application/pdf"
    assert check_content("x", image("JPEG"), "image/jpeg; q=1", 10_000) == "image/jpeg"
    assert check_content("x", image("PNG"), None, 10_000) == "image/png"


def test_file_names_keep_their_last_part_only() -> None:
    assert clean_file_name("C:\\Users\\li\\营业执照.pdf") == "营业执照.pdf"
    assert clean_file_name("../../etc/passwd") == "passwd"
    for bad, rule in (("", "needs a file name"), ("dir/", "needs a file name"),
                      ("a\x07.pdf", "control characters"), ("x" * 256, "longer than 255")):
        with pytest.raises(ValidationError, match=rule):
            clean_file_name(bad)


def _firm(uow: FakeUnitOfWork) -> str:
    return register_customer(RegisterEnterprise(
        name="Example Trading Co., Ltd.", uscc="91110000600037341L", industry="F",
        registered_on="2012-05-08", legal_representative="Li Si",
        consents={"credit_check": True, "data_processing": True}), uow, OFFICER).id


def _upload(owner: str, content: bytes, **over: str) -> UploadDocument:
    fields = {"owner_kind": "customer", "owner_id": owner, "purpose": "business_licence",
              "file_name": "licence.pdf", **over}
    return UploadDocument(content=content, **fields)


def test_an_upload_records_audits_and_stores_the_bytes_once() -> None:
    uow = FakeUnitOfWork()
    firm = _firm(uow)
    licence = pdf()
    doc = upload_document(_upload(firm, licence), uow, OFFICER)
    assert (doc.media_type, doc.size, doc.sha256) == ("application/pdf", len(licence),
                                                      sha256_hex(licence))
    assert (doc.uploaded_by, doc.uploaded_at) == ("li.officer", uow.now())
    assert uow.audits[-1][2:5] == ("document.uploaded", "document", doc.id)
    assert uow.audits[-1][5]["sha256"] == doc.sha256
    assert uow.document_files.files == {doc.sha256: licence}
    uow.clock.advance(minutes=5)
    again = upload_document(_upload(firm, licence, file_name="copy.pdf"), uow, OFFICER)
    assert len(uow.document_files.files) == 1  # the same content is kept once
    assert [d.id for d in documents_of(OwnerDocuments("customer", firm), uow, REVIEWER)] \
        == [doc.id, again.id]
    assert read_document(GetDocument(doc.id), uow, REVIEWER).content == licence


def test_refused_uploads_leave_nothing_behind() -> None:
    uow = FakeUnitOfWork()
    firm = _firm(uow)
    audits = len(uow.audits)
    refusals = [
        (_upload(firm, EXE_HEADER), "file"),
        (_upload(firm, b""), "file"),
        (_upload(firm, pdf(), owner_kind="merchant"), "owner_kind"),
        (_upload(firm, pdf(), owner_id="no-such-customer"), "owner_id"),
        (_upload(firm, pdf(), owner_id="nul\x00id"), "owner_id"),  # never sent to the store
        (_upload(firm, pdf(), purpose="selfie"), "purpose"),
    ]
    for cmd, field in refusals:
        with pytest.raises(ValidationError) as err:
            upload_document(cmd, uow, OFFICER)
        assert err.value.field == field
    with pytest.raises(Forbidden):
        upload_document(_upload(firm, pdf()), uow, REVIEWER)
    assert uow.committed.documents == {} and uow.document_files.files == {}
    assert len(uow.audits) == audits


def test_a_failed_commit_takes_the_new_bytes_back() -> None:
    class FailingCommit(FakeUnitOfWork):
        def commit(self) -> None:
            raise RuntimeError("disk full")

    uow = FailingCommit()
    uow.committed.customers = {}
    with pytest.raises(ValidationError):  # the owner check runs first
        upload_document(_upload("nobody", pdf()), uow, OFFICER)
    ok = FakeUnitOfWork()
    firm = _firm(ok)
    uow.committed = ok.committed
    with pytest.raises(RuntimeError, match="disk full"):
        upload_document(_upload(firm, pdf()), uow, OFFICER)
    assert uow.document_files.files == {}


def test_bytes_that_no_longer_match_their_hash_are_not_handed_out() -> None:
    uow = FakeUnitOfWork()
    doc = upload_document(_upload(_firm(uow), pdf()), uow, OFFICER)
    uow.document_files.files[doc.sha256] = pdf("Forged licence")
    with pytest.raises(DocumentCorrupted, match="does not match its recorded SHA-256"):
        read_document(GetDocument(doc.id), uow, REVIEWER)
    del uow.document_files.files[doc.sha256]
    with pytest.raises(DocumentCorrupted, match="missing"):
        read_document(GetDocument(doc.id), uow, REVIEWER)
