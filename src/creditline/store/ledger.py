"""The journal in the database: entries and postings, appended only.

Single entries (purchases, repayments) arrive as ``JournalEntry`` objects, already checked
by their constructor.  Batches (end of day, benchmarks) arrive as columns and are checked
column-wise (``journal.check_columns``) before they are written; PostgreSQL takes them by
``COPY`` and checks every entry again at commit with a deferred constraint trigger."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import BigInteger, func, insert, select
from sqlalchemy.orm import Session

from creditline.ledger.journal import JournalEntry, Posting, UnbalancedEntry, check_columns
from creditline.money import CURRENCY
from creditline.store.tables.servicing import journal_entries, postings
from creditline.store.types import from_cents

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


class SqlLedgerRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    @property
    def _pg(self) -> bool:
        return bool(self.s.get_bind().dialect.name == "postgresql")

    def post(self, entries: Sequence[JournalEntry]) -> None:
        """Append checked entries and their postings."""
        if not entries:
            return
        now = self.uow.now()
        self.s.execute(insert(journal_entries), [
            {"id": e.id, "business_date": e.business_date, "kind": e.kind, "line_id": e.line_id,
             "ref": e.ref, "memo": e.memo[:200], "reverses": e.reverses, "created_at": now}
            for e in entries])
        self.s.execute(insert(postings), [
            {"entry_id": e.id, "line_id": p.line_id, "account": p.account, "amount": p.amount,
             "currency": p.currency, "memo": p.memo[:20]}
            for e in entries for p in e.postings])

    def post_columns(self, *, entry_ids: Sequence[str], business_date: date, kind: str,
                     entry_line_ids: Sequence[str | None], memo: str,
                     entry_index: np.ndarray, line_ids: Sequence[str | None],
                     accounts: Sequence[str], amount_cents: np.ndarray,
                     memos: Sequence[str]) -> int:
        """Append a batch given as columns: one row per entry (``entry_ids``...) and one per
        posting (``entry_index`` points into the entries).  Checked before writing."""
        problems = check_columns(entry_index, amount_cents)
        if problems:
            raise UnbalancedEntry("batch refused: " + "; ".join(problems))
        if not len(entry_ids):
            return 0
        now = self.uow.now()
        ids = np.asarray(entry_ids, dtype=object)
        if self._pg:
            self._copy_pg(ids, business_date, kind, entry_line_ids, memo, now, entry_index,
                          line_ids, accounts, amount_cents, memos)
        else:  # the driver's executemany: no per-row SQLAlchemy parameter handling
            cur = self.s.connection().connection.cursor()
            try:
                d, ts = business_date.isoformat(), now.strftime("%Y-%m-%d %H:%M:%S.%f")
                cur.executemany(
                    "INSERT INTO journal_entries (id, business_date, kind, line_id, memo, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [(i, d, kind, li, memo, ts) for i, li in zip(entry_ids, entry_line_ids)])
                cur.executemany(
                    "INSERT INTO postings (entry_id, line_id, account, amount, currency, memo) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    list(zip(ids[np.asarray(entry_index)].tolist(), list(line_ids),
                             list(accounts), np.asarray(amount_cents, dtype=np.int64).tolist(),
                             [CURRENCY] * len(accounts), list(memos))))
            finally:
                cur.close()
        return len(amount_cents)

    def _copy_pg(self, ids: np.ndarray, business_date: date, kind: str,
                 entry_line_ids: Sequence[str | None], memo: str, now: Any,
                 entry_index: np.ndarray, line_ids: Sequence[str | None],
                 accounts: Sequence[str], amount_cents: np.ndarray, memos: Sequence[str]) -> None:
        """PostgreSQL ``COPY`` of entries then postings, in this transaction (the deferred
        trigger still checks every entry at commit)."""
        raw = self.s.connection().connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        with cur.copy("COPY journal_entries (id, business_date, kind, line_id, memo, created_at) "
                      "FROM STDIN") as cp:
            buf = io.StringIO()
            d, ts = business_date.isoformat(), now.isoformat()
            for i, li in zip(ids.tolist(), entry_line_ids):
                buf.write(f"{i}\t{d}\t{kind}\t{li if li is not None else chr(92) + 'N'}\t{memo}\t{ts}\n")
            cp.write(buf.getvalue())
        with cur.copy("COPY postings (entry_id, line_id, account, amount, currency, memo) "
                      "FROM STDIN") as cp:
            buf = io.StringIO()
            eids = ids[np.asarray(entry_index)].tolist()
            amounts = np.asarray(amount_cents, dtype=np.int64).tolist()
            for e, li, a, amt, m in zip(eids, line_ids, accounts, amounts, memos):
                buf.write(f"{e}\t{li if li is not None else chr(92) + 'N'}\t{a}\t{amt}\t{CURRENCY}\t{m}\n")
            cp.write(buf.getvalue())

    # ----- reading
    def trial_balance(self) -> list[tuple[str, str, Decimal]]:
        rows = self.s.execute(select(postings.c.account, postings.c.currency, _cents_sum())
                              .group_by(postings.c.account, postings.c.currency)
                              .order_by(postings.c.account)).all()
        return [(a, c, from_cents(int(s or 0))) for a, c, s in rows]

    def sums_by_line(self, line_ids: Sequence[str] | None = None) -> dict[str, dict[str, Decimal]]:
        """Signed posting sums per line and account (the per-line sub-ledger)."""
        q = (select(postings.c.line_id, postings.c.account, _cents_sum())
             .group_by(postings.c.line_id, postings.c.account))
        if line_ids is not None:
            q = q.where(postings.c.line_id.in_(list(line_ids)))
        out: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for line_id, account, total in self.s.execute(q):
            if line_id is not None:
                out[line_id][account] = from_cents(int(total or 0))
        return dict(out)

    def unbalanced_entries(self, limit: int = 20) -> list[str]:
        q = (select(postings.c.entry_id).group_by(postings.c.entry_id, postings.c.currency)
             .having(_cents_sum() != 0).limit(limit))
        bad = [r[0] for r in self.s.execute(q)]
        q2 = (select(postings.c.entry_id).group_by(postings.c.entry_id)
              .having(func.count() < 2).limit(limit))
        return sorted(set(bad) | {r[0] for r in self.s.execute(q2)})

    def entries(self, *, line_id: str | None = None, limit: int = 100,
                before: date | None = None) -> list[JournalEntry]:
        q = select(journal_entries)
        if line_id is not None:
            q = q.where(journal_entries.c.line_id == line_id)
        if before is not None:
            q = q.where(journal_entries.c.business_date < before)
        rows = self.s.execute(q.order_by(journal_entries.c.business_date.desc(),
                                         journal_entries.c.created_at.desc(),
                                         journal_entries.c.id).limit(limit)).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        by_entry: dict[str, list[Posting]] = defaultdict(list)
        for p in self.s.execute(select(postings).where(postings.c.entry_id.in_(ids))
                                .order_by(postings.c.id)):
            by_entry[p.entry_id].append(Posting(p.account, p.amount, p.line_id, p.currency, p.memo))
        return [JournalEntry(r.id, r.business_date, r.kind, tuple(by_entry[r.id]),
                             line_id=r.line_id, ref=r.ref, memo=r.memo, reverses=r.reverses)
                for r in rows]

    def count_postings(self) -> int:
        return int(self.s.execute(select(func.count()).select_from(postings)).scalar() or 0)


def _cents_sum() -> Any:
    """SUM of posting amounts as plain integer cents (not through the ``Money`` type)."""
    return func.sum(postings.c.amount, type_=BigInteger)
