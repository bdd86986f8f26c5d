"""A transaction's outbox events are written together when it commits, in the order they
were emitted, and not at all when it does not commit (on both stores)."""

from __future__ import annotations

from creditline.bootstrap import Container


def _pending(container: Container) -> list[tuple[str, dict[str, object]]]:
    with container.uow() as uow:
        return [(e.topic, e.payload) for e in uow.notifications.pending_events(100)]


def test_events_land_in_emit_order_at_commit_and_vanish_without_it(
        container: Container) -> None:
    before = _pending(container)
    uow = container.uow()
    with uow:
        uow.emit("line.opened", {"line_id": "L1", "step": 1})
        uow.emit("notification.requested", {"line_id": "L1", "step": 2})
        uow.emit("line.frozen", {"line_id": "L1", "step": 3})
        uow.commit()
    with uow:  # a command that fails before committing announces nothing
        uow.emit("line.opened", {"line_id": "L2"})
    with uow:
        uow.emit("line.opened", {"line_id": "L3"})
        uow.rollback()
    assert _pending(container)[len(before):] == [
        ("line.opened", {"line_id": "L1", "step": 1}),
        ("notification.requested", {"line_id": "L1", "step": 2}),
        ("line.frozen", {"line_id": "L1", "step": 3})]
