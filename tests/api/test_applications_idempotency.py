"""A checkout that times out retries its application with the same Idempotency-Key: it gets
the same application back, decided once (one line, one audit entry, one review item), and a
key reused with another body is refused without deciding anything."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from creditline.bootstrap import Container
from creditline.store.tables.foundation import audit_log
from creditline.store.tables.origination import applications, reviews
from creditline.store.tables.servicing import credit_lines
from tests.api.test_applications_support import GOOD_BUREAU, REFER_BUREAU, apply, person, register
from tests.conftest import ADMIN


def _count(container: Container, table: object) -> int:
    with container.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_retried_approval_answers_the_same_application_and_opens_one_line(
        api: TestClient, container: Container) -> None:
    cid = register(api, person(40))
    key = {**ADMIN, "Idempotency-Key": "checkout-7f3a-0001"}
    first = apply(api, cid, key, requested_limit="8000.00", bureau=GOOD_BUREAU)
    assert first.status_code == 201 and first.json()["decision"] == "approved"
    audit_before = _count(container, audit_log)
    again = apply(api, cid, key, requested_limit="8000.00", bureau=GOOD_BUREAU)
    assert again.status_code == 201 and again.json()["replayed"] is True
    a, b = first.json(), again.json()
    assert (b["id"], b["line_id"], b["limit"]) == (a["id"], a["line_id"], a["limit"])
    assert first.json()["replayed"] is False
    assert _count(container, applications) == 1 and _count(container, credit_lines) == 1
    assert _count(container, audit_log) == audit_before  # nothing decided, nothing recorded
    # without the key the same request is a new application: refused, a line is open
    assert apply(api, cid, requested_limit="8000.00", bureau=GOOD_BUREAU).status_code == 409


def test_a_retried_referral_answers_the_same_review(api: TestClient, container: Container) -> None:
    cid = register(api, person(41, income="6000.00", employment="freelancer"))
    key = {**ADMIN, "Idempotency-Key": "app-retry-41"}
    first = apply(api, cid, key, bureau=REFER_BUREAU).json()
    again = apply(api, cid, key, bureau=REFER_BUREAU).json()
    assert first["decision"] == "referred" and again["review_id"] == first["review_id"]
    assert _count(container, reviews) == 1


def test_a_key_reused_with_another_body_is_409_and_decides_nothing(
        api: TestClient, container: Container) -> None:
    cid = register(api, person(42))
    key = {**ADMIN, "Idempotency-Key": "k-42"}
    assert apply(api, cid, key, requested_limit="5000.00", bureau=GOOD_BUREAU).status_code == 201
    other = apply(api, cid, key, requested_limit="9000.00", bureau=GOOD_BUREAU)
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["message"]
    assert _count(container, applications) == 1
    bad = apply(api, cid, {**ADMIN, "Idempotency-Key": "x" * 201}, bureau=GOOD_BUREAU)
    assert bad.status_code == 422 and "Idempotency-Key" in bad.text
