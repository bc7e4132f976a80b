"""Use cases for rectification orders (E4): re-check, overdue sweep, escalation and its outcome."""

from __future__ import annotations

from collections.abc import Callable

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.db import utcnow
from wuye_chassis.errors import FailedPrecondition
from wuye_chassis.ids import new_id
from wuye_chassis.validation import parse_choice
from wuye_enforcement.adapters import repository
from wuye_enforcement.domain.events import Event
from wuye_enforcement.domain.rectification import EscalationKind, OrderState, RectificationOrder
from wuye_enforcement.service.inspections import INSPECTORS, PLANNERS, READERS, publish

#: who records re-checks and escalates: the inspectors and the officers who planned the inspection
ORDER_HANDLERS = tuple(dict.fromkeys((*INSPECTORS, *PLANNERS)))



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
