"""Token rules without a database: the strength bar for CREDITLINE_ADMIN_TOKEN, lifetimes
per role, merchant bindings, and the failed-authentication throttle."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from creditline.access.throttle import FailureThrottle
from creditline.access.tokens import (
    TokenPolicy,
    check_admin_token,
    check_merchants,
    token_strength_bits,
)
from creditline.auth import Role
from creditline.errors import ValidationError
from creditline.settings import Settings


@pytest.mark.parametrize("weak", [
    "t" * 32,  # one character repeated: no entropy at all
    "admin",  # short
    "test-admin-token-0123456789",  # 27 characters
    "abababababababababababababababab",  # 32 characters, 2 distinct: 32 bits
    "0123456789" * 3 + "01",  # 32 characters, 10 distinct: 106 bits
    " " + "Vb7Qe2Lr9Tz4Mx8Kc3Hn6Wd1Pf5Gy0JsAa",  # a stray space from a copy and paste
])
def test_a_weak_admin_token_is_refused_naming_the_variable_and_the_rule(weak: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_admin_token(weak)
    assert err.value.field == "CREDITLINE_ADMIN_TOKEN"
    assert "at least 32 characters" in err.value.rule and "128 bits" in err.value.rule


@pytest.mark.parametrize("make", [
    lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(32),
    lambda: "cl_" + secrets.token_urlsafe(32), lambda: None],
    ids=["token_urlsafe", "token_hex", "cl_prefixed", "unset"])
def test_generated_tokens_pass(make: Callable[[], str | None]) -> None:
    for _ in range(200):  # any draw, not one lucky one
        check_admin_token(make())


def test_strength_is_length_times_log2_of_distinct_characters() -> None:
    assert token_strength_bits("ab" * 16) == 32
    assert token_strength_bits("0123456789abcdef" * 2) == 128


def test_lifetimes_per_role_come_from_the_settings() -> None:
    policy = Settings(token_days_service=5, token_days_auditor=2).token_policy()
    issued = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert policy.expires_at(Role.SERVICE, issued) == issued + timedelta(days=5)
    assert policy.expires_at(Role.AUDITOR, issued) == issued + timedelta(days=2)
    assert policy.expires_at(Role.ADMIN, issued) == issued + timedelta(days=7)  # default
    naive = issued.replace(tzinfo=None)  # as SQLite hands it back
    assert policy.expires_at(Role.SERVICE, naive) == issued + timedelta(days=5)
    assert TokenPolicy().lifetime(Role.SERVICE) == timedelta(days=90)


def test_only_service_users_are_bound_to_merchants_and_they_must_be() -> None:
    assert check_merchants(Role.SERVICE, ["M1", "M2", "M1"]) == ("M1", "M2")
    with pytest.raises(ValidationError, match="at least one merchant"):
        check_merchants(Role.SERVICE, [])
    with pytest.raises(ValidationError, match="only service users"):
        check_merchants(Role.AUDITOR, ["M1"])
    with pytest.raises(ValidationError, match="1-200 characters"):
        check_merchants(Role.SERVICE, [""])


def test_the_throttle_refuses_after_the_limit_and_forgives_after_the_window() -> None:
    t = FailureThrottle(limit=3, window=60)
    for at in (0.0, 1.0, 2.0):
        assert t.retry_after("10.0.0.1", at) == 0
        t.failed("10.0.0.1", at)
    assert t.retry_after("10.0.0.1", 2.5) == 58  # until the first failure is 60 s old
    assert t.retry_after("10.0.0.2", 2.5) == 0  # another client is not affected
    assert t.retry_after("10.0.0.1", 60.0) == 0  # the first failure left the window
    t.failed("10.0.0.1", 60.0)
    assert t.retry_after("10.0.0.1", 60.5) == 1  # three again within 60 s: until 61.0


def test_the_throttle_s_memory_is_bounded() -> None:
    t = FailureThrottle(limit=2, window=60, max_clients=100)
    for i in range(1000):
        t.failed(f"10.0.{i // 256}.{i % 256}", 0.0)
    assert len(t._fails) == 100
