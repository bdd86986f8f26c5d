"""Closure requests (issue 14): a customer asks to close a line or lower its limit; the
system review decides at once or refers to the manual queue; reviewers decide there
(maker-checker above the limit); the customer answers a counter-offer, adds documents or
withdraws.  The customer's channel is a ``service`` integration: it reads the request's
state and history, not the review's internal facts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import Amount
from creditline.auth import Principal
from creditline.closure import services as cs
from creditline.closure.ports import RequestQuery

router = APIRouter(tags=["closure"])


class ClosureRequestPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    line_id: str
    customer_id: str
    reasons: list[str]
    text: str
    outcome: str = Field(description="what the customer asked: close or reduce")
    target_limit: str | None
    status: str = Field(description="manual_review, awaiting_documents, pending_second, "
                                    "counter_offered, closing, closed, executed, rejected, "
                                    "withdrawn")
    submitted_on: str
    documents: list[dict[str, Any]]
    history: list[dict[str, Any]]
    counter_limit: str | None
    decided_outcome: str | None
    final_limit: str | None
    finished_on: str | None

    @classmethod
    def of(cls, d: dict[str, Any]) -> ClosureRequestPublic:
        return cls(**d)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject", "counter_offer", "ask_documents"]
    reason: str = Field(min_length=1, max_length=500)
    counter_limit: Amount | None = Field(None, description="the limit offered instead "
                                                           "(counter_offer only)")


class CounterOfferAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accept: bool


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field("withdrawn by the customer", min_length=1, max_length=500)


@router.get("/v1/closure-reasons", response_model=list[dict[str, str]],
            summary="The reasons a closure request picks from")
def reasons(_: Annotated[Principal, Allowed("closure:read")]) -> list[dict[str, str]]:
    """Reason codes with their English and Chinese labels."""
    return cs.reason_list()


def _files(files: list[UploadFile] | None) -> tuple[cs.ProofFile, ...]:
    # bounded by the input guard (creditline.api.limits: MAX_PROOFS files at most)
    return tuple(cs.ProofFile(f.filename or "", f.file.read(), f.content_type)
                 for f in files or ())


@router.post("/v1/credit-lines/{line_id}/closure-requests", status_code=201,
             response_model=ClosureRequestPublic, summary="Ask to close or reduce a line")
def submit(line_id: str, container: ContainerDep,
           actor: Annotated[Principal, Allowed("closure:request")],
           reasons: Annotated[list[str], Form(description="reason codes "
                                                          "(GET /v1/closure-reasons), 1-5")],
           outcome: Annotated[Literal["close", "reduce"], Form()],
           text: Annotated[str, Form(max_length=2000, description="the customer's words")] = "",
           target_limit: Annotated[str | None, Form(max_length=20, description=(
               "the limit wanted (reduce only), e.g. \"5000.00\""))] = None,
           files: Annotated[list[UploadFile] | None, File(description=(
               "proof documents: PDF, PNG or JPEG, at most 5"))] = None,
           ) -> ClosureRequestPublic:
    """``multipart/form-data``: the fields and the proof files.  The files are stored by the
    documents context (type by content, size, SHA-256); a refused file is a 422 naming it,
    and nothing is stored.  The system review runs at once (approved and executed,
    referred to the manual queue, or rejected, with its findings).  A closed or closing
    line, or one with an open request: 409."""
    cmd = cs.SubmitRequest(line_id, tuple(reasons), text, outcome, target_limit, _files(files))
    return ClosureRequestPublic.of(cs.view_for(actor, cs.submit_request(cmd, container.uow(),
                                                                        actor)))


@router.post("/v1/closure-requests/{request_id}/documents", response_model=ClosureRequestPublic,
             summary="Add the documents a reviewer asked for")
def add_documents(request_id: str, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("closure:request")],
                  files: Annotated[list[UploadFile], File(description=(
                      "proof documents: PDF, PNG or JPEG, at most 5"))],
                  ) -> ClosureRequestPublic:
    """``multipart/form-data``; the request goes back to the review queue.  Not waiting
    for documents: 409; a refused file: 422 naming it, nothing stored."""
    cmd = cs.AddProofs(request_id, _files(files))
    return ClosureRequestPublic.of(cs.view_for(actor, cs.add_proofs(cmd, container.uow(),
                                                                    actor)))


@router.get("/v1/closure-requests", response_model=ListPage[ClosureRequestPublic],
            summary="List closure requests (the manual review queue with queue=true)")
def list_requests(container: ContainerDep,
                  actor: Annotated[Principal, Allowed("closure:list")], page: PageParams,
                  queue: Annotated[bool, Query(description="only those waiting for a "
                                                           "reviewer")] = False,
                  status: Annotated[str | None, Query(max_length=20)] = None,
                  line_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
                  customer_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
                  ) -> ListPage[ClosureRequestPublic]:
    """Oldest first."""
    query = RequestQuery(status=status, line_id=line_id, customer_id=customer_id,
                         statuses=cs.QUEUE if queue else None)
    return list_page(cs.list_requests(query, page, container.uow(), actor),
                     ClosureRequestPublic.of)


@router.get("/v1/closure-requests/{request_id}", response_model=ClosureRequestPublic,
            summary="Get a closure request: its state and history")
def get_request(request_id: str, container: ContainerDep,
                actor: Annotated[Principal, Allowed("closure:read")]) -> ClosureRequestPublic:
    """Staff see the system review's findings and facts; a ``service`` integration (the
    customer's channel) sees the state, the decisions and the history."""
    return ClosureRequestPublic.of(cs.get_request(request_id, container.uow(), actor))


