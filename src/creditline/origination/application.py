"""The application record: what was asked, what screening found, what scored and what the
policy decided, kept whole so a later ruleset can be replayed over it.

States: ``approved`` | ``declined`` | ``referred``; a referred application moves to
``approved`` or ``declined`` when its review is decided (``policy_decision`` keeps what the
automated policy said).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from creditline.fraud.velocity import ApplicationKeys

APPROVED, DECLINED, REFERRED = "approved", "declined", "referred"
STATUSES = (APPROVED, DECLINED, REFERRED)


@dataclass(frozen=True)
class Application:
    id: str
    customer_id: str
    kind: str
    product: str
    channel: str
    status: str
    policy_decision: str
    requested_limit: Decimal | None
    granted_limit: Decimal
    score: float | None
    pd: float | None
    band: str | None
    keys: ApplicationKeys
    inputs: dict[str, Any]
    checks: dict[str, Any]
    features: dict[str, Any]
    facts: dict[str, Any]
    policy: dict[str, Any]
    reasons: list[dict[str, str]]
    ring: dict[str, Any] | None
    model_id: str | None
    model_name: str | None
    model_version: int | None
    rules_version: str
    rules_hash: str
    elapsed_ms: float
    created_at: datetime
    shadow: dict[str, Any] | None = None
    line_id: str | None = None
    decided_at: datetime | None = None
    version: int = 1
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # keyed hash of the home address given with the application (a ring link; fraudq)
    address_hash: str | None = None
