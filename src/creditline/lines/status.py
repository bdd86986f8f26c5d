"""Credit line status machine (DESIGN): ``active ⇄ frozen``, ``active ⇄ suspended``
(reinstatement after collections), ``active|frozen|suspended → closing → closed``.

``closing`` takes no new purchases while the balance runs off; end of day closes the line
once nothing is owed and no credit balance is left.  Only ``active`` lines may purchase.
"""

from __future__ import annotations

from enum import StrEnum

from creditline.errors import Conflict, ValidationError


class LineStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    SUSPENDED = "suspended"
    CLOSING = "closing"
    CLOSED = "closed"


TRANSITIONS: dict[LineStatus, frozenset[LineStatus]] = {
    LineStatus.ACTIVE: frozenset({LineStatus.FROZEN, LineStatus.SUSPENDED, LineStatus.CLOSING}),
    LineStatus.FROZEN: frozenset({LineStatus.ACTIVE, LineStatus.CLOSING}),
    LineStatus.SUSPENDED: frozenset({LineStatus.ACTIVE, LineStatus.CLOSING}),
    LineStatus.CLOSING: frozenset({LineStatus.CLOSED}),
    LineStatus.CLOSED: frozenset(),
}

# small integers for the vectorized kernel
STATUS_CODE: dict[LineStatus, int] = {s: i for i, s in enumerate(LineStatus)}
CODE_STATUS: dict[int, LineStatus] = {i: s for s, i in STATUS_CODE.items()}


def parse_status(value: object, field: str = "status") -> LineStatus:
    try:
        return LineStatus(str(value))
    except ValueError:
        raise ValidationError(field, "must be one of " + ", ".join(s.value for s in LineStatus)) from None


def check_transition(current: LineStatus, target: LineStatus, *, owed_nothing: bool) -> None:
    """Refuse a move the machine does not allow (409); ``closed`` also needs a zero balance."""
    if target == current:
        raise Conflict(f"line is already {current.value}")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none"
        raise Conflict(f"status cannot go from {current.value} to {target.value} "
                       f"(allowed from {current.value}: {allowed})")
    if target == LineStatus.CLOSED and not owed_nothing:
        raise Conflict("a line closes only when nothing is owed and no credit balance is left")
