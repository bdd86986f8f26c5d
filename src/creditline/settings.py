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
