"""Behaviour scoring's and the limit strategy's storage (``lines.behaviour_ports``): bulk
reads of a partition's purchases, statements, feature history and strategy facts, bulk
writes of the day's feature rows (COPY on PostgreSQL) and decisions.

A partition's visited lines are sparse in its id range once quiet lines are skipped, so
every read names the lines (``= ANY`` on PostgreSQL; ``IN`` lists of at most 10,000 ids on
SQLite, within its bound-parameter limit) instead of an id range.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import ARRAY, JSON, String, Table, any_, bindparam, delete, insert, select, update

from creditline.lines.behaviour import FEATURES, STATEMENTS_KEPT, PurchaseRows, StatementRows
from creditline.lines.behaviour_ports import (
    BehaviourHistory,
    DecisionRow,
    StrategyRow,
    StrategySettings,
    StrategySnapshot,
)
from creditline.products.catalog import terms_product
from creditline.store.eod_columns import SqlEodColumns
from creditline.store.tables.behaviour import (
    behaviour_scores,
    line_strategy,
    strategy_decisions,
    strategy_snapshots,
)
from creditline.store.tables.servicing import credit_lines
from creditline.store.types import aware, from_cents

_CHUNK = 10_000
SCORE_COLUMNS = ("line_id", "business_date", "dpd", *FEATURES, "score", "pd", "model")


def _day_of(v: Any) -> date | None:
    if v is None:
        return None
    return v if isinstance(v, date) else date.fromisoformat(str(v))


class SqlBehaviourRepository(SqlEodColumns):
    """Reads and writes in bulk; reuses the end-of-day column I/O's driver-level helpers."""

    # ----- reads naming the lines
    def _read(self, sql: str, ids: Sequence[str], params: dict[str, Any], *,
              copy: bool = True) -> dict[str, Any]:
        """Run ``sql`` (``{ids}`` marks where the id filter goes) for the ids, in chunks on
        SQLite; columns concatenated.  ``copy=False``: plain rows on PostgreSQL too (for
        reads of text, dates and nulls that Arrow's CSV typing would turn into numpy)."""
        if self.dialect == "postgresql":
            q, p = sql.format(ids=f"= ANY({self._p('ids')})"), {**params, "ids": list(ids)}
            return self._columns(q, p) if copy else self._fetch(q, p)
        out: dict[str, list[Any]] = {}
        for k in range(0, len(ids), _CHUNK):
            p = dict(params)
            names = [f"id{i}" for i in range(len(ids[k:k + _CHUNK]))]
            p.update(zip(names, ids[k:k + _CHUNK]))
            got = self._columns(sql.format(ids=f"IN ({', '.join(':' + n for n in names)})"), p)
            for name, values in got.items():
                out.setdefault(name, []).extend(values)
        return out

    def _fetch(self, sql: str, params: dict[str, Any]) -> dict[str, Any]:
        cur = self._cursor()
        try:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        finally:
            cur.close()
        return {n: [r[i] for r in rows] for i, n in enumerate(names)}

    def _dates(self, **days: date) -> dict[str, Any]:
        return {k: self._date(v) for k, v in days.items()}

    def history(self, line_ids: Sequence[str], day: date) -> BehaviourHistory:
        n = len(line_ids)
        row_of = {lid: i for i, lid in enumerate(line_ids)}
        p = self._p
        lim = self._read("SELECT id, credit_limit FROM credit_lines WHERE id {ids}",
                         line_ids, {})
        limit = np.zeros(n, dtype=np.int64)
        for lid, cents in zip(lim.get("id", []), lim.get("credit_limit", [])):
            limit[row_of[lid]] = int(cents)
        dates = self._dates(d=day, d30=day - timedelta(days=30), d60=day - timedelta(days=60),
                            d90=day - timedelta(days=91), d182=day - timedelta(days=182),
                            d365=day - timedelta(days=365))
        hist = self._read(
            f"SELECT line_id, "
            f"MAX(CASE WHEN business_date > {p('d90')} THEN dpd END) AS m3, "
            f"MAX(CASE WHEN business_date > {p('d182')} THEN dpd END) AS m6, MAX(dpd) AS m12 "
            f"FROM behaviour_scores WHERE line_id {{ids}} AND business_date > {p('d365')} "
            f"AND business_date < {p('d')} GROUP BY line_id", line_ids, dates)
        m3, m6, m12 = (np.full(n, -1, dtype=np.int64) for _ in range(3))
        for lid, a, b, c in zip(hist.get("line_id", []), hist.get("m3", []),
                                hist.get("m6", []), hist.get("m12", [])):
            i = row_of[lid]
            m3[i], m6[i], m12[i] = (-1 if v is None or v != v else int(v) for v in (a, b, c))
        prev = self._read(
            f"SELECT line_id, utilisation FROM (SELECT line_id, utilisation, ROW_NUMBER() OVER "
            f"(PARTITION BY line_id ORDER BY business_date DESC) AS rn FROM behaviour_scores "
            f"WHERE line_id {{ids}} AND business_date <= {p('d30')} "
            f"AND business_date > {p('d60')}) x WHERE rn = 1", line_ids, dates)
        util_prev = np.full(n, np.nan)
        for lid, u in zip(prev.get("line_id", []), prev.get("utilisation", [])):
            util_prev[row_of[lid]] = float(u)
        return BehaviourHistory(limit, util_prev, m3, m6, m12,
                                self._purchases(line_ids, day, row_of),
                                self._statements(line_ids, row_of))

    def _purchases(self, line_ids: Sequence[str], day: date,
                   row_of: dict[str, int]) -> PurchaseRows:
        p = self._p
        got = self._read(
            f"SELECT line_id, merchant_category, SUM(amount) AS a90, "
            f"SUM(CASE WHEN made_on > {p('d30')} THEN amount ELSE 0 END) AS a30, "
            f"COUNT(*) AS c90, SUM(CASE WHEN made_on > {p('d30')} THEN 1 ELSE 0 END) AS c30, "
            f"SUM(CASE WHEN periods > 1 THEN amount ELSE 0 END) AS i90, "
            f"SUM(CASE WHEN returned > 0 THEN 1 ELSE 0 END) AS r90 "
            f"FROM purchases WHERE line_id {{ids}} AND made_on > {p('d90')} "
            f"AND made_on <= {p('d')} GROUP BY line_id, merchant_category",
            line_ids, self._dates(d=day, d30=day - timedelta(days=30),
                                  d90=day - timedelta(days=90)))
        if not got.get("line_id"):
            return PurchaseRows.empty()

        def col(name: str) -> np.ndarray:
            return np.asarray(got[name], dtype=np.int64)

        return PurchaseRows(np.array([row_of[x] for x in got["line_id"]], dtype=np.int64),
                            col("a90"), col("a30"), col("c90"), col("c30"), col("i90"),
                            col("r90"))

    def _statements(self, line_ids: Sequence[str], row_of: dict[str, int]) -> StatementRows:
        got = self._read(
            f"SELECT line_id, rn, amount_due, repayments, past_due, sd FROM (SELECT line_id, "
            f"amount_due, repayments, past_due, {self._day('statement_date')} AS sd, "
            f"ROW_NUMBER() OVER (PARTITION BY line_id ORDER BY statement_date DESC) - 1 AS rn "
            f"FROM statements WHERE line_id {{ids}}) x WHERE rn < {STATEMENTS_KEPT}",
            line_ids, {})
        if not got.get("line_id"):
            return StatementRows.empty()

        def col(name: str) -> np.ndarray:
            return np.asarray(got[name], dtype=np.int64)

        return StatementRows(np.array([row_of[x] for x in got["line_id"]], dtype=np.int64),
                             col("rn"), col("amount_due"), col("repayments"), col("past_due"),
                             col("sd"))

    # ----- the day's feature rows
    def save_scores(self, day: date, line_ids: Sequence[str], columns: dict[str, Any]) -> None:
        if not line_ids:
            return
        self._delete_day(behaviour_scores, day, line_ids)
        data: dict[str, list[Any]] = {"line_id": list(line_ids),
                                      "business_date": [self._date(day)] * len(line_ids)}
        for name in SCORE_COLUMNS[2:]:
            values = columns[name]
            data[name] = [None if v is None or (isinstance(v, float) and v != v) else v
                          for v in (values.tolist() if isinstance(values, np.ndarray)
                                    else list(values))]
        cols = list(SCORE_COLUMNS)
        if self.dialect == "postgresql":
            self._copy("behaviour_scores", cols, data)
            return
        cur = self._cursor()
        try:
            cur.executemany(f"INSERT INTO behaviour_scores ({', '.join(cols)}) VALUES "
                            f"({', '.join('?' * len(cols))})",
                            list(zip(*(data[c] for c in cols))))
        finally:
            cur.close()

    def scores_on(self, day: date, line_ids: Sequence[str]) -> dict[str, Any]:
        return self._read(f"SELECT {', '.join(SCORE_COLUMNS)} FROM behaviour_scores "
                          f"WHERE line_id {{ids}} AND business_date = {self._p('d')}",
                          line_ids, self._dates(d=day), copy=False)

    def score_sample(self, start: date, end: date) -> dict[str, Any]:
        p = self._p
        return self._fetch(f"SELECT {', '.join(SCORE_COLUMNS)} FROM behaviour_scores "
                           f"WHERE business_date >= {p('a')} AND business_date <= {p('b')} "
                           f"ORDER BY business_date, line_id", self._dates(a=start, b=end))

    # ----- the strategy
    def strategy_rows(self, line_ids: Sequence[str], day: date) -> list[StrategyRow]:
        if not line_ids:
            return []
        p = self._p
        lines = self._read(
            "SELECT l.id, c.kind, l.product, l.status, l.credit_limit, "
            "l.principal_unbilled + l.principal_billed AS used, c.monthly_income, "
            "CASE WHEN c.kind = 'enterprise' THEN c.attributes END AS attrs, "
            "s.auto_increase_opt_out AS opt_out, s.frozen_by_strategy AS frozen, "
            "l.product_version, l.opened_on "
            "FROM credit_lines l JOIN customers c ON c.id = l.customer_id "
            "LEFT JOIN line_strategy s ON s.line_id = l.id WHERE l.id {ids}", line_ids, {},
            copy=False)
        moves = self._read(
            "SELECT line_id, MAX(CASE WHEN new_limit > old_limit THEN business_date END) AS up, "
            "MAX(CASE WHEN new_limit < old_limit THEN business_date END) AS down "
            "FROM limit_events WHERE line_id {ids} AND kind = 'permanent' GROUP BY line_id",
            line_ids, {}, copy=False)
        cycles = self._read(
            "SELECT s.line_id, COUNT(*) AS n FROM statements s LEFT JOIN (SELECT line_id, "
            "MAX(business_date) AS up FROM limit_events WHERE line_id {ids} AND "
            "kind = 'permanent' AND new_limit > old_limit GROUP BY line_id) u "
            "ON u.line_id = s.line_id WHERE s.line_id {ids} AND (u.up IS NULL OR "
            "s.statement_date > u.up) GROUP BY s.line_id", line_ids, {}, copy=False)
        n_cycles = dict(zip(cycles.get("line_id", []), cycles.get("n", [])))
        done = self._read(f"SELECT line_id FROM strategy_decisions WHERE line_id {{ids}} "
                          f"AND business_date = {p('d')}", line_ids, self._dates(d=day), copy=False)
        decided = set(done.get("line_id", []))
        up = dict(zip(moves.get("line_id", []), moves.get("up", [])))
        down = dict(zip(moves.get("line_id", []), moves.get("down", [])))
        rows: dict[str, StrategyRow] = {}
        ranges = self._product_ranges(set(zip(lines.get("product", []),
                                              lines.get("product_version", []))))
        for (lid, kind, product, status, limit, used, income, attrs, opt_out, frozen, version,
             opened) in zip(*(lines[c] for c in ("id", "kind", "product", "status",
                                                 "credit_limit", "used", "monthly_income",
                                                 "attrs", "opt_out", "frozen",
                                                 "product_version", "opened_on"))):
            lo, hi = ranges[(product, version)]
            rows[lid] = StrategyRow(
                line_id=lid, customer_kind=kind, product=product, status=status,
                limit=from_cents(int(limit)), used=from_cents(int(used)),
                monthly_income=_income(kind, income, attrs), opted_out=_flag(opt_out),
                frozen_by_strategy=_flag(frozen), last_increase=_day_of(up.get(lid)),
                last_decrease=_day_of(down.get(lid)),
                cycles_since_increase=int(n_cycles.get(lid, 0)),
                product_min=lo, product_max=hi,
                opened_on=_day_of(opened) or day, decided_today=lid in decided)
        return [rows[i] for i in line_ids if i in rows]

    def _product_ranges(self, versions: set[tuple[str, str]]
                        ) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        """The limit range of each product version the lines were opened on, from the terms
        a line of that version copied (one read per version, not one per line)."""
        c = credit_lines.c
        out: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
        for product, version in versions:
            terms = self.s.execute(select(c.terms).where(
                c.product == product, c.product_version == version).limit(1)).scalar_one()
            p = terms_product(product, json.loads(terms) if isinstance(terms, str) else terms)
            out[(product, version)] = (p.limit_min, p.limit_max)
        return out

    def apply(self, day: date, decisions: Sequence[DecisionRow], frozen: Sequence[str],
              unfrozen: Sequence[str], suspended: Sequence[str]) -> None:
        c = credit_lines.c
        limits = [d for d in decisions if d.new_limit != d.old_limit]
        if limits:
            self.s.execute(update(credit_lines).where(c.id == _bind("k_id"))
                           .values(credit_limit=_bind("k_limit"), version=c.version + 1),
                           [{"k_id": d.line_id, "k_limit": d.new_limit} for d in limits])
        for ids, status in ((frozen, "frozen"), (unfrozen, "active"), (suspended, "suspended")):
            if ids:
                self.s.execute(update(credit_lines).where(c.id.in_(list(ids)))
                               .values(status=status, version=c.version + 1))
        for ids, flag in ((frozen, True), (unfrozen, False)):
            for lid in ids:
                self._upsert_strategy(lid, frozen_by_strategy=flag)
        if decisions:
            self.s.execute(insert(strategy_decisions), [{
                "line_id": d.line_id, "business_date": d.business_date, "action": d.action,
                "old_limit": d.old_limit, "new_limit": d.new_limit,
                "reason_codes": list(d.reason_codes), "rules_version": d.rules_version,
                "band": d.band, "score": d.score} for d in decisions])

    def _upsert_strategy(self, line_id: str, **values: Any) -> None:
        t = line_strategy
        res = self.s.execute(update(t).where(t.c.line_id == line_id).values(**values))
        if not res.rowcount:  # type: ignore[attr-defined]  # CursorResult has rowcount
            self.s.execute(insert(t).values(line_id=line_id, **{
                "auto_increase_opt_out": False, "frozen_by_strategy": False, **values}))

    def decisions(self, start: date, end: date, line_id: str | None = None
                  ) -> list[DecisionRow]:
        t = strategy_decisions
        q = select(t).where(t.c.business_date >= start, t.c.business_date <= end)
        if line_id is not None:
            q = q.where(t.c.line_id == line_id)
        return [DecisionRow(r.line_id, r.business_date, r.action, r.old_limit, r.new_limit,
                            tuple(r.reason_codes), r.rules_version, r.band, r.score)
                for r in self.s.execute(q.order_by(t.c.business_date, t.c.line_id))]

    def save_snapshots(self, snapshots: Sequence[StrategySnapshot]) -> None:
        if not snapshots:
            return
        t = strategy_snapshots
        for day in {s.business_date for s in snapshots}:
            self._delete_day(t, day, [s.line_id for s in snapshots if s.business_date == day])
        if self.dialect == "postgresql":  # a statement day keeps every line's facts: COPY
            self._copy_table(t, [(s.line_id, s.business_date, s.facts, s.action, s.new_limit,
                                  s.rules_version) for s in snapshots])
            return
        self.s.execute(insert(t), [{
            "line_id": s.line_id, "business_date": s.business_date, "facts": s.facts,
            "action": s.action, "new_limit": s.new_limit, "rules_version": s.rules_version}
            for s in snapshots])

    def _delete_day(self, t: Table, day: date, line_ids: Sequence[str]) -> None:
        """Delete the rows of these lines on ``day`` (what a rerun replaces).  PostgreSQL: one
        array parameter (an IN list of 10,000 parameters costs seconds to render and bind);
        SQLite: chunks within its bound-parameter limit."""
        if self.dialect == "postgresql":
            self.s.execute(delete(t).where(t.c.business_date == day, t.c.line_id == any_(
                bindparam("ids", list(line_ids), type_=ARRAY(String)))))
            return
        for k in range(0, len(line_ids), _CHUNK):
            self.s.execute(delete(t).where(t.c.business_date == day,
                                           t.c.line_id.in_(list(line_ids[k:k + _CHUNK]))))

    def _copy_table(self, t: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        """PostgreSQL COPY of whole rows through the columns' own types (JSON text, money in
        cents): end of day's ``_copy``, with text escaped for COPY's text format (a JSON
        fact may hold a backslash, a tab or a newline)."""
        dialect = self.s.get_bind().dialect
        procs = [json.dumps if isinstance(c.type, JSON) else c.type.bind_processor(dialect)
                 for c in t.columns]

        def value(v: Any, proc: Any) -> Any:
            if proc is not None and v is not None:
                v = proc(v)
            if isinstance(v, str):
                return (v.replace("\\", "\\\\").replace("\t", "\\t")
                        .replace("\n", "\\n").replace("\r", "\\r"))
            return v

        cols = [c.name for c in t.columns]
        self._copy(t.name, cols, {c: [value(row[k], procs[k]) for row in rows]
                                  for k, c in enumerate(cols)})

    def snapshots(self, start: date, end: date, batch: int = 5_000
                  ) -> Iterator[list[StrategySnapshot]]:
        t = strategy_snapshots
        q = (select(t).where(t.c.business_date >= start, t.c.business_date <= end)
             .order_by(t.c.business_date, t.c.line_id))
        out: list[StrategySnapshot] = []
        for r in self.s.execute(q).yield_per(batch):
            facts = json.loads(r.facts) if isinstance(r.facts, str) else dict(r.facts)
            out.append(StrategySnapshot(r.line_id, _day_of(r.business_date) or start, facts,
                                        r.action, r.new_limit, r.rules_version))
            if len(out) >= batch:
                yield out
                out = []
        if out:
            yield out

    def settings(self, line_id: str) -> StrategySettings:
        t = line_strategy
        r = self.s.execute(select(t).where(t.c.line_id == line_id)).first()
        if r is None:
            return StrategySettings(line_id, False, None, None)
        return StrategySettings(line_id, bool(r.auto_increase_opt_out),
                                aware(r.opt_out_changed_at), r.opt_out_changed_by)

    def set_opt_out(self, line_id: str, opted_out: bool, at: datetime, by: str) -> None:
        self._upsert_strategy(line_id, auto_increase_opt_out=opted_out, opt_out_changed_at=at,
                              opt_out_changed_by=by)


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def _flag(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, str):
        return v in ("t", "true", "1")
    return bool(v)


def _income(kind: str, monthly: Any, attrs: Any) -> Decimal | None:
    """A person's declared monthly income; an enterprise's annual revenue / 12."""
    if kind == "enterprise":
        doc = json.loads(attrs) if isinstance(attrs, str) else (attrs or {})
        revenue = doc.get("annual_revenue") if isinstance(doc, dict) else None
        return None if revenue in (None, "") else Decimal(str(revenue)) / 12
    return None if monthly is None else from_cents(int(monthly))
