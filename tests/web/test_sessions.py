"""Signing people in to the console, as a worked example on both stores: an admin gives a
reviewer a password, the reviewer signs in, works, is timed out, signs in again and out; a
wrong password, a revoked user and a service machine are refused; every change is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creditline.access import services, sessions
from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import Forbidden, NotFound, Unauthorized, ValidationError
from tests.conftest import create_user

PASSWORD = "reviewer-pass-2026"


def _principal(container: Container, name: str) -> Principal:
    with container.uow() as uow:
        rec = uow.users.by_name(name)
    assert rec is not None
    return Principal(rec.id, rec.name, Role(rec.role))


def _audit(container: Container, action: str) -> list[dict[str, object]]:
    with container.uow() as uow:
        return [e.details for e in uow.audit_log.page(limit=500) if e.action == action]


def test_a_reviewer_signs_in_works_times_out_and_signs_out(container: Container,
                                                           clock: FixedClock) -> None:
    create_user(container, "rita", Role.REVIEWER)
    sessions.set_password(sessions.SetPassword("rita", PASSWORD), container.uow(), SYSTEM)
    assert _audit(container, "user.password_set") == [{"name": "rita", "sessions_ended": 0}]
    with container.uow() as uow:
        rec = uow.users.by_name("rita")
        assert rec is not None
        stored = uow.console_accounts.password_hash(rec.id)
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored

    done = sessions.sign_in(sessions.SignIn("rita", PASSWORD), container.uow())
    assert done.session.principal.name == "rita" and done.session.principal.role is Role.REVIEWER
    assert len(done.session_id) >= 43 and len(done.session.csrf_token) >= 43
    policy = sessions.SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))
    again = sessions.resume(sessions.ResumeSession(done.session_id, policy), container.uow())
    assert again.csrf_token == done.session.csrf_token and again.principal.name == "rita"
    assert sessions.csrf_ok(again, done.session.csrf_token)
    assert not sessions.csrf_ok(again, None) and not sessions.csrf_ok(again, "forged")

    # 29 minutes idle is fine (and the request keeps the session alive) ...
    clock.advance(minutes=29)
    sessions.resume(sessions.ResumeSession(done.session_id, policy), container.uow())
    # ... 31 more minutes without a request is not
    clock.advance(minutes=31)
    with pytest.raises(Unauthorized, match="expired"):
        sessions.resume(sessions.ResumeSession(done.session_id, policy), container.uow())

    second = sessions.sign_in(sessions.SignIn("rita", PASSWORD), container.uow())
    sessions.set_locale(sessions.SetLocale("zh"), container.uow(), second.session.principal)
    assert sessions.resume(sessions.ResumeSession(second.session_id, policy),
                           container.uow()).locale == "zh"
    with pytest.raises(ValidationError, match="locale"):
        sessions.set_locale(sessions.SetLocale("fr"), container.uow(),
                            second.session.principal)
    sessions.sign_out(sessions.SignOut(second.session_id), container.uow(),
                      second.session.principal)
    with pytest.raises(Unauthorized, match="signed out"):
        sessions.resume(sessions.ResumeSession(second.session_id, policy), container.uow())
    assert len(_audit(container, "user.signed_in")) == 2
    assert _audit(container, "user.signed_out") == [{"via": "console"}]
    assert _audit(container, "user.locale_set") == [{"locale": "zh"}]

    # the whole working day ends the session, however busy
    third = sessions.sign_in(sessions.SignIn("rita", PASSWORD), container.uow())
    for _ in range(24):  # 11 h 36 min, never idle for 30
        clock.advance(minutes=29)
        sessions.resume(sessions.ResumeSession(third.session_id, policy), container.uow())
    clock.advance(minutes=29)
    with pytest.raises(Unauthorized, match="expired"):
        sessions.resume(sessions.ResumeSession(third.session_id, policy), container.uow())


def test_wrong_passwords_revoked_users_and_machines_are_refused(container: Container) -> None:
    create_user(container, "rita", Role.REVIEWER)
    create_user(container, "shop", Role.SERVICE)
    sessions.set_password(sessions.SetPassword("rita", PASSWORD), container.uow(), SYSTEM)
    for name, password in [("rita", "reviewer-pass-2025"), ("nobody", PASSWORD),
                           ("rita", "x" * 5000)]:
        with pytest.raises(Unauthorized, match="wrong user name or password"):
            sessions.sign_in(sessions.SignIn(name, password), container.uow())
    with pytest.raises(ValidationError, match="service user"):
        sessions.set_password(sessions.SetPassword("shop", PASSWORD), container.uow(), SYSTEM)
    for bad, rule in [("short", "12-256"), ("a" * 20, "4 different"),
                      ("tab\there-is-long", "control")]:
        with pytest.raises(ValidationError, match=rule):
            sessions.set_password(sessions.SetPassword("rita", bad), container.uow(), SYSTEM)
    with pytest.raises(NotFound):
        sessions.set_password(sessions.SetPassword("ghost", PASSWORD), container.uow(), SYSTEM)

    # a reviewer may set their own password, not someone else's
    create_user(container, "rob", Role.REVIEWER)
    rob = _principal(container, "rob")
    sessions.set_password(sessions.SetPassword("rob", "rob-own-password-1"), container.uow(), rob)
    with pytest.raises(Forbidden):
        sessions.set_password(sessions.SetPassword("rita", "stolen-password-1"),
                              container.uow(), rob)

    done = sessions.sign_in(sessions.SignIn("rita", PASSWORD), container.uow())
    # a new password ends the open sessions
    sessions.set_password(sessions.SetPassword("rita", "second-pass-2026"), container.uow(),
                          SYSTEM)
    with pytest.raises(Unauthorized):
        sessions.resume(sessions.ResumeSession(done.session_id), container.uow())
    assert _audit(container, "user.password_set")[-1] == {"name": "rita", "sessions_ended": 1}
    # revoking the user ends the session behind the cookie at once
    done = sessions.sign_in(sessions.SignIn("rita", "second-pass-2026"), container.uow())
    services.revoke(services.RevokeUser("rita"), container.uow(), SYSTEM)
    with pytest.raises(Unauthorized, match="no longer"):
        sessions.resume(sessions.ResumeSession(done.session_id), container.uow())
    with pytest.raises(Unauthorized):
        sessions.sign_in(sessions.SignIn("rita", "second-pass-2026"), container.uow())
