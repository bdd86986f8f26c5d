"""Reading the optional blocks of an application (assets, obligations, statements,
mitigants...) from plain mappings: one place for the shape rules, so every refusal names the
field path the client wrote (``assets.1.declared_value``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from creditline.errors import ValidationError
from creditline.money import to_money

T = TypeVar("T")


def parse_list(items: object, field: str, parse: Callable[[Mapping[str, Any], str], T],
               *, what: str, max_items: int = 20) -> tuple[T, ...]:
    """``parse(item, "field.i")`` over a list of objects (None is an empty list)."""
    if items is None:
        return ()
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise ValidationError(field, f"must be a list of {what}")
    if len(items) > max_items:
        raise ValidationError(field, f"must hold at most {max_items} items")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ValidationError(f"{field}.{i}", f"must be an object: {what}")
        out.append(parse(item, f"{field}.{i}"))
    return tuple(out)


def _path(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def choice(data: Mapping[str, Any], key: str, field: str, allowed: Sequence[str]) -> str:
    value = data.get(key)
    if value not in allowed:
        raise ValidationError(_path(field, key), f"must be one of: {', '.join(allowed)}")
    return str(value)


def text(data: Mapping[str, Any], key: str, field: str, *, max_len: int = 200,
         required: bool = False) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > max_len:
        raise ValidationError(_path(field, key), f"must be text of 1 to {max_len} characters")
    return value.strip()


def amount(data: Mapping[str, Any], key: str, field: str, *, required: bool = True,
           allow_zero: bool = False) -> Decimal | None:
    """Money at ``data[key]`` (a decimal string), never negative."""
    value = data.get(key)
    if value is None:
        if required:
            raise ValidationError(_path(field, key), "is required")
        return None
    return to_money(value, _path(field, key), allow_zero=allow_zero)
