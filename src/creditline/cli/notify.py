"""``creditline notify``: run the outbox relay, and look at messages and their delivery.

``notify run`` relays the outbox (e-mail over SMTP when $CREDITLINE_SMTP_HOST is set, SMS
through the gateway at $CREDITLINE_SMS_URL, or both to a file with --sink; the in-app inbox
always) until stopped, or once with --once.  ``creditline serve`` runs the same relay in the
background.  ``list``, ``show``, ``summary`` and ``retry`` act as the user of --token."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from creditline.channels import channels_from_settings, relay_config
from creditline.cli.browse import CursorOption, LimitOption, _page, _show, _who
from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.notify import services
from creditline.notify.relay import RelayReport, RelayWorker
from creditline.paging import LIMIT_DEFAULT

sub = typer.Typer(help="Notifications: the outbox relay and delivery status.",
                  no_args_is_help=True)


def _print_report(r: RelayReport) -> None:
    by = ", ".join(f"{k} {v}" for k, v in sorted(r.by_channel.items())) or "none"
    console.print(f"events {r.events} (internal {r.internal}), new messages {r.messages}, "
                  f"sent {r.sent} ({by}), retry later {r.retried}, failed {r.failed}, "
                  f"undeliverable {r.undeliverable}")


@sub.command("run")
def run(
    once: Annotated[bool, typer.Option(
        "--once", help="Relay what is in the outbox and send what is due, then exit.")] = False,
    sink: Annotated[Path | None, typer.Option(
        "--sink", help="Write e-mail and SMS as JSON lines to this file instead of sending "
                       "them ($CREDITLINE_NOTIFY_SINK).", show_default=False)] = None,
    poll: Annotated[float | None, typer.Option(
        "--poll", help="Seconds between passes ($CREDITLINE_NOTIFY_POLL_SECONDS, 5).",
        min=0.1, show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Relay the outbox to e-mail, SMS and the inbox.

    Each message goes out once, retried with back-off.  Runs until interrupted (Ctrl-C), or one pass with --once.  Without an SMTP host, an SMS
    gateway or --sink, only the in-app inbox is delivered."""
    container = container_for(db)
    s = container.settings
    channels = channels_from_settings(s, sink=sink)
    console.print(f"channels: inbox{''.join(', ' + c for c in sorted(channels))}")
    worker = RelayWorker(container.uow, channels, relay_config(s),
                         poll if poll is not None else s.notify_poll_seconds)
    if once:
        report = worker.run_pass()
        if report is None:
            raise typer.Exit(1)
        _print_report(report)
        return
    try:
        worker.run(on_pass=lambda r: _print_report(r) if r.changed else None)
    except KeyboardInterrupt:
        worker.stopping.set()


@sub.command("list")
def list_messages(
    customer: Annotated[str | None, typer.Option(help="A customer id.", show_default=False)
                        ] = None,
    channel: Annotated[str | None, typer.Option(help="inbox, email or sms.",
                                                show_default=False)] = None,
    status: Annotated[str | None, typer.Option(help="pending, sending, sent or failed.",
                                               show_default=False)] = None,
    topic: Annotated[str | None, typer.Option(help="e.g. statement.reminder.",
                                              show_default=False)] = None,
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """List messages and their delivery status, oldest first."""
    cmd = services.ListMessages(customer_id=customer, channel=channel, status=status,
                                topic=topic, page=_page(cursor, limit))
    container, actor = _who(db, token)
    _show(services.list_messages(cmd, container.uow(), actor),
          ("id", "topic", "channel", "status", "tries", "due", "subject"),
          lambda m: (m.id[:8], m.topic, m.channel, m.status, str(m.attempts),
                     m.due_at.isoformat(timespec="minutes"), m.subject[:40]),
          "messages")


@sub.command("show")
def show(message_id: Annotated[str, typer.Argument(help="The message id.")],
         token: UserTokenOption = None, db: DbOption = None) -> None:
    """Show one message and its delivery.

    Its text, status, attempts, next try and last error."""
    container, actor = _who(db, token)
    m = services.get_message(message_id, container.uow(), actor)
    table = Table("field", "value")
    for k, v in (("id", m.id), ("topic", m.topic), ("customer", m.customer_id or "-"),
                 ("channel", m.channel), ("language", m.language), ("status", m.status),
                 ("attempts", str(m.attempts)), ("due", m.due_at.isoformat()),
                 ("deliver after", m.deliver_after.isoformat() if m.deliver_after else "-"),
                 ("sent", m.sent_at.isoformat() if m.sent_at else "-"),
                 ("last error", m.last_error or "-"), ("subject", m.subject), ("body", m.body)):
        table.add_row(k, v)
    console.print(table)


@sub.command("summary")
def summary(token: UserTokenOption = None, db: DbOption = None) -> None:
    """Messages by topic, channel and status."""
    container, actor = _who(db, token)
    rows = services.message_counts(container.uow(), actor).rows
    table = Table("topic", "channel", "status", "messages")
    for (t, c, s), n in sorted(rows.items()):
        table.add_row(t, c, s, str(n))
    console.print(table)


@sub.command("retry")
def retry(message_id: Annotated[str, typer.Argument(help="The failed message's id.")],
          token: UserTokenOption = None, db: DbOption = None) -> None:
    """Put a failed message back in the queue.

    Once its channel works again; audited."""
    container, actor = _who(db, token)
    m = services.retry_message(services.RetryMessage(message_id), container.uow(), actor)
    console.print(f"message {m.id} is {m.status}, due {m.due_at.isoformat()}")
