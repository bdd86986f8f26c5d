"""The console over HTTP (no browser): the session cookie's flags, CSRF on every posted
form, permissions from the table, and the password set through the API and the CLI."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from creditline.access.sessions import SetPassword, set_password
from creditline.api.app import create_app
from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.cli import _register
from creditline.cli import app as cli_app
from creditline.web.app import PAGES
from tests.conftest import ADMIN, create_user

PASSWORD = "console-pass-2026"
_register()  # the command groups (the console script does this in main)


@pytest.fixture
def web(sqlite_container: Container) -> Iterator[TestClient]:
    create_user(sqlite_container, "rita", Role.REVIEWER)
    create_user(sqlite_container, "audrey", Role.AUDITOR)
    for name in ("rita", "audrey"):
        set_password(SetPassword(name, PASSWORD), sqlite_container.uow(), SYSTEM)
    with TestClient(create_app(sqlite_container), base_url="https://console.test") as c:
        yield c


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    form = client.get("/console/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token
    r = client.post("/console/login", data={"csrf": token.group(1), "name": name,
                                            "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/console").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_the_session_cookie_is_httponly_strict_and_secure_over_https(web: TestClient) -> None:
    form = web.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token
    bad = web.post("/console/login", data={"csrf": token.group(1), "name": "rita",
                                           "password": "nope-nope-nope"},
                   follow_redirects=False)
    assert bad.status_code == 401 and "Wrong user name or password." in bad.text
    form = web.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token
    r = web.post("/console/login", data={"csrf": token.group(1), "name": "rita",
                                         "password": PASSWORD}, follow_redirects=False)
    cookie = next(v for k, v in r.headers.multi_items()
                  if k == "set-cookie" and v.startswith("creditline_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    assert "Path=/console" in cookie
    assert web.get("/console/reviews").headers["cache-control"] == "no-store"


def test_a_sign_in_form_without_its_token_is_refused(web: TestClient) -> None:
    r = web.post("/console/login", data={"name": "rita", "password": PASSWORD},
                 follow_redirects=False)
    assert r.status_code == 403 and "creditline_session=" not in r.headers.get("set-cookie", "")


def test_every_console_form_refuses_a_post_without_the_csrf_token(web: TestClient) -> None:
    sign_in(web, "rita")
    routes = [r for name in PAGES for r in importlib.import_module(name).router.routes]
    posts = [r for r in routes if isinstance(r, APIRoute) and "POST" in r.methods
             and r.path != "/console/login"]
    assert len(posts) >= 9
    for route in posts:
        path = route.path.replace("{review_id}", "x").replace("{name}", "rita")
        # a file upload (a rules folder tried before it goes live) is posted as multipart
        files = ({"tables": ("manifest.json", b"{}", "application/json")}
                 if path.endswith("/candidate") else None)
        r = web.post(path, data={"decision": "approved", "comment": "c", "locale": "zh"},
                     files=files, follow_redirects=False)
        assert r.status_code == 403, (path, r.status_code)
        assert "CSRF" in r.text
        r = web.post(path, data={"csrf": "forged", "locale": "zh"}, files=files,
                     follow_redirects=False)
        assert r.status_code == 403, path
    # nothing changed: still English, still signed in
    assert "Review queue" in web.get("/console/reviews").text


def test_pages_follow_the_permission_table(web: TestClient) -> None:
    assert web.get("/console/reviews", follow_redirects=False).status_code == 303
    sign_in(web, "audrey")
    assert web.get("/console/audit").status_code == 200
    r = web.get("/console/users")
    assert r.status_code == 403 and "users:read" in r.text
    assert web.get("/console/reviews").status_code == 403
    page = web.get("/console").text
    assert 'href="/console/audit"' in page and 'href="/console/users"' not in page


def test_an_admin_sets_a_password_through_the_api_and_the_cli(
        web: TestClient, sqlite_container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    create_user(sqlite_container, "carl", Role.COLLECTOR)
    r = web.put("/v1/users/carl/password", headers=ADMIN, json={"password": "short"})
    assert r.status_code == 422 and "password" in r.text
    r = web.put("/v1/users/carl/password", headers=ADMIN, json={"password": "carl-pass-2026x"})
    assert r.status_code == 204
    sign_in(web, "carl", "carl-pass-2026x")
    rita = create_user(sqlite_container, "rita2", Role.REVIEWER)
    assert web.put("/v1/users/carl/password", headers=rita,
                   json={"password": "stolen-pass-2026"}).status_code == 403

    monkeypatch.setenv("CREDITLINE_SECRET_KEY", sqlite_container.settings.secret_key or "")
    url = sqlite_container.settings.database_url
    got = CliRunner().invoke(cli_app, ["users", "set-password", "carl", "--password-stdin",
                                       "--db", url], input="carl-new-pass-2026\n")
    assert got.exit_code == 0, got.output
    assert "console password of carl set" in got.output
    got = CliRunner().invoke(cli_app, ["users", "set-password", "carl", "--password-stdin",
                                       "--db", url], input="tiny\n")
    assert got.exit_code != 0


def test_an_auditor_finds_a_customer_by_phone_and_sees_it_masked(web: TestClient) -> None:
    from tests.api.test_applications_support import person, register
    register(web, person(901))
    csrf = sign_in(web, "audrey")
    page = web.post("/console/search", data={"csrf": csrf, "phone": "+86 138 0000 0901"}).text
    assert "Applicant 901" in page and "138****0901" in page
    assert "13800000901" not in page  # the clear number never reaches a role without PII
    assert "Nobody found." in web.post("/console/search",
                                       data={"csrf": csrf, "phone": "13800000999"}).text
