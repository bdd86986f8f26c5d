"""One line per customer and product that is not closed, on both stores: the service refuses
a second one by name, and the store itself refuses it too (a partial unique index), so two
requests racing past the service's check cannot both open a line.  A closed line does not
count: the customer can open the product again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.errors import Conflict
from creditline.lines.status import LineStatus
from creditline.servicing import services as sv
from tests.integration.servicing_support import open_line


def _copy_of(container: Container, line_id: str, **changes: Any) -> None:
    """Insert a copy of a line beside it, as a request that raced past the check would."""
    with container.uow() as uow:
        line = uow.lines.get(line_id)
        assert line is not None
        uow.lines.add(replace(line, id=f"{line_id[:30]}-copy", **changes))
        uow.commit()


def test_a_second_open_line_of_the_product_is_refused_by_the_service(container: Container) -> None:
    line = open_line(container)
    with pytest.raises(Conflict, match=f"already has an open consumer_bnpl line \\({line.id}\\)"):
        sv.open_line(sv.OpenLine(line.customer_id, "consumer_bnpl", "500.00"), container.uow(),
                     SYSTEM)


def test_the_store_refuses_a_second_open_line_even_past_the_service(container: Container) -> None:
    line = open_line(container)
    with pytest.raises(Conflict, match="already has an open consumer_bnpl line"):
        _copy_of(container, line.id)
    with container.uow() as uow:
        assert [x.id for x in uow.lines.of_customer(line.customer_id)] == [line.id]


def test_a_closed_line_does_not_block_a_new_one(container: Container, tmp_path: Path) -> None:
    line = open_line(container)
    _copy_of(container, line.id, status=LineStatus.CLOSED)  # closed lines may pile up
    sv.set_status(sv.SetStatus(line.id, "closing", "customer asked"), container.uow(), SYSTEM)
    sv.set_status(sv.SetStatus(line.id, "closed", "nothing owed"), container.uow(), SYSTEM)
    again = sv.open_line(sv.OpenLine(line.customer_id, "consumer_bnpl", "800.00"),
                         container.uow(), SYSTEM)
    assert again.id != line.id and again.status == "active"
