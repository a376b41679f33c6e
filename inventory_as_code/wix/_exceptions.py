"""Errors raised by the Wix client.

    WixError
     ├── WixConfigError          bad base URL or missing credentials; nothing was sent
     ├── LocationNotReadyError   a new Wix location did not appear as a stores location in time
     ├── WixTransportError       no usable answer (connection refused, reset, timeout)
     │    └── OutcomeUnknownError  a write that is unsafe to resend may have been applied
     └── WixAPIError             Wix answered with an error status
          ├── BadRequestError        400  validation (see ``field_violations``)
          ├── AuthenticationError    401  wrong or missing API key / site id
          ├── PermissionDeniedError  403  the key lacks a permission
          ├── NotFoundError          404
          ├── ConflictError          409  stale revision or already exists
          ├── PreconditionError      428  business rule (INSUFFICIENT_INVENTORY, Catalog V1, ...)
          ├── RateLimitError         429  still throttled after the retries
          └── ServerError            5xx  still failing after the retries

Every API error carries the HTTP method, the path (never the host or a
credential), the status, Wix's error body parsed into ``code``,
``description`` and ``field_violations``, and the ``x-wix-request-id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inventory_as_code.errors import InventoryAsCodeError


class WixError(InventoryAsCodeError):
    """Base of every error raised while talking to Wix (or the emulator)."""


class WixConfigError(WixError):
    """The client cannot be built as asked: nothing was sent."""


class LocationNotReadyError(WixError):
    """A Wix location created moments ago is not (yet) listed as a Stores location.

    Stores Locations V3 is a projection of the Wix Locations API and is
    eventually consistent; the client waited as long as it was told to.
    """

    def __init__(self, wix_location_id: str, waited: float, attempts: int) -> None:
        super().__init__(
            f"Wix location {wix_location_id} did not appear as a Stores location after "
            f"{waited:.0f} s ({attempts} checks). Wix may still be setting it up: run again "
            "in a minute. If it never appears, check in the Wix dashboard that the location "
            "is an inventory location."
        )
        self.wix_location_id = wix_location_id
        self.waited = waited
        self.attempts = attempts


class WixTransportError(WixError):
    """No usable HTTP answer arrived (after the retries the request allowed)."""

    def __init__(self, message: str, *, method: str, path: str, attempts: int) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.attempts = attempts


class OutcomeUnknownError(WixTransportError):
    """A request that must not be resent blindly was sent, and no answer came back.

    The write may or may not have happened. The caller has to re-read the
    affected objects and reconcile; the client never resends such a request.
    """


@dataclass(frozen=True, slots=True)
class FieldViolation:
    field: str
    description: str
    rule_name: str | None = None


class WixAPIError(WixError):
    """Wix answered with a non-200 status."""

    def __init__(
        self,
        *,
        method: str,
        path: str,
        status: int,
        body: Any,
        request_id: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        self.request_id = request_id
        self.message, self.code, self.description, self.field_violations = _parse_error_body(body)
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [f"{self.method} {self.path} failed with HTTP {self.status}"]
        if self.code:
            parts.append(f" {self.code}")
        detail = self.description or self.message
        if detail:
            parts.append(f": {detail}")
        for violation in self.field_violations:
            rule = f" ({violation.rule_name})" if violation.rule_name else ""
            parts.append(f"\n  - {violation.field}: {violation.description}{rule}")
        hint = self.hint()
        if hint:
            parts.append(f"\n{hint}")
        if self.request_id:
            parts.append(f"\n(Wix request id {self.request_id})")
        return "".join(parts)

    def hint(self) -> str:
        """What a person can do about it; empty when there is nothing general to say."""
        return ""


class BadRequestError(WixAPIError):
    pass


class AuthenticationError(WixAPIError):
    def hint(self) -> str:
        return (
            "Check WIX_API_KEY (the raw key, no 'Bearer') and WIX_SITE_ID; the key must "
            "belong to the account that owns the site."
        )


class PermissionDeniedError(WixAPIError):
    def hint(self) -> str:
        return (
            "The API key lacks a permission. In the Wix API Keys Manager grant it Wix Stores "
            "(catalog and inventory: read and manage) and Locations (read and manage)."
        )


class NotFoundError(WixAPIError):
    pass


class ConflictError(WixAPIError):
    """409: the revision sent is stale, or the object already exists."""

    @property
    def is_stale_revision(self) -> bool:
        # The application code of a revision conflict is unconfirmed in the Wix
        # docs; the message wording is documented, so look at both.
        text = f"{self.code} {self.message} {self.description}".lower()
        return "revision" in text

    def hint(self) -> str:
        if self.is_stale_revision:
            return "The object changed since it was read; read it again before writing."
        return ""


class PreconditionError(WixAPIError):
    def hint(self) -> str:
        if self.path.startswith("/stores/v3/") and not self.code:
            return (
                "Wix refused a Catalog V3 call; the site may still run Catalog V1. "
                "inventory-as-code needs a site on Catalog V3."
            )
        return ""


class RateLimitError(WixAPIError):
    def hint(self) -> str:
        return (
            "Wix throttled the requests (about 200 per minute per site). Wait a minute, "
            "or lower the client's request rate."
        )


class ServerError(WixAPIError):
    def hint(self) -> str:
        return "Wix had an internal problem; try again later."


_STATUS_CLASSES: dict[int, type[WixAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    428: PreconditionError,
    429: RateLimitError,
}


def api_error_for(
    *, method: str, path: str, status: int, body: Any, request_id: str | None
) -> WixAPIError:
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else WixAPIError
    return cls(method=method, path=path, status=status, body=body, request_id=request_id)


def _parse_error_body(
    body: Any,
) -> tuple[str, str | None, str, tuple[FieldViolation, ...]]:
    """Split Wix's ``{message, details: {applicationError | validationError}}``."""
    if not isinstance(body, dict):
        return (str(body)[:500] if body else "", None, "", ())
    message = str(body.get("message") or "")
    raw_details = body.get("details")
    details: dict[str, Any] = raw_details if isinstance(raw_details, dict) else {}
    code: str | None = None
    description = ""
    violations: list[FieldViolation] = []
    app = details.get("applicationError")
    if isinstance(app, dict):
        code = str(app["code"]) if app.get("code") is not None else None
        description = str(app.get("description") or "")
    validation = details.get("validationError")
    if isinstance(validation, dict):
        for raw in validation.get("fieldViolations") or []:
            if isinstance(raw, dict):
                violations.append(
                    FieldViolation(
                        field=str(raw.get("field", "")),
                        description=str(raw.get("description", "")),
                        rule_name=raw.get("ruleName") or None,
                    )
                )
        if code is None and violations and violations[0].rule_name:
            code = violations[0].rule_name
    system = details.get("systemError")
    if code is None and isinstance(system, dict) and system.get("errorCode"):
        code = str(system["errorCode"])
    return message, code, description, tuple(violations)
