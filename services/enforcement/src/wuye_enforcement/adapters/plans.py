"""Plan rows ⇄ the domain ``JointPlan``, and the plan's visits: its ``inspections`` rows, one per compound."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_enforcement.adapters.orm import inspection_plans, inspections
from wuye_enforcement.adapters.pages import after
from wuye_enforcement.domain.inspections import InspectionState
from wuye_enforcement.domain.plans import ChecklistLine, JointPlan, ScheduledVisit
from wuye_enforcement.domain.vocabulary import InspectionKind


@dataclass(frozen=True)
class Visit:
    """One compound's visit of a plan: the inspection made there, and where the compound lies."""

    compound_id: str
    inspection_id: str
    jurisdiction_path: str


def _teams(plan: JointPlan) -> dict[str, list[str]]:
    return {department: list(people) for department, people in plan.inspectors.items()}


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, plan: JointPlan, *, actor_id: str) -> None:
        """The plan as made; its visits are the inspections added beside it."""
        await self.session.execute(
            inspection_plans.insert().values(
                plan_id=plan.plan_id,
                kind=plan.kind.value,
                basis=plan.basis,
                visit_date=plan.visit_date,
                checklist=[
                    {
                        "item_code": line.item_code,
                        "content": line.content,
                        "legal_basis": line.legal_basis,
                        "standard": line.standard,
                        "departments": list(line.departments),
                    }
                    for line in plan.checklist
                ],
                teams=_teams(plan),
                created_by=actor_id,
                created_at=utcnow(),
            )
        )

    async def get(self, plan_id: str, *, lock: bool = False) -> JointPlan | None:
        """The plan as made; ``lock`` holds its row until commit (PostgreSQL), so team changes take turns."""
        query = sa.select(inspection_plans).where(inspection_plans.c.plan_id == plan_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        if row is None:
            return None
        compounds = (
            await self.session.execute(
                sa.select(inspections.c.compound_id)
                .where(inspections.c.plan_id == plan_id)
                .order_by(inspections.c.compound_id)
            )
        ).scalars()
        return JointPlan(
            plan_id=row["plan_id"],
            kind=InspectionKind(row["kind"]),
            basis=row["basis"],
            visit_date=row["visit_date"],
            compound_ids=tuple(compounds),
            checklist=tuple(
                ChecklistLine(
                    item_code=line["item_code"], content=line["content"], legal_basis=line["legal_basis"],
                    standard=line["standard"], departments=tuple(line["departments"]),
                )
                for line in row["checklist"]
            ),
            inspectors={department: tuple(people) for department, people in row["teams"].items()},
        )

    async def save_teams(self, plan: JointPlan) -> None:
        await self.session.execute(
            inspection_plans.update().where(inspection_plans.c.plan_id == plan.plan_id).values(teams=_teams(plan))
        )

    async def visits(self, plan_id: str, *, within: str | None = None) -> list[Visit]:
        """The plan's visits, or only those at or below the jurisdiction ``within``."""
        query = (
            sa.select(inspections.c.compound_id, inspections.c.inspection_id, inspections.c.jurisdiction_path)
            .where(inspections.c.plan_id == plan_id)
            .order_by(inspections.c.compound_id)
        )
        if within is not None:
            query = query.where(at_or_below(inspections.c.jurisdiction_path, within))
        return [Visit(*row) for row in (await self.session.execute(query)).all()]

    async def completed_visits(self, plan_id: str) -> int:
        count = await self.session.scalar(
            sa.select(sa.func.count()).where(
                inspections.c.plan_id == plan_id, inspections.c.state == InspectionState.COMPLETED.value
            )
        )
        return int(count or 0)

    async def routine_history(self, compound_ids: Iterable[str]) -> list[ScheduledVisit]:
        """The routine visits on record for the compounds, made or planned (E3)."""
        query = sa.select(inspections.c.compound_id, inspections.c.kind, inspections.c.visit_date).where(
            inspections.c.compound_id.in_(list(compound_ids)), inspections.c.kind == InspectionKind.ROUTINE.value
        )
        return [ScheduledVisit(row[0], InspectionKind(row[1]), row[2]) for row in (await self.session.execute(query)).all()]

    async def visiting(
        self, *, path: str, start: dt.date, end: dt.date, after_key: tuple[dt.date, str] | None, size: int
    ) -> list[tuple[dt.date, str]]:
        """(visit date, plan id) of the plans visiting the jurisdiction in [start, end), in that order, after
        the cursor key ``after_key``."""
        query = (
            sa.select(inspections.c.visit_date, inspections.c.plan_id)
            .where(
                at_or_below(inspections.c.jurisdiction_path, path),
                inspections.c.visit_date >= start,
                inspections.c.visit_date < end,
            )
            .group_by(inspections.c.visit_date, inspections.c.plan_id)
            .order_by(inspections.c.visit_date, inspections.c.plan_id)
            .limit(size)
        )
        if after_key is not None:
            query = query.where(after(inspections.c.visit_date, inspections.c.plan_id, after_key))
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]
