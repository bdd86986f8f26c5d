"""Collecting field errors, so one 422 answer lists every broken field at once instead of
making the caller fix them one round-trip at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from creditline.errors import ValidationError

T = TypeVar("T")


class FieldErrors:
    """Run checks, remember each ``ValidationError``, and raise them together at the end."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def check(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``fn(*args, **kwargs)``, or ``None`` after recording the error it raised."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.errors.append(exc)
            return None

    def add(self, field: str, rule: str) -> None:
        self.errors.append(ValidationError(field, rule))

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def raise_if_any(self) -> None:
        """Raise one ``ValidationError``: the first field names it, ``details`` lists all."""
        if not self.errors:
            return
        first = self.errors[0]
        if len(self.errors) == 1:
            raise first
        combined = ValidationError(first.field, first.rule)
        combined.details = [d for e in self.errors for d in e.details]
        combined.message = "; ".join(e.message for e in self.errors)
        combined.args = (combined.message,)
        raise combined


def text(value: object, field: str, *, max_len: int, required: bool = True) -> str | None:
    """A trimmed, non-blank string of at most ``max_len`` characters (``None`` if optional
    and absent)."""
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    v = value.strip()
    if not v:
        if not required:
            return None
        raise ValidationError(field, "must not be blank")
    if len(v) > max_len:
        raise ValidationError(field, f"must be at most {max_len} characters")
    return v


def one_of(value: object, field: str, allowed: frozenset[str] | tuple[str, ...],
           *, required: bool = True) -> str | None:
    """A value from a fixed vocabulary (lower-cased)."""
    if value is None and not required:
        return None
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    raise ValidationError(field, "must be one of: " + ", ".join(sorted(allowed)))
