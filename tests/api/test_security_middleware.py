"""The HTTP edge: failed authentication is throttled (2,000 random tokens no longer get
2,000 x 401), answers carry security headers, and the API docs can be switched off."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creditline.api.app import create_app
from creditline.bootstrap import Container, bootstrap
from creditline.clock import FixedClock
from creditline.settings import Settings
from tests.conftest import ADMIN, BOOTSTRAP_TOKEN, SECRET, auth, seed_admin


def _container(tmp_path: Path, clock: FixedClock, **settings: object) -> Container:
    c = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'edge.db'}",
                           admin_token=BOOTSTRAP_TOKEN, secret_key=SECRET, data_dir=tmp_path,
                           **settings), clock=clock)  # type: ignore[arg-type]
    seed_admin(c)
    return c


@pytest.fixture
def edge(tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    c = _container(tmp_path, clock, auth_fail_limit=10, auth_fail_window_seconds=60)
    yield c
    c.dispose()


# -- throttling --------------------------------------------------------------------------
def test_two_thousand_random_tokens_get_ten_401s_and_then_429s(edge: Container) -> None:
    api = TestClient(create_app(edge))
    seen: Counter[int] = Counter()
    retry_after = set()
    for _ in range(2000):
        r = api.get("/v1/customers/x", headers=auth("cl_" + secrets.token_urlsafe(32)))
        seen[r.status_code] += 1
        if r.status_code == 429:
            retry_after.add(r.headers["retry-after"])
            assert r.json()["code"] == "too_many_requests"
    assert seen == {401: 10, 429: 1990}
    assert all(1 <= int(s) <= 60 for s in retry_after)
    # while refused, even a good token from that client waits (it is not looked up at all)
    assert api.get("/v1/users", headers=ADMIN).status_code == 429


def test_the_refusal_ends_with_the_window_and_other_clients_are_unaffected(
        tmp_path: Path, clock: FixedClock) -> None:
    c = _container(tmp_path, clock, auth_fail_limit=3, auth_fail_window_seconds=1)
    try:
        app = create_app(c)
        api = TestClient(app)
        assert [api.get("/v1/users").status_code for _ in range(4)] == [401, 401, 401, 429]
        assert api.get("/v1/users").headers["retry-after"] == "1"
        other = TestClient(app, client=("10.9.9.9", 40000))
        assert other.get("/v1/users", headers=ADMIN).status_code == 200
        time.sleep(1.1)  # the window passes
        assert api.get("/v1/users", headers=ADMIN).status_code == 200
    finally:
        c.dispose()


def test_missing_tokens_count_as_failures_and_successes_do_not(edge: Container) -> None:
    api = TestClient(create_app(edge))
    for _ in range(50):
        assert api.get("/v1/users", headers=ADMIN).status_code == 200
    statuses = [api.get("/v1/users").status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]


def test_a_throttled_request_is_refused_before_its_body_is_read(edge: Container) -> None:
    api = TestClient(create_app(edge))
    for _ in range(10):
        api.get("/v1/users", headers=auth("wrong"))
    r = api.post("/v1/customers", content=b"{" * 1_000_000, headers=auth("wrong"))
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


# -- headers ----------------------------------------------------------------------------------
def test_every_v1_answer_is_no_store_and_nosniff(sqlite_api: TestClient) -> None:
    for r in (sqlite_api.get("/v1/users", headers=ADMIN),
              sqlite_api.get("/v1/customers/nobody", headers=ADMIN),  # an error answer too
              sqlite_api.get("/v1/users")):  # and a 401
        assert r.headers["cache-control"] == "no-store", r.url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in r.headers  # plain http
    health = sqlite_api.get("/healthz")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert "cache-control" not in health.headers


def test_hsts_over_tls_or_when_the_setting_says_so(sqlite_container: Container,
                                                   tmp_path: Path, clock: FixedClock) -> None:
    tls = TestClient(create_app(sqlite_container), base_url="https://testserver")
    assert tls.get("/healthz").headers["strict-transport-security"].startswith("max-age=")
    behind_proxy = _container(tmp_path, clock, hsts=True)
    try:
        r = TestClient(create_app(behind_proxy)).get("/healthz")
        assert "max-age=31536000" in r.headers["strict-transport-security"]
    finally:
        behind_proxy.dispose()


def test_docs_are_served_by_default_and_can_be_switched_off(
        sqlite_api: TestClient, tmp_path: Path, clock: FixedClock) -> None:
    for path in ("/docs", "/openapi.json"):  # /redoc is off: it would need a CDN
        assert sqlite_api.get(path).status_code == 200, path
    prod = _container(tmp_path, clock, api_docs=False)
    try:
        api = TestClient(create_app(prod))
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert api.get(path).status_code == 404, path
        assert api.get("/v1/users", headers=ADMIN).status_code == 200  # the API itself works
    finally:
        prod.dispose()


def test_docs_setting_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITLINE_API_DOCS", "false")
    monkeypatch.setenv("CREDITLINE_HSTS", "true")
    s = Settings()
    assert s.api_docs is False and s.hsts is True
