"""The limit strategy keeps every line's facts on its statement day: on PostgreSQL they are
written with COPY (100,000 rows on a busy day), so the facts must come back exactly as the
strategy wrote them -- quotes, tabs, backslashes, newlines and Chinese included -- and a
rerun of the day must replace a line's row, not add one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditline.clock import FixedClock
from creditline.lines.behaviour_ports import StrategySnapshot
from tests.conftest import make_container

pytestmark = pytest.mark.postgres


def test_snapshots_come_back_as_written_and_a_rerun_replaces_them(
        pg_database: str, tmp_path: Path, clock: FixedClock) -> None:
    c = make_container(pg_database, tmp_path, clock)
    try:
        facts = {"status": "active", "pd": 0.0123, "limit": "1234.50", "monthly_income": None,
                 "opted_out": False, "note": 'a "tab"\there, a back\\slash, 中文\nand a newline'}
        day = date(2026, 3, 1)
        first = [StrategySnapshot(f"line-{i}", day, facts, "increase", Decimal("1500.50"), "v1")
                 for i in range(3)]
        with c.uow() as uow:
            uow.behaviour.save_snapshots(first)
            uow.commit()
        again = [StrategySnapshot("line-0", day, {**facts, "pd": 0.5}, "decrease",
                                  Decimal("900.00"), "v2")]
        with c.uow() as uow:  # the day run again for one line
            uow.behaviour.save_snapshots(again)
            uow.commit()
        with c.uow() as uow:
            got = {s.line_id: s for batch in uow.behaviour.snapshots(day, day) for s in batch}
        assert sorted(got) == ["line-0", "line-1", "line-2"]
        assert got["line-1"] == first[1] and got["line-2"] == first[2]
        assert got["line-0"] == again[0]
    finally:
        c.dispose()
