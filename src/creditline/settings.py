"""Configuration from the environment (``CREDITLINE_*``), with defaults that need no server."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


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

    def resolved_data_dir(self) -> Path:
        """Where a generated key file lives: beside the SQLite file, else the working folder."""
        if self.data_dir is not None:
            return self.data_dir
        if self.database_url.startswith("sqlite:///") and self.database_url != "sqlite:///:memory:":
            return Path(self.database_url.removeprefix("sqlite:///")).resolve().parent
        return Path.cwd()
