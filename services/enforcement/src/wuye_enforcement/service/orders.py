"""Handlers for rectification orders (E4): re-check, the overdue sweep, escalation and its outcome, and
the lists of orders due a re-check and overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import FailedPrecondition, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.paging import next_page_token, page_key, page_size
from wuye_chassis.validation import optional_text, parse_choice
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.events import Event
from wuye_enforcement.domain.rectification import (
    EscalationKind,
    OrderState,
    RectificationOrder,
    overdue_orders,
    rechecks_due,
)
from wuye_enforcement.service.access import (
    INSPECTORS,
    ORDER_HANDLERS,
    READERS,
    require_inspecting_department,
    scoped_path,
)
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

#: the domain's choice among candidate orders at a moment (re-checks due, overdue)
Choice = Callable[[Iterable[RectificationOrder], dt.datetime], list[RectificationOrder]]
#: a step of an order (re-check, escalation, outcome) and the events it raises
Step = Callable[[RectificationOrder], list[Event]]


@dataclass(frozen=True)
class OrderPage:
    orders: list[RectificationOrder]
    next_page_token: str


# --- steps ---------------------------------------------------------------------------------------


async def record_recheck(command: commands.RecordRecheck, uow: EnforcementUnitOfWork) -> RectificationOrder:
    """The follow-up re-check (回头看), by an inspector of a department that checks the item (A1)."""
    action = "record a re-check"

    def step(order: RectificationOrder) -> list[Event]:
        require_inspecting_department(
            order.departments, action=action, what=f"order {order.order_id} (item {order.item_code})"
        )
        return order.record_recheck(
            inspection_id=command.inspection_id, passed=command.passed, now=utcnow(), early_reason=command.early_reason
        )

    return await _step(uow, command.order_id, action, step, roles=INSPECTORS)


async def escalate_order(command: commands.EscalateOrder, uow: EnforcementUnitOfWork) -> RectificationOrder:
    escalation = parse_choice(EscalationKind, command.kind, field="kind", rule="E4")

    def step(order: RectificationOrder) -> list[Event]:
        if escalation is EscalationKind.PENALTY_CASE:
            return order.open_penalty_case(escalation_id=new_id(), department=command.department, now=utcnow())
        return order.refer_to_alliance(
            escalation_id=new_id(), referral_kind=command.referral_kind, department=command.department or None,
            now=utcnow(),
        )

    return await _step(uow, command.order_id, "escalate a rectification order", step)


async def record_escalation_outcome(
    command: commands.RecordEscalationOutcome, uow: EnforcementUnitOfWork
) -> RectificationOrder:
    return await _step(
        uow, command.order_id, "record an escalation outcome",
        lambda order: order.record_outcome(outcome=command.outcome, now=utcnow()),
    )


async def mark_order_overdue(command: commands.MarkOrderOverdue, uow: EnforcementUnitOfWork) -> bool:
    """E4: an issued order past its deadline becomes overdue; False when it no longer qualifies (a
    re-check or another replica got there first)."""
    async with uow:
        order = await uow.orders.get(command.order_id, lock=True)
        if order is None or order.state is not OrderState.ISSUED:
            return False
        try:
            events = order.mark_overdue(now=utcnow())
        except FailedPrecondition:
            return False
        await uow.orders.save(order)
        for event in events:
            await uow.publish(event)
        await uow.commit()
    return True


async def _step(
    uow: EnforcementUnitOfWork, order_id: str, action: str, step: Step, *, roles: Sequence[str] = ORDER_HANDLERS
) -> RectificationOrder:
    auth.require_role(roles, action=action)
    async with uow:
        order = await _require_order(uow, order_id, lock=True)
        auth.require_access(order.jurisdiction_path, action=action)
        events = step(order)
        await uow.orders.save(order)
        for event in events:
            await uow.publish(event)
        await uow.commit()
    return order


# --- reading -------------------------------------------------------------------------------------


async def get_order(query: commands.GetOrder, uow: EnforcementUnitOfWork) -> RectificationOrder:
    auth.require_role(READERS, action="read a rectification order")
    async with uow.reading():
        order = await _require_order(uow, query.order_id)
    auth.require_access(order.jurisdiction_path, action="read a rectification order")
    return order


async def list_orders_due_recheck(query: commands.ListOrdersDueRecheck, uow: EnforcementUnitOfWork) -> OrderPage:
    return await _list(uow, "list orders due a re-check", rechecks_due, query)


async def list_overdue_orders(query: commands.ListOverdueOrders, uow: EnforcementUnitOfWork) -> OrderPage:
    return await _list(uow, "list overdue orders", overdue_orders, query)


async def find_orders_past_deadline(query: commands.FindOrdersPastDeadline, uow: EnforcementUnitOfWork) -> list[str]:
    async with uow.reading():
        return await uow.orders.issued_past_deadline(utcnow(), query.limit)


async def _list(
    uow: EnforcementUnitOfWork,
    action: str,
    choose: Choice,
    query: commands.OrderList,
) -> OrderPage:
    """One page of the orders ``choose`` picks now, by (deadline, order id). Candidates are read in
    batches because the domain, not SQL, decides (a re-check after the deadline is in the JSON)."""
    auth.require_role(READERS, action=action)
    path = scoped_path(query.jurisdiction_path, action=action)
    only = optional_text(query.department, field="department", max_length=40)
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.datetime.fromisoformat)
    now = utcnow()
    chosen: list[RectificationOrder] = []
    async with uow.reading():
        while len(chosen) <= size:
            batch = await uow.orders.open_due_by(path=path, department=only, due_by=now, after_key=after, size=size + 1)
            picked = {order.order_id for order in choose(batch, now)}
            chosen.extend(order for order in batch if order.order_id in picked)
            if len(batch) <= size:
                break
            after = (batch[-1].deadline, batch[-1].order_id)
    if len(chosen) <= size:
        return OrderPage(chosen, "")
    last = chosen[size - 1]
    return OrderPage(chosen[:size], next_page_token(last.deadline, last.order_id))


async def _require_order(uow: EnforcementUnitOfWork, order_id: str, *, lock: bool = False) -> RectificationOrder:
    order = await uow.orders.get(order_id, lock=lock)
    if order is None:
        raise NotFound(f"unknown rectification order {order_id!r}", field="order_id")
    return order
