"""Registration of every command group; one line per bounded context.

The package root calls ``register(app)``; this module does not import the root back, so the
two are not an import cycle."""

from __future__ import annotations

import typer

from creditline.cli import browse as browse_cli
from creditline.cli import bureau as bureau_cli  # bureau reporting (issue 16)
from creditline.cli import calendar as calendar_cli
from creditline.cli import checkout as checkout_cli
from creditline.cli import closure as closure_cli
from creditline.cli import collections as collections_cli  # collections
from creditline.cli import contacts as contacts_cli  # contacts lane
from creditline.cli import demo as demo_cli
from creditline.cli import documents as documents_cli
from creditline.cli import ecl as ecl_cli  # issue 17: ECL and stress tests
from creditline.cli import foundation
from creditline.cli import limit_strategy as limit_strategy_cli
from creditline.cli import losses as losses_cli  # losses (issue 16)
from creditline.cli import model as model_cli
from creditline.cli import notify as notify_cli
from creditline.cli import portfolio as portfolio_cli  # portfolio (issue 17)
from creditline.cli import products as products_cli
from creditline.cli import report as report_cli
from creditline.cli import reviews as reviews_cli
from creditline.cli import rules as rules_cli
from creditline.cli import servicing as servicing_cli
from creditline.cli import simulate as simulate_cli
from creditline.cli import triggers as triggers_cli


def register(app: typer.Typer) -> None:
    """Add every command and sub-app to ``app``."""
    app.command("serve")(foundation.serve)
    app.add_typer(foundation.db_app, name="db")
    app.add_typer(foundation.users_app, name="users")
    app.add_typer(foundation.audit_app, name="audit")
    app.add_typer(model_cli.sub, name="model")
    app.add_typer(simulate_cli.sub, name="simulate")
    app.add_typer(rules_cli.sub, name="rules")
    app.add_typer(products_cli.sub, name="products")
    app.add_typer(report_cli.sub, name="report")
    app.command("eod")(servicing_cli.eod)
    app.add_typer(calendar_cli.sub, name="calendar")
    app.add_typer(servicing_cli.sub, name="ledger")
    app.add_typer(servicing_cli.lines_app, name="lines")
    servicing_cli.lines_app.command("list")(browse_cli.list_lines)
    app.add_typer(browse_cli.customers_app, name="customers")
    app.add_typer(browse_cli.purchases_app, name="purchases")
    app.add_typer(browse_cli.applications_app, name="applications")
    app.command("demo")(demo_cli.demo)
    # notify: the outbox relay and message status
    app.add_typer(notify_cli.sub, name="notify")
    app.add_typer(documents_cli.sub, name="documents")  # documents context
    app.add_typer(collections_cli.sub, name="collections")  # collections
    app.add_typer(contacts_cli.contacts_app, name="contacts")  # contacts lane
    app.add_typer(contacts_cli.relief_app, name="relief")  # contacts lane: regional relief
    # issue 13, triggers lane: held purchases and triggers fired
    app.add_typer(triggers_cli.holds_app, name="holds")
    app.add_typer(triggers_cli.triggers_app, name="triggers")
    app.add_typer(triggers_cli.campaigns_app, name="campaigns")
    app.add_typer(triggers_cli.sectors_app, name="sectors")
    app.add_typer(triggers_cli.reviews_app, name="line-reviews")
    # fraudq: checkout offers, the review queue and its SLA
    app.add_typer(checkout_cli.sub, name="checkout")
    app.add_typer(reviews_cli.sub, name="reviews")
    app.add_typer(closure_cli.sub, name="closure")  # closure (issue 14)
    # behaviour scoring and limit strategy (issue 13)
    servicing_cli.lines_app.command("auto-increase")(limit_strategy_cli.auto_increase)
    servicing_cli.lines_app.command("strategy")(limit_strategy_cli.strategy_decisions)
    # portfolio (issue 17): vintages, rolls, concentration, early warning, the risk report
    app.add_typer(portfolio_cli.sub, name="portfolio")
    report_cli.sub.command("risk")(portfolio_cli.report_risk)
    # issue 17: expected credit loss, provisions, stress tests, cash flow
    app.add_typer(ecl_cli.ecl_app, name="ecl")
    app.add_typer(ecl_cli.stress_app, name="stress")
    app.add_typer(bureau_cli.sub, name="bureau")  # bureau reporting (issue 16)
    app.add_typer(losses_cli.sub, name="losses")  # losses (issue 16)
