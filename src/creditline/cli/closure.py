"""``creditline closure``: closure requests (file one with proof files, list the queue, show
one, show the reviewer's screen, decide, answer a counter-offer, withdraw), plans with
maker-checker (propose, decide, show) and negotiation cases (open, note or propose,
conclude).  Each command builds a command and calls ``closure.services``."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Annotated, Any

import typer

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.closure import services as cs
from creditline.closure.ports import RequestQuery
from creditline.closure.reasons import REASONS
from creditline.errors import ValidationError
from creditline.paging import PageRequest

sub = typer.Typer(help="Closing and restructuring lines. Closure requests, the review queue, "
                       "plans (partial closure, restructuring, emergency) and negotiations.",
                  no_args_is_help=True)
plans_app = typer.Typer(help="Plans with maker-checker. They change a line's limit and draws.",
                        no_args_is_help=True)
negotiations_app = typer.Typer(help="Enterprise negotiation cases.", no_args_is_help=True)
sub.add_typer(plans_app, name="plans")
sub.add_typer(negotiations_app, name="negotiations")


def _show(doc: dict[str, Any]) -> None:
    console.print_json(json.dumps(doc, ensure_ascii=False))


def _files(paths: list[Path] | None) -> tuple[cs.ProofFile, ...]:
    out = []
    for p in paths or ():
        try:
            content = p.read_bytes()
        except OSError as exc:
            raise ValidationError("--file", f"cannot read {str(p)!r}: {exc.strerror}") from None
        out.append(cs.ProofFile(p.name, content, mimetypes.guess_type(p.name)[0]))
    return tuple(out)


@sub.command("request")
def request(
    line_id: Annotated[str, typer.Argument(metavar="LINE", help="The credit line's id.")],
    reason: Annotated[list[str], typer.Option(help="A reason code (repeat for more): "
                                                   + ", ".join(REASONS))],
    outcome: Annotated[str, typer.Option(help="close or reduce")] = "close",
    target_limit: Annotated[str | None, typer.Option(help="The limit wanted (reduce).")] = None,
    text: Annotated[str, typer.Option(help="The customer's own words.")] = "",
    file: Annotated[list[Path] | None, typer.Option(help="A proof file (PDF, PNG, JPEG); "
                                                         "repeat for more.")] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """File a closure or reduction request.

    The system review answers at once."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    _show(cs.submit_request(cs.SubmitRequest(line_id, tuple(reason), text, outcome,
                                             target_limit, _files(file)),
                            container.uow(), actor))


