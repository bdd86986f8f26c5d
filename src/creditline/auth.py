"""Roles, permissions and principals.  The permission table lives here, in one place, and
is tested as a table (tests/unit/test_permissions.py).  No I/O."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from creditline.errors import Forbidden, ValidationError


class Role(StrEnum):
    ADMIN = "admin"
    RISK_OFFICER = "risk_officer"
    REVIEWER = "reviewer"
    COLLECTOR = "collector"
    AUDITOR = "auditor"
    SERVICE = "service"  # a merchant checkout integration


A, RO, RV, CO, AU, SV = (Role.ADMIN, Role.RISK_OFFICER, Role.REVIEWER, Role.COLLECTOR,
                         Role.AUDITOR, Role.SERVICE)

# permission -> roles that hold it.  Add a row when you add a route; never check roles inline.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "customers:create": frozenset({A, RO, SV}),
    "customers:read": frozenset({A, RO, RV, CO, AU}),
    "customers:read_pii": frozenset({A, RO}),  # identity numbers and phones unmasked
    "contacts:create": frozenset({A, RO, SV}),
    "contacts:read": frozenset({A, RO, RV, CO, AU}),
    "contacts:read_pii": frozenset({A, RO}),
    "audit:read": frozenset({A, AU}),
    "audit:anchor": frozenset({A, AU}),  # sign the current heads with the audit key
    "users:create": frozenset({A}),
    "users:read": frozenset({A}),
    "users:manage": frozenset({A}),  # revoke, rotate
    "products:read": frozenset({A, RO, RV, CO, AU, SV}),  # product terms are not secret
    "lines:open": frozenset({A, RO}),
    "lines:read": frozenset({A, RO, RV, CO, AU}),
    "lines:manage": frozenset({A, RO}),  # freeze, unfreeze, limit changes (large: proposals)
    "lines:limit_approve": frozenset({A, RO}),  # decide another person's limit proposal
    "lines:limit_proposals": frozenset({A, RO, AU}),  # list and read limit proposals
    "lines:temporary_limit": frozenset({A, RO}),
    "lines:limit_history": frozenset({A, RO, RV, CO, AU}),
    "purchases:create": frozenset({A, RO, SV}),  # service: as its own merchants only
    "purchases:read": frozenset({A, RO, RV, CO, AU, SV}),  # service: its merchants' only
    "returns:create": frozenset({A, RO, SV}),  # service: its merchants' purchases only
    "repayments:create": frozenset({A, RO, CO}),
    "refunds:create": frozenset({A, RO}),  # pay a credit balance back: money leaves the book
    "statements:read": frozenset({A, RO, RV, CO, AU}),
    "ledger:read": frozenset({A, RO, AU}),
    "eod:run": frozenset({A}),
    "eod:read": frozenset({A, RO, AU}),  # the end-of-day stages and run records
    "calendar:read": frozenset({A, RO, RV, CO, AU}),  # the book's business date
    "calendar:set": frozenset({A}),  # set or advance it (never backwards)
    "models:read": frozenset({A, RO, AU}),
    "models:register": frozenset({A, RO}),
    "models:promote": frozenset({A, RO}),
    "models:score": frozenset({A, RO, SV}),  # champion score of one application
    "models:score_all": frozenset({A, RO}),  # issue 18: score every line with a card
    "applications:create": frozenset({A, RO, SV}),
    "applications:read": frozenset({A, RO, RV, AU}),
    "reviews:read": frozenset({A, RO, RV}),
    "reviews:decide": frozenset({A, RO, RV}),
    "blacklist:manage": frozenset({A, RO}),
    "blacklist:read": frozenset({A, RO, RV, AU}),
    "special_terms:propose": frozenset({A, RO}),
    "special_terms:approve": frozenset({A, RO}),
    # notify: a customer's in-app inbox (as the customer record), the messages with their
    # delivery status, and putting a failed message back in the queue
    "inbox:read": frozenset({A, RO, RV, CO, AU}),
    "notifications:read": frozenset({A, RO, CO, AU}),
    "notifications:retry": frozenset({A, RO}),
    # closure (issue 14): requests (the customer's channel is a service integration),
    # the manual review queue, plans with maker-checker, negotiation cases
    "closure:request": frozenset({A, RO, SV}),  # file, answer a counter-offer, withdraw
    "closure:read": frozenset({A, RO, RV, AU, SV}),  # one request (service: no findings)
    "closure:list": frozenset({A, RO, RV, AU}),  # the list and the review queue
    "closure:review": frozenset({A, RO, RV}),  # the reviewer's screen
    "closure:decide": frozenset({A, RO, RV}),  # approve, reject, counter-offer, ask docs
    "plans:propose": frozenset({A, RO}),  # partial closure, restructuring, emergency
    "plans:approve": frozenset({A, RO}),  # a second person (never the proposer)
    "plans:read": frozenset({A, RO, AU}),
    "negotiations:manage": frozenset({A, RO}),
    "negotiations:read": frozenset({A, RO, AU}),
    # documents (uploaded proofs): the files carry personal and business data
    "documents:upload": frozenset({A, RO, CO, SV}),
    "documents:read": frozenset({A, RO, RV, CO, AU}),  # metadata and the bytes
    # console (issue 19): people sign in with a password; machines (service) keep tokens
    "console:sign_in": frozenset({A, RO, RV, CO, AU}),
    # collections
    "collections:queue": frozenset({A, RO, CO}),  # one's own queue of cases
    "collections:read": frozenset({A, RO, CO, AU}),  # a case (collectors: their own)
    "collections:read_pii": frozenset({A, RO}),  # the debtor's data unmasked
    "collections:work": frozenset({A, RO, CO}),  # calls, promises, hardship, pauses, disputes
    "collections:supervise": frozenset({A, RO}),  # assign, any queue, contact terms, disputes
    "collections:backdate": frozenset({A, RO}),  # a hold that starts before today
    "collections:agencies": frozenset({A, RO}),  # agencies, placement and recall
    "collections:agency_contact": frozenset({A, RO, CO}),  # log an agency's contact
    "collections:agency_read": frozenset({A, RO, AU}),  # agencies and their performance
    "collections:legal": frozenset({A, RO}),  # legal referral packages
    "collections:replay": frozenset({A, RO, AU}),  # the contact log through the rules
    # issue 13, triggers lane: real-time triggers and held purchases
    "holds:read": frozenset({A, RO, RV, AU}),
    "holds:decide": frozenset({A, RO, RV}),  # release or refuse, never one's own purchase
    "triggers:read": frozenset({A, RO, RV, CO, AU}),
    "sectors:read": frozenset({A, RO, AU}),  # early-warning flags and sector actions
    "sectors:manage": frozenset({A, RO}),  # watch, preview, cut and reverse
    "line_reviews:read": frozenset({A, RO, RV, AU}),  # periodic reviews of enterprise lines
    "line_reviews:manage": frozenset({A, RO}),  # schedule, upload statements, decide (not own)
    # fraudq: checkout offers (a merchant checkout shows the plans' cost before a purchase)
    "checkout:offers": frozenset({A, RO, SV}),
    # behaviour scoring and limit strategy (issue 13)
    "lines:auto_increase": frozenset({A, RO, SV}),  # the customer's opt-out, via the app
    "lines:strategy_read": frozenset({A, RO, RV, AU}),  # strategy decisions, B-scores
    # console (issue 19): the rule families' tables and example cases, and the replay of the
    # live origination tables over past applications (reads every application's facts)
    "rules:read": frozenset({A, RO, AU}),
    "rules:replay": frozenset({A, RO}),
    # portfolio (issue 17): vintages, rolls, concentration, alerts, the risk report
    "portfolio:read": frozenset({A, RO, AU}),
    "portfolio:warnings": frozenset({A, RO}),  # run the early warning (alerts kept)
    # issue 17: expected credit loss, provisions, stress tests, cash-flow projection
    "ecl:read": frozenset({A, RO, AU}),  # runs, ECL by stage/product/..., movement, cash flow
    "ecl:run": frozenset({A, RO}),  # measure the book now and post the provision
    "stress:run": frozenset({A, RO, AU}),  # rerun ECL and cash flow under scenarios (a read)
    # bureau reporting (issue 16): runs, files (identity numbers in clear), disputes
    "bureau:run": frozenset({A, RO}),
    "bureau:read": frozenset({A, RO, AU}),  # runs, a line's reported history, disputes
    "bureau:file": frozenset({A, RO}),  # download the files sent to the bureau
    "bureau:dispute": frozenset({A, RO, CO}),  # flag a record the customer disputes
    "bureau:correct": frozenset({A, RO}),  # correct a month, reject a dispute
    # losses (issue 16): write-offs and debt sales with maker-checker, recoveries
    "losses:read": frozenset({A, RO, AU}),  # write-offs, sales, recoveries, loss accounts
    "losses:propose": frozenset({A, RO}),  # propose a write-off or a sale; preview a pool
    "losses:approve": frozenset({A, RO}),  # a second person (never the proposer)
    # contacts lane: emergency contacts verified (the contact answers through a service
    # integration: the SMS gateway's inbound hook or a web page) and regional relief
    "contacts:verify": frozenset({A, RO, SV}),  # send a contact a verification code
    "contacts:respond": frozenset({A, SV}),  # the contact confirms the code or withdraws
    "relief:read": frozenset({A, RO, CO, AU}),  # reliefs, and whether a report is held
    "relief:declare": frozenset({A, RO}),  # preview, declare, cancel
}

# What the environment token (``CREDITLINE_ADMIN_TOKEN``) may do: create named admin users
# and list users, nothing else, so every other action is done, and audited, by a named user.
BOOTSTRAP_PERMISSIONS: frozenset[str] = frozenset({"users:create", "users:read"})


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user (or the environment bootstrap token, or the system itself).

    ``merchants`` binds a ``service`` user to the merchants it sells for (its checkout may
    only buy as them and only sees their purchases); ``bootstrap`` marks the environment
    token, which holds only ``BOOTSTRAP_PERMISSIONS``."""

    user_id: str
    name: str
    role: Role
    merchants: frozenset[str] = frozenset()
    bootstrap: bool = False

    def can(self, permission: str) -> bool:
        roles = PERMISSIONS.get(permission)
        if roles is None:
            raise KeyError(f"unknown permission {permission!r}")
        if self.bootstrap:
            return permission in BOOTSTRAP_PERMISSIONS
        return self.role in roles

    def sees_merchant(self, merchant: str) -> bool:
        """Object-level rule for purchases and returns: a service user sees only its own
        merchants' records; every other role that holds the permission sees all."""
        return self.role is not Role.SERVICE or merchant in self.merchants

    def require(self, permission: str) -> None:
        if not self.can(permission):
            if self.bootstrap:
                raise Forbidden(f"the bootstrap token (CREDITLINE_ADMIN_TOKEN) may only create "
                                f"and list users, not {permission!r}: create a named admin "
                                "with it (POST /v1/users) and act as that user")
            raise Forbidden(f"role {self.role.value!r} lacks permission {permission!r}")


SYSTEM = Principal(user_id="system", name="system", role=Role.ADMIN)


def parse_role(value: str, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationError(field, f"must be one of: {allowed}") from None


def new_token() -> str:
    """A bearer token with 256 bits of entropy, shown once to the user."""
    return "cl_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are random 256-bit secrets, so one SHA-256 is enough (no password stretching
    needed); only this hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()
