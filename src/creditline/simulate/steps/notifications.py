"""Every evening, after end of day: the outbox relay, as in production, delivers the day's
notices and the reminders falling due, to a file sink in the demo's folder (one JSON line
per e-mail or SMS, ``messages.jsonl``) and to the customers' in-app inboxes.

The clock stands at 09:00 China time of the business day, so a reminder written by last
night's end of day (due at 09:00 today) goes out now and tonight's wait for tomorrow: the
relay never sends a message before its ``deliver_after``.

The collection strategy's messages go out at 09:30 the next morning in the debtor's zone,
and the relay logs each as a contact only when it sends it; so a morning pass at 09:30
(``MorningRelay``, before the debtors' responses read the day's contacts) sends them then,
as a relay running all day would."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from creditline.channels.file_sink import FileSink
from creditline.notify.messages import EMAIL, SMS
from creditline.notify.ports import Channel
from creditline.notify.relay import relay_once
from creditline.simulate.context import DemoContext

SINK_FILE = "messages.jsonl"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = (9, 30)  # the collection strategy's send_at (strategy_rules' manifest)


class Notifications:
    name = "notifications"

    def __init__(self) -> None:
        self._channels: dict[str, Channel] | None = None

    def channels(self, out: Path) -> dict[str, Channel]:
        if self._channels is None:
            sink = out / SINK_FILE
            sink.unlink(missing_ok=True)  # a rerun writes its own
            self._channels = {EMAIL: FileSink(EMAIL, sink), SMS: FileSink(SMS, sink)}
        return self._channels

    def run(self, ctx: DemoContext, day: date) -> None:
        report = relay_once(ctx.container.uow, self.channels(ctx.config.out))
        for k, v in report.as_dict().items():
            if isinstance(v, int):
                ctx.notify[k] += v


class MorningRelay:
    """At 09:30 China time, before the debtors' responses: the relay sends what is due by
    then -- last night's collection strategy messages -- through the evening pass's channels
    (one sink file).  The clock goes back to where it stood, as the collectors' desk does."""

    name = "morning relay"

    def __init__(self, evening: Notifications) -> None:
        self.evening = evening

    def run(self, ctx: DemoContext, day: date) -> None:
        before = ctx.clock.current
        at = datetime(day.year, day.month, day.day, *MORNING, tzinfo=SHANGHAI)
        ctx.clock.current = max(before, at)
        try:
            report = relay_once(ctx.container.uow, self.evening.channels(ctx.config.out))
        finally:
            ctx.clock.current = before
        for k, v in report.as_dict().items():
            if isinstance(v, int):
                ctx.notify[k] += v
