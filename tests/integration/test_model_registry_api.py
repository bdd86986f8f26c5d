"""The registry over HTTP: who may register, promote and score; the champion serves."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from creditline.scoring import Scorecard
from creditline.scoring.registry import data_fingerprint
from tests.unit.scoring.simdata import simulate


@pytest.fixture(scope="module")
def model_body() -> dict:
    book = simulate(1500, seed=31)
    card = Scorecard().fit(book.X, book.y)
    d = card.to_dict()
    d["training"] = {"data_fingerprint": data_fingerprint(book.X, book.y),
                     "holdout": {"auc": 0.72}}
    return {"name": "bnpl_a_card", "model": d, "row": book.X.iloc[0].to_dict(),
            "score": card.score_one(book.X.iloc[0].to_dict())}


def test_register_promote_and_score(api: TestClient, role_headers: dict, model_body: dict) -> None:
    ro, svc = role_headers["risk_officer"], role_headers["service"]
    created = api.post("/v1/models", json={"name": model_body["name"], "model": model_body["model"]},
                       headers=ro)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["version"], body["status"], body["metrics"]) == (1, "candidate", {"auc": 0.72})
    # nothing to serve before a promotion
    none = api.post("/v1/models/by-name/bnpl_a_card/score",
                    json={"key": "app-1", "application": model_body["row"]}, headers=svc)
    assert none.status_code == 404
    promoted = api.post(f"/v1/models/{body['id']}/promote", headers=ro)
    assert promoted.status_code == 200 and promoted.json()["status"] == "champion"
    scored = api.post("/v1/models/by-name/bnpl_a_card/score",
                      json={"key": "app-1", "application": model_body["row"]}, headers=svc)
    assert scored.status_code == 200, scored.text
    out = scored.json()
    assert out["score"] == pytest.approx(model_body["score"])
    assert out["model"]["version"] == 1 and out["shadow"] is None
    assert all(r["code"].startswith("A_") for r in out["reasons"])


def test_roles_are_enforced(sqlite_api: TestClient, role_headers: dict, model_body: dict) -> None:
    reviewer = role_headers["reviewer"]
    assert sqlite_api.post("/v1/models", json={"name": "x", "model": model_body["model"]},
                           headers=reviewer).status_code == 403
    created = sqlite_api.post("/v1/models", json={"name": "x", "model": model_body["model"]},
                              headers=role_headers["admin"]).json()
    assert sqlite_api.post(f"/v1/models/{created['id']}/promote",
                           headers=reviewer).status_code == 403
    listed = sqlite_api.get("/v1/models", headers=role_headers["auditor"])
    assert listed.status_code == 200 and listed.json()["total"] == 1
    assert [m["id"] for m in listed.json()["items"]] == [created["id"]]
    assert listed.json()["next_cursor"] is None
    assert sqlite_api.get("/v1/models").status_code == 401


def test_challenger_and_bad_input(sqlite_api: TestClient, role_headers: dict,
                                  model_body: dict) -> None:
    ro = role_headers["risk_officer"]
    a = sqlite_api.post("/v1/models", json={"name": "c", "model": model_body["model"]},
                        headers=ro).json()
    b = sqlite_api.post("/v1/models", json={"name": "c", "model": model_body["model"]},
                        headers=ro).json()
    # two versions, a page of one each: the cursor walks them in order, counted
    first = sqlite_api.get("/v1/models", params={"name": "c", "limit": 1}, headers=ro).json()
    second = sqlite_api.get("/v1/models", params={"name": "c", "limit": 1,
                                                  "cursor": first["next_cursor"]},
                            headers=ro).json()
    assert first["total"] == second["total"] == 2 and second["next_cursor"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {a["id"], b["id"]}
    sqlite_api.post(f"/v1/models/{a['id']}/promote", headers=ro)
    ch = sqlite_api.post(f"/v1/models/{b['id']}/challenger", json={"share": 1.0}, headers=ro)
    assert ch.status_code == 200 and ch.json()["shadow_share"] == 1.0
    scored = sqlite_api.post("/v1/models/by-name/c/score",
                             json={"key": "k", "application": model_body["row"]}, headers=ro).json()
    assert scored["shadow"]["model_id"] == b["id"]
    bad = sqlite_api.post(f"/v1/models/{b['id']}/challenger", json={"share": 2}, headers=ro)
    assert bad.status_code == 422
    missing = dict(model_body["row"])
    del missing["age"]
    r = sqlite_api.post("/v1/models/by-name/c/score", json={"key": "k", "application": missing},
                        headers=ro)
    assert r.status_code == 422 and "age" in r.json()["message"]
    no_fp = {k: v for k, v in model_body["model"].items() if k != "training"}
    r = sqlite_api.post("/v1/models", json={"name": "d", "model": no_fp}, headers=ro)
    assert r.status_code == 422 and "data_fingerprint" in r.json()["message"]
