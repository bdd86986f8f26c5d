"""Batch scoring's storage (``batch.ports.BatchScoreRepository``): run records, the newest
behaviour row of each line of a partition, and the partition's scores.

Reads and writes are in bulk, one statement each, over an id range ``(after, last]``: a
partition of a batch run is a slice of the book in id order (every line, not only those end
of day visited), so a range is what names it.  Feature reads go through ``COPY ... TO
STDOUT`` on PostgreSQL, like end of day's, and the scores are written with ``COPY``."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, update

from creditline.lines.behaviour import FEATURES
from creditline.store.eod_columns import SqlEodColumns
from creditline.store.tables.batch_scores import batch_score_runs, batch_scores

SCORE_COLUMNS = ("run_id", "line_id", "model_id", "as_of", "feature_date", "score", "pd")


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


class SqlBatchScoreRepository(SqlEodColumns):
    """Reuses end of day's driver-level helpers (COPY in and out, placeholders)."""

    def start(self, run: dict[str, Any]) -> None:
        self.s.execute(insert(batch_score_runs).values(**run))

    def finish(self, run_id: str, **values: Any) -> None:
        self.s.execute(update(batch_score_runs).where(batch_score_runs.c.id == run_id)
                       .values(**values))

    def get(self, run_id: str) -> dict[str, Any] | None:
        row = self.s.execute(select(batch_score_runs)
                             .where(batch_score_runs.c.id == run_id)).first()
        if row is None:
            return None
        out = dict(row._mapping)
        out["as_of"] = _day(out["as_of"])
        return out

    def _range(self, column: str, after: str | None, last: str,
               params: dict[str, Any]) -> str:
        p = self._p
        params["last"] = last
        where = f"{column} <= {p('last')}"
        if after is not None:
            params["after"] = after
            where += f" AND {column} > {p('after')}"
        return where

    def line_ids(self, as_of: date) -> list[str]:
        c = self._cursor()
        try:
            c.execute(f"SELECT id FROM credit_lines WHERE opened_on <= {self._p('d')} "
                      f"ORDER BY id", {"d": self._date(as_of)})
            return [r[0] for r in c.fetchall()]
        finally:
            c.close()

    def book_lines(self, as_of: date, after: str | None, last: str) -> dict[str, Any]:
        params: dict[str, Any] = {"d": self._date(as_of)}
        where = self._range("id", after, last, params)
        got = self._columns(f"SELECT id AS line_id, status FROM credit_lines WHERE {where} "
                            f"AND opened_on <= {self._p('d')} ORDER BY id", params)
        return {"line_id": list(got.get("line_id", [])), "status": list(got.get("status", []))}

    def features(self, as_of: date, after: str | None, last: str) -> dict[str, Any]:
        params: dict[str, Any] = {"d": self._date(as_of)}
        where = self._range("line_id", after, last, params)
        cols = ", ".join(FEATURES)
        got = self._columns(
            f"SELECT line_id, {self._day('business_date')} AS feature_day, {cols} FROM "
            f"(SELECT line_id, business_date, {cols}, ROW_NUMBER() OVER (PARTITION BY line_id "
            f"ORDER BY business_date DESC) AS rn FROM behaviour_scores WHERE {where} AND "
            f"business_date <= {self._p('d')}) x WHERE rn = 1 ORDER BY line_id", params)
        return {"line_id": list(got.get("line_id", [])),
                "feature_day": list(got.get("feature_day", [])),
                **{k: got.get(k, []) for k in FEATURES}}

    def save(self, run_id: str, after: str | None, last: str, rows: dict[str, Any]) -> None:
        t = batch_scores
        q = delete(t).where(t.c.run_id == run_id, t.c.line_id <= last)
        if after is not None:
            q = q.where(t.c.line_id > after)
        self.s.execute(q)
        n = len(rows["line_id"])
        if not n:
            return
        data: dict[str, list[Any]] = {"run_id": [run_id] * n}
        for name in SCORE_COLUMNS[1:]:
            values = rows[name]
            data[name] = values.tolist() if hasattr(values, "tolist") else list(values)
        for name in ("as_of", "feature_date"):
            data[name] = [self._date(d) for d in data[name]]
        cols = list(SCORE_COLUMNS)
        if self.dialect == "postgresql":
            self._copy("batch_scores", cols, data)
            return
        cur = self._cursor()
        try:
            cur.executemany(f"INSERT INTO batch_scores ({', '.join(cols)}) VALUES "
                            f"({', '.join('?' * len(cols))})",
                            list(zip(*(data[c] for c in cols))))
        finally:
            cur.close()

    def scores(self, run_id: str) -> dict[str, Any]:
        t = batch_scores
        rows = self.s.execute(select(*(t.c[c] for c in SCORE_COLUMNS[1:]))
                              .where(t.c.run_id == run_id).order_by(t.c.line_id)).all()
        out: dict[str, Any] = {c: [getattr(r, c) for r in rows] for c in SCORE_COLUMNS[1:]}
        out["as_of"] = [_day(d) for d in out["as_of"]]
        out["feature_date"] = [_day(d) for d in out["feature_date"]]
        return out
