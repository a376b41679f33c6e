"""Wix-shaped API errors raised by the emulator's handlers.

Every error the emulator returns has the body shape documented in the Wix error
model (``README.md`` "Error model")::

    {"message": "...", "details": {"applicationError": {"code", "description", "data"}}}
    {"message": "...", "details": {"validationError": {"fieldViolations": [...]}}}

Handlers raise :class:`ApiError`; the engine turns it into a response, and bulk
handlers turn it into a per-item ``itemMetadata.error`` via :meth:`ApiError.item_error`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldViolation:
    field: str
    description: str
    rule_name: str | None = None
    violated_rule: str = "OTHER"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "field": self.field,
            "description": self.description,
            "violatedRule": self.violated_rule,
        }
        if self.rule_name:
            out["ruleName"] = self.rule_name
        out["data"] = {}
        return out


@dataclass
class ApiError(Exception):
    """An error response: HTTP status plus a Wix error body."""

    status: int
    message: str
    code: str | None = None
    description: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    violations: list[FieldViolation] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        if self.violations:
            details: dict[str, Any] = {
                "validationError": {"fieldViolations": [v.to_dict() for v in self.violations]}
            }
        else:
            details = {
                "applicationError": {
                    "code": self.code or _DEFAULT_CODES.get(self.status, "UNKNOWN"),
                    "description": self.description or self.message,
                    "data": self.data,
                }
            }
        return {"message": self.message, "details": details}

    def item_error(self) -> dict[str, Any]:
        """The ``{code, description, data}`` reported for one failed bulk item."""
        if self.violations:
            first = self.violations[0]
            return {
                "code": first.rule_name or first.violated_rule,
                "description": self.message,
                "data": {},
            }
        app = self.body()["details"]["applicationError"]
        return dict(app)


_DEFAULT_CODES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    428: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
}


def app_error(
    status: int, code: str, description: str, message: str | None = None, **data: Any
) -> ApiError:
    return ApiError(status, message or description, code=code, description=description, data=data)


def invalid(
    field_path: str, description: str, rule_name: str | None = None, violated_rule: str = "OTHER"
) -> ApiError:
    """A 400 validation error for one request field."""
    return ApiError(
        400,
        f"{field_path} {description}" if field_path else description,
        violations=[FieldViolation(field_path, description, rule_name, violated_rule)],
    )


def required(field_path: str, message: str | None = None) -> ApiError:
    err = invalid(field_path, "must not be empty", violated_rule="REQUIRED_FIELD")
    if message:
        err.message = message
    return err


def not_found(what: str, entity_id: str, code: str = "NOT_FOUND") -> ApiError:
    # unconfirmed in the Wix docs: the applicationError.code of a plain 404.
    return app_error(404, code, f"{what} {entity_id} not found", f"{what} not found")


def revision_mismatch(what: str, entity_id: str, current: str, sent: str) -> ApiError:
    # Body shape from examples/error-revision-mismatch.json; the code is a
    # placeholder in the docs (unconfirmed), the status and message are documented.
    return app_error(
        409,
        "REVISION_MISMATCH",
        f"{what} {entity_id} is at revision {current}; the request used revision {sent}.",
        "entity has already changed since the requested revision",
    )


def missing_revision(field_path: str) -> ApiError:
    return required(field_path, message="revision must not be empty")
