"""Rectification order rows ⇄ the domain ``RectificationOrder``; one order per finding, so the order row
is the finding's record too. Re-checks are kept as a JSON list on the row, the escalation in its columns."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.path_queries import at_or_below
from wuye_enforcement.adapters.orm import department_list, department_pattern, rectification_orders
from wuye_enforcement.adapters.pages import after
from wuye_enforcement.domain.rectification import (
    Escalation,
    EscalationKind,
    OrderState,
    Recheck,
    RectificationOrder,
)
from wuye_enforcement.domain.vocabulary import Addressee, EscalationOutcome, ReferralKind, Severity


def _order(row: sa.RowMapping) -> RectificationOrder:
    escalation = None
    if row["escalation_id"] is not None:
        escalation = Escalation(
            escalation_id=row["escalation_id"],
            kind=EscalationKind(row["escalation_kind"]),
            referral_kind=None if row["referral_kind"] is None else ReferralKind(row["referral_kind"]),
            department=row["escalation_department"],
            at=row["escalated_at"],
            outcome=None if row["escalation_outcome"] is None else EscalationOutcome(row["escalation_outcome"]),
            concluded_at=row["concluded_at"],
        )
    return RectificationOrder(
        order_id=row["order_id"],
        finding_id=row["finding_id"],
        inspection_id=row["inspection_id"],
        compound_id=row["compound_id"],
        jurisdiction_path=row["jurisdiction_path"],
        item_code=row["item_code"],
        severity=Severity(row["severity"]),
        addressee=Addressee(row["addressee"]),
        addressee_id=row["addressee_id"],
        issued_at=row["issued_at"],
        deadline=row["deadline"],
        state=OrderState(row["state"]),
        rechecks=[
            Recheck(
                inspection_id=recheck["inspection_id"], at=dt.datetime.fromisoformat(recheck["at"]),
                passed=recheck["passed"], early_reason=recheck.get("early_reason"),
            )
            for recheck in row["rechecks"]
        ],
        rectified_at=row["rectified_at"],
        overdue_at=row["overdue_at"],
        escalation=escalation,
        departments=tuple(code for code in row["departments"].split(",") if code),
    )


def _changing_values(order: RectificationOrder) -> dict[str, object]:
    """The columns a step of the order may change."""
    escalation = order.escalation
    return {
        "state": order.state.value,
        "rechecks": [
            {"inspection_id": recheck.inspection_id, "at": recheck.at.isoformat(), "passed": recheck.passed,
             "early_reason": recheck.early_reason}
            for recheck in order.rechecks
        ],
        "rectified_at": order.rectified_at,
        "overdue_at": order.overdue_at,
        "escalation_id": None if escalation is None else escalation.escalation_id,
        "escalation_kind": None if escalation is None else escalation.kind.value,
        "referral_kind": None if escalation is None or escalation.referral_kind is None else escalation.referral_kind.value,
        "escalation_department": None if escalation is None else escalation.department,
        "escalated_at": None if escalation is None else escalation.at,
        "escalation_outcome": None if escalation is None or escalation.outcome is None else escalation.outcome.value,
        "concluded_at": None if escalation is None else escalation.concluded_at,
    }


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, order: RectificationOrder) -> None:
        """A new order; its departments check the failed item, so the order counts among their figures."""
        await self.session.execute(
            rectification_orders.insert().values(
                order_id=order.order_id, finding_id=order.finding_id, inspection_id=order.inspection_id,
                compound_id=order.compound_id, jurisdiction_path=order.jurisdiction_path, item_code=order.item_code,
                departments=department_list(order.departments), severity=order.severity.value,
                addressee=order.addressee.value, addressee_id=order.addressee_id, issued_at=order.issued_at,
                deadline=order.deadline, **_changing_values(order),
            )
        )

    async def save(self, order: RectificationOrder) -> None:
        await self.session.execute(
            rectification_orders.update()
            .where(rectification_orders.c.order_id == order.order_id)
            .values(**_changing_values(order))
        )

    async def get(self, order_id: str, *, lock: bool = False) -> RectificationOrder | None:
        """The order; ``lock`` holds it until commit (PostgreSQL), so two steps on one order take turns."""
        query = sa.select(rectification_orders).where(rectification_orders.c.order_id == order_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else _order(row)

    async def of_inspection(self, inspection_id: str) -> list[RectificationOrder]:
        query = (
            sa.select(rectification_orders)
            .where(rectification_orders.c.inspection_id == inspection_id)
            .order_by(rectification_orders.c.finding_id)
        )
        return [_order(row) for row in (await self.session.execute(query)).mappings()]

    async def issued_past_deadline(self, now: dt.datetime, limit: int) -> list[str]:
        """The ids of issued orders whose deadline passed before ``now``, longest overdue first."""
        query = (
            sa.select(rectification_orders.c.order_id)
            .where(rectification_orders.c.state == OrderState.ISSUED.value, rectification_orders.c.deadline < now)
            .order_by(rectification_orders.c.deadline)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def open_due_by(
        self,
        *,
        path: str,
        department: str | None,
        due_by: dt.datetime,
        after_key: tuple[dt.datetime, str] | None,
        size: int,
    ) -> list[RectificationOrder]:
        """Issued or overdue orders in the jurisdiction with a deadline up to ``due_by``, by (deadline, id)
        after the cursor key ``after_key``: the candidates the domain's re-check and overdue lists choose from."""
        query = (
            sa.select(rectification_orders)
            .where(
                rectification_orders.c.state.in_([OrderState.ISSUED.value, OrderState.OVERDUE.value]),
                rectification_orders.c.deadline <= due_by,
                at_or_below(rectification_orders.c.jurisdiction_path, path),
            )
            .order_by(rectification_orders.c.deadline, rectification_orders.c.order_id)
            .limit(size)
        )
        if department is not None:
            query = query.where(rectification_orders.c.departments.like(department_pattern(department)))
        if after_key is not None:
            query = query.where(after(rectification_orders.c.deadline, rectification_orders.c.order_id, after_key))
        return [_order(row) for row in (await self.session.execute(query)).mappings()]
