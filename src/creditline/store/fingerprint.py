"""A book's fingerprint: one hash per table over what two runs of the same work must agree
on, so a run killed and resumed can be compared with a clean one (PostgreSQL only: it hashes
in the server).

Every table and column is covered, except what legitimately differs between two runs of the
same work -- so a stage added later is covered without anyone remembering to add it:

- timestamps (``timestamp`` columns, ``audit_log.at``): the wall clock;
- identifiers drawn at random when a row is made (``uuid4`` or time-ordered): every ``id``
  and ``*_id`` column, except the ids of rows made before the run (``line_id``,
  ``customer_id``, ``purchase_id``, and ``id`` of ``credit_lines``, ``customers`` and
  ``purchases``), and ``journal_entries.reverses`` (an entry's id);
- sequence numbers (``seq``, ``stream_seq``, ``txid``, ``outbox_id``, bigint ``id``): a
  transaction that was rolled back (or killed) still consumed its values;
- the audit chain's hashes (``audit_log.hash``/``prev_hash``, ``audit_head``): they chain the
  timestamps; ``audit verify`` checks the chain itself;
- what depends by design on how the work was cut into runs (docs/EOD.md): the counts in a
  day's ``eod.closed`` audit entry (the run that completes a day records what *it* did),
  ``eod_runs`` (one row per start) and ``lines``/``seconds`` of ``eod_stage_runs`` (its
  business date, stage and position are kept).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

SEEDED_IDS = frozenset({"credit_lines", "customers", "purchases"})
KEPT_IDS = frozenset({"line_id", "customer_id", "purchase_id"})
SEQUENCES = frozenset({"seq", "stream_seq", "txid", "outbox_id"})
LEFT_OUT_TABLES = frozenset({"audit_head", "eod_runs", "alembic_version"})
LEFT_OUT_COLUMNS = frozenset({
    ("audit_log", "at"), ("audit_log", "hash"), ("audit_log", "prev_hash"),
    ("journal_entries", "reverses"), ("eod_stage_runs", "lines"), ("eod_stage_runs", "seconds")})

Fingerprint = dict[str, tuple[int, str]]


def kept(table: str, column: str, data_type: str) -> bool:
    """Whether two runs of the same work must agree on this column."""
    if (data_type.startswith("timestamp") or (table, column) in LEFT_OUT_COLUMNS
            or column in SEQUENCES):
        return False
    if column == "id":
        return table in SEEDED_IDS
    if column.endswith("_id"):
        return column in KEPT_IDS
    return True


def fingerprint(c: Connection) -> Fingerprint:
    """(rows, md5 of the rows' sorted md5s) per table, over the columns ``kept`` keeps.
    Each row is hashed first: aggregating the rows' text overran PostgreSQL's 1 GB string
    limit on a 1,000,000-line book's ``credit_lines``; 32 characters a row keeps a table
    under it up to ~33 million rows."""
    cols = c.execute(text(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position")).all()
    exprs: dict[str, list[str]] = {}
    for table, column, data_type in cols:
        if table in LEFT_OUT_TABLES or not kept(table, column, data_type):
            continue
        value = f'"{column}"::jsonb::text' if data_type == "json" else f'"{column}"::text'
        if (table, column) == ("audit_log", "details"):  # a day's counts: the last run's
            value = f"CASE WHEN action = 'eod.closed' THEN '' ELSE {value} END"
        exprs.setdefault(table, []).append(f"coalesce({value}, '~')")
    out: Fingerprint = {}
    for table, parts in exprs.items():
        got = c.execute(text(
            f"SELECT count(*), md5(coalesce(string_agg(md5(r), '' ORDER BY md5(r)), '')) "
            f"FROM (SELECT {' || chr(31) || '.join(parts)} AS r FROM \"{table}\") t")).one()
        out[table] = (int(got[0]), str(got[1]))
    return out


def column_sums(c: Connection, table: str) -> dict[str, str]:
    """md5 of each column's sorted values, every column: to name what differs."""
    cols = [r[0] for r in c.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = :t ORDER BY ordinal_position"), {"t": table})]
    return {col: str(c.execute(text(
        f"SELECT md5(coalesce(string_agg(md5(v), '' ORDER BY md5(v)), '')) "
        f"FROM (SELECT \"{col}\"::text AS v FROM \"{table}\") t")).scalar_one()) for col in cols}


def differing(a: Fingerprint, b: Fingerprint) -> list[str]:
    """The tables whose fingerprints differ (or that only one book has), sorted."""
    return sorted(t for t in a.keys() | b.keys() if a.get(t) != b.get(t))
