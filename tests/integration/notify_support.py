"""Real receivers for the relay's tests: an SMTP server (aiosmtpd) and an SMS gateway (a
local HTTP server taking JSON POSTs), each started and stopped by the test on a fixed local
port, so a test can take one down, queue messages, and bring it back."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.parties import services as parties
from creditline.servicing import services as sv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Collect:
    def __init__(self, box: list[EmailMessage]) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content or envelope.content)
        msg["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.box.append(msg)
        return "250 OK"


class SmtpServer:
    """A real SMTP server on 127.0.0.1:port; ``received`` keeps every message it accepted,
    across restarts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self._ctl: Controller | None = None

    def start(self) -> SmtpServer:
        self._ctl = Controller(_Collect(self.received), hostname="127.0.0.1", port=self.port)
        self._ctl.start()
        return self

    def stop(self) -> None:
        if self._ctl is not None:
            self._ctl.stop()
            self._ctl = None

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]).strip("<>").split("@")[0] for m in self.received]


class SmsGateway:
    """A real HTTP receiver on 127.0.0.1:port; ``received`` keeps (headers, JSON body) of
    every POST it answered 202, across restarts.  ``fail_next`` makes it answer 503."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.fail_next = 0
        self._srv: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    def start(self) -> SmsGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.fail_next:
                    gateway.fail_next -= 1
                    self.send_response(503)
                else:
                    gateway.received.append((dict(self.headers), body))
                    self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._srv = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._srv.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._srv is not None:
            self._srv.shutdown()
            self._srv.server_close()
            self._srv = None

    def ids(self) -> list[str]:
        return [b["message_id"] for _, b in self.received]


def register(container: Container, *, id_number: str = "11010519491231002X",
             phone: str = "13812341234", email: str | None = "zhang@example.com",
             language: str = "zh", name: str = "张伟", time_zone: str | None = None) -> str:
    c = parties.register_customer(parties.RegisterPerson(
        name=name, id_number=id_number, phone=phone, monthly_income="8000.00", email=email,
        language=language, time_zone=time_zone, consents={"credit_check": True, "data_processing": True}),
        container.uow(), SYSTEM)
    return c.id


def open_line(container: Container, customer_id: str, limit: str = "10000.00") -> str:
    return sv.open_line(sv.OpenLine(customer_id, "consumer_bnpl", limit), container.uow(),
                        SYSTEM).id


def relay_texts(container: Container) -> SmsGateway:
    """Run the relay once, now, to a real SMS gateway started for it: what is due goes out,
    and the collection contacts it sends are logged then (the collection strategy's texts
    among them).  Returns the stopped gateway with what it received."""
    from creditline.channels.sms import HttpSmsGateway
    from creditline.notify.relay import relay_once

    gateway = SmsGateway().start()
    try:
        relay_once(container.uow, {"sms": HttpSmsGateway(gateway.url, timeout=5)})
    finally:
        gateway.stop()
    return gateway
