"""WuyeError ⇄ gRPC status with rich details (google.rpc.Status in ``grpc-status-details-bin``).

The details carry ``ErrorInfo`` (reason = the rule or the code, domain "wuye", metadata) and, when a
field is named, ``BadRequest`` with one field violation, so the gateway can produce problem+json that
names the field without parsing messages.
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from wuye_chassis import errors

_DETAILS_KEY = "grpc-status-details-bin"
_CODES: dict[str, type[errors.WuyeError]] = {
    cls.code: cls
    for cls in (
        errors.InvalidArgument,
        errors.FailedPrecondition,
        errors.NotFound,
        errors.AlreadyExists,
        errors.PermissionDenied,
        errors.Unauthenticated,
        errors.Unavailable,
    )
}


def to_status(error: errors.WuyeError) -> grpc.Status:
    detail = status_pb2.Status(code=getattr(code_pb2, error.code), message=error.message)
    info = error_details_pb2.ErrorInfo(reason=error.rule or error.code, domain="wuye", metadata=error.metadata)
    packed = any_pb2.Any()
    packed.Pack(info)
    detail.details.append(packed)
    if error.field:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=error.field, description=error.message)
            ]
        )
        packed = any_pb2.Any()
        packed.Pack(bad_request)
        detail.details.append(packed)
    return rpc_status.to_status(detail)


def _trailing_metadata(exc: grpc.RpcError) -> Iterable[tuple[str, str | bytes]]:
    if isinstance(exc, grpc.aio.AioRpcError):
        return exc.trailing_metadata() or ()
    if isinstance(exc, grpc.Call):  # a synchronous client's error is also its call
        return ((item.key, item.value) for item in exc.trailing_metadata())
    return ()


def from_rpc_error(exc: grpc.RpcError) -> errors.WuyeError | None:
    """The WuyeError a server raised, rebuilt from the status details; None for other failures."""
    raw = next(
        (value for key, value in _trailing_metadata(exc) if key == _DETAILS_KEY and isinstance(value, bytes)), None
    )
    if raw is None:
        return None
    status = status_pb2.Status.FromString(raw)
    error_class = _CODES.get(code_pb2.Code.Name(status.code))
    if error_class is None:
        return None
    field = None
    rule = None
    metadata: dict[str, str] = {}
    for packed in status.details:
        info = error_details_pb2.ErrorInfo()
        bad_request = error_details_pb2.BadRequest()
        if packed.Unpack(info):
            rule = None if info.reason == error_class.code else info.reason
            metadata = dict(info.metadata)
        elif packed.Unpack(bad_request) and bad_request.field_violations:
            field = bad_request.field_violations[0].field
    return error_class(status.message, field=field, rule=rule, metadata=metadata)
