"""Users of the demo database: an administrator whose token is printed at the end (so
``creditline serve`` can be browsed straight away) and the simulated checkout channel, a
``service`` user bound to every simulated merchant, in whose name customers apply, buy and
return (repayments come through the payment rails, booked by the system)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from creditline.auth import Principal, Role, hash_token, new_token
from creditline.simulate.context import DemoContext
from creditline.simulate.merchants import CATEGORIES

ADMIN_USER = "demo-admin"
CHANNEL_USER = "demo-checkout"


def create_user(ctx: DemoContext, name: str, role: Role, merchants: Sequence[str] = (),
                issued_at: datetime | None = None) -> tuple[Principal, str]:
    """As ``creditline users create`` does it: only the token's hash is stored."""
    token = new_token()
    with ctx.uow() as uow:
        user = uow.users.add(name, role, hash_token(token), issued_at=issued_at,
                             merchants=merchants)
        details: dict[str, object] = {"name": name, "role": role.value}
        if merchants:
            details["merchants"] = list(merchants)
        uow.audit(ctx.system, "user.created", "user", user.user_id, details)
        uow.commit()
    return user, token


class Access:
    name = "users"

    def run(self, ctx: DemoContext) -> None:
        # the printed token is for someone browsing now, so its expiry counts from the wall
        # clock, not from the simulated year
        _, ctx.admin_token = create_user(ctx, ADMIN_USER, Role.ADMIN,
                                         issued_at=datetime.now(UTC))
        merchants = sorted({m for c in CATEGORIES for m in c.merchants})
        ctx.channel, _ = create_user(ctx, CHANNEL_USER, Role.SERVICE, merchants)
