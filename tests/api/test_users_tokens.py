"""Users and tokens through the API, as an operator and an attacker would try them: the
bootstrap token only makes named admins, tokens expire per role, rotation and revocation
take effect on the very next request, and every change names who made it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from creditline.api.app import create_app
from creditline.bootstrap import Container, bootstrap
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from creditline.settings import Settings
from tests.conftest import ADMIN, ADMIN_NAME, BOOTSTRAP, BOOTSTRAP_TOKEN, SECRET, auth, seed_admin


def make_user(api: TestClient, name: str, role: str, headers: dict[str, str] = ADMIN,
              **extra: Any) -> dict[str, Any]:
    r = api.post("/v1/users", json={"name": name, "role": role, **extra}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def audit(api: TestClient) -> list[tuple[str, str, str]]:
    entries = api.get("/v1/audit", params={"entity": "user"}, headers=ADMIN).json()["items"]
    return [(e["actor"], e["action"], e["details"]["name"]) for e in entries]


# -- the bootstrap token --------------------------------------------------------------------
def test_the_bootstrap_token_only_creates_named_admins_who_then_act_under_their_names(
        api: TestClient) -> None:
    listed = api.get("/v1/users", headers=BOOTSTRAP)
    assert listed.status_code == 200 and [u["name"] for u in listed.json()["items"]] == [ADMIN_NAME]
    refused = api.get("/v1/customers/anyone", headers=BOOTSTRAP)
    assert refused.status_code == 403 and "CREDITLINE_ADMIN_TOKEN" in refused.json()["message"]
    not_admin = api.post("/v1/users", json={"name": "eve", "role": "auditor"}, headers=BOOTSTRAP)
    assert not_admin.status_code == 403 and "only create admin" in not_admin.json()["message"]
    ann = make_user(api, "ops-ann", "admin", BOOTSTRAP)
    assert ann["token"].startswith("cl_") and ann["user"]["role"] == "admin"
    make_user(api, "aud-bo", "auditor", auth(ann["token"]))
    assert audit(api) == [("bootstrap-token", "user.created", "ops-ann"),
                          ("ops-ann", "user.created", "aud-bo")]
    assert ann["token"] not in str(api.get("/v1/audit", headers=ADMIN).json())


@pytest.mark.parametrize("weak", ["t" * 32, "test-admin-token-0123456789"])
def test_a_weak_admin_token_stops_the_start(tmp_path: Path, weak: str) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", admin_token=weak,
                        secret_key=SECRET, data_dir=tmp_path)
    with pytest.raises(ValidationError) as err:
        bootstrap(settings)
    assert err.value.field == "CREDITLINE_ADMIN_TOKEN" and "32 characters" in err.value.rule
    assert not (tmp_path / "x.db").exists()  # refused before anything was opened


# -- creating and listing ----------------------------------------------------------------
def test_admins_create_users_and_list_them_without_tokens(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    shop = make_user(api, "shop-1", "service", merchants=["M1", "M2"])
    assert shop["user"]["merchants"] == ["M1", "M2"]
    users = {u["name"]: u for u in api.get("/v1/users", headers=ADMIN).json()["items"]}
    assert set(users) == {ADMIN_NAME, "shop-1", *(f"user-{r}" for r in role_headers)}
    s = users["shop-1"]
    assert (s["role"], s["status"], s["merchants"], s["revoked_at"]) == (
        "service", "active", ["M1", "M2"], None)
    assert s["created_at"] == "2026-03-02T02:00:00Z"
    assert all("token" not in u for u in users.values()) and shop["token"] not in str(users)


def test_users_are_listed_a_page_at_a_time_with_a_cursor_and_a_total(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    """Created in the same instant, the users still page in a stable order (the id breaks
    the tie), each once, and every page counts them all."""
    make_user(api, "shop-1", "service", merchants=["M1"])
    everyone = api.get("/v1/users", headers=ADMIN).json()
    names: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        got = api.get("/v1/users", params=params, headers=ADMIN).json()
        assert len(got["items"]) <= 2 and got["total"] == everyone["total"] == len(role_headers) + 2
        names += [u["name"] for u in got["items"]]
        if got["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": got["next_cursor"]}
    assert names == [u["name"] for u in everyone["items"]] and len(set(names)) == len(names)
    bad = api.get("/v1/users", params={"cursor": "not-ours"}, headers=ADMIN)
    assert bad.status_code == 422 and "cursor" in bad.text
    for role in ("risk_officer", "auditor", "service"):
        assert api.get("/v1/users", headers=role_headers[role]).status_code == 403
        assert api.post("/v1/users", json={"name": "x", "role": "auditor"},
                        headers=role_headers[role]).status_code == 403


@pytest.mark.parametrize(("body", "field", "status"), [
    ({"name": "shop", "role": "service"}, "merchants", 422),
    ({"name": "ann", "role": "auditor", "merchants": ["M1"]}, "merchants", 422),
    ({"name": "", "role": "auditor"}, "name", 422),
    ({"name": "x" * 101, "role": "auditor"}, "name", 422),
    ({"name": "bob", "role": "superuser"}, "role", 422),
    ({"name": ADMIN_NAME, "role": "admin"}, "already exists", 409),
])
def test_bad_users_are_refused_naming_the_field(sqlite_api: TestClient, body: dict[str, Any],
                                               field: str, status: int) -> None:
    before = sqlite_api.get("/v1/users", headers=ADMIN).json()
    r = sqlite_api.post("/v1/users", json=body, headers=ADMIN)
    assert r.status_code == status and field in r.text
    assert sqlite_api.get("/v1/users", headers=ADMIN).json() == before


# -- revocation and rotation ----------------------------------------------------------------
def test_revocation_takes_effect_on_the_next_request(api: TestClient) -> None:
    bo = make_user(api, "aud-bo", "auditor")
    assert api.get("/v1/audit", headers=auth(bo["token"])).status_code == 200
    revoked = api.post("/v1/users/aud-bo/revoke", headers=ADMIN)
    assert revoked.status_code == 200
    assert (revoked.json()["status"], revoked.json()["revoked_by"]) == ("revoked", ADMIN_NAME)
    r = api.get("/v1/audit", headers=auth(bo["token"]))
    assert r.status_code == 401 and "revoked" in r.json()["message"]
    assert api.post("/v1/users/aud-bo/revoke", headers=ADMIN).status_code == 409
    assert api.post("/v1/users/aud-bo/rotate", headers=ADMIN).status_code == 409
    assert api.post("/v1/users/nobody/revoke", headers=ADMIN).status_code == 404
    assert audit(api)[-1] == (ADMIN_NAME, "user.revoked", "aud-bo")


def test_rotation_replaces_the_token_at_once(api: TestClient) -> None:
    bo = make_user(api, "aud-bo", "auditor")
    rotated = api.post("/v1/users/aud-bo/rotate", headers=ADMIN)
    assert rotated.status_code == 200
    new = rotated.json()["token"]
    assert new != bo["token"]
    assert api.get("/v1/audit", headers=auth(bo["token"])).status_code == 401
    assert api.get("/v1/audit", headers=auth(new)).status_code == 200
    assert audit(api)[-1] == (ADMIN_NAME, "user.token_rotated", "aud-bo")


def test_users_may_rotate_and_revoke_their_own_token_but_nobody_else_s(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    own = sqlite_api.post("/v1/users/user-auditor/rotate", headers=role_headers["auditor"])
    assert own.status_code == 200
    mine = auth(own.json()["token"])
    other = sqlite_api.post("/v1/users/user-reviewer/revoke", headers=mine)
    assert other.status_code == 403 and "users:manage" in other.json()["message"]
    assert sqlite_api.post("/v1/users/user-auditor/revoke", headers=mine).status_code == 200
    assert sqlite_api.get("/v1/audit", headers=mine).status_code == 401
    boot = sqlite_api.post("/v1/users/user-reviewer/revoke", headers=BOOTSTRAP)
    assert boot.status_code == 403


# -- expiry ----------------------------------------------------------------------------------
@pytest.fixture
def short_lived(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[TestClient, Container]]:
    """Lifetimes as set in the environment: auditors 2 days, service users 5, admins default."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'short.db'}",
                        admin_token=BOOTSTRAP_TOKEN, secret_key=SECRET, data_dir=tmp_path,
                        token_days_auditor=2, token_days_service=5)
    container = bootstrap(settings, clock=clock)
    seed_admin(container)
    with TestClient(create_app(container)) as api:
        yield api, container
    container.dispose()


