"""Property-based fuzzing of every route from the OpenAPI schema (schemathesis), on both
stores, as an admin: no answer may be a server error, every status must be one the route
documents, every answer must match its documented schema (error answers the one
``ErrorBody``), and input the schema forbids must be refused with a 4xx.

The run is bounded and reproducible for CI: a fixed number of examples per operation and
mode (``FUZZ_EXAMPLES``; default 25 on PostgreSQL, the production store, whose stricter
types and text rules are where the store-specific failures were found, and 10 on SQLite,
which mostly repeats the same routes' code), derandomized (the same cases every run), no example
database.  Half the cases use the ids of a small seeded book for path parameters, so reads
and writes reach real objects, not only 404s."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.test_applications_support import (
    GOOD_BUREAU,
    REFER_BUREAU,
    enterprise,
    person,
    register,
)
from tests.conftest import ADMIN

EXAMPLES = {"postgresql": 25, "sqlite": 10}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]


def seed_book(api: TestClient) -> dict[str, str]:
    """A small book: an approved applicant with a line and a purchase, a referred one in
    review, an enterprise with proposed special terms, a blacklist entry."""
    ids: dict[str, str] = {}
    good = register(api, person(901))
    r = api.post("/v1/applications", headers=ADMIN, json={
        "customer_id": good, "product": "consumer_bnpl", "channel": "app",
        "bureau": GOOD_BUREAU})
    assert r.status_code == 201 and r.json()["line_id"], r.text
    ids |= {"customer_id": good, "application_id": r.json()["id"],
            "line_id": r.json()["line_id"]}
    r = api.post(f"/v1/credit-lines/{ids['line_id']}/purchases",
                 headers={**ADMIN, "Idempotency-Key": "seed-1"},
                 json={"amount": "300.00", "merchant": "JD Mall", "merchant_category": "phones",
                       "installments": 3})
    assert r.status_code == 201, r.text
    ids["purchase_id"] = r.json()["id"]
    referred = register(api, person(902, income="6000.00", employment="freelancer"))
    r = api.post("/v1/applications", headers=ADMIN, json={
        "customer_id": referred, "product": "consumer_bnpl", "channel": "app",
        "bureau": REFER_BUREAU})
    assert r.status_code == 201 and r.json()["review_id"], r.text
    ids["review_id"] = r.json()["review_id"]
    firm = register(api, enterprise(903))
    r = api.post("/v1/special-terms", headers=ADMIN, json={
        "customer_id": firm, "limit": "2000000.00", "terms": "quarterly accounts"})
    assert r.status_code == 201, r.text
    ids["terms_id"] = r.json()["id"]
    r = api.post("/v1/blacklist", headers=ADMIN, json={
        "kind": "device", "value": "dev-fuzz-1", "reason": "seed"})
    assert r.status_code == 201, r.text
    ids["entry_id"] = r.json()["id"]
    r = api.post(f"/v1/credit-lines/{ids['line_id']}/limit", headers=ADMIN, json={
        "limit": "40000.00", "reason": "seed: a raise that waits for a second person"})
    assert r.status_code == 202, r.text
    ids["proposal_id"] = r.json()["id"]
    models = api.get("/v1/models", headers=ADMIN).json()["items"]
    if models:
        ids |= {"model_id": models[0]["id"], "name": models[0]["name"]}
    return ids


def examples(api: TestClient) -> int:
    """Examples per operation and mode on this client's store (``FUZZ_EXAMPLES`` wins)."""
    dialect = api.app.state.container.engine.dialect.name
    return int(os.environ.get("FUZZ_EXAMPLES", EXAMPLES[dialect]))


def fuzz(api: TestClient) -> tuple[list[str], int]:
    """Run every operation in both generation modes; return the failures and the count of
    cases sent."""
    known = seed_book(api)
    n = examples(api)
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    failures: list[str] = []
    sent = 0

    def send(case: Any, use_known: bool, checks: list[Any]) -> None:
        nonlocal sent
        if use_known and case.path_parameters:
            for name in case.path_parameters:
                if name in known:
                    case.path_parameters[name] = known[name]
        headers = {**ADMIN}
        if case.operation.path.endswith(("/purchases", "/repayments", "/returns", "/refunds")):
            headers["Idempotency-Key"] = f"fuzz-{sent}"
        sent += 1
        case.call_and_validate(headers=headers, checks=checks)

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, checks in ((GenerationMode.POSITIVE, CHECKS),
                             (GenerationMode.NEGATIVE, NEGATIVE_CHECKS)):
            run = settings(max_examples=n, derandomize=True, database=None,
                           deadline=None, phases=[Phase.explicit, Phase.generate],
                           suppress_health_check=list(HealthCheck))(
                given(case=operation.as_strategy(generation_mode=mode),
                      use_known=st.booleans(), checks=st.just(checks))(send))
            try:
                run()
            except Unsatisfiable:  # nothing to break: e.g. no parameters at all
                continue
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then report all
                failures.append(f"{operation.label} [{mode.value}]: {exc}"[:3000])
    return failures, sent


@pytest.mark.slow
def test_every_route_survives_the_fuzzer_on_both_stores(api: TestClient) -> None:
    started = time.perf_counter()
    failures, sent = fuzz(api)
    seconds = time.perf_counter() - started
    print(f"fuzzed {sent} cases in {seconds:.1f} s")
    assert not failures, "\n\n".join(failures)
    assert sent > 0
