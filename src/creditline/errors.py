"""One error hierarchy, mapped to HTTP in one place (``creditline.api.errors``) and to
CLI exit code 2.  Messages name the field and the rule so a caller can fix the input."""

from __future__ import annotations


class CreditlineError(Exception):
    """Root of every error the domain raises on purpose."""

    http_status = 400
    code = "error"

    def __init__(self, message: str, *, details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class ValidationError(CreditlineError):
    """A field broke a rule.  ``field`` is a dotted path such as ``consents.credit_check``."""

    http_status = 422
    code = "validation_error"

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}", details=[{"loc": field.split("."), "msg": rule}])
        self.field = field
        self.rule = rule


class NotFound(CreditlineError):
    http_status = 404
    code = "not_found"


class Conflict(CreditlineError):
    """The request clashes with the current state (duplicate, wrong status, stale version)."""

    http_status = 409
    code = "conflict"


class BusinessRuleViolation(CreditlineError):
    """Well-formed input that a business rule refuses (e.g. purchase beyond available credit)."""

    http_status = 422
    code = "rule_violation"

    def __init__(self, message: str, *, reason: str = "rule_violation",
                 details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message, details=details)
        self.reason = reason


class Unauthorized(CreditlineError):
    http_status = 401
    code = "unauthorized"


class Forbidden(CreditlineError):
    http_status = 403
    code = "forbidden"


class ConcurrencyError(Conflict):
    """An optimistic-lock version check failed; the caller may retry."""

    code = "concurrency_conflict"


class NotFittedError(CreditlineError, ValueError, AttributeError):
    """An estimator was used before ``fit`` (mirrors scikit-learn's NotFittedError)."""

    code = "not_fitted"