def test_tokens_expire_per_role_and_a_rotation_starts_the_clock_again(
        short_lived: tuple[TestClient, Container], clock: FixedClock) -> None:
    api, _ = short_lived
    bo = make_user(api, "aud-bo", "auditor")
    shop = make_user(api, "shop", "service", merchants=["M1"])
    assert bo["user"]["expires_at"] == "2026-03-04T02:00:00Z"
    assert shop["user"]["expires_at"] == "2026-03-07T02:00:00Z"
    clock.advance(days=2)
    expired = api.get("/v1/audit", headers=auth(bo["token"]))
    assert expired.status_code == 401
    assert "expired at 2026-03-04T02:00:00+00:00" in expired.json()["message"]
    assert api.get("/v1/purchases/x", headers=auth(shop["token"])).status_code == 404  # alive
    # the default admin lifetime is 7 days: rotate the admin's own token to keep going
    statuses = {u["name"]: u["status"]
                for u in api.get("/v1/users", headers=ADMIN).json()["items"]}
    assert statuses == {ADMIN_NAME: "active", "aud-bo": "expired", "shop": "active"}
    rotated = api.post("/v1/users/aud-bo/rotate", headers=ADMIN).json()
    assert rotated["user"]["expires_at"] == "2026-03-06T02:00:00Z"
    assert api.get("/v1/audit", headers=auth(rotated["token"])).status_code == 200
    clock.advance(days=5)
    r = api.get("/v1/users", headers=ADMIN)
    assert r.status_code == 401 and "creditline users rotate test-admin" in r.json()["message"]
    assert api.get("/v1/users", headers=BOOTSTRAP).status_code == 200  # the way back in
