"""SMS through a gateway over HTTP: one JSON POST per message to a configurable URL.

Body: ``{"message_id", "to", "text", "language"}``; header ``Idempotency-Key: <message id>``
(and ``Authorization: Bearer <token>`` when a token is set).  A 2xx answer is accepted;
anything else, a timeout or a refused connection is a ``DeliveryError`` (retried)."""

from __future__ import annotations

import httpx

from creditline.notify.messages import SMS
from creditline.notify.ports import DeliveryError, Outgoing


class HttpSmsGateway:
    name = SMS

    def __init__(self, url: str, token: str | None = None, timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def payload(self, out: Outgoing) -> dict[str, str]:
        m = out.message
        return {"message_id": m.id, "to": out.address or "", "text": f"{m.subject}\n{m.body}",
                "language": m.language}

    def send(self, out: Outgoing) -> None:
        if not out.address:
            raise DeliveryError("no mobile number")
        headers = {"Idempotency-Key": out.message.id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            r = httpx.post(self.url, json=self.payload(out), headers=headers,
                           timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"SMS gateway: {type(exc).__name__}: {exc}") from None
        if not 200 <= r.status_code < 300:
            raise DeliveryError(f"SMS gateway answered {r.status_code}")
