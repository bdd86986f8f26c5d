"""What the fraud services need from storage, as a Protocol (SQL implementation in
``creditline.store.blacklist``; reached as ``uow.blacklist``).  Screening's look-ups over
past applications are on ``origination.ports.ApplicationRepository``."""

from __future__ import annotations

from typing import Protocol

from creditline.fraud.blacklist import BlacklistEntry


class BlacklistRepository(Protocol):
    def add(self, entry: BlacklistEntry) -> None: ...

    def get(self, entry_id: str) -> BlacklistEntry | None: ...

    def active(self, kind: str, value_hash: str) -> BlacklistEntry | None: ...

    def hits(self, hashes: dict[str, str | None]) -> set[str]:
        """Kinds whose given hash is on an active entry."""

    def update(self, entry: BlacklistEntry) -> None: ...

    def list(self, kind: str | None, active_only: bool, limit: int, offset: int
             ) -> list[BlacklistEntry]: ...
