"""Customers (persons and enterprises) and their emergency contacts.

Pydantic checks the shape of a request (types, required fields); the domain
(``creditline.parties``) checks the rules (check characters, age, consents ...), so a rule
lives in one place and the CLI or a batch import gets the same answers.  Identity numbers,
phones and e-mail addresses are masked in answers unless the caller's role holds
``customers:read_pii`` (``contacts:read_pii`` for contacts' phones).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import Amount, Count, Day, Timestamp
from creditline.auth import Principal
from creditline.money import money_str
from creditline.parties import services
from creditline.parties.contacts import EmergencyContact
from creditline.parties.customers import Customer, Person
from creditline.parties.identity import mask_email, mask_id_number, mask_phone

KINDS = ("person", "enterprise")


class _FieldPathRoute(APIRoute):
    """Pydantic puts the union tag into error locations (``["person", "name"]``); drop it so
    a 422 names the field as the client wrote it (``["name"]``), like the domain errors do."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                raise RequestValidationError([_untag(e) for e in exc.errors()],
                                             body=exc.body) from None

        return route


def _untag(error: Any) -> Any:
    e = dict(error)
    loc = tuple(e.get("loc", ()))
    if e.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        e["loc"] = ("body", "kind")
    elif len(loc) > 1 and loc[0] == "body" and loc[1] in KINDS:
        e["loc"] = ("body", *loc[2:])
    return e


router = APIRouter(prefix="/v1/customers", tags=["customers"], route_class=_FieldPathRoute)


# -- request schemas -------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsentsIn(_Strict):
    """Each purpose the customer agreed to; persons must agree to credit_check and
    data_processing; emergency_contact is needed before contacts can be added."""

    credit_check: StrictBool = False
    data_processing: StrictBool = False
    emergency_contact: StrictBool = False


class PersonCreate(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "person", "name": "张三", "id_number": "11010519491231002X",
        "phone": "13812345678", "monthly_income": "12000.00", "employment": "employed",
        "region": "Beijing",
        "consents": {"credit_check": True, "data_processing": True, "emergency_contact": True}}]})

    kind: Literal["person"]
    name: str
    id_number: str = Field(description="18-character resident identity number (GB 11643)")
    phone: str = Field(description="mainland mobile number, e.g. 13812345678")
    monthly_income: Amount = Field(description="decimal string, e.g. \"12000.00\"")
    email: str | None = None
    employment: str | None = Field(None, description="employed, self_employed, business_owner, "
                                   "freelancer, student, retired, unemployed or other")
    region: str | None = None
    language: str | None = Field(None, description="zh (default) or en: the language of the "
                                 "customer's messages")
    time_zone: str | None = Field(None, description="IANA zone of the customer's local time, "
                                  "default Asia/Shanghai (reminders go out in its daytime)")
    consents: ConsentsIn = Field(default_factory=ConsentsIn)


class EnterpriseCreate(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "enterprise", "name": "Example Trading Co., Ltd.", "uscc": "91110000600037341L",
        "industry": "F", "registered_on": "2012-05-08", "legal_representative": "李四",
        "registered_capital": "5000000.00", "employees": 35}]})

    kind: Literal["enterprise"]
    name: str
    uscc: str = Field(description="18-character Unified Social Credit Code (GB 32100)")
    industry: str = Field(description="GB/T 4754 section letter A-T")
    registered_on: Day
    legal_representative: str
    phone: str | None = Field(None, description="contact mobile number")
    registered_capital: Amount | None = Field(None, description="decimal string")
    annual_revenue: Amount | None = Field(None, description="decimal string")
    employees: Count | None = None
    address: str | None = None
    language: str | None = Field(None, description="zh (default) or en")
    time_zone: str | None = Field(None, description="IANA zone, default Asia/Shanghai")
    consents: ConsentsIn = Field(default_factory=ConsentsIn)


CustomerCreate = Annotated[PersonCreate | EnterpriseCreate, Body(discriminator="kind")]


class ContactCreate(_Strict):
    name: str
    relation: str = Field(description="spouse, parent, child, sibling, relative, friend or colleague")
    phone: str


