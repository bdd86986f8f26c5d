"""Passwords for people signing in to the console: the rule a password must meet and its
hash.  argon2id (``argon2-cffi``, RFC 9106's memory-hard hash) with the library's current
parameters; a hash made under older parameters is re-made at the next good sign-in.

Bearer tokens are 256 random bits and need no stretching (``auth.hash_token``); a password
is chosen by a person, so it is stretched."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from creditline.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; this bounds the work one request can ask for

_HASHER = PasswordHasher()
# Verified when the user is unknown or has no password, so that a wrong user name takes as
# long to refuse as a wrong password (no user-name probing by timing).
_DUMMY = _HASHER.hash("not-a-password-anybody-has")


def check_password(password: object, field: str = "password") -> str:
    """The rule: 12-256 characters, not one character repeated, no control characters."""
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationError(field, f"must be {MIN_LENGTH}-{MAX_LENGTH} characters")
    if len(set(password)) < 4:
        raise ValidationError(field, "must use at least 4 different characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        raise ValidationError(field, "must not hold control characters")
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True if ``password`` matches ``stored`` (constant work when nothing is stored)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)
