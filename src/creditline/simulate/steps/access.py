"""Users of the demo database: an administrator whose token is printed at the end (so
``creditline serve`` can be browsed straight away) and the simulated checkout channel, a
``service`` user, in whose name customers apply, buy, return and repay."""

from __future__ import annotations

from creditline.auth import Principal, Role, hash_token, new_token
from creditline.simulate.context import DemoContext

ADMIN_USER = "demo-admin"
CHANNEL_USER = "demo-checkout"


def create_user(ctx: DemoContext, name: str, role: Role) -> tuple[Principal, str]:
    """As ``creditline users create`` does it: only the token's hash is stored."""
    token = new_token()
    with ctx.uow() as uow:
        user = uow.users.add(name, role, hash_token(token))
        uow.audit(ctx.system, "user.created", "user", user.user_id,
                  {"name": name, "role": role.value})
        uow.commit()
    return user, token


class Access:
    name = "users"

    def run(self, ctx: DemoContext) -> None:
        _, ctx.admin_token = create_user(ctx, ADMIN_USER, Role.ADMIN)
        ctx.channel, _ = create_user(ctx, CHANNEL_USER, Role.SERVICE)
