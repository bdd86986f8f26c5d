"""Notifications delivered, not just queued: the outbox relay, channel ports, templates in
Chinese and English, and due-date reminders.

The relay (``notify.relay``) reads the outbox that commands write in their own transaction
(``uow.emit``), turns each customer-facing event into one message per channel, and hands the
messages to channel adapters (``creditline.channels``: SMTP, an SMS gateway over HTTP, a
file sink) behind the ``notify.ports.Channel`` port; the in-app inbox is a channel whose
delivery is the stored message itself.  Delivery is at least once, with a dedupe key per
message; retries back off; every message has a status.
"""
