"""Helpers for the closure tests: registered customers (the system review reads their
identity for the fraud flag), lines, and what the outbox holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.parties import services as ps
from creditline.servicing import services as sv
from creditline.servicing.views import LineView
from creditline.store.tables.foundation import outbox
from tests.api.test_applications_support import id_number, uscc

CONSENTS = {"credit_check": True, "data_processing": True, "emergency_contact": True}
CUSTOMER = Principal("svc-app", "svc-app", Role.SERVICE)  # the customer's app (service user)
REVIEWER = Principal("rv-wang", "rv-wang", Role.REVIEWER)
OFFICER = Principal("ro-zhao", "ro-zhao", Role.RISK_OFFICER)
OFFICER2 = Principal("ro-qian", "ro-qian", Role.RISK_OFFICER)


def person_line(container: Container, i: int, limit: str = "10000.00") -> LineView:
    c = ps.register_customer(ps.RegisterPerson(
        name=f"Customer {i}", id_number=id_number(i), phone=f"139{i:08d}",
        monthly_income="12000.00", consents=CONSENTS), container.uow(), SYSTEM)
    return sv.open_line(sv.OpenLine(c.id, "consumer_bnpl", limit), container.uow(), SYSTEM)


def enterprise_line(container: Container, i: int, limit: str) -> LineView:
    c = ps.register_customer(ps.RegisterEnterprise(
        name=f"Firm {i} Import & Export Co., Ltd.", uscc=uscc(i), industry="F",
        registered_on="2015-06-01", legal_representative="Zhou Min",
        consents={"credit_check": True, "data_processing": True}), container.uow(), SYSTEM)
    return sv.open_line(sv.OpenLine(c.id, "sme_line", limit), container.uow(), SYSTEM)


def topics(container: Container, customer_id: str) -> list[str]:
    """The outbox topics addressed to one customer, in order."""
    with container.engine.connect() as c:
        rows = c.execute(select(outbox.c.topic, outbox.c.payload).order_by(outbox.c.id)).all()
    return [r.topic for r in rows if dict(r.payload).get("customer_id") == customer_id]


def payload(container: Container, topic: str) -> dict[str, Any]:
    with container.engine.connect() as c:
        rows = c.execute(select(outbox.c.payload).where(outbox.c.topic == topic)
                         .order_by(outbox.c.id)).all()
    assert rows, topic
    return dict(rows[-1].payload)


def iso(d: date) -> str:
    return d.isoformat()


TEMPLATES = Path(__file__).resolve().parents[2] / "src/creditline/notify/templates"
TOPICS = ("closure.", "negotiation.", "line.restructured", "line.called_back",
          "line.limit_reduced")


def render_notices(container: Container) -> list[str]:
    """Render every closure notice in the outbox with its template, in English and Chinese
    (the template context is the event's payload; an unknown name fails): the subjects."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      autoescape=False)
    with container.engine.connect() as c:
        rows = c.execute(select(outbox.c.topic, outbox.c.payload).order_by(outbox.c.id)).all()
    subjects = []
    for r in rows:
        if not r.topic.startswith(TOPICS):
            continue
        for lang in ("en", "zh"):
            text = env.get_template(f"{lang}/{r.topic}.txt.j2").render(**dict(r.payload))
            first, blank, body = text.split("\n", 2)
            assert first.startswith("Subject: ") and blank == "" and body.strip(), text
            subjects.append(first)
    return subjects
