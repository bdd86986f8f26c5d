"""All tables share one ``MetaData``; each bounded context keeps its tables in its own
module here, imported below so Alembic and ``metadata.create_all`` see them all."""

from __future__ import annotations

# notify: messages per channel (migration 0019_notify)
from creditline.store.tables import (
    batch_scores,  # noqa: F401  (issue 18: batch scoring of every line)
    behaviour,  # noqa: F401  (issue 13)
    bureau,  # noqa: F401  (bureau reporting, issue 16)
    calendar,  # noqa: F401
    closure,  # noqa: F401  (closure: issue 14)
    collection_strategy,  # noqa: F401  (ccard: the collection strategy's decisions)
    collections,  # noqa: F401  (collections)
    console,  # noqa: F401  (the console's sign-in)
    contacts,  # noqa: F401  (emergency-contact verification, regional relief: 0022f)
    documents,  # noqa: F401
    ecl,  # noqa: F401  (issue 17: expected credit loss)
    eod,  # noqa: F401
    foundation,  # noqa: F401  (registers tables)
    lines,  # noqa: F401
    losses,  # noqa: F401  (losses: write-off, recoveries, debt sales)
    notify,  # noqa: F401
    origination,  # noqa: F401
    portfolio,  # noqa: F401  (issue 17: early-warning alerts)
    scoring,  # noqa: F401
    servicing,  # noqa: F401
    triggers,  # noqa: F401  (issue 13: triggers, holds, category caps, campaigns, sectors)
)
from creditline.store.tables.base import metadata

__all__ = ["metadata"]