@sub.command("list")
def list_requests(
    queue: Annotated[bool, typer.Option(help="Only those waiting for a reviewer.")] = False,
    status: Annotated[str | None, typer.Option()] = None,
    line_id: Annotated[str | None, typer.Option()] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """List closure requests, oldest first (the first 200)."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("closure:list")
    page = cs.list_requests(RequestQuery(status=status, line_id=line_id,
                                         statuses=cs.QUEUE if queue else None),
                            PageRequest(limit=200), container.uow(), actor)
    for r in page.items:
        console.print(f"{r['id']}  {r['status']:<18} {r['outcome']:<6} line {r['line_id']}  "
                      f"{r['submitted_on']}", markup=False, highlight=False)
    console.print(f"{page.total} request(s)")


@sub.command("show")
def show(request_id: Annotated[str, typer.Argument(metavar="ID")],
         screen: Annotated[bool, typer.Option(help="The reviewer's screen: proofs, findings, "
                                                   "the line's history.")] = False,
         token: UserTokenOption = None, db: DbOption = None) -> None:
    """A request with its state and history."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    if screen:
        actor.require("closure:review")
        _show(cs.review_screen(request_id, container.uow()))
    else:
        actor.require("closure:read")
        _show(cs.get_request(request_id, container.uow(), actor))


@sub.command("decide")
def decide(request_id: Annotated[str, typer.Argument(metavar="ID")],
           decision: Annotated[str, typer.Option(help="approve, reject, counter_offer or "
                                                      "ask_documents")],
           reason: Annotated[str, typer.Option(help="Why (kept with the decision).")],
           counter_limit: Annotated[str | None, typer.Option(help="The limit offered "
                                                                  "(counter_offer).")] = None,
           token: UserTokenOption = None, db: DbOption = None) -> None:
    """Decide a request in the review queue.

    Above the maker-checker limit a second person confirms."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("closure:decide")
    _show(cs.decide_request(cs.DecideRequest(request_id, decision, reason, counter_limit),
                            container.uow(), actor))


@sub.command("answer")
def answer(request_id: Annotated[str, typer.Argument(metavar="ID")],
           accept: Annotated[bool, typer.Option("--accept/--decline")],
           token: UserTokenOption = None, db: DbOption = None) -> None:
    """The customer accepts or declines a counter-offer."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("closure:request")
    _show(cs.answer_counter_offer(cs.AnswerCounterOffer(request_id, accept), container.uow(),
                                  actor))


@sub.command("withdraw")
def withdraw(request_id: Annotated[str, typer.Argument(metavar="ID")],
             token: UserTokenOption = None, db: DbOption = None) -> None:
    """Withdraw a request before the decision.

    The line stays as it was."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("closure:request")
    _show(cs.withdraw_request(cs.WithdrawRequest(request_id), container.uow(), actor))


@plans_app.command("propose")
def plans_propose(
    line_id: Annotated[str, typer.Argument(metavar="LINE")],
    kind: Annotated[str, typer.Option(help="partial_closure, restructuring or emergency")],
    reason: Annotated[str, typer.Option()],
    new_limit: Annotated[str | None, typer.Option(help="A lower limit.")] = None,
    call_back: Annotated[list[str] | None, typer.Option(help="A draw (purchase id) to call "
                                                             "back; repeat for more.")] = None,
    due_date: Annotated[str | None, typer.Option(help="When the called amount is due: a "
                                                      "statement's due date.")] = None,
    restructure: Annotated[list[str] | None, typer.Option(help="A draw to reschedule; "
                                                               "repeat for more.")] = None,
    extension: Annotated[int | None, typer.Option(help="Months added.")] = None,
    daily_rate: Annotated[str | None, typer.Option(help="New daily interest rate.")] = None,
    fee_rate: Annotated[str | None, typer.Option(help="New fee rate per period.")] = None,
    capitalise_arrears: Annotated[bool, typer.Option()] = False,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Propose a plan.

    Nothing changes until a second person approves it."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("plans:propose")
    _show(cs.propose_plan(cs.ProposePlan(
        line_id, kind, reason, new_limit, tuple(call_back or ()), due_date,
        tuple(restructure or ()), extension, daily_rate, fee_rate, capitalise_arrears),
        container.uow(), actor))


@plans_app.command("decide")
def plans_decide(plan_id: Annotated[str, typer.Argument(metavar="ID")],
                 approve: Annotated[bool, typer.Option("--approve/--reject")],
                 note: Annotated[str, typer.Option()],
                 token: UserTokenOption = None, db: DbOption = None) -> None:
    """Approve or reject another person's plan.

    An approved plan is carried out at once."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("plans:approve")
    _show(cs.decide_plan(cs.DecidePlan(plan_id, approve, note), container.uow(), actor))


@plans_app.command("show")
def plans_show(plan_id: Annotated[str, typer.Argument(metavar="ID")],
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """Show a plan.

    Its decision and what it did: limit, calls, old and new schedules."""
    container = container_for(db)
    actor_from_token(container, token).require("plans:read")
    _show(cs.get_plan(plan_id, container.uow()))


@negotiations_app.command("open")
def negotiations_open(line_id: Annotated[str, typer.Argument(metavar="LINE")],
                      manager: Annotated[str, typer.Option(help="The account manager.")],
                      subject: Annotated[str, typer.Option()],
                      token: UserTokenOption = None, db: DbOption = None) -> None:
    """Open a negotiation case on an SME line."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("negotiations:manage")
    _show(cs.open_negotiation(cs.OpenNegotiation(line_id, manager, subject), container.uow(),
                              actor))


@negotiations_app.command("add")
def negotiations_add(negotiation_id: Annotated[str, typer.Argument(metavar="ID")],
                     kind: Annotated[str, typer.Option(help="note, proposal or "
                                                            "counter_proposal")],
                     text: Annotated[str, typer.Option()],
                     side: Annotated[str, typer.Option(help="bank or customer")] = "bank",
                     token: UserTokenOption = None, db: DbOption = None) -> None:
    """Add a note, a proposal or a counter-proposal."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("negotiations:manage")
    _show(cs.add_negotiation_entry(cs.NegotiationEntry(negotiation_id, kind, text, side),
                                   container.uow(), actor))


@negotiations_app.command("conclude")
def negotiations_conclude(
    negotiation_id: Annotated[str, typer.Argument(metavar="ID")],
    outcome: Annotated[str, typer.Option(help="no_change, partial_closure or restructuring")],
    text: Annotated[str, typer.Option()],
    new_limit: Annotated[str | None, typer.Option()] = None,
    call_back: Annotated[list[str] | None, typer.Option()] = None,
    due_date: Annotated[str | None, typer.Option()] = None,
    restructure: Annotated[list[str] | None, typer.Option()] = None,
    extension: Annotated[int | None, typer.Option()] = None,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Conclude a negotiation case.

    The agreed plan, if any, waits for a second person."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("negotiations:manage")
    plan = None
    if outcome != "no_change":
        plan = cs.ProposePlan("", outcome, text, new_limit, tuple(call_back or ()), due_date,
                              tuple(restructure or ()), extension)
    _show(cs.conclude_negotiation(cs.ConcludeNegotiation(negotiation_id, outcome, text, plan),
                                  container.uow(), actor))
