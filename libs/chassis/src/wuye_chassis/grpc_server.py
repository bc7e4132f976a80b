"""grpc.aio server bootstrap: interceptors, health, reflection, graceful shutdown.

Interceptors, outermost first: OpenTelemetry tracing (health checks excluded), then ``CallInterceptor``
which binds the caller's auth context from metadata, bounds every call by a deadline, and maps
``WuyeError`` to a status with rich details (anything else becomes INTERNAL with a reference, the
stack trace goes to the log only). A server may also listen for partner departments on a second,
mutual-TLS address (``wuye_chassis.partners``).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.instrumentation.grpc import aio_server_interceptor

from wuye_chassis import auth, metrics
from wuye_chassis.errors import WuyeError
from wuye_chassis.grpc_errors import to_status
from wuye_chassis.ids import new_id

log = logging.getLogger(__name__)

#: upper bound for a call whose client set no deadline
DEFAULT_CALL_TIMEOUT_SECONDS = 30.0

# typing only: grpc's classes are not generic at run time
#: what a server interceptor is given and gives back: the method's handler, None for an unknown method
MethodHandler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"
Continuation: TypeAlias = "Callable[[grpc.HandlerCallDetails], Awaitable[MethodHandler | None]]"
#: the context of a call as a servicer method or an interceptor sees it (whatever the messages)
Context: TypeAlias = "grpc.aio.ServicerContext[Any, Any]"
#: a unary method as grpc.aio runs it: a coroutine function of the request and the context
UnaryBehaviour: TypeAlias = "Callable[[Any, Context], Awaitable[Any]]"
#: a server-streaming method: an async generator function of the request and the context
StreamBehaviour: TypeAlias = "Callable[[Any, Context], AsyncIterator[Any]]"

#: how long a caller's connection lives before the server asks it to reconnect (and resolve again), and
#: how long its calls in flight may still finish then
CONNECTION_AGE_SECONDS = 300
CONNECTION_AGE_GRACE_SECONDS = 30
#: a message may carry a photo (wuye_chassis.photos: at most 10 MB); gRPC's own limit is 4 MB
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def unary_behaviour(handler: MethodHandler | None) -> UnaryBehaviour | None:
    """The handler's unary-unary behaviour, if it has one; grpc-stubs type it as the synchronous server's."""
    return None if handler is None else cast("UnaryBehaviour | None", handler.unary_unary)


HEALTH_PREFIX = "/grpc.health.v1.Health/"


def _traced(details: grpc.HandlerCallDetails) -> bool:
    """Every call but health checks gets a span. (The instrumentation's own filters test the details
    against a runtime-checkable Protocol, which cost an eighth of a complaint intake's CPU.)"""
    return not details.method.startswith(HEALTH_PREFIX)


class CallInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, default_timeout: float = DEFAULT_CALL_TIMEOUT_SECONDS) -> None:
        self.default_timeout = default_timeout

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> MethodHandler | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        behaviour = unary_behaviour(handler)
        if behaviour is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(behaviour, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        streaming = cast("StreamBehaviour | None", handler.unary_stream)
        if streaming is not None and not method.startswith(HEALTH_PREFIX):
            return grpc.unary_stream_rpc_method_handler(
                self._server_streaming(streaming, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        # health Watch and reflection pass through untouched
        return handler

    def _unary(self, behaviour: UnaryBehaviour, method: str) -> UnaryBehaviour:
        async def call(request: Any, context: Context) -> Any:
            remaining = context.time_remaining()
            timeout = self.default_timeout if remaining is None else min(remaining, self.default_timeout)
            with _Outcome(method, context, timeout) as outcome:
                outcome.bind_caller()
                return await asyncio.wait_for(behaviour(request, context), timeout=timeout)
            await outcome.abort()

        return call

    def _server_streaming(self, behaviour: StreamBehaviour, method: str) -> StreamBehaviour:
        """A server-streaming call (a long import reporting its progress): the caller's context bound and
        errors mapped as for a unary call; bounded by the client's deadline only, not the default."""

        async def call(request: Any, context: Context) -> AsyncIterator[Any]:
            with _Outcome(method, context, None) as outcome:
                outcome.bind_caller()
                async for message in behaviour(request, context):
                    yield message
                return
            await outcome.abort()

        return call


class _Outcome:
    """One call's caller context, status and metrics: a ``WuyeError`` becomes its status with details,
    a timeout DEADLINE_EXCEEDED, anything else INTERNAL with a reference (its stack trace to the log only);
    the mapped status is then the caller's to abort with."""

    def __init__(self, method: str, context: Context, timeout: float | None) -> None:
        self.method, self.context, self.timeout = method, context, timeout
        self.service_name, _, self.method_name = method.lstrip("/").rpartition("/")
        self.code = grpc.StatusCode.OK
        self.details = ""
        self.trailing: Any = ()
        self._token: contextvars.Token[auth.AuthContext] | None = None
        self.started = time.perf_counter()

    def __enter__(self) -> _Outcome:
        return self

    def bind_caller(self) -> None:
        """A forged or expired identity token is refused here, before any servicer runs."""
        self._token = auth.bind(auth.AuthContext.from_metadata(self.context.invocation_metadata()))

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> bool:
        if self._token is not None:
            auth.reset(self._token)
        mapped = True
        if error is None:
            mapped = False
        elif isinstance(error, grpc.aio.AbortError):
            self.code, mapped = grpc.StatusCode.ABORTED, False  # the servicer chose its own status
        elif isinstance(error, WuyeError):
            status = to_status(error)
            self.code, self.details, self.trailing = status.code, status.details, status.trailing_metadata
        elif isinstance(error, TimeoutError):
            bound = "in time" if self.timeout is None else f"in {self.timeout:.1f}s"
            self.code, self.details = grpc.StatusCode.DEADLINE_EXCEEDED, f"{self.method} did not finish {bound}"
        elif isinstance(error, Exception):
            reference = new_id()
            log.error("unhandled error in %s (reference %s)", self.method, reference, exc_info=error)
            self.code, self.details = grpc.StatusCode.INTERNAL, f"internal error, reference {reference}"
        else:  # the call was cancelled (the client went away)
            self.code, mapped = grpc.StatusCode.CANCELLED, False
        labels = {"rpc_service": self.service_name, "rpc_method": self.method_name, "rpc_code": self.code.name}
        metrics.rpc_requests.add(1, labels)
        metrics.rpc_duration.record(time.perf_counter() - self.started, labels)
        return mapped

    async def abort(self) -> None:
        await self.context.abort(self.code, self.details, trailing_metadata=self.trailing)


@dataclass(frozen=True)
class Servicer:
    """One gRPC service a process serves: the implementation and the generated function that adds it."""

    implementation: Any
    #: the generated ``add_<Name>Servicer_to_server``
    add_to_server: Callable[[Any, grpc.aio.Server], None]
    #: the full service name, for health and reflection (``api.DESCRIPTOR.services_by_name[...].full_name``)
    name: str

#: health name that is SERVING from start until shutdown, whatever the dependencies: the liveness
#: probe asks it, so a database outage takes a pod out of rotation without restarting it
LIVENESS = "liveness"


class GrpcServer:
    """A grpc.aio server with health and reflection, started and stopped by the service app."""

    def __init__(
        self,
        address: str,
        servicers: Iterable[Servicer],
        *,
        extra_interceptors: Iterable[grpc.aio.ServerInterceptor] = (),
        partner_listener: tuple[str, grpc.ServerCredentials] | None = None,
        reflection_enabled: bool = True,
    ) -> None:
        """``partner_listener``: a second address served with these (mutual TLS) credentials, for partners;
        ``reflection_enabled`` false: no reflection service (production)."""
        self.address = address
        self.partner_listener = partner_listener
        self.partner_port = 0
        servicers = list(servicers)
        self.service_names = [servicer.name for servicer in servicers]
        self.health = health.aio.HealthServicer()
        self.server = grpc.aio.server(
            interceptors=[
                aio_server_interceptor(filter_=_traced),
                CallInterceptor(),
                # inside CallInterceptor: they see the caller's auth context and their errors get mapped
                *extra_interceptors,
            ],
            options=[
                ("grpc.so_reuseport", 0),
                # callers balance over the addresses their resolver gave them (a headless Service's pods):
                # closing each connection after a while makes them resolve again and find new replicas
                ("grpc.max_connection_age_ms", CONNECTION_AGE_SECONDS * 1000),
                ("grpc.max_connection_age_grace_ms", CONNECTION_AGE_GRACE_SECONDS * 1000),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        for servicer in servicers:
            servicer.add_to_server(servicer.implementation, self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        if reflection_enabled:
            reflection.enable_server_reflection(
                [*self.service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
                self.server,
            )
        self.port = 0

    async def start(self) -> int:
        self.port = self.server.add_insecure_port(self.address)
        if self.port == 0:
            raise RuntimeError(f"cannot bind gRPC server to {self.address}")
        if self.partner_listener is not None:
            address, credentials = self.partner_listener
            self.partner_port = self.server.add_secure_port(address, credentials)
            if self.partner_port == 0:
                raise RuntimeError(f"cannot bind the partner (mTLS) gRPC listener to {address}")
        await self.server.start()
        await self.set_ready(False)
        await self.health.set(LIVENESS, health_pb2.HealthCheckResponse.SERVING)
        return self.port

    async def set_ready(self, ready: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if ready else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", *self.service_names]:
            await self.health.set(name, status)

    async def stop(self, grace_seconds: float) -> None:
        """Report NOT_SERVING first so balancers stop sending, then let in-flight calls finish."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace_seconds)
