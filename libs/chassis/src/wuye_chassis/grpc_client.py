"""gRPC client channels: tracing, the caller's auth context, default deadlines, retries.

Retries are switched on per method through the standard gRPC service config, and only for methods the
caller declares idempotent (reads, or writes carrying an idempotency key): a retried non-idempotent
write could apply twice. Calls are balanced round robin over every address the target resolves to (a
Kubernetes headless Service, or ``ipv4:127.0.0.1:50051,127.0.0.1:50061`` for the local cluster), so a
replica that is down is skipped rather than waited for.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors, filters

from wuye_chassis import auth
from wuye_chassis.grpc_server import MAX_MESSAGE_BYTES

DEFAULT_DEADLINE_SECONDS = 5.0

Request = TypeVar("Request")
Response = TypeVar("Response")


def _retry_service_config(idempotent_methods: Iterable[tuple[str, str]]) -> str:
    names = [{"service": service, "method": method} for service, method in idempotent_methods]
    balancing: list[dict[str, object]] = [{"round_robin": {}}]
    if not names:
        return json.dumps({"loadBalancingConfig": balancing, "methodConfig": []})
    return json.dumps(
        {
            "loadBalancingConfig": balancing,
            "methodConfig": [
                {
                    "name": names,
                    "retryPolicy": {
                        "maxAttempts": 4,
                        "initialBackoff": "0.1s",
                        "maxBackoff": "2s",
                        "backoffMultiplier": 2,
                        "retryableStatusCodes": ["UNAVAILABLE"],
                    },
                }
            ]
        }
    )


class _ContextInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    """Adds the current auth context to metadata and a deadline when the caller set none."""

    def __init__(self, default_deadline: float) -> None:
        self.default_deadline = default_deadline

    async def intercept_unary_unary(
        self,
        continuation: Callable[
            [grpc.aio.ClientCallDetails, Request], Awaitable[grpc.aio.UnaryUnaryCall[Request, Response]]
        ],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Request,
    ) -> Response | grpc.aio.UnaryUnaryCall[Request, Response]:
        metadata = list(client_call_details.metadata or ())
        present = {key for key, _ in metadata}
        metadata.extend((k, v) for k, v in auth.current().to_metadata() if k not in present)
        details = grpc.aio.ClientCallDetails(
            method=client_call_details.method,
            timeout=client_call_details.timeout if client_call_details.timeout is not None else self.default_deadline,
            metadata=grpc.aio.Metadata(*metadata),
            credentials=client_call_details.credentials,
            wait_for_ready=client_call_details.wait_for_ready,
        )
        return await continuation(details, request)


def channel(
    target: str,
    *,
    idempotent_methods: Iterable[tuple[str, str]] = (),
    default_deadline: float = DEFAULT_DEADLINE_SECONDS,
    credentials: grpc.ChannelCredentials | None = None,
) -> grpc.aio.Channel:
    options = [
        ("grpc.enable_retries", 1),
        ("grpc.service_config", _retry_service_config(idempotent_methods)),
        ("grpc.keepalive_time_ms", 30_000),
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ]
    # health probes are polled constantly and would drown real traces
    interceptors = [
        *aio_client_interceptors(filter_=filters.negate(filters.health_check())),
        _ContextInterceptor(default_deadline),
    ]
    if credentials is not None:
        return grpc.aio.secure_channel(target, credentials, options=options, interceptors=interceptors)
    return grpc.aio.insecure_channel(target, options=options, interceptors=interceptors)
