"""Hostile input, as an attacker sent it (issue 11): each of these was a 500 or worse, and
each is now a clean 4xx in the one error shape that names the problem, with nothing written.

Clock: 2026-03-02 02:00 UTC.  A "book" here is one approved applicant with a line."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from creditline.bootstrap import Container
from creditline.paging import encode_seq_cursor
from creditline.store.tables.foundation import audit_log
from tests.api.test_applications_support import GOOD_BUREAU, person, register
from tests.conftest import ADMIN

ERROR_KEYS = {"code", "message", "detail"}


def error(r: Any, status: int) -> dict[str, Any]:
    """Assert the answer is ``status`` in the one error shape and return its body."""
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) >= ERROR_KEYS, body
    assert isinstance(body["message"], str) and body["message"]
    assert all({"loc", "msg"} <= set(d) for d in body["detail"]), body
    return body


def audit_rows(container: Container) -> int:
    with container.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(audit_log)).scalar_one())


def approved_line(api: TestClient, i: int = 1) -> str:
    customer = register(api, person(i))
    r = api.post("/v1/applications", headers=ADMIN, json={
        "customer_id": customer, "product": "consumer_bnpl", "channel": "app",
        "bureau": GOOD_BUREAU})
    assert r.status_code == 201 and r.json()["line_id"], r.text
    return str(r.json()["line_id"])


def raw(api: TestClient, method: str, url: str, text: str,
        headers: dict[str, str] | None = None) -> Any:
    """Send ``text`` as the body byte for byte (``json=`` would re-encode it)."""
    return api.request(method, url, content=text.encode("utf-8", "surrogatepass"),
                       headers={**ADMIN, "Content-Type": "application/json", **(headers or {})})


# -- NUL bytes (a 500 on PostgreSQL, which refuses them in text) ----------------------------
PATHS_WITH_NUL = ["/v1/customers/%00", "/v1/credit-lines/%00", "/v1/purchases/a%00b",
                  "/v1/reviews/%00", "/v1/applications/%00", "/v1/special-terms/%00",
                  "/v1/models/%00"]
QUERIES_WITH_NUL = ["/v1/blacklist?kind=%00", "/v1/applications?customer_id=%00",
                    "/v1/credit-lines?customer_id=x%00", "/v1/audit?entity=%00",
                    "/v1/ledger/entries?line_id=%00", "/v1/special-terms?status=%00",
                    "/v1/models?name=%00"]


def test_a_nul_byte_in_a_path_or_query_is_a_400_naming_where(api: TestClient) -> None:
    for url in PATHS_WITH_NUL:
        body = error(api.get(url, headers=ADMIN), 400)
        assert "NUL" in body["message"] and body["detail"][0]["loc"] == ["path"], url
    for url in QUERIES_WITH_NUL:
        body = error(api.get(url, headers=ADMIN), 400)
        name = url.split("?")[1].split("=")[0]
        assert body["detail"][0]["loc"] == ["query", name] and name in body["message"], url


def test_a_nul_byte_anywhere_in_a_body_is_a_400_naming_the_field_and_writes_nothing(
        api: TestClient, container: Container) -> None:
    line = approved_line(api)
    before = audit_rows(container)
    cases = [
        ("POST", "/v1/customers", {**person(2), "name": "Li\u0000Lei"}, ["name"]),
        ("POST", "/v1/customers", {**person(3), "consents": {"credit\u0000": True}},
         ["consents", "credit\\x00"]),
        ("POST", "/v1/blacklist", {"kind": "device", "value": "d\u0000", "reason": "x"},
         ["value"]),
        ("POST", f"/v1/credit-lines/{line}/purchases",
         {"amount": "10.00", "merchant": "JD\u0000", "merchant_category": "phones"},
         ["merchant"]),
        ("POST", "/v1/models/by-name/x/score",
         {"key": "k", "application": {"a": ["ok", "b\u0000"]}}, ["application", "a", 1]),
    ]
    for method, url, payload, loc in cases:
        r = api.request(method, url, json=payload, headers={**ADMIN, "Idempotency-Key": "n1"})
        body = error(r, 400)
        assert body["detail"][0]["loc"] == loc and "NUL" in body["message"], body
    assert audit_rows(container) == before
    assert api.get(f"/v1/credit-lines/{line}", headers=ADMIN).json()["used"] == "0.00"


# -- integers past 64 bits (a database overflow) -------------------------------------------
def test_integers_past_64_bits_in_a_query_are_a_422_naming_the_parameter(
        api: TestClient) -> None:
    for url, name in [("/v1/audit?cursor=99999999999999999999", "cursor"),
                      ("/v1/blacklist?cursor=99999999999999999999", "cursor"),
                      ("/v1/reviews?cursor=99999999999999999999", "cursor"),
                      ("/v1/blacklist?limit=99999999999999999999", "limit")]:
        body = error(api.get(url, headers=ADMIN), 422)
        assert body["detail"][0]["loc"] == [name], url


def test_the_largest_64_bit_offset_is_still_answered(api: TestClient) -> None:
    # every list pages by cursor (README, "Browsing the book"); the audit's is a seq
    assert api.get("/v1/blacklist?limit=200", headers=ADMIN).json() == {
        "items": [], "next_cursor": None, "total": 0}
    last = api.get("/v1/audit", headers=ADMIN,
                   params={"cursor": encode_seq_cursor(2**62 - 1)}).json()
    assert (last["items"], last["next_cursor"]) == ([], None)


# -- lone surrogates (cannot be encoded to UTF-8) ------------------------------------------
def test_an_unpaired_surrogate_is_a_400_naming_the_field(api: TestClient,
                                                          container: Container) -> None:
    before = audit_rows(container)
    text = json.dumps(person(4)).replace('"Applicant 4"', '"\\ud800"')
    body = error(raw(api, "POST", "/v1/customers", text), 400)
    assert body["detail"][0]["loc"] == ["name"] and "surrogate" in body["message"]
    text = '{"kind": "device", "value": "v", "reason": "r", "\\udfff": 1}'  # a key
    body = error(raw(api, "POST", "/v1/blacklist", text), 400)
    assert "surrogate" in body["message"]
    assert audit_rows(container) == before


def test_a_surrogate_pair_is_an_ordinary_character(sqlite_api: TestClient) -> None:
    text = json.dumps({**person(5), "name": "Li \U0001F600"})  # "\ud83d\ude00", a pair
    assert "\\ud83d\\ude00" in text
    r = raw(sqlite_api, "POST", "/v1/customers", text)
    assert r.status_code == 201 and r.json()["name"] == "Li \U0001F600"


# -- size and parse limits, before authentication -------------------------------------------
def test_a_body_over_the_limit_is_a_413_before_authentication(sqlite_api: TestClient) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    r = sqlite_api.post("/v1/customers", content=big,
                        headers={"Content-Type": "application/json"})  # no token at all
    body = error(r, 413)
    assert "limit of 1048576 bytes" in body["message"]


def test_a_streamed_body_without_length_is_counted_and_cut_at_the_limit(
        sqlite_api: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    r = sqlite_api.post("/v1/customers", content=chunks(),
                        headers={"Content-Type": "application/json"})
    error(r, 413)


def test_the_body_limit_is_a_setting(tmp_path: Any, clock: Any) -> None:
    from creditline.api.app import create_app
    from creditline.bootstrap import bootstrap
    from creditline.settings import Settings
    from tests.conftest import ADMIN_TOKEN, SECRET

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'small.db'}", admin_token=ADMIN_TOKEN,
                        secret_key=SECRET, data_dir=tmp_path, max_body_bytes=200)
    container = bootstrap(settings, clock=clock)
    try:
        with TestClient(create_app(container)) as api:
            body = error(api.post("/v1/customers", json=person(6), headers=ADMIN), 413)
            assert "limit of 200 bytes" in body["message"]
    finally:
        container.dispose()


def test_a_body_with_many_keys_is_refused_at_once(sqlite_api: TestClient) -> None:
    many = {f"k{i}": 0 for i in range(60_000)}  # under 1 MiB, 60,000 keys
    text = json.dumps({**person(7), **many})
    assert len(text) < 1024 * 1024
    started = time.perf_counter()
    body = error(raw(sqlite_api, "POST", "/v1/customers", text), 400)
    assert time.perf_counter() - started < 2.0
    assert body["code"] == "too_many_items"


def test_deep_nesting_duplicate_keys_and_non_json_are_refused(sqlite_api: TestClient) -> None:
    deep = '{"key": "k", "application": ' + "[" * 5000 + "]" * 5000 + "}"
    assert error(raw(sqlite_api, "POST", "/v1/models/by-name/x/score", deep),
                 400)["code"] == "too_deep"
    dup = '{"kind": "device", "value": "a", "value": "b", "reason": "r"}'
    assert "duplicate key 'value'" in error(raw(sqlite_api, "POST", "/v1/blacklist", dup),
                                            400)["message"]
    assert "not valid JSON" in error(raw(sqlite_api, "POST", "/v1/blacklist", '{"kind": '),
                                     400)["message"]
    assert error(raw(sqlite_api, "POST", "/v1/blacklist", '{"value": NaN}'),
                 400)["code"] == "malformed_request"
    r = sqlite_api.post("/v1/blacklist", content=b"kind=device", headers={
        **ADMIN, "Content-Type": "application/x-www-form-urlencoded"})
    assert "must be JSON" in error(r, 415)["message"]


# -- amounts and integers: the documented ASCII decimal format, real integers --------------
BAD_AMOUNTS: list[object] = ["１００", "١٠٠", " 100.00", "100.00 ", "1e2", "+100", ".5", "100.",
                             "1_000", "100.001", 100, 100.5, True]


def test_an_amount_in_any_other_form_is_a_422_naming_the_field_and_books_nothing(
        api: TestClient, container: Container) -> None:
    line = approved_line(api)
    before = audit_rows(container)
    for amount in BAD_AMOUNTS:
        r = api.post(f"/v1/credit-lines/{line}/purchases",
                     headers={**ADMIN, "Idempotency-Key": "a1"},
                     json={"amount": amount, "merchant": "JD Mall", "merchant_category": "phones"})
        assert error(r, 422)["detail"][0]["loc"] == ["amount"], amount
        r = api.post(f"/v1/credit-lines/{line}/repayments",
                     headers={**ADMIN, "Idempotency-Key": "a2"}, json={"amount": amount})
        assert error(r, 422)["detail"][0]["loc"] == ["amount"], amount
    assert audit_rows(container) == before
    assert api.get(f"/v1/credit-lines/{line}", headers=ADMIN).json()["used"] == "0.00"


def test_the_documented_amount_forms_are_booked(sqlite_api: TestClient) -> None:
    line = approved_line(sqlite_api)
    for amount, booked in [("100", "100.00"), ("100.5", "100.50"), ("100.50", "100.50")]:
        r = sqlite_api.post(f"/v1/credit-lines/{line}/purchases",
                            headers={**ADMIN, "Idempotency-Key": f"ok-{amount}"},
                            json={"amount": amount, "merchant": "JD Mall",
                                  "merchant_category": "phones"})
        assert r.status_code == 201, r.text
        assert r.json()["amount"] == booked


def test_installments_must_be_a_real_integer(sqlite_api: TestClient) -> None:
    line = approved_line(sqlite_api)
    for installments in [True, "3", 3.0]:
        r = sqlite_api.post(f"/v1/credit-lines/{line}/purchases",
                            headers={**ADMIN, "Idempotency-Key": "i1"},
                            json={"amount": "100.00", "merchant": "JD Mall",
                                  "merchant_category": "phones", "installments": installments})
        assert error(r, 422)["detail"][0]["loc"] == ["installments"], installments
    assert sqlite_api.get(f"/v1/credit-lines/{line}/purchases",
                          headers=ADMIN).json()["items"] == []


def test_income_in_other_digits_is_refused_at_registration(sqlite_api: TestClient) -> None:
    r = sqlite_api.post("/v1/customers", headers=ADMIN,
                        json={**person(8), "monthly_income": "１２０００"})
    assert error(r, 422)["detail"][0]["loc"] == ["monthly_income"]


# -- found by the fuzzer --------------------------------------------------------------------
def test_a_query_parameter_given_twice_is_a_400(sqlite_api: TestClient) -> None:
    body = error(sqlite_api.get("/v1/audit?entity=line&entity=customer", headers=ADMIN), 400)
    assert body["detail"][0]["loc"] == ["query", "entity"] and "more than once" in body["message"]


def test_a_date_must_be_written_as_a_date(sqlite_api: TestClient) -> None:
    for day in [0, 20260301, "2026-3-1", "20260301"]:
        body = error(sqlite_api.post("/v1/eod", headers=ADMIN, json={"business_date": day}), 422)
        assert body["detail"][0]["loc"] == ["business_date"] and "YYYY-MM-DD" in body["message"]


def test_a_query_parameter_the_route_does_not_take_is_a_422(sqlite_api: TestClient) -> None:
    body = error(sqlite_api.get("/v1/blacklist?ofset=5", headers=ADMIN), 422)
    assert body["detail"][0]["loc"] == ["ofset"] and "not a parameter" in body["message"]
    assert sqlite_api.get("/v1/blacklist?limit=2", headers=ADMIN).status_code == 200
