"""A book's fingerprint (``store.fingerprint``, what the crash tests compare): two copies of a
book agree table for table, and one changed value shows in its table and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from creditline.clock import FixedClock
from creditline.store.fingerprint import differing, fingerprint
from creditline.store.scratch import create_database, drop_database
from tests.conftest import PG_URL, make_container
from tests.integration.servicing_support import open_line


@pytest.mark.postgres
def test_a_copy_agrees_and_one_changed_limit_shows_in_credit_lines_only(
        pg_database: str, tmp_path: Path, clock: FixedClock) -> None:
    c = make_container(pg_database, tmp_path, clock)
    for limit in ("3000.00", "5000.00", "5000.00"):  # two rows alike: a multiset, not a set
        open_line(c, limit)
    c.dispose()
    copy = create_database(PG_URL, "cl_", template=pg_database)
    try:
        engines = [create_engine(u) for u in (pg_database, copy)]
        with engines[0].connect() as a, engines[1].connect() as b:
            first, second = fingerprint(a), fingerprint(b)
            assert first["credit_lines"][0] == 3 and differing(first, second) == []
            changed = b.execute(text(
                "UPDATE credit_lines SET credit_limit = credit_limit + 1 WHERE credit_limit = "
                "(SELECT min(credit_limit) FROM credit_lines)"))
            assert changed.rowcount == 1
            b.commit()
            assert differing(first, fingerprint(b)) == ["credit_lines"]
        for e in engines:
            e.dispose()
    finally:
        drop_database(copy, PG_URL)
