"""All tables share one ``MetaData``; each bounded context keeps its tables in its own
module here, imported below so Alembic and ``metadata.create_all`` see them all."""

from __future__ import annotations

from creditline.store.tables.base import metadata
from creditline.store.tables import foundation  # noqa: F401  (registers tables)
from creditline.store.tables import scoring  # noqa: F401
from creditline.store.tables import origination  # noqa: F401
from creditline.store.tables import servicing  # noqa: F401

__all__ = ["metadata"]
