"""The unit-of-work port that use cases depend on (cosmicpython).  No I/O here: the
SQLAlchemy implementation is ``creditline.store.uow.SqlUnitOfWork``; tests use the
in-memory ``tests/fakes.py``.

``with uow: ...; uow.commit()`` — leaving the block without ``commit()`` rolls back, so a
failed command leaves no partial write.  Repositories are typed attributes, each a Protocol
defined by the context that uses it (``lines.ports``, ``servicing.ports``, ...), so a reader
and a type checker can follow ``uow.lines.get(...)`` to its contract.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from creditline.auth import Principal

if TYPE_CHECKING:
    from creditline.access.ports import ConsoleAccountRepository, UserRepository
    from creditline.batch.ports import BatchScoreRepository, EodRunRepository
    from creditline.bureau.ports import BureauRepository  # bureau (issue 16)
    from creditline.calendar.ports import CalendarRepository
    from creditline.clock import Clock
    from creditline.closure.ports import (  # closure
        ClosureRequestRepository,
        NegotiationRepository,
        PlanRepository,
    )
    from creditline.collections.ports import (  # contacts lane  # collections
        AgencyRepository,
        CaseRepository,
        ContactDesk,
        ContactLog,
        ReliefRepository,
        StrategyRepository,  # ccard
    )
    from creditline.crypto import FieldCipher
    from creditline.documents.ports import DocumentRepository, DocumentStore
    from creditline.fraud.ports import BlacklistRepository
    from creditline.ledger.ports import LedgerRepository
    from creditline.lines.behaviour_ports import BehaviourRepository
    from creditline.lines.ports import (
        LimitEventRepository,
        LimitProposalRepository,
        LimitRampRepository,
        LineRepository,
    )
    from creditline.lines.trigger_ports import (
        HeldPurchaseRepository,
        LineActivity,
        ReviewCaseRepository,
        SectorRepository,
        TriggerEventRepository,
    )
    from creditline.losses.ports import LossRepository  # losses (issue 16)
    from creditline.notify.ports import MessageRepository
    from creditline.origination.ports import (
        ApplicationRepository,
        ReviewRepository,
        SpecialTermsRepository,
    )
    from creditline.parties.ports import CustomerRepository
    from creditline.portfolio.ecl_ports import EclRepository  # issue 17: ECL
    from creditline.portfolio.ports import PortfolioReader  # portfolio (issue 17)
    from creditline.ports import AuditLogRepository, IdempotencyStore, OutboxReader
    from creditline.scoring.ports import ModelRepository
    from creditline.servicing.ports import EodColumns, PurchaseRepository, StatementRepository


class CatchUp(Protocol):
    """Closes a line's missing days: the port through which servicing commands reach end of
    day.

    A command on a line whose end of day is behind first closes the missing days for that
    line, so every money event is dated after the line's last closed day.  That work is the
    end-of-day pipeline's (``creditline.batch``), run on the one line -- but servicing must
    not import ``batch`` (the engine imports the domain, never the reverse).  So the port is
    named here, and the composition root (``creditline.bootstrap``) hands every unit of work
    an implementation wired to the container's pipeline (``uow.catch_up``).  An attribute
    of the unit of work rather than a fourth service argument: every command already gets
    the unit of work, the catch-up must run inside its transaction (the line is locked),
    and the ``(cmd, uow, actor)`` convention stays as it is."""

    def __call__(self, uow: UnitOfWork, line_id: str, last_eod: date, through: date) -> object:
        """Close days ``last_eod + 1 .. through`` for one line, in the caller's transaction
        (the line already locked), running every end-of-day stage on it."""


class UnitOfWork(Protocol):
    catch_up: CatchUp | None  # closes a line's missing days (wired by creditline.bootstrap)

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def audit(self, actor: Principal, action: str, entity: str, entity_id: str,
              details: dict[str, Any] | None = None) -> None:
        """Append an entry to the hash-chained audit log in this transaction."""

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Write an event to the outbox in this transaction (so it exists only if the
        command commits).  The relay (``creditline.notify.relay``) delivers the
        customer-facing ones; a payload may carry ``deliver_after`` (UTC) and a
        ``dedupe_key``."""

    def now(self) -> datetime: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def cipher(self) -> FieldCipher: ...

    @property
    def is_postgres(self) -> bool: ...

    # ----- repositories, one per aggregate (usable inside ``with uow:`` only)
    @property
    def users(self) -> UserRepository: ...

    @property
    def audit_log(self) -> AuditLogRepository: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def models(self) -> ModelRepository: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def reviews(self) -> ReviewRepository: ...

    @property
    def blacklist(self) -> BlacklistRepository: ...

    @property
    def special_terms(self) -> SpecialTermsRepository: ...

    @property
    def lines(self) -> LineRepository: ...

    @property
    def limit_events(self) -> LimitEventRepository: ...

    @property
    def limit_proposals(self) -> LimitProposalRepository: ...

    @property
    def purchases(self) -> PurchaseRepository: ...

    @property
    def statements(self) -> StatementRepository: ...

    @property
    def eod_columns(self) -> EodColumns: ...

    @property
    def eod_runs(self) -> EodRunRepository: ...

    @property
    def batch_scores(self) -> BatchScoreRepository: ...  # issue 18: batch scoring

    @property
    def ledger(self) -> LedgerRepository: ...

    @property
    def calendar(self) -> CalendarRepository: ...

    # ----- notify: the outbox relay's reads and the messages it makes
    @property
    def notifications(self) -> MessageRepository: ...
    # ----- closure (issue 14)
    @property
    def closure_requests(self) -> ClosureRequestRepository: ...

    @property
    def closure_plans(self) -> PlanRepository: ...

    @property
    def negotiations(self) -> NegotiationRepository: ...

    # documents context: metadata, and the bytes in the file store (not transactional)
    @property
    def documents(self) -> DocumentRepository: ...

    @property
    def document_files(self) -> DocumentStore: ...

    # console (issue 19): passwords, languages and console sessions
    @property
    def console_accounts(self) -> ConsoleAccountRepository: ...

    @property
    def outbox_events(self) -> OutboxReader:
        """Read the outbox back (the console's line view); writing stays ``emit``."""
    # ----- collections
    @property
    def collection_cases(self) -> CaseRepository: ...

    @property
    def contact_log(self) -> ContactLog: ...

    @property
    def agencies(self) -> AgencyRepository: ...

    # ----- issue 13, triggers lane: real-time triggers and held purchases
    @property
    def held_purchases(self) -> HeldPurchaseRepository: ...

    @property
    def trigger_events(self) -> TriggerEventRepository: ...

    @property
    def activity(self) -> LineActivity: ...

    @property
    def sectors(self) -> SectorRepository: ...

    @property
    def review_cases(self) -> ReviewCaseRepository: ...

    # fraudq: the new-customer limit ramp (lines.ramp)
    @property
    def limit_ramps(self) -> LimitRampRepository: ...

    # ----- behaviour scoring and limit strategy (issue 13)
    @property
    def behaviour(self) -> BehaviourRepository: ...

    # ----- portfolio (issue 17): the book read in bulk, early-warning alerts
    @property
    def portfolio(self) -> PortfolioReader: ...
    # ----- issue 17: expected credit loss, provisions, stress tests
    @property
    def ecl(self) -> EclRepository: ...
    # ----- bureau reporting (issue 16)
    @property
    def bureau(self) -> BureauRepository: ...
    # ----- losses (issue 16): write-offs, recoveries, debt sales
    @property
    def losses(self) -> LossRepository: ...
    # ccard: the collection strategy's decisions
    @property
    def collection_actions(self) -> StrategyRepository: ...
    # ----- emergency contacts verified and approached; regional relief (contacts lane)
    @property
    def contact_desk(self) -> ContactDesk: ...

    @property
    def reliefs(self) -> ReliefRepository: ...
