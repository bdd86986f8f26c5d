"""Register the simulated applicants through the parties services: persons with their
emergency contacts (when they consented to them), and enterprises.  Fraud rings share the
organiser's phone as a contact, which is what origination's ring check follows later.
Applicants whose application date is after the first day (a ring's later members) register
on that day, with their application (``steps.arrivals``)."""

from __future__ import annotations

from typing import Any

from creditline.errors import CreditlineError
from creditline.parties import services as parties
from creditline.simulate.context import DemoContext
from creditline.simulate.default_cards import EMPLOYMENT


def person_command(row: dict[str, Any]) -> parties.RegisterPerson:
    """A registration as the app would send it, in the platform's vocabulary."""
    return parties.RegisterPerson(
        name=row["name"], id_number=row["id_number"], phone=row["phone"],
        monthly_income=row["monthly_income"], email=row["email"],
        employment=EMPLOYMENT.get(row["employment"], row["employment"]), region=row["region"],
        consents={"credit_check": row["consent_credit_check"],
                  "data_processing": row["consent_data_processing"],
                  "emergency_contact": row["consent_emergency_contact"]})


def enterprise_command(row: dict[str, Any]) -> parties.RegisterEnterprise:
    return parties.RegisterEnterprise(
        name=row["name"], uscc=row["uscc"], industry=row["industry"],
        registered_on=row["registered_on"], legal_representative=row["legal_representative"],
        consents={"credit_check": True, "data_processing": True},
        annual_revenue=row["annual_revenue"], employees=row["employees"])


class Onboarding:
    name = "onboarding"

    def run(self, ctx: DemoContext) -> None:
        pop = ctx.population
        ctx.progress.phase("registering customers", pop.persons.height + pop.enterprises.height)
        contacts: dict[str, list[dict[str, Any]]] = {}
        for c in pop.contacts.sort("person_id", "rank").iter_rows(named=True):
            contacts.setdefault(c["person_id"], []).append(c)
        for row in pop.persons.iter_rows(named=True):
            if row["application_date"] <= ctx.config.as_of:  # later ones: steps.arrivals
                self.person(ctx, row, contacts.get(row["person_id"], []))
            ctx.progress.advance()
        for row in pop.enterprises.iter_rows(named=True):
            try:
                customer = parties.register_customer(enterprise_command(row), ctx.uow(),
                                                     ctx.channel)
            except CreditlineError as exc:
                ctx.contacts_refused[f"registration: {type(exc).__name__}"] += 1
            else:
                ctx.customer_ids[row["enterprise_id"]] = customer.id
            ctx.progress.advance()

    @staticmethod
    def person(ctx: DemoContext, row: dict[str, Any], contacts: list[dict[str, Any]]) -> None:
        try:
            customer = parties.register_customer(person_command(row), ctx.uow(), ctx.channel)
        except CreditlineError as exc:
            ctx.contacts_refused[f"registration: {type(exc).__name__}"] += 1
            return
        ctx.customer_ids[row["person_id"]] = customer.id
        if not row["consent_emergency_contact"]:
            return  # the app does not ask for contacts without the consent
        for c in contacts:
            try:
                parties.add_emergency_contact(parties.AddEmergencyContact(
                    customer.id, c["name"], c["relation"], c["phone"]), ctx.uow(), ctx.channel)
            except CreditlineError as exc:
                ctx.contacts_refused[f"contact: {type(exc).__name__}"] += 1
            else:
                ctx.contacts_added += 1
