"""Idempotency keys: a retried create is applied once and answered with the first response.

A client (the gateway maps the HTTP ``Idempotency-Key`` header) sends the gRPC metadata
``idempotency-key``. ``IdempotencyInterceptor`` looks the key up for this caller and method:

- a stored response for the same request is replayed without running the method again;
- the same key with a different request is refused (INVALID_ARGUMENT naming ``Idempotency-Key``);
- otherwise the method runs, and the unit of work it commits also inserts the key row — in the same
  transaction as the change, so the change and the key commit together or not at all. That transaction
  is held open (``park``) until the method has built its answer, which is written on the key row before
  the commit: a process killed at any moment leaves either nothing (the retry applies the change) or the
  change with its answer (the retry is answered with it), never a change whose answer is lost. A
  concurrent duplicate finds the key taken (its insert-if-absent inserts nothing, waiting for the other
  transaction) and rolls back, then replays the stored answer.

Should the method open another transaction after its commit, or fail after it, the held transaction is
committed first without the answer (``settle``), as a plain commit would have been; the answer is then
stored in a transaction of its own.

Keys are kept for ``KEY_TTL`` and deleted lazily.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis import auth
from wuye_chassis.db import Database, UtcDateTime, insert_if_absent, utcnow
from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.grpc_server import Context, Continuation, MethodHandler, unary_behaviour
from wuye_chassis.pii import PersonalDataCipher

METADATA_KEY = "idempotency-key"
FIELD = "Idempotency-Key"
MAX_KEY_LENGTH = 200
KEY_TTL = dt.timedelta(hours=24)
#: delete expired keys once every this many stored responses
PRUNE_EVERY = 500

log = logging.getLogger(__name__)


def add_idempotency_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("caller", sa.String(200), primary_key=True),
        sa.Column("method", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(MAX_KEY_LENGTH), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False, index=True),
    )


@dataclass
class IdempotentCall:
    caller: str
    method: str
    key: str
    request_hash: str
    #: set by the unit of work that inserted the key row with its change
    claimed: bool = False
    #: the claimed transaction, committed only with the answer (``park``)
    parked: AsyncSession | None = None
    #: what the unit of work runs once its transaction has committed (wake the outbox relay)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def park(self, session: AsyncSession, after_commit: Callable[[], None] | None) -> None:
        self.parked = session
        if after_commit is not None:
            self.after_commit.append(after_commit)

    async def settle(self, update: sa.Update | None = None, values: dict[str, object] | None = None) -> None:
        """Commit the held transaction, writing the answer on the key row first when one is given."""
        session, self.parked = self.parked, None
        if session is None:
            return
        try:
            if update is not None:
                await session.execute(update, values)
            await session.commit()
        finally:
            await session.close()
        callbacks, self.after_commit = self.after_commit, []
        for callback in callbacks:
            callback()

    async def abandon(self) -> None:
        """Roll the held transaction back (the answer could not be written): nothing was applied."""
        session, self.parked = self.parked, None
        self.after_commit = []
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()


_current: contextvars.ContextVar[IdempotentCall | None] = contextvars.ContextVar("wuye_idempotent", default=None)


class AlreadyApplied(FailedPrecondition):
    """The key row exists: another attempt with this key committed first."""


def current() -> IdempotentCall | None:
    """The keyed call this task serves, if any."""
    return _current.get()


async def settle_parked() -> None:
    """Commit a transaction held for the current call's answer (another transaction is about to begin)."""
    call = _current.get()
    if call is not None and call.parked is not None:
        await call.settle()


async def claim(session: AsyncSession, table: sa.Table) -> None:
    """Insert the current call's key row inside the unit of work's transaction (no-op without a key).

    Raises AlreadyApplied when another attempt with the same key committed first.
    """
    call = _current.get()
    if call is None or call.claimed:
        return
    # insert-if-absent rather than catching a failed INSERT: no savepoint per request
    inserted = await insert_if_absent(
        session,
        table,
        {
            "caller": call.caller, "method": call.method, "key": call.key, "request_hash": call.request_hash,
            "created_at": utcnow(),
        },
    )
    if not inserted:
        raise AlreadyApplied(f"a request with this {FIELD} was already applied", field=FIELD, rule="idempotency")
    call.claimed = True


class IdempotencyInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, db: Database, table: sa.Table, cipher: PersonalDataCipher) -> None:
        self.db = db
        self.table = table
        #: responses are kept sealed: a created case's answer carries its reporter's contact
        self.cipher = cipher
        self._stored = 0
        # built once; each call passes its key (statements per request would be built and hashed each time)
        this_key = sa.and_(
            table.c.caller == sa.bindparam("k_caller"),
            table.c.method == sa.bindparam("k_method"),
            table.c.key == sa.bindparam("k_key"),
        )
        self._lookup = sa.select(table.c.request_hash, table.c.response).where(this_key)
        self._keep_response = table.update().where(this_key)

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> MethodHandler | None:
        handler = await continuation(handler_call_details)
        behaviour = unary_behaviour(handler)
        if handler is None or behaviour is None:
            return handler
        serialize = handler.response_serializer
        method = handler_call_details.method

        async def call(request: Any, context: Context) -> Any:
            key = dict(context.invocation_metadata() or ()).get(METADATA_KEY)
            if key is None:
                return await behaviour(request, context)
            if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
                raise InvalidArgument(
                    f"{FIELD} must be 1 to {MAX_KEY_LENGTH} characters", field=FIELD, rule="idempotency"
                )
            current = IdempotentCall(
                caller=auth.current().user,
                method=method,
                key=key,
                request_hash=hashlib.sha256(request.SerializeToString(deterministic=True)).hexdigest(),
            )
            replay = await self._replay(current)
            if replay is not None:
                return replay
            async def apply_and_keep() -> Any:
                try:
                    response = await behaviour(request, context)
                except BaseException:
                    # committed before the failure, as without a key: the retry reads "applied"
                    try:
                        await current.settle()
                    except Exception:  # the failure is what the caller hears; the change is not applied
                        log.warning("the change of a failed keyed call could not be committed", exc_info=True)
                    raise
                if current.parked is not None:
                    answer = serialize(response) if serialize else response
                    try:
                        await current.settle(self._keep_response, self._answer(current, answer))
                    except BaseException:
                        await current.abandon()
                        raise
                    await self._prune_now_and_then()
                elif current.claimed:
                    await self._store(current, serialize(response) if serialize else response)
                return response

            token = _current.set(current)
            try:
                # the task copies the context (the key, who acts, the trace) as it is now
                work = asyncio.ensure_future(apply_and_keep())
            finally:
                _current.reset(token)
            work.add_done_callback(_retrieved)
            try:
                # shielded: a caller who gives up (deadline, cancel) after the change committed does not stop
                # its answer being stored, so the retry is answered with it instead of "not available" forever
                return await asyncio.shield(work)
            except AlreadyApplied:
                replay = await self._replay(current)
                if replay is not None:
                    return replay
                raise

        return grpc.unary_unary_rpc_method_handler(
            call,
            request_deserializer=handler.request_deserializer,
            # a replayed response is already serialised
            response_serializer=lambda r: r if isinstance(r, bytes) else (serialize(r) if serialize else r),
        )

    async def _replay(self, call: IdempotentCall) -> bytes | None:
        async with self.db.reads() as session:
            row = (await session.execute(self._lookup, _key_of(call))).first()
        if row is None:
            return None
        if row.request_hash != call.request_hash:
            raise InvalidArgument(
                f"{FIELD} was already used for a different request", field=FIELD, rule="idempotency"
            )
        response = self._unsealed(row.response)
        if response is None:
            raise AlreadyApplied(
                f"the request with this {FIELD} was applied, but its response is not available; read the result",
                field=FIELD,
                rule="idempotency",
            )
        return response

    def _unsealed(self, stored: bytes | None) -> bytes | None:
        if stored is None:
            return None
        try:
            return self.cipher.unseal(bytes(stored))
        except InvalidTag:  # kept before responses were sealed, or under another key: not replayable
            return None

    def _answer(self, call: IdempotentCall, response: bytes) -> dict[str, object]:
        return {**_key_of(call), "response": self.cipher.seal(response)}

    async def _store(self, call: IdempotentCall, response: bytes) -> None:
        async with self.db.sessions() as session, session.begin():
            await session.execute(self._keep_response, self._answer(call, response))
        await self._prune_now_and_then()

    async def _prune_now_and_then(self) -> None:
        self._stored += 1
        if self._stored % PRUNE_EVERY == 0:
            table = self.table
            async with self.db.sessions() as session, session.begin():
                await session.execute(table.delete().where(table.c.created_at < utcnow() - KEY_TTL))


def _key_of(call: IdempotentCall) -> dict[str, object]:
    return {"k_caller": call.caller, "k_method": call.method, "k_key": call.key}


def _retrieved(work: asyncio.Future[Any]) -> None:
    """A shielded call's outcome is read even when its caller left, so asyncio does not report it as lost."""
    if not work.cancelled():
        work.exception()
