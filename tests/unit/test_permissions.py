"""The permission table, tested as a table: who may do what, row by row.

``GRID`` is the expected table (Y = allowed).  Changing ``creditline.auth.PERMISSIONS``
means changing this grid too, on purpose.  Every permission named in the code
(``Allowed("...")``, ``.require("...")``, ``.can("...")``) must be a row of the table, so a
typo cannot silently deny (or, worse, skip) a check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import creditline
from creditline.auth import PERMISSIONS, Principal, Role, parse_role
from creditline.errors import Forbidden, ValidationError

GRID = """
permission              admin risk_officer reviewer collector auditor service
customers:create          Y        Y          .        .        .       Y
customers:read            Y        Y          Y        Y        Y       .
customers:read_pii        Y        Y          .        .        .       .
contacts:create           Y        Y          .        .        .       Y
contacts:read             Y        Y          Y        Y        Y       .
contacts:read_pii         Y        Y          .        .        .       .
audit:read                Y        .          .        .        Y       .
audit:anchor              Y        .          .        .        Y       .
users:create              Y        .          .        .        .       .
users:read                Y        .          .        .        .       .
users:manage              Y        .          .        .        .       .
products:read             Y        Y          Y        Y        Y       Y
lines:open                Y        Y          .        .        .       .
lines:read                Y        Y          Y        Y        Y       .
lines:manage              Y        Y          .        .        .       .
lines:limit_approve       Y        Y          .        .        .       .
lines:limit_proposals     Y        Y          .        .        Y       .
lines:temporary_limit     Y        Y          .        .        .       .
lines:limit_history       Y        Y          Y        Y        Y       .
purchases:create          Y        Y          .        .        .       Y
purchases:read            Y        Y          Y        Y        Y       Y
returns:create            Y        Y          .        .        .       Y
repayments:create         Y        Y          .        Y        .       .
refunds:create            Y        Y          .        .        .       .
statements:read           Y        Y          Y        Y        Y       .
ledger:read               Y        Y          .        .        Y       .
eod:run                   Y        .          .        .        .       .
eod:read                  Y        Y          .        .        Y       .
calendar:read             Y        Y          Y        Y        Y       .
calendar:set              Y        .          .        .        .       .
models:read               Y        Y          .        .        Y       .
models:register           Y        Y          .        .        .       .
models:promote            Y        Y          .        .        .       .
models:score              Y        Y          .        .        .       Y
models:score_all          Y        Y          .        .        .       .
applications:create       Y        Y          .        .        .       Y
applications:read         Y        Y          Y        .        Y       .
reviews:read              Y        Y          Y        .        .       .
reviews:decide            Y        Y          Y        .        .       .
blacklist:manage          Y        Y          .        .        .       .
blacklist:read            Y        Y          Y        .        Y       .
special_terms:propose     Y        Y          .        .        .       .
special_terms:approve     Y        Y          .        .        .       .
inbox:read                Y        Y          Y        Y        Y       .
notifications:read        Y        Y          .        Y        Y       .
notifications:retry       Y        Y          .        .        .       .
closure:request           Y        Y          .        .        .       Y
closure:read              Y        Y          Y        .        Y       Y
closure:list              Y        Y          Y        .        Y       .
closure:review            Y        Y          Y        .        .       .
closure:decide            Y        Y          Y        .        .       .
plans:propose             Y        Y          .        .        .       .
plans:approve             Y        Y          .        .        .       .
plans:read                Y        Y          .        .        Y       .
negotiations:manage       Y        Y          .        .        .       .
negotiations:read         Y        Y          .        .        Y       .
documents:upload          Y        Y          .        Y        .       Y
documents:read            Y        Y          Y        Y        Y       .
console:sign_in           Y        Y          Y        Y        Y       .
collections:queue         Y        Y          .        Y        .       .
collections:read          Y        Y          .        Y        Y       .
collections:read_pii      Y        Y          .        .        .       .
collections:work          Y        Y          .        Y        .       .
collections:supervise     Y        Y          .        .        .       .
collections:backdate      Y        Y          .        .        .       .
collections:agencies      Y        Y          .        .        .       .
collections:agency_contact Y       Y          .        Y        .       .
collections:agency_read   Y        Y          .        .        Y       .
collections:legal         Y        Y          .        .        .       .
collections:replay        Y        Y          .        .        Y       .
holds:read                Y        Y          Y        .        Y       .
holds:decide              Y        Y          Y        .        .       .
triggers:read             Y        Y          Y        Y        Y       .
sectors:read              Y        Y          .        .        Y       .
sectors:manage            Y        Y          .        .        .       .
line_reviews:read         Y        Y          Y        .        Y       .
line_reviews:manage       Y        Y          .        .        .       .
checkout:offers           Y        Y          .        .        .       Y
lines:auto_increase       Y        Y          .        .        .       Y
lines:strategy_read       Y        Y          Y        .        Y       .
rules:read                Y        Y          .        .        Y       .
rules:replay              Y        Y          .        .        .       .
portfolio:read            Y        Y          .        .        Y       .
portfolio:warnings        Y        Y          .        .        .       .
ecl:read                  Y        Y          .        .        Y       .
ecl:run                   Y        Y          .        .        .       .
stress:run                Y        Y          .        .        Y       .
bureau:run                Y        Y          .        .        .       .
bureau:read               Y        Y          .        .        Y       .
bureau:file               Y        Y          .        .        .       .
bureau:dispute            Y        Y          .        Y        .       .
bureau:correct            Y        Y          .        .        .       .
losses:read               Y        Y          .        .        Y       .
losses:propose            Y        Y          .        .        .       .
losses:approve            Y        Y          .        .        .       .
contacts:verify           Y        Y          .        .        .       Y
contacts:respond          Y        .          .        .        .       Y
relief:read               Y        Y          .        Y        Y       .
relief:declare            Y        Y          .        .        .       .
"""


def grid_rows() -> list[tuple[Role, str, bool]]:
    lines = [ln.split() for ln in GRID.strip().splitlines()]
    roles = [Role(r) for r in lines[0][1:]]
    return [(role, cells[0], mark == "Y")
            for cells in lines[1:] for role, mark in zip(roles, cells[1:], strict=True)]


ROWS = grid_rows()
GRID_PERMISSIONS = {p for _, p, _ in ROWS}


@pytest.mark.parametrize(("role", "permission", "allowed"), ROWS,
                         ids=[f"{r.value}-{p}" for r, p, _ in ROWS])
def test_role_permission_row(role: Role, permission: str, allowed: bool) -> None:
    assert Principal("u", "u", role).can(permission) is allowed


def test_the_grid_and_the_table_list_the_same_permissions() -> None:
    missing = sorted(set(PERMISSIONS) - GRID_PERMISSIONS)
    assert not missing, f"add rows for {missing} to GRID in tests/unit/test_permissions.py"
    assert sorted(GRID_PERMISSIONS - set(PERMISSIONS)) == []


def test_every_permission_named_in_the_code_is_in_the_table() -> None:
    src = Path(creditline.__file__).parent
    pattern = re.compile(r"""(?:Allowed|\.require|\.can)\(\s*["']([a-z_]+:[a-z_]+)["']""")
    used = {(m.group(1), str(path.relative_to(src)))
            for path in src.rglob("*.py") for m in pattern.finditer(path.read_text())}
    routers = {p for p, where in used if where.startswith("api/routers/")}
    assert {"customers:create", "customers:read", "contacts:create", "audit:read"} <= routers
    unknown = sorted((p, where) for p, where in used if p not in PERMISSIONS)
    assert unknown == [], f"permissions used but not in creditline.auth.PERMISSIONS: {unknown}"


def test_admin_holds_every_permission() -> None:
    assert all(Role.ADMIN in roles for roles in PERMISSIONS.values())


def test_unknown_permission_and_missing_right() -> None:
    reviewer = Principal("u", "rita", Role.REVIEWER)
    with pytest.raises(KeyError):
        reviewer.can("customers:delete")
    with pytest.raises(Forbidden, match="'reviewer' lacks permission 'customers:create'"):
        reviewer.require("customers:create")


def test_the_bootstrap_principal_may_only_create_and_list_users() -> None:
    boot = Principal("bootstrap", "bootstrap-token", Role.ADMIN, bootstrap=True)
    allowed = sorted(p for p in PERMISSIONS if boot.can(p))
    assert allowed == ["users:create", "users:read"]
    with pytest.raises(Forbidden, match=r"CREDITLINE_ADMIN_TOKEN.*create a named admin"):
        boot.require("customers:read")


def test_a_service_user_sees_only_its_merchants() -> None:
    shop = Principal("s", "shop", Role.SERVICE, frozenset({"M1", "M2"}))
    assert shop.sees_merchant("M1") and shop.sees_merchant("M2")
    assert not shop.sees_merchant("M3")
    assert not Principal("s", "unbound", Role.SERVICE).sees_merchant("M1")
    for role in (Role.ADMIN, Role.RISK_OFFICER, Role.COLLECTOR, Role.AUDITOR):
        assert Principal("u", "u", role).sees_merchant("M3")


def test_unknown_role_names_the_field() -> None:
    assert parse_role("auditor") is Role.AUDITOR
    with pytest.raises(ValidationError, match="must be one of: admin, risk_officer") as err:
        parse_role("superuser", "--role")
    assert err.value.field == "--role"
