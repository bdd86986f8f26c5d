"""The port through which servicing commands close a line's missing days.

A command on a line whose end of day is behind (its last closed day before yesterday)
first closes the missing days for that line, so every money event is dated after the
line's last closed day.  That work is the end-of-day pipeline's (``creditline.batch``),
run on the one line -- but servicing must not import ``batch`` (the engine imports the
domain, never the reverse).  So servicing names what it needs here, and the composition
root (``creditline.bootstrap``) hands every unit of work an implementation wired to the
container's pipeline (``uow.catch_up``).  An attribute on the unit of work rather than a
fourth service argument: every command already receives the unit of work, the catch-up
must run inside its transaction (the line is locked), and the ``(cmd, uow, actor)``
convention stays as it is.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from creditline.uow import UnitOfWork


class CatchUp(Protocol):
    def __call__(self, uow: UnitOfWork, line_id: str, last_eod: date, through: date) -> object:
        """Close days ``last_eod + 1 .. through`` for one line, in the caller's transaction
        (the line already locked), running every end-of-day stage on it."""


def catch_up_of(uow: UnitOfWork) -> CatchUp:
    """The catch-up wired into this unit of work; a clear error if none was."""
    port = getattr(uow, "catch_up", None)
    if port is None:
        raise RuntimeError("this unit of work has no end-of-day catch-up wired "
                           "(build it through creditline.bootstrap)")
    return port  # type: ignore[no-any-return]