@router.get("/v1/closure-requests/{request_id}/screen", response_model=dict[str, Any],
            summary="The reviewer's screen: proofs, findings and the line's history")
def screen(request_id: str, container: ContainerDep,
           _: Annotated[Principal, Allowed("closure:review")]) -> dict[str, Any]:
    """One answer holds everything a reviewer decides on: the request and its proof
    documents, the system review's findings and facts, the line, its limit history, its
    last statements and its earlier requests."""
    return cs.review_screen(request_id, container.uow())


@router.post("/v1/closure-requests/{request_id}/decision", response_model=ClosureRequestPublic,
             summary="Decide a request in the manual queue")
def decide(request_id: str, body: DecisionIn, container: ContainerDep,
           actor: Annotated[Principal, Allowed("closure:decide")]) -> ClosureRequestPublic:
    """approve, reject, counter_offer (with counter_limit below the current limit; above
    it: 422) or ask_documents.  Above the maker-checker limit an approval or counter-offer
    waits for a second person (approve confirms, reject overrules); its proposer: 403."""
    cmd = cs.DecideRequest(request_id, body.decision, body.reason, body.counter_limit)
    return ClosureRequestPublic.of(cs.decide_request(cmd, container.uow(), actor))


@router.post("/v1/closure-requests/{request_id}/counter-offer",
             response_model=ClosureRequestPublic, summary="Accept or decline a counter-offer")
def answer(request_id: str, body: CounterOfferAnswer, container: ContainerDep,
           actor: Annotated[Principal, Allowed("closure:request")]) -> ClosureRequestPublic:
    """The customer accepts (the limit goes down to the offer, a limit event) or declines
    (the request ends rejected, the line as it was).  No counter-offer waiting: 409."""
    cmd = cs.AnswerCounterOffer(request_id, body.accept)
    return ClosureRequestPublic.of(cs.view_for(actor, cs.answer_counter_offer(
        cmd, container.uow(), actor)))


@router.post("/v1/closure-requests/{request_id}/withdraw", response_model=ClosureRequestPublic,
             summary="Withdraw a request before the decision")
def withdraw(request_id: str, body: Withdrawal, container: ContainerDep,
             actor: Annotated[Principal, Allowed("closure:request")]) -> ClosureRequestPublic:
    """The line stays as it was.  A decided request: 409."""
    cmd = cs.WithdrawRequest(request_id, body.reason)
    return ClosureRequestPublic.of(cs.view_for(actor, cs.withdraw_request(
        cmd, container.uow(), actor)))
