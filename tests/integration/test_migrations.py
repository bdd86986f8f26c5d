"""The Alembic revisions and the table definitions describe the same schema, on both stores:
after ``upgrade`` to every head, autogenerate finds nothing left to do.  A context whose
revision drifts from its tables fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from creditline.bootstrap import Container
from creditline.store.migrate import current_heads, needs_upgrade, script_heads, upgrade
from creditline.store.tables import metadata


def test_migrated_schema_matches_the_table_definitions(container: Container) -> None:
    with container.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "compare_server_default": False})
        diff = compare_metadata(ctx, metadata)
    assert diff == [], "migrations and store/tables disagree:\n" + "\n".join(map(repr, diff))


def test_every_head_is_applied_and_upgrading_again_changes_nothing(container: Container) -> None:
    assert current_heads(container.engine) == script_heads(container.engine)
    assert not needs_upgrade(container.engine)
    assert upgrade(container.engine) == script_heads(container.engine)
