"""Errors a use case may raise. Each maps to one gRPC status code and one problem+json status.

Domain and service code raise these; the gRPC error interceptor turns them into a status with rich
details (google.rpc.BadRequest / ErrorInfo / PreconditionFailure), and the gateway turns those into
RFC 9457 problem+json. The message is for people; ``field`` and ``rule`` are for machines.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field


@dataclass(eq=False)
class WuyeError(Exception):
    message: str
    field: str | None = None
    rule: str | None = None
    metadata: dict[str, str] = dc_field(default_factory=dict)

    #: canonical gRPC status code name, overridden by each subclass
    code = "UNKNOWN"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = [self.message]
        if self.field:
            parts.append(f"field={self.field}")
        if self.rule:
            parts.append(f"rule={self.rule}")
        return " ".join(parts)


class InvalidArgument(WuyeError):
    """The input itself is wrong, whatever the state of the system (bad format, out of range)."""

    code = "INVALID_ARGUMENT"


class FailedPrecondition(WuyeError):
    """The input is well formed but the current state forbids it (vote closed, contract active)."""

    code = "FAILED_PRECONDITION"


class NotFound(WuyeError):
    code = "NOT_FOUND"


class AlreadyExists(WuyeError):
    code = "ALREADY_EXISTS"


class PermissionDenied(WuyeError):
    """Authenticated, but the role or the jurisdiction scope does not allow it."""

    code = "PERMISSION_DENIED"


class Unauthenticated(WuyeError):
    code = "UNAUTHENTICATED"


class Unavailable(WuyeError):
    """A dependency is down; the caller may retry."""

    code = "UNAVAILABLE"
