"""Idempotency keys: a retried create is applied once and answered with the first response.

A client (the gateway maps the HTTP ``Idempotency-Key`` header) sends the gRPC metadata
``idempotency-key``. ``IdempotencyInterceptor`` runs the method, and the transaction its unit of work
commits is held open (``park``) until the method has built its answer; the key row (this caller, method
and key) is then inserted with the answer in that transaction, and it commits: the change, its key and
its answer together or not at all. A process killed at any moment leaves either nothing (the retry
applies the change) or the change with its answer (the retry is answered with it), never a change whose
answer is lost.

A retry, or a concurrent duplicate, finds the key taken when it inserts it (insert-if-absent inserts
nothing, waiting for the other transaction) and rolls back everything it did; it is then answered with
the stored answer, or refused (INVALID_ARGUMENT naming ``Idempotency-Key``) when the key was used for a
different request. A retry the method refuses because of what the first attempt changed (a case already
closed) is answered the same way. The key is looked up only then: the first attempt of every keyed call
makes no read of its own, at the cost of a retry running the method to its end once more.

Should the method open another transaction after its commit, or fail after it, the held transaction is
committed first with the key but without the answer (``settle``), as a plain commit would have been; the
answer is then stored in a transaction of its own.

Keys are kept for ``KEY_TTL`` and deleted lazily.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import functools
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
    #: the service's key table, where the key row is inserted with the change
    keys: sa.Table
    #: set once the key row is inserted with a change
    claimed: bool = False
    #: the change's transaction, held for the answer (``park``)
    parked: AsyncSession | None = None
    #: what the unit of work runs once its transaction has committed (wake the outbox relay)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def park(self, session: AsyncSession, after_commit: Callable[[], None] | None) -> None:
        self.parked = session
        if after_commit is not None:
            self.after_commit.append(after_commit)

    async def claim(self, session: AsyncSession, sealed_answer: bytes | None = None) -> None:
        """Insert the key row (with the answer, when given) in the change's transaction; AlreadyApplied when
        another attempt with this key committed first. One insert-if-absent: no savepoint per request."""
        if self.claimed:
            if sealed_answer is not None:
                await session.execute(_keep_answer(self.keys), {**self.key_values(), "response": sealed_answer})
            return
        row: dict[str, object] = {
            "caller": self.caller, "method": self.method, "key": self.key, "request_hash": self.request_hash,
            "response": sealed_answer, "created_at": utcnow(),
        }
        if not await insert_if_absent(session, self.keys, row):
            raise AlreadyApplied(f"a request with this {FIELD} was already applied", field=FIELD, rule="idempotency")
        self.claimed = True

    def key_values(self) -> dict[str, object]:
        return {"k_caller": self.caller, "k_method": self.method, "k_key": self.key}

    async def settle(self, sealed_answer: bytes | None = None) -> None:
        """Claim the key with the answer (when given) in the held transaction and commit it; a duplicate
        that committed first rolls it back (AlreadyApplied)."""
        session, self.parked = self.parked, None
        if session is None:
            return
        try:
            await self.claim(session, sealed_answer)
            await session.commit()
        except BaseException:
            self.after_commit = []
            raise
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


async def claim(session: AsyncSession) -> None:
    """Insert the current call's key row inside a transaction that cannot be held for the answer (no-op
    without a key, or once claimed). Raises AlreadyApplied when another attempt committed first."""
    call = _current.get()
    if call is not None and not call.claimed:
        await call.claim(session)


# built once per table; each call passes its key (a statement per request would be built and hashed)
@functools.cache
def _this_key(table: sa.Table) -> sa.ColumnElement[bool]:
    return sa.and_(
        table.c.caller == sa.bindparam("k_caller"),
        table.c.method == sa.bindparam("k_method"),
        table.c.key == sa.bindparam("k_key"),
    )


@functools.cache
def _keep_answer(table: sa.Table) -> sa.Update:
    return table.update().where(_this_key(table))


class IdempotencyInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, db: Database, table: sa.Table, cipher: PersonalDataCipher) -> None:
        self.db = db
        self.table = table
        #: responses are kept sealed: a created case's answer carries its reporter's contact
        self.cipher = cipher
        self._stored = 0
        self._lookup = sa.select(table.c.request_hash, table.c.response).where(_this_key(table))

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
                keys=self.table,
            )

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
                        await current.settle(self.cipher.seal(answer))
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
            except Exception as failure:
                if current.claimed:
                    raise  # this call's own change: what it failed on is the answer
                # a retry of a change already applied may fail on what that change did (a case closed): the
                # first attempt's answer, or the refusal of a key used for another request
                try:
                    replay = await self._replay(current)
                except (InvalidArgument, AlreadyApplied):
                    raise
                except Exception:
                    raise failure from None
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
            row = (await session.execute(self._lookup, call.key_values())).first()
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

    async def _store(self, call: IdempotentCall, response: bytes) -> None:
        async with self.db.sessions() as session, session.begin():
            await session.execute(_keep_answer(self.table), {**call.key_values(), "response": self.cipher.seal(response)})
        await self._prune_now_and_then()

    async def _prune_now_and_then(self) -> None:
        self._stored += 1
        if self._stored % PRUNE_EVERY == 0:
            table = self.table
            async with self.db.sessions() as session, session.begin():
                await session.execute(table.delete().where(table.c.created_at < utcnow() - KEY_TTL))


def _retrieved(work: asyncio.Future[Any]) -> None:
    """A shielded call's outcome is read even when its caller left, so asyncio does not report it as lost."""
    if not work.cancelled():
        work.exception()
