"""Configuration from the environment (``CREDITLINE_*``), with defaults that need no server."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from creditline.access.tokens import TokenPolicy
from creditline.auth import Role


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDITLINE_", extra="ignore")

    database_url: str = "sqlite:///creditline.db"
    admin_token: str | None = None
    secret_key: str | None = None
    # HMAC key of the audit chain; never the same as ``secret_key`` (see crypto.load_audit_key)
    audit_key: str | None = None
    data_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Input limits, checked before routing and authentication (creditline.api.limits).
    max_body_bytes: int = 1024 * 1024
    max_model_body_bytes: int = 16 * 1024 * 1024  # POST /v1/models carries a whole booster
    max_json_depth: int = 32
    max_json_items: int = 10_000
    # Token lifetimes per role, in days (``CREDITLINE_TOKEN_DAYS_<ROLE>``).  Why these: a
    # person's token is a password equivalent carried on a laptop, so staff tokens live a
    # month (admins, who can do everything, a week); a machine credential (``service``) lives
    # in a secrets store and is rotated by a deploy, so a quarter.  Expiry is counted from the
    # token's issue (creation or last rotation) against the wall clock, so a shorter setting
    # applies to tokens already issued.
    token_days_admin: int = Field(default=7, ge=1, le=3650)
    token_days_risk_officer: int = Field(default=30, ge=1, le=3650)
    token_days_reviewer: int = Field(default=30, ge=1, le=3650)
    token_days_collector: int = Field(default=30, ge=1, le=3650)
    token_days_auditor: int = Field(default=30, ge=1, le=3650)
    token_days_service: int = Field(default=90, ge=1, le=3650)
    # Failed-authentication throttling, per client address and per process: after
    # ``auth_fail_limit`` answers 401 within ``auth_fail_window_seconds`` the client gets 429
    # (with Retry-After) until the oldest failure leaves the window.
    auth_fail_limit: int = Field(default=10, ge=1)
    auth_fail_window_seconds: int = Field(default=60, ge=1)
    # Threads per server process that run the routes' blocking work (the store's queries).
    # Why not anyio's 40: a process runs Python on one core at a time, so threads beyond
    # what keeps that core busy while others wait on PostgreSQL only fight for the GIL;
    # measured on 2 cores, 2 workers, 32 clients, decisions a second against 40 threads:
    # 8 threads +15 %, 4 threads +19 %, 2 threads +33 % (bench/RESULTS.md).  A long request
    # (a report, a score-all run) holds one thread, so 4 leaves room for them.
    api_threads: int = Field(default=4, ge=1, le=256)
    # /docs, /redoc and /openapi.json; turn off in production (``CREDITLINE_API_DOCS=false``).
    api_docs: bool = True
    # Send Strict-Transport-Security on every answer, for a server behind a TLS-terminating
    # proxy (answers to requests that arrive over https get it anyway).
    hsts: bool = False
    # Money guardrails (``servicing.guardrails``): a repayment may exceed the line's payoff
    # amount by at most this much (the excess stays as a credit balance) ...
    overpayment_tolerance: Decimal = Field(default=Decimal("1.00"), ge=0, max_digits=15,
                                           decimal_places=2)
    # ... and a manual limit raise of more than this is a proposal a second person approves.
    limit_approval_increase: Decimal = Field(default=Decimal("1000.00"), ge=0, max_digits=15,
                                             decimal_places=2)

    # notify: where messages go.  E-mail over SMTP when ``smtp_host`` is set; SMS through an
    # HTTP gateway when ``sms_url`` is set; ``notify_sink`` (a file) takes both instead, one
    # JSON line per message.  The inbox is always on.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "noreply@creditline.local"
    sms_url: str | None = None
    sms_token: str | None = None
    notify_sink: Path | None = None
    notify_timeout: float = Field(default=10.0, gt=0, le=300)
    # the relay inside ``creditline serve``: on by default, polling every few seconds
    notify_relay_in_serve: bool = True
    notify_poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    # retries: 30 s, then doubling up to an hour, eight attempts
    notify_retry_base_seconds: float = Field(default=30.0, gt=0)
    notify_retry_cap_seconds: float = Field(default=3600.0, gt=0)
    notify_max_attempts: int = Field(default=8, ge=1, le=100)
    # reminders: days before the due date (0 = on the day), and the local hour they go out
    reminder_days: str = "3,1,0"
    reminder_hour: int = Field(default=9, ge=0, le=23)
    # Documents (uploaded proofs): the folder holding their bytes (default: ``documents/``
    # beside the embedded SQLite database, see ``resolved_documents_dir``) and the largest
    # file accepted.
    documents_dir: Path | None = None
    documents_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, le=1024 * 1024 * 1024)
    # console (issue 19): a session ends after this long without a request, and after
    # ``console_session_hours`` in all (a working day plus overtime), whatever happens.
    console_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    console_session_hours: int = Field(default=12, ge=1, le=24 * 7)

    def token_policy(self) -> TokenPolicy:
        """The bootstrap token and the token lifetimes, for the access services."""
        return TokenPolicy(self.admin_token or None,
                           {r: int(getattr(self, f"token_days_{r.value}")) for r in Role})

    def resolved_data_dir(self) -> Path:
        """Where a generated key file lives: beside the SQLite file, else the working folder."""
        if self.data_dir is not None:
            return self.data_dir
        if self.database_url.startswith("sqlite:///") and self.database_url != "sqlite:///:memory:":
            return Path(self.database_url.removeprefix("sqlite:///")).resolve().parent
        return Path.cwd()

    def resolved_documents_dir(self) -> Path:
        """Where uploaded files' bytes live: ``CREDITLINE_DOCUMENTS_DIR``, else a
        ``documents/`` folder beside the SQLite file (or in the data folder)."""
        return self.documents_dir or self.resolved_data_dir() / "documents"
