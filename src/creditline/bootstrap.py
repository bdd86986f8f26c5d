"""The composition root: wires settings, engine, clock, cipher, the end-of-day pipeline and
the unit of work.

Everything that needs a database, a clock or a key gets it from a ``Container``;
nothing else constructs them.  The container owns one end-of-day ``Pipeline``: batch runs
use it, and every unit of work it makes carries it as the servicing catch-up port
(``uow.catch_up``), so a stage registered on ``container.pipeline`` runs both over the book
and on a line caught up online."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from creditline.access.tokens import check_admin_token
from creditline.audit import AuditKey
from creditline.batch.pipeline import Pipeline
from creditline.batch.run import LineCatchUp, default_pipeline
from creditline.clock import Clock, SystemClock
from creditline.crypto import FieldCipher, load_audit_key, load_secret
from creditline.notify.reminders import ReminderPolicy  # notify
from creditline.rulesets.family import RuleFamily
from creditline.settings import Settings
from creditline.store.db import make_engine, session_factory
from creditline.store.document_files import FolderDocumentStore
from creditline.store.migrate import upgrade
from creditline.store.uow import SqlUnitOfWork


@dataclass
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    cipher: FieldCipher
    audit_key: AuditKey
    services: dict[str, Any] = field(default_factory=dict)
    pipeline: Pipeline = field(default_factory=default_pipeline)
    document_files: FolderDocumentStore = field(init=False)  # documents: the bytes' folder

    def __post_init__(self) -> None:
        self._sessions = session_factory(self.engine)
        self._catch_up = LineCatchUp(self.pipeline)
        self.document_files = FolderDocumentStore(  # documents context
            self.settings.resolved_documents_dir(), self.settings.documents_max_bytes)

    def uow(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """A unit of work; ``read_only``: statements outside a transaction (see the store's
        unit of work), for the one-row look-ups every request makes (its bearer token)."""
        uow = SqlUnitOfWork(self._sessions, self.clock, self.cipher, self.engine.dialect.name,
                            self.audit_key, read_only=read_only)
        uow.catch_up = self._catch_up
        uow.document_files = self.document_files
        return uow

    def dispose(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None,
              migrate: bool = True, engine_factory: Callable[[str], Engine] = make_engine,
              ) -> Container:
    """Build the container; by default the schema is migrated to the newest revision."""
    settings = settings or Settings()
    check_admin_token(settings.admin_token)  # refuse a weak one before anything starts
    engine = engine_factory(settings.database_url)
    if migrate:
        upgrade(engine)
    secret = load_secret(settings.secret_key, settings.resolved_data_dir())
    audit_secret = load_audit_key(settings.audit_key, settings.resolved_data_dir(), secret)
    return Container(settings=settings, engine=engine, clock=clock or SystemClock(),
                     cipher=FieldCipher(secret), audit_key=AuditKey(audit_secret),
                     # notify: the reminder stage keeps the configured days and hour
                     pipeline=default_pipeline(ReminderPolicy.parse(
                         settings.reminder_days, settings.reminder_hour)))


def executor_container(settings: dict[str, Any]) -> Container:
    """A container on a worker of another engine (a Spark executor): the store the driver
    migrated, so no migration here."""
    return bootstrap(Settings(**settings), migrate=False)


def rule_families() -> dict[str, RuleFamily]:
    """Every family of decision tables the platform decides with, by name: what
    ``creditline rules list`` shows and ``creditline rules test --family`` runs.  A context
    that adds a family (``creditline.rulesets.family``) adds its constant here, one line each."""
    from creditline.closure.rules import CLOSURE_REVIEW  # closure (issue 14)
    from creditline.collections.strategy import STRATEGY as COLLECTION_STRATEGY  # ccard
    from creditline.lines.strategy import STRATEGY  # issue 13: limit strategy
    from creditline.lines.triggers import TRIGGERS  # issue 13, triggers lane
    from creditline.losses.rules import WRITE_OFF_RULES  # losses (issue 16)
    from creditline.policy.cases import ORIGINATION
    from creditline.portfolio.staging import STAGING  # issue 17: IFRS 9 staging

    families: list[RuleFamily] = [
        ORIGINATION,
        TRIGGERS,  # issue 13, triggers lane: real-time triggers on purchases and returns
        CLOSURE_REVIEW,  # closure (issue 14)
        STRATEGY,  # issue 13: limit strategy
        STAGING,  # issue 17: IFRS 9 staging (ECL)
        WRITE_OFF_RULES,  # losses (issue 16): write-off by days past due
        COLLECTION_STRATEGY,  # ccard: collection strategy (C-card band -> next action)
    ]
    return {f.name: f for f in families}
