"""Use cases for rectification orders (E4): re-check, overdue sweep, escalation and its outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.db import utcnow
from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.ids import new_id
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.validation import optional_text, parse_choice
from wuye_enforcement.adapters import repository
from wuye_enforcement.domain.events import Event
from wuye_enforcement.domain.rectification import (
    EscalationKind,
    OrderState,
    RectificationOrder,
    overdue_orders,
    rechecks_due,
)
from wuye_enforcement.service.inspections import INSPECTORS, PLANNERS, READERS, publish, scoped_path

#: who records re-checks and escalates: the inspectors and the officers who planned the inspection
ORDER_HANDLERS = tuple(dict.fromkeys((*INSPECTORS, *PLANNERS)))

#: the domain's choice among candidate orders at a moment (re-checks due, overdue)
Choice = Callable[[Iterable[RectificationOrder], dt.datetime], list[RectificationOrder]]


@dataclass(frozen=True)
class OrderPage:
    orders: list[tuple[RectificationOrder, str]]  # each with its compound's jurisdiction path
    next_page_token: str


def _order_key(token: str) -> tuple[dt.datetime, str] | None:
    key = decode_cursor(token)
    if key is None:
        return None
    deadline, _, order_id = key.partition("|")
    try:
        return dt.datetime.fromisoformat(deadline), order_id
    except ValueError:
        raise InvalidArgument("page_token is not a token this service issued", field="page.page_token") from None



class OrderService:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    async def get(self, order_id: str) -> tuple[RectificationOrder, str]:
        """The order and its compound's jurisdiction path."""
        auth.require_role(READERS, action="read a rectification order")
        async with self.runtime.db.sessions() as session:
            order, path = await repository.load_order(session, order_id)
        auth.require_access(path, action="read a rectification order")
        return order, path

    async def list_rechecks_due(
        self, *, jurisdiction_path: str, department: str, requested_size: int, page_token: str
    ) -> OrderPage:
        return await self._list(
            "list orders due a re-check", rechecks_due, jurisdiction_path, department, requested_size, page_token
        )

    async def list_overdue(self, *, jurisdiction_path: str, department: str, requested_size: int, page_token: str) -> OrderPage:
        return await self._list(
            "list overdue orders", overdue_orders, jurisdiction_path, department, requested_size, page_token
        )

    async def _list(
        self, action: str, choose: Choice, jurisdiction_path: str, department: str, requested_size: int, page_token: str
    ) -> OrderPage:
        """One page of the orders ``choose`` picks now, by (deadline, order id). Candidates are read in
        batches because the domain, not SQL, decides (a re-check after the deadline is in the JSON)."""
        auth.require_role(READERS, action=action)
        path = scoped_path(jurisdiction_path, action=action)
        only = optional_text(department, field="department", max_length=40)
        size = page_size(requested_size)
        after = _order_key(page_token)
        now = utcnow()
        chosen: list[tuple[RectificationOrder, str]] = []
        async with self.runtime.db.sessions() as session:
            while len(chosen) <= size:
                batch = await repository.open_orders_due_by(
                    session, path=path, department=only, due_by=now, after=after, size=size + 1
                )
                picked = {order.order_id for order in choose([order for order, _ in batch], now)}
                chosen.extend(pair for pair in batch if pair[0].order_id in picked)
                if len(batch) <= size:
                    break
                after = (batch[-1][0].deadline, batch[-1][0].order_id)
        if len(chosen) <= size:
            return OrderPage(chosen, "")
        last = chosen[size - 1][0]
        return OrderPage(chosen[:size], encode_cursor(f"{last.deadline.isoformat()}|{last.order_id}"))

    async def _apply(
        self, order_id: str, action: str, step: Callable[[RectificationOrder], list[Event]]
    ) -> tuple[RectificationOrder, str]:
        auth.require_role(ORDER_HANDLERS, action=action)
        async with self.runtime.unit_of_work() as uow:
            order, path = await repository.load_order(uow.session, order_id, lock=True)
            auth.require_access(path, action=action)
            events = step(order)
            await repository.save_order(uow.session, order)
            await publish(uow, events, path)
            await uow.commit()
        return order, path

    async def record_recheck(self, *, order_id: str, inspection_id: str, passed: bool) -> tuple[RectificationOrder, str]:
        return await self._apply(
            order_id, "record a re-check",
            lambda order: order.record_recheck(inspection_id=inspection_id, passed=passed, now=utcnow()),
        )

    async def escalate(
        self, *, order_id: str, kind: str, referral_kind: str, department: str
    ) -> tuple[RectificationOrder, str]:
        escalation = parse_choice(EscalationKind, kind, field="kind", rule="E4")

        def step(order: RectificationOrder) -> list[Event]:
            if escalation is EscalationKind.PENALTY_CASE:
                return order.open_penalty_case(escalation_id=new_id(), department=department, now=utcnow())
            return order.refer_to_alliance(
                escalation_id=new_id(), referral_kind=referral_kind, department=department or None, now=utcnow()
            )

        return await self._apply(order_id, "escalate a rectification order", step)

    async def record_outcome(self, *, order_id: str, outcome: str) -> tuple[RectificationOrder, str]:
        return await self._apply(
            order_id, "record an escalation outcome", lambda order: order.record_outcome(outcome=outcome, now=utcnow())
        )

    async def mark_overdue(self, *, batch_size: int) -> int:
        """The scheduler's round: every issued order past its deadline becomes overdue, each in its own
        transaction, so one bad order cannot hold back the rest. Returns how many were marked."""
        marked = 0
        token = auth.bind(auth.SYSTEM)
        try:
            async with self.runtime.db.sessions() as session:
                due = await repository.issued_past_deadline(session, utcnow(), batch_size)
            for order_id in due:
                async with self.runtime.unit_of_work() as uow:
                    order, path = await repository.load_order(uow.session, order_id, lock=True)
                    if order.state is not OrderState.ISSUED:
                        continue  # a re-check or another replica got there first
                    try:
                        events = order.mark_overdue(now=utcnow())
                    except FailedPrecondition:
                        continue
                    await repository.save_order(uow.session, order)
                    await publish(uow, events, path)
                    await uow.commit()
                    marked += 1
        finally:
            auth.reset(token)
        return marked
