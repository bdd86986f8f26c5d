"""``creditline documents upload|show``: a risk officer files a firm's licence from the
command line and saves a checked copy; a disguised program is refused (exit 2 naming
``file``) and stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.documents.document import sha256_hex
from creditline.documents.services import OwnerDocuments, documents_of
from creditline.errors import ValidationError
from creditline.parties.services import RegisterEnterprise, register_customer
from tests.conftest import SECRET, create_user
from tests.documents_support import EXE_HEADER, pdf
from tests.unit.documents.test_document import OFFICER

_register()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
            "COLUMNS": "200", "CREDITLINE_TOKEN_DAYS_RISK_OFFICER": "3650"}


def test_a_licence_filed_and_fetched_from_the_command_line(
        sqlite_container: Container, env: dict[str, str], tmp_path: Path) -> None:
    firm = register_customer(RegisterEnterprise(
        name="Example Trading Co., Ltd.", uscc="91110000600037341L", industry="F",
        registered_on="2012-05-08", legal_representative="Li Si",
        consents={"credit_check": True, "data_processing": True}),
        sqlite_container.uow(), OFFICER).id
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    token = create_user(sqlite_container, "li.officer", "risk_officer")["Authorization"][7:]
    licence, fake = tmp_path / "licence.pdf", tmp_path / "setup.pdf"
    licence.write_bytes(pdf())
    fake.write_bytes(EXE_HEADER)
    runner = CliRunner()
    common = ["--owner-kind", "customer", "--owner-id", firm, "--purpose", "business_licence",
              "--token", token, "--db", url]

    refused = runner.invoke(app, ["documents", "upload", str(fake), *common], env=env)
    assert isinstance(refused.exception, ValidationError) and refused.exception.field == "file"
    ok = runner.invoke(app, ["documents", "upload", str(licence), *common], env=env)
    assert ok.exit_code == 0, ok.output
    [doc] = documents_of(OwnerDocuments("customer", firm), sqlite_container.uow(), OFFICER)
    assert f"document {doc.id}" in ok.output and sha256_hex(pdf()) in ok.output

    copy = tmp_path / "copy.pdf"
    shown = runner.invoke(app, ["documents", "show", doc.id, "--out", str(copy),
                                "--token", token, "--db", url], env=env)
    assert shown.exit_code == 0, shown.output
    assert "application/pdf" in shown.output and copy.read_bytes() == pdf()
    files = [p for p in (tmp_path / "documents").rglob("*") if p.is_file()]
    assert files == [tmp_path / "documents" / doc.sha256[:2] / doc.sha256]
