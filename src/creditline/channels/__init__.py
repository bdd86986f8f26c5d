"""Channel adapters for ``creditline.notify``: the ways a message leaves the book.

Each implements the ``notify.ports.Channel`` port: ``send(out)`` returns once the receiver
accepted the message, or raises ``notify.ports.DeliveryError`` (the relay retries with
back-off).  Each passes the message id on as the receiver's dedupe key.

- ``smtp.SmtpChannel``: e-mail over SMTP (text and HTML), ``Message-ID: <id@domain>``;
- ``sms.HttpSmsGateway``: an HTTP POST of JSON to a configurable gateway URL,
  ``Idempotency-Key: <id>``;
- ``file_sink.FileSink``: one JSON line per message in a file (the demo's default, and a
  way to run without a mail server or gateway).

``channels_from_settings`` builds what the settings ask for."""

from __future__ import annotations

from pathlib import Path

from creditline.channels.file_sink import FileSink
from creditline.channels.sms import HttpSmsGateway
from creditline.channels.smtp import SmtpChannel
from creditline.notify.messages import EMAIL, SMS, Backoff
from creditline.notify.ports import Channel
from creditline.notify.relay import RelayConfig
from creditline.settings import Settings


def channels_from_settings(settings: Settings, *, sink: Path | None = None) -> dict[str, Channel]:
    """E-mail through SMTP when ``smtp_host`` is set, SMS through the gateway when
    ``sms_url`` is set; with a file sink (``sink`` or ``notify_sink``) both go to the file
    instead.  The inbox needs no adapter (the relay adds it)."""
    path = sink or settings.notify_sink
    if path is not None:
        return {EMAIL: FileSink(EMAIL, Path(path)), SMS: FileSink(SMS, Path(path))}
    out: dict[str, Channel] = {}
    if settings.smtp_host:
        out[EMAIL] = SmtpChannel(host=settings.smtp_host, port=settings.smtp_port,
                                 sender=settings.smtp_from, timeout=settings.notify_timeout)
    if settings.sms_url:
        out[SMS] = HttpSmsGateway(url=settings.sms_url, token=settings.sms_token,
                                  timeout=settings.notify_timeout)
    return out


def relay_config(settings: Settings) -> RelayConfig:
    """The relay's retry timing from the settings (``CREDITLINE_NOTIFY_RETRY_*``)."""
    return RelayConfig(backoff=Backoff(base_seconds=settings.notify_retry_base_seconds,
                                       cap_seconds=max(settings.notify_retry_cap_seconds,
                                                       settings.notify_retry_base_seconds),
                                       max_attempts=settings.notify_max_attempts))
