"""Idempotency keys as commands carry them (the ``Idempotency-Key`` header): a client that
retries a purchase, a repayment or an application after a timeout sends the same key and
gets the first answer back instead of a second effect.  The store keeps the keys
(``uow.idempotency``); this checks the key itself."""

from __future__ import annotations

from creditline.errors import ValidationError

MAX_LENGTH = 200


def check_key(value: object) -> str | None:
    """The key, ``None`` when none was sent; a 422 naming the header when it is malformed."""
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_LENGTH:
        raise ValidationError("Idempotency-Key", f"must be 1-{MAX_LENGTH} characters")
    return value
