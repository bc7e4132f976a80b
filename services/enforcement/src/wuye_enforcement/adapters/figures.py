"""The counts behind the E5 figures, counted in SQL: one aggregate over inspections and one over their
orders, never a row loaded into Python. What each count means is ``domain.figures``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.aggregates import count_if, total
from wuye_chassis.path_queries import at_or_below
from wuye_enforcement.adapters.orm import department_pattern, inspections, rectification_orders
from wuye_enforcement.domain.figures import EnforcementCounts
from wuye_enforcement.domain.inspections import InspectionState
from wuye_enforcement.domain.rectification import OrderState


@dataclass(frozen=True)
class FigureScope:
    path: str
    department: str | None
    start: dt.datetime  # inclusive, UTC
    end: dt.datetime  # exclusive, UTC



class FigureCounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def counts(self, scope: FigureScope, now: dt.datetime) -> EnforcementCounts:
        completed = [
            inspections.c.state == InspectionState.COMPLETED.value,
            at_or_below(inspections.c.jurisdiction_path, scope.path),
            inspections.c.completed_at >= scope.start,
            inspections.c.completed_at < scope.end,
        ]
        order_filter = list(completed)
        if scope.department is not None:
            pattern = department_pattern(scope.department)
            completed.append(inspections.c.departments.like(pattern))
            # a department's problems are the findings on items it checks
            order_filter.append(rectification_orders.c.departments.like(pattern))
        inspected = (
            await self.session.execute(
                sa.select(
                    sa.func.count(),
                    total(inspections.c.items_checked),
                    total(inspections.c.visits_saved),
                ).where(*completed)
            )
        ).one()
        state = rectification_orders.c.state
        found = (
            await self.session.execute(
                sa.select(
                    sa.func.count(),
                    count_if(state == OrderState.RECTIFIED.value),
                    # overdue as it stands now: marked, or still issued with the deadline passed (E5)
                    count_if(
                        sa.or_(
                            state == OrderState.OVERDUE.value,
                            sa.and_(state == OrderState.ISSUED.value, rectification_orders.c.deadline < now),
                        )
                    ),
                )
                .select_from(rectification_orders.join(inspections))
                .where(*order_filter)
            )
        ).one()
        return EnforcementCounts(
            inspections=int(inspected[0]),
            items_checked=int(inspected[1]),
            visits_saved=int(inspected[2]),
            problems_found=int(found[0]),
            rectified=int(found[1]),
            overdue=int(found[2]),
        )
