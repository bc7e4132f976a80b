"""Protection at the front door: per-client rate limits, a request size limit, and JSON no record may hold
(``json_guard``: duplicate keys, lone surrogates, NUL).

The rate limit is a token bucket per client (the subject of a token whose signature verifies, otherwise
the remote address: a self-signed token naming someone spends from its sender's address, so nobody can
lock another person out), kept in this gateway replica's memory: N replicas allow N × the rate, which is
acceptable for a limit whose purpose is to stop a runaway client, not to meter usage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wuye_gateway import json_guard
from wuye_gateway.identity import VERIFIED_TOKEN, Login
from wuye_gateway.problems import problem


@dataclass
class Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(self, rate_per_second: float, burst: int, max_clients: int = 100_000) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: dict[str, Bucket] = {}

    def take(self, client: str, now: float | None = None) -> float:
        """Take one token; returns 0 when allowed, else the seconds until a token is available."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._buckets.clear()  # bounded memory: forgetting everyone only makes the limit lenient
            bucket = self._buckets[client] = Bucket(tokens=self.burst, updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


def client_key(scope: Scope, verified_login: Callable[[str], Login | None]) -> str:
    """The verified token's subject, or the remote address (no token, or one that does not verify)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            token = value[7:].decode("latin-1").strip()
            login = verified_login(token)
            if login is not None:
                scope.setdefault("state", {})[VERIFIED_TOKEN] = (token, login)
                return f"sub:{login.subject}"
            break
    client = scope.get("client")
    return f"ip:{client[0]}" if client else "ip:unknown"


EXEMPT_PATHS = ("/healthz", "/readyz")


class LimitsMiddleware:
    def __init__(
        self, app: ASGIApp, *, buckets: TokenBuckets, max_body_bytes: int,
        verified_login: Callable[[str], Login | None], upload_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.buckets = buckets
        self.verified_login = verified_login
        self.max_body_bytes = max_body_bytes
        #: the paths that take a file rather than JSON (a photo), each with its own limit
        self.upload_limits = dict(upload_limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(client_key(scope, self.verified_login))
        if wait:
            response = problem(429, "Too Many Requests", "rate limit exceeded for this client; retry later")
            response.headers["Retry-After"] = str(max(1, round(wait)))
            await response(scope, receive, send)
            return
        limit = self.upload_limits.get(scope["path"], self.max_body_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        # read the body here, so one that grows past the limit without (or despite) its Content-Length
        # is refused before the application parses any of it
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay(bytes(body), message, receive), send)
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await self._too_large(scope, receive, send, limit)
                return
        refusal = json_guard.check(bytes(body)) if body and _is_json(scope) else None
        if refusal is not None:
            response = problem(400, "Invalid Argument", refusal.detail, field=refusal.field, rule=refusal.rule)
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(bytes(body), None, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(413, "Content Too Large", f"request bodies are limited to {limit} bytes")
        await response(scope, receive, send)


def _is_json(scope: Scope) -> bool:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"").split(b";")[0].strip().lower()
    return content_type == b"application/json" or content_type.endswith(b"+json")


def _replay(body: bytes, pending: Message | None, receive: Receive) -> Receive:
    """A receive that hands the application the body already read, then carries on with the original."""
    sent = False

    async def replay() -> Message:
        nonlocal sent, pending
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if pending is not None:
            message, pending = pending, None
            return message
        return await receive()

    return replay
