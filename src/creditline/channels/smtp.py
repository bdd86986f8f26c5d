"""E-mail over SMTP (stdlib ``smtplib``): a text part and an HTML part (the same text in a
small layout, ``notify.templates.render_html``), the message id as ``Message-ID`` so a mail
system can drop a duplicate."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from creditline.notify.messages import EMAIL
from creditline.notify.ports import DeliveryError, Outgoing
from creditline.notify.templates import Rendered, render_html


class SmtpChannel:
    name = EMAIL

    def __init__(self, host: str, port: int = 25, sender: str = "noreply@creditline.local",
                 timeout: float = 10.0, domain: str = "creditline.local") -> None:
        self.host, self.port, self.sender = host, port, sender
        self.timeout, self.domain = timeout, domain

    def build(self, out: Outgoing) -> EmailMessage:
        m = out.message
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = out.address or ""
        msg["Subject"] = m.subject
        msg["Message-ID"] = f"<{m.id}@{self.domain}>"
        msg["Date"] = formatdate(m.created_at.timestamp(), usegmt=True)
        msg["Content-Language"] = "zh-CN" if m.language == "zh" else "en"
        msg.set_content(m.body)
        msg.add_alternative(render_html(Rendered(m.subject, m.body), m.language), subtype="html")
        return msg

    def send(self, out: Outgoing) -> None:
        if not out.address:
            raise DeliveryError("no e-mail address")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                refused = smtp.send_message(self.build(out))
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}"
                                ) from None
        if refused:
            raise DeliveryError(f"SMTP {self.host}:{self.port} refused the recipient")
