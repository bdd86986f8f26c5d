"""Token rules, pure: how long a token lives, what a strong bootstrap token is, what a user
name and a merchant binding may look like.  No I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from creditline.auth import Role
from creditline.errors import ValidationError

ADMIN_TOKEN_VARIABLE = "CREDITLINE_ADMIN_TOKEN"
MIN_ADMIN_TOKEN_LENGTH = 32
MIN_ADMIN_TOKEN_BITS = 128

# Defaults also written in ``Settings`` (where they are configured); see the reasons there.
DEFAULT_DAYS: dict[Role, int] = {
    Role.ADMIN: 7, Role.RISK_OFFICER: 30, Role.REVIEWER: 30, Role.COLLECTOR: 30,
    Role.AUDITOR: 30, Role.SERVICE: 90,
}


def token_strength_bits(token: str) -> float:
    """A conservative entropy estimate: length x log2(distinct characters used).  It cannot
    see a dictionary word, but it refuses short values and repeated characters (``"t" * 32``
    scores 0 bits), and a value from ``secrets.token_urlsafe(32)`` or ``openssl rand -hex 32``
    scores well above the bar."""
    distinct = len(set(token))
    return len(token) * math.log2(distinct) if distinct > 1 else 0.0


def check_admin_token(token: str | None) -> None:
    """Refuse a weak ``CREDITLINE_ADMIN_TOKEN`` at start, naming the variable and the rule."""
    if token is None:
        return
    rule = (f"must be at least {MIN_ADMIN_TOKEN_LENGTH} characters with at least "
            f"{MIN_ADMIN_TOKEN_BITS} bits of estimated entropy (length x log2 of the distinct "
            "characters); generate one with: python -c \"import secrets; "
            "print(secrets.token_urlsafe(32))\"")
    if token != token.strip() or len(token) < MIN_ADMIN_TOKEN_LENGTH:
        raise ValidationError(ADMIN_TOKEN_VARIABLE, rule)
    if token_strength_bits(token) < MIN_ADMIN_TOKEN_BITS:
        raise ValidationError(ADMIN_TOKEN_VARIABLE, rule)


@dataclass(frozen=True)
class TokenPolicy:
    """The bootstrap token and the lifetime of a token per role."""

    bootstrap_token: str | None = None
    days: Mapping[Role, int] = field(default_factory=lambda: dict(DEFAULT_DAYS))

    def lifetime(self, role: Role) -> timedelta:
        return timedelta(days=self.days.get(role, DEFAULT_DAYS[role]))

    def expires_at(self, role: Role, issued_at: datetime) -> datetime:
        return as_utc(issued_at) + self.lifetime(role)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were written UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def check_user_name(name: object, field: str = "name") -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValidationError(field, "must be 1-100 characters")
    if name != name.strip() or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValidationError(field, "must not start or end with spaces or hold control "
                                     "characters")
    return name


def check_merchants(role: Role, merchants: Iterable[object], field: str = "merchants",
                    ) -> tuple[str, ...]:
    """A ``service`` user must name at least one merchant (it may only buy as them); other
    roles act for the lender and take none."""
    out: list[str] = []
    for m in merchants:
        if not isinstance(m, str) or not m.strip() or len(m) > 200:
            raise ValidationError(field, "each merchant must be 1-200 characters")
        if m not in out:
            out.append(m)
    if role is Role.SERVICE and not out:
        raise ValidationError(field, "a service user must be bound to at least one merchant "
                                     "(the merchants its checkout sells for)")
    if role is not Role.SERVICE and out:
        raise ValidationError(field, f"only service users are bound to merchants, not "
                                     f"{role.value}")
    return tuple(out)
