"""All tables share one ``MetaData``; each bounded context keeps its tables in its own
module here, imported below so Alembic and ``metadata.create_all`` see them all."""

from __future__ import annotations

from creditline.store.tables import (
    behaviour,  # noqa: F401  (issue 13)
    calendar,  # noqa: F401
    console,  # noqa: F401  (the console's sign-in)
    documents,  # noqa: F401
    eod,  # noqa: F401
    foundation,  # noqa: F401  (registers tables)
    lines,  # noqa: F401
    origination,  # noqa: F401
    scoring,  # noqa: F401
    servicing,  # noqa: F401
)
from creditline.store.tables.base import metadata

__all__ = ["metadata"]