# -- answer schemas --------------------------------------------------------------------------
class ConsentsPublic(BaseModel):
    credit_check: bool
    data_processing: bool
    emergency_contact: bool
    version: str
    given_at: Timestamp | None


class _CustomerPublic(BaseModel):
    id: str
    name: str
    consents: ConsentsPublic
    created_at: Timestamp
    version: int
    pii: Literal["full", "masked"] = Field(description="whether personal data is shown in full")
    language: str = Field("zh", description="the language of the customer's messages")
    time_zone: str = Field("Asia/Shanghai", description="the customer's local zone")


class PersonPublic(_CustomerPublic):
    kind: Literal["person"] = "person"
    id_number: str
    phone: str
    email: str | None
    monthly_income: str
    employment: str | None
    region: str | None


class EnterprisePublic(_CustomerPublic):
    kind: Literal["enterprise"] = "enterprise"
    uscc: str
    industry: str
    industry_name: str
    registered_on: date
    legal_representative: str
    phone: str | None
    registered_capital: str | None
    annual_revenue: str | None
    employees: int | None
    address: str | None


CustomerPublic = Annotated[PersonPublic | EnterprisePublic, Field(discriminator="kind")]


class ContactPublic(BaseModel):
    id: str
    customer_id: str
    position: int = Field(description="1-3: the order to call contacts in")
    name: str
    relation: str
    phone: str
    consent: str = Field(description="the consent it was added under, e.g. emergency_contact:v1")
    consented_at: Timestamp
    verification: str = Field(description="unverified, verified or failed")
    created_at: Timestamp
    pii: Literal["full", "masked"]


class ContactList(BaseModel):
    customer_id: str
    contacts: list[ContactPublic]


_S = TypeVar("_S", str, str | None)  # a required field stays a str when shown


def _shown(value: _S, full: bool, mask: Callable[[str], str]) -> _S:
    return value if value is None or full else mask(value)


def customer_public(c: Customer, actor: Principal) -> PersonPublic | EnterprisePublic:
    """The answer for ``actor``: personal data in full only with ``customers:read_pii``."""
    full = actor.can("customers:read_pii")
    base: dict[str, Any] = {
        "id": c.id, "name": c.name, "consents": ConsentsPublic.model_validate(c.consents.as_dict()),
        "created_at": c.created_at, "version": c.version, "pii": "full" if full else "masked",
        "language": c.language, "time_zone": c.time_zone}
    if isinstance(c, Person):
        return PersonPublic(
            **base, id_number=_shown(c.id_number, full, mask_id_number),
            phone=_shown(c.phone, full, mask_phone), email=_shown(c.email, full, mask_email),
            monthly_income=money_str(c.monthly_income), employment=c.employment, region=c.region)
    return EnterprisePublic(
        **base, uscc=c.uscc, industry=c.industry, industry_name=c.industry_name,
        registered_on=c.registered_on, legal_representative=c.legal_representative,
        phone=_shown(c.phone, full, mask_phone),
        registered_capital=None if c.registered_capital is None else money_str(c.registered_capital),
        annual_revenue=None if c.annual_revenue is None else money_str(c.annual_revenue),
        employees=c.employees, address=c.address)


def contact_public(c: EmergencyContact, actor: Principal) -> ContactPublic:
    full = actor.can("contacts:read_pii")
    return ContactPublic(id=c.id, customer_id=c.customer_id, position=c.position, name=c.name,
                         relation=c.relation,
                         phone=c.phone if full else mask_phone(c.phone), consent=c.consent,
                         consented_at=c.consented_at, verification=c.verification,
                         created_at=c.created_at, pii="full" if full else "masked")


# -- routes ----------------------------------------------------------------------------------
@router.post("", status_code=201, response_model=CustomerPublic,
             summary="Register a person or an enterprise",
             responses={409: {"description": "identity number or USCC already registered"},
                        422: {"description": "a field broke a rule; detail names each field"}})
def register(body: CustomerCreate, container: ContainerDep,
             actor: Annotated[Principal, Allowed("customers:create")]) -> Any:
    """Register a person or an enterprise (``kind`` decides which)."""
    data = body.model_dump(exclude={"kind"})
    cmd: services.RegisterPerson | services.RegisterEnterprise
    if isinstance(body, PersonCreate):
        cmd = services.RegisterPerson(**data)
    else:
        cmd = services.RegisterEnterprise(**data)
    customer = services.register_customer(cmd, container.uow(), actor)
    return customer_public(customer, actor)


