"""Which outbox topics reach a customer, and under which template.

A topic is either **internal** (listed here: other systems or staff act on it, the customer
gets nothing) or **customer-facing**, and then it has a template in both languages,
``notify/templates/<lang>/<topic>.txt.j2``.  There is no generic fallback text: a test
(``tests/unit/notify/test_templates.py``) greps the code for every ``emit(`` topic and fails
on one that is neither internal nor templated in both languages.

``notification.requested`` is the one topic that names its template in the payload
(``"template": "application_approved"``): origination asks for a notice without a topic of
its own per decision."""

from __future__ import annotations

from collections.abc import Mapping

REQUESTED = "notification.requested"
REMINDER = "statement.reminder"

# Topics nobody outside the lender is told about, and why.
INTERNAL_TOPICS: dict[str, str] = {
    "customer.registered": "registration is answered at the counter or checkout itself",
    "fraud.ring_detected": "for the fraud team; telling the applicant would tip off the ring",
    "line.limit_proposed": "a raise waiting for a second person is not a decision yet",
    "line.limit_proposal_rejected": "a proposal a second person turned down changed nothing",
}


def is_internal(topic: str) -> bool:
    return topic in INTERNAL_TOPICS


def template_name(topic: str, payload: Mapping[str, object]) -> str:
    """The template an event is written with: the topic, or for ``notification.requested``
    the template the payload names."""
    if topic == REQUESTED:
        name = payload.get("template")
        return name if isinstance(name, str) and name else REQUESTED
    return topic
