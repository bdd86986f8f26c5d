"""A file sink: one JSON line per message appended to a file, for the demo and for running
without a mail server or SMS gateway.  Addresses are written masked (the file is a record
of what went out, not a copy of personal data)."""

from __future__ import annotations

import json
from pathlib import Path

from creditline.notify.messages import EMAIL
from creditline.notify.ports import DeliveryError, Outgoing
from creditline.parties.identity import mask_email, mask_phone


class FileSink:
    def __init__(self, name: str, path: Path) -> None:
        self.name, self.path = name, path
        self._folder_made = False  # made on the first send, not looked at for every message

    def send(self, out: Outgoing) -> None:
        m = out.message
        to = None
        if out.address:
            to = mask_email(out.address) if m.channel == EMAIL else mask_phone(out.address)
        line = json.dumps({
            "id": m.id, "channel": m.channel, "topic": m.topic, "template": m.template,
            "customer_id": m.customer_id, "to": to, "language": m.language,
            "subject": m.subject, "body": m.body, "created_at": m.created_at.isoformat(),
            "deliver_after": m.deliver_after.isoformat() if m.deliver_after else None,
            "attempt": m.attempts + 1}, ensure_ascii=False)
        try:
            if not self._folder_made:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._folder_made = True
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        except OSError as exc:
            raise DeliveryError(f"file sink {self.path}: {exc}") from None
