"""The SQLAlchemy unit of work: one transaction per command, audit entries and outbox
events written in that same transaction, repositories created on first use.

Each repository is a typed property (the Protocols are in the contexts' ``ports`` modules);
its module is imported when first used, so a command loads only the store code it needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from creditline.audit import AuditKey, canonical, stream_of
from creditline.auth import Principal
from creditline.clock import Clock
from creditline.crypto import FieldCipher
from creditline.store.tables.foundation import audit_head, audit_log, outbox
from creditline.uow import CatchUp

if TYPE_CHECKING:
    from creditline.documents.ports import DocumentStore
    from creditline.store.applications import SqlApplicationRepository
    from creditline.store.audit_repo import SqlAuditRepository
    from creditline.store.batch_scores import SqlBatchScoreRepository  # issue 18
    from creditline.store.behaviour import SqlBehaviourRepository
    from creditline.store.blacklist import SqlBlacklistRepository
    from creditline.store.bureau import SqlBureauRepository  # bureau (issue 16)
    from creditline.store.calendar import SqlCalendarRepository
    from creditline.store.closure import (  # closure
        SqlClosureRequestRepository,
        SqlNegotiationRepository,
        SqlPlanRepository,
    )
    from creditline.store.collection_strategy import SqlStrategyRepository  # ccard
    from creditline.store.collections import (  # collections
        SqlAgencyRepository,
        SqlCaseRepository,
        SqlContactLog,
    )
    from creditline.store.console import SqlConsoleAccountRepository  # console (issue 19)
    from creditline.store.contacts import SqlContactDesk, SqlReliefRepository  # contacts lane
    from creditline.store.documents import SqlDocumentRepository
    from creditline.store.ecl import SqlEclRepository  # issue 17: ECL
    from creditline.store.eod_columns import SqlEodColumns
    from creditline.store.eod_runs import SqlEodRunRepository
    from creditline.store.idempotency import SqlIdempotencyStore
    from creditline.store.ledger import SqlLedgerRepository
    from creditline.store.limit_proposals import SqlLimitProposalRepository
    from creditline.store.limit_ramps import SqlLimitRampRepository
    from creditline.store.lines import SqlLimitEventRepository, SqlLineRepository
    from creditline.store.losses import SqlLossRepository  # losses (issue 16)
    from creditline.store.models import SqlModelRepository
    from creditline.store.notify import SqlMessageRepository
    from creditline.store.outbox_read import SqlOutboxReader  # console (issue 19)
    from creditline.store.parties import SqlCustomerRepository
    from creditline.store.portfolio import SqlPortfolioReader  # portfolio (issue 17)
    from creditline.store.purchases import SqlPurchaseRepository
    from creditline.store.reviews import SqlReviewRepository
    from creditline.store.reviews_cases import SqlReviewCaseRepository
    from creditline.store.sectors import SqlSectorRepository
    from creditline.store.special_terms import SqlSpecialTermsRepository
    from creditline.store.statements import SqlStatementRepository
    from creditline.store.triggers import (
        SqlHeldPurchaseRepository,
        SqlLineActivity,
        SqlTriggerEventRepository,
    )
    from creditline.store.users import SqlUserRepository

R = TypeVar("R")

# Built once with bind parameters: these run in every command that audits.  The take locks
# one stream's head row (not a global one) until commit; on PostgreSQL it also draws the
# global seqs of the entries from ``audit_log_seq`` in the same round trip.
_AUDIT_TAKE_PG = text(
    "UPDATE audit_head SET seq = seq + :n WHERE id = :s RETURNING seq, hash, "
    "(SELECT array_agg(nextval('audit_log_seq')) FROM generate_series(1, :n)) AS seqs")
_AUDIT_TAKE = (update(audit_head).where(audit_head.c.id == bindparam("s"))
               .values(seq=audit_head.c.seq + bindparam("n"))
               .returning(audit_head.c.seq, audit_head.c.hash))
_AUDIT_MAX_SEQ = select(func.coalesce(func.max(audit_log.c.seq), 0))
_AUDIT_INSERT = insert(audit_log)
_AUDIT_SET_HEAD = (update(audit_head).where(audit_head.c.id == bindparam("s"))
                   .values(hash=bindparam("h"), mac=bindparam("m")))
_OUTBOX_INSERT = insert(outbox)
READ_ONLY = "creditline_read_only"  # the execution option of a read-only unit of work


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()``; leaving the block without commit rolls back."""

    catch_up: CatchUp | None = None  # set by the composition root (creditline.uow.CatchUp)

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, cipher: FieldCipher,
                 dialect: str, audit_key: AuditKey, *, read_only: bool = False) -> None:
        self._sessions = sessions
        # read_only: each statement is its own atomic read (no BEGIN, no COMMIT; on SQLite
        # no write lock), for a look-up of one row such as a bearer token's; commit refuses
        self.read_only = read_only
        self.clock = clock
        self.cipher = cipher
        self.audit_key = audit_key
        self.dialect = dialect
        self.session: Session | None = None
        self._repos: dict[str, object] = {}
        self._depth = 0
        # audit entries of this transaction, not yet chained: (at, actor, action, entity,
        # entity id, canonical details)
        self._audit: list[tuple[str, str, str, str, str, str]] = []
        self._events: list[dict[str, Any]] = []  # outbox rows, written in one go at commit

    def __enter__(self) -> SqlUnitOfWork:
        if self._depth == 0:
            self.session = self._sessions()
            self.session.begin()
            if self.read_only:  # PostgreSQL: autocommit; SQLite: store.db skips its BEGIN
                self.session.connection(execution_options=(
                    {"isolation_level": "AUTOCOMMIT"} if self.dialect == "postgresql"
                    else {READ_ONLY: True}))
            self._repos = {}
            self._audit = []
            self._events = []
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            assert self.session is not None
            try:
                if self.session.in_transaction():
                    self.session.rollback()
            finally:
                self.session.close()
                self.session = None
                self._repos = {}
                self._audit = []
                self._events = []

    def commit(self) -> None:
        """Commit at the outermost level only, so services can nest ``with uow``."""
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit: it writes nothing")
        if self._depth <= 1:
            assert self.session is not None
            self._flush_events()
            self._flush_audit()
            self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self._audit = []
        self._events = []
        self.session.rollback()

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def now(self) -> datetime:
        return self.clock.now()

    # ----- repositories (typed; built on first use inside ``with uow:``)
    def _repo(self, name: str, build: Callable[[Session, SqlUnitOfWork], R]) -> R:
        if self.session is None:
            raise RuntimeError(f"uow.{name} used outside 'with uow:'")
        repo = self._repos.get(name)
        if repo is None:
            repo = self._repos[name] = build(self.session, self)
        return cast(R, repo)

    @property
    def users(self) -> SqlUserRepository:
        from creditline.store.users import SqlUserRepository
        return self._repo("users", SqlUserRepository)

    @property
    def audit_log(self) -> SqlAuditRepository:
        from creditline.store.audit_repo import SqlAuditRepository
        return self._repo("audit_log", SqlAuditRepository)

    @property
    def idempotency(self) -> SqlIdempotencyStore:
        from creditline.store.idempotency import SqlIdempotencyStore
        return self._repo("idempotency", SqlIdempotencyStore)

    @property
    def customers(self) -> SqlCustomerRepository:
        from creditline.store.parties import SqlCustomerRepository
        return self._repo("customers", SqlCustomerRepository)

    @property
    def models(self) -> SqlModelRepository:
        from creditline.store.models import SqlModelRepository
        return self._repo("models", SqlModelRepository)

    @property
    def applications(self) -> SqlApplicationRepository:
        from creditline.store.applications import SqlApplicationRepository
        return self._repo("applications", SqlApplicationRepository)

    @property
    def reviews(self) -> SqlReviewRepository:
        from creditline.store.reviews import SqlReviewRepository
        return self._repo("reviews", SqlReviewRepository)

    @property
    def blacklist(self) -> SqlBlacklistRepository:
        from creditline.store.blacklist import SqlBlacklistRepository
        return self._repo("blacklist", SqlBlacklistRepository)

    @property
    def special_terms(self) -> SqlSpecialTermsRepository:
        from creditline.store.special_terms import SqlSpecialTermsRepository
        return self._repo("special_terms", SqlSpecialTermsRepository)

    @property
    def lines(self) -> SqlLineRepository:
        from creditline.store.lines import SqlLineRepository
        return self._repo("lines", SqlLineRepository)

    @property
    def limit_events(self) -> SqlLimitEventRepository:
        from creditline.store.lines import SqlLimitEventRepository
        return self._repo("limit_events", SqlLimitEventRepository)

    @property
    def limit_proposals(self) -> SqlLimitProposalRepository:
        from creditline.store.limit_proposals import SqlLimitProposalRepository
        return self._repo("limit_proposals", SqlLimitProposalRepository)

    @property
    def purchases(self) -> SqlPurchaseRepository:
        from creditline.store.purchases import SqlPurchaseRepository
        return self._repo("purchases", SqlPurchaseRepository)

    @property
    def statements(self) -> SqlStatementRepository:
        from creditline.store.statements import SqlStatementRepository
        return self._repo("statements", SqlStatementRepository)

    @property
    def eod_columns(self) -> SqlEodColumns:
        from creditline.store.eod_columns import SqlEodColumns
        return self._repo("eod_columns", SqlEodColumns)

    @property
    def batch_scores(self) -> SqlBatchScoreRepository:  # issue 18: batch scoring
        from creditline.store.batch_scores import SqlBatchScoreRepository
        return self._repo("batch_scores", SqlBatchScoreRepository)

    @property
    def eod_runs(self) -> SqlEodRunRepository:
        from creditline.store.eod_runs import SqlEodRunRepository
        return self._repo("eod_runs", SqlEodRunRepository)

    @property
    def ledger(self) -> SqlLedgerRepository:
        from creditline.store.ledger import SqlLedgerRepository
        return self._repo("ledger", SqlLedgerRepository)

    @property
    def calendar(self) -> SqlCalendarRepository:
        from creditline.store.calendar import SqlCalendarRepository
        return self._repo("calendar", SqlCalendarRepository)

    # ----- notify: the outbox relay's reads and the messages it makes
    @property
    def notifications(self) -> SqlMessageRepository:
        from creditline.store.notify import SqlMessageRepository
        return self._repo("notifications", SqlMessageRepository)
    # ----- closure (issue 14)
    @property
    def closure_requests(self) -> SqlClosureRequestRepository:
        from creditline.store.closure import SqlClosureRequestRepository
        return self._repo("closure_requests", SqlClosureRequestRepository)

    @property
    def closure_plans(self) -> SqlPlanRepository:
        from creditline.store.closure import SqlPlanRepository
        return self._repo("closure_plans", SqlPlanRepository)

    @property
    def negotiations(self) -> SqlNegotiationRepository:
        from creditline.store.closure import SqlNegotiationRepository
        return self._repo("negotiations", SqlNegotiationRepository)

    # documents context: the metadata repository and the file store the container hands in
    _document_files: DocumentStore | None = None

    @property
    def documents(self) -> SqlDocumentRepository:
        from creditline.store.documents import SqlDocumentRepository
        return self._repo("documents", SqlDocumentRepository)

    @property
    def document_files(self) -> DocumentStore:
        if self._document_files is None:
            raise RuntimeError("no document file store: units of work get one from "
                               "creditline.bootstrap.Container.uow()")
        return self._document_files

    @document_files.setter
    def document_files(self, files: DocumentStore) -> None:
        self._document_files = files
    # console (issue 19): passwords, languages and console sessions
    @property
    def console_accounts(self) -> SqlConsoleAccountRepository:
        from creditline.store.console import SqlConsoleAccountRepository
        return self._repo("console_accounts", SqlConsoleAccountRepository)

    @property
    def outbox_events(self) -> SqlOutboxReader:
        from creditline.store.outbox_read import SqlOutboxReader
        return self._repo("outbox_events", SqlOutboxReader)
    # ----- collections
    @property
    def collection_cases(self) -> SqlCaseRepository:
        from creditline.store.collections import SqlCaseRepository
        return self._repo("collection_cases", SqlCaseRepository)

    @property
    def contact_log(self) -> SqlContactLog:
        from creditline.store.collections import SqlContactLog
        return self._repo("contact_log", SqlContactLog)

    @property
    def agencies(self) -> SqlAgencyRepository:
        from creditline.store.collections import SqlAgencyRepository
        return self._repo("agencies", SqlAgencyRepository)

    # ccard: the collection strategy's decisions
    @property
    def collection_actions(self) -> SqlStrategyRepository:
        from creditline.store.collection_strategy import SqlStrategyRepository
        return self._repo("collection_actions", SqlStrategyRepository)

    # ----- issue 13, triggers lane: real-time triggers and held purchases
    @property
    def held_purchases(self) -> SqlHeldPurchaseRepository:
        from creditline.store.triggers import SqlHeldPurchaseRepository
        return self._repo("held_purchases", SqlHeldPurchaseRepository)

    @property
    def trigger_events(self) -> SqlTriggerEventRepository:
        from creditline.store.triggers import SqlTriggerEventRepository
        return self._repo("trigger_events", SqlTriggerEventRepository)

    @property
    def activity(self) -> SqlLineActivity:
        from creditline.store.triggers import SqlLineActivity
        return self._repo("activity", SqlLineActivity)

    @property
    def sectors(self) -> SqlSectorRepository:
        from creditline.store.sectors import SqlSectorRepository
        return self._repo("sectors", SqlSectorRepository)

    @property
    def review_cases(self) -> SqlReviewCaseRepository:
        from creditline.store.reviews_cases import SqlReviewCaseRepository
        return self._repo("review_cases", SqlReviewCaseRepository)

    # fraudq: the new-customer limit ramp
    @property
    def limit_ramps(self) -> SqlLimitRampRepository:
        from creditline.store.limit_ramps import SqlLimitRampRepository
        return self._repo("limit_ramps", SqlLimitRampRepository)

    # ----- behaviour scoring and limit strategy (issue 13)
    @property
    def behaviour(self) -> SqlBehaviourRepository:
        from creditline.store.behaviour import SqlBehaviourRepository
        return self._repo("behaviour", SqlBehaviourRepository)

    # ----- portfolio (issue 17): the book read in bulk, early-warning alerts
    @property
    def portfolio(self) -> SqlPortfolioReader:
        from creditline.store.portfolio import SqlPortfolioReader
        return self._repo("portfolio", SqlPortfolioReader)
    # ----- issue 17: expected credit loss, provisions, stress tests
    @property
    def ecl(self) -> SqlEclRepository:
        from creditline.store.ecl import SqlEclRepository
        return self._repo("ecl", SqlEclRepository)
    # ----- bureau reporting (issue 16)
    @property
    def bureau(self) -> SqlBureauRepository:
        from creditline.store.bureau import SqlBureauRepository
        return self._repo("bureau", SqlBureauRepository)
    # ----- losses (issue 16): write-offs, recoveries, debt sales
    @property
    def losses(self) -> SqlLossRepository:
        from creditline.store.losses import SqlLossRepository
        return self._repo("losses", SqlLossRepository)
    # ----- emergency contacts verified and approached; regional relief (contacts lane)
    @property
    def contact_desk(self) -> SqlContactDesk:
        from creditline.store.contacts import SqlContactDesk
        return self._repo("contact_desk", SqlContactDesk)

    @property
    def reliefs(self) -> SqlReliefRepository:
        from creditline.store.contacts import SqlReliefRepository
        return self._repo("reliefs", SqlReliefRepository)

    def audit(self, actor: Principal, action: str, entity: str, entity_id: str,
              details: dict[str, Any] | None = None) -> None:
        """Queue an entry for the audit chain; the queue is chained and written just before
        the transaction commits (``_flush_audit``), in the order the entries were made.

        Why at commit: the entries are chained under their stream's head row lock; taking it
        last and holding it only for the commit keeps that section short (and it is the last
        lock a transaction takes, so it cannot be part of a deadlock), and a command's entries
        cost three statements together instead of three each."""
        assert self.session is not None
        self._audit.append((self.clock.now().isoformat(), actor.name, action, entity,
                            entity_id, canonical(_plain(details or {}))))

    def _flush_audit(self) -> None:
        """Chain the queued entries onto one stream (chosen by the first entry's entity id),
        with global seqs drawn while that stream's head is held, and sign the new head."""
        if not self._audit:
            return
        assert self.session is not None
        s, pending, key, n = self.session, self._audit, self.audit_key, len(self._audit)
        stream = stream_of(pending[0][4])
        if self.is_postgres:
            row = s.execute(_AUDIT_TAKE_PG, {"n": n, "s": stream}).first()
            seqs = sorted(row.seqs) if row is not None else []
        else:  # SQLite: the transaction already holds the database's write lock
            row = s.execute(_AUDIT_TAKE, {"n": n, "s": stream}).first()
            top = int(s.execute(_AUDIT_MAX_SEQ).scalar() or 0)
            seqs = list(range(top + 1, top + n + 1))
        if row is None:
            raise RuntimeError(f"audit stream {stream} has no head row: run 'creditline db upgrade'")
        last, prev = int(row.seq), row.hash
        entries = []
        for stream_seq, seq, (at, actor, action, entity, entity_id, details) in zip(
                range(last - n + 1, last + 1), seqs, pending, strict=True):
            h = key.entry_mac(prev, seq, stream, stream_seq, at, actor, action, entity,
                              entity_id, details)
            entries.append({"seq": seq, "stream": stream, "stream_seq": stream_seq, "at": at,
                            "actor": actor, "action": action, "entity": entity,
                            "entity_id": entity_id, "details": details, "prev_hash": prev,
                            "hash": h})
            prev = h
        s.execute(_AUDIT_INSERT, entries)
        s.execute(_AUDIT_SET_HEAD, {"s": stream, "h": prev, "m": key.head_mac(stream, last, prev)})
        self._audit = []

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Queue an outbox event; the transaction's events are inserted together just before
        it commits (one statement, not one each), in the order they were emitted."""
        assert self.session is not None
        self._events.append({"topic": topic, "payload": _plain(payload),
                             "created_at": self.clock.now()})

    def _flush_events(self) -> None:
        if self._events:
            assert self.session is not None
            self.session.execute(_OUTBOX_INSERT, self._events)
            self._events = []

    def head_seq(self) -> int:
        """Entries in the audit log according to the stream heads (all streams together)."""
        assert self.session is not None
        return int(self.session.execute(select(func.sum(audit_head.c.seq))).scalar() or 0)


def _plain(obj: Any) -> Any:
    """JSON-safe copy: Decimals and dates become strings."""
    from datetime import date
    from decimal import Decimal

    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, Decimal):
        return f"{obj:f}"
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    return obj