class CustomerSearch(_Strict):
    """Search by personal data in the body, not the URL, so phones and identity numbers stay
    out of access logs and proxies; they are normalised as on registration and matched by
    their keyed hash only."""

    phone: str | None = Field(None, max_length=40, description="mobile number, +86 allowed")
    id_number: str | None = Field(None, max_length=40, description="resident identity number")
    uscc: str | None = Field(None, max_length=40, description="Unified Social Credit Code")
    name: str | None = Field(None, max_length=200,
                             description="case-insensitive part of the name")
    kind: Literal["person", "enterprise"] | None = None


_PAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "a filter broke a rule, a bad cursor, or limit outside 1-200"}}


@router.get("", response_model=ListPage[CustomerPublic], responses=_PAGE_ERRORS,
            summary="List customers")
def list_customers(
    container: ContainerDep, actor: Annotated[Principal, Allowed("customers:read")],
    page: PageParams,
    kind: Literal["person", "enterprise"] | None = None,
    created_from: Annotated[Day | None, Query(description="registered on or after (UTC)")] = None,
    created_to: Annotated[Day | None, Query(description="registered on or before (UTC)")] = None,
    name: Annotated[str | None, Query(max_length=200,
                                      description="case-insensitive part of the name")] = None,
) -> Any:
    """List customers, oldest first, with personal data masked as the role requires.  To
    search by phone, identity number or USCC use ``POST /v1/customers/search``."""
    cmd = services.ListCustomers(kind=kind, created_from=created_from, created_to=created_to,
                                 name=name, page=page)
    return list_page(services.list_customers(cmd, container.uow(), actor),
                     lambda c: customer_public(c, actor))


@router.post("/search", response_model=ListPage[CustomerPublic], responses=_PAGE_ERRORS,
             summary="Search customers by phone, identity number, USCC or name")
def search_customers(body: CustomerSearch, container: ContainerDep,
                     actor: Annotated[Principal, Allowed("customers:read")],
                     page: PageParams) -> Any:
    """Find customers by phone, identity number (through the keyed hash, never in clear),
    USCC or part of the name; several fields must all match."""
    cmd = services.ListCustomers(**body.model_dump(), page=page)
    return list_page(services.list_customers(cmd, container.uow(), actor),
                     lambda c: customer_public(c, actor))


@router.get("/{customer_id}", response_model=CustomerPublic, summary="Read a customer",
            responses={404: {"description": "no such customer"}})
def read(customer_id: str, container: ContainerDep,
         actor: Annotated[Principal, Allowed("customers:read")]) -> Any:
    """The customer, personal data masked unless the role may read it in full."""
    return customer_public(services.get_customer(customer_id, container.uow()), actor)


@router.post("/{customer_id}/emergency-contacts", status_code=201, response_model=ContactPublic,
             summary="Add an emergency contact",
             responses={404: {"description": "no such customer"},
                        409: {"description": "the customer already lists this phone"},
                        422: {"description": "a field broke a rule, consent missing, or the "
                                             "customer already has three contacts"}})
def add_contact(customer_id: str, body: ContactCreate, container: ContainerDep,
                actor: Annotated[Principal, Allowed("contacts:create")]) -> Any:
    """Add an emergency contact (persons only, under their emergency_contact consent)."""
    cmd = services.AddEmergencyContact(customer_id=customer_id, **body.model_dump())
    return contact_public(services.add_emergency_contact(cmd, container.uow(), actor), actor)


@router.get("/{customer_id}/emergency-contacts", response_model=ContactList,
            summary="List a customer's emergency contacts",
            responses={404: {"description": "no such customer"}})
def read_contacts(customer_id: str, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("contacts:read")]) -> Any:
    """The contacts in calling order, phones masked unless the role may read them."""
    contacts = services.list_contacts(customer_id, container.uow())
    return ContactList(customer_id=customer_id,
                       contacts=[contact_public(c, actor) for c in contacts])
