"""Inspection rows ⇄ the domain ``Inspection``: one per compound of a plan, with a result per checklist line."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_enforcement.adapters.orm import department_list, inspection_results, inspections
from wuye_enforcement.adapters.plans import PlanRepository
from wuye_enforcement.domain.inspections import Inspection, InspectionState, ItemResult, Outcome
from wuye_enforcement.domain.vocabulary import Severity


class InspectionRepository:
    def __init__(self, session: AsyncSession, plans: PlanRepository) -> None:
        self.session = session
        self.plans = plans

    async def add(self, inspection: Inspection) -> None:
        """An open inspection: one visit of its plan."""
        plan = inspection.plan
        await self.session.execute(
            inspections.insert().values(
                inspection_id=inspection.inspection_id, plan_id=plan.plan_id, compound_id=inspection.compound_id,
                jurisdiction_path=inspection.jurisdiction_path, company_id=inspection.company_id,
                kind=plan.kind.value, visit_date=plan.visit_date, departments=department_list(plan.departments),
                state=inspection.state.value, items_checked=0, findings=0, visits_saved=0,
            )
        )

    async def get(self, inspection_id: str) -> Inspection | None:
        """The inspection with its plan and results."""
        row = (
            await self.session.execute(sa.select(inspections).where(inspections.c.inspection_id == inspection_id))
        ).mappings().first()
        if row is None:
            return None
        plan = await self.plans.get(row["plan_id"])
        assert plan is not None  # the foreign key: an inspection's plan exists
        inspection = Inspection(
            inspection_id=row["inspection_id"],
            plan=plan,
            compound_id=row["compound_id"],
            jurisdiction_path=row["jurisdiction_path"],
            company_id=row["company_id"],
            state=InspectionState(row["state"]),
            completed_at=row["completed_at"],
        )
        results = await self.session.execute(
            sa.select(inspection_results).where(inspection_results.c.inspection_id == inspection_id)
        )
        for result in results.mappings():
            inspection.results[result["item_code"]] = ItemResult(
                item_code=result["item_code"],
                outcome=Outcome(result["outcome"]),
                severity=None if result["severity"] is None else Severity(result["severity"]),
                evidence_refs=tuple(result["evidence_refs"]),
                inspector_id=result["inspector_id"],
                recorded_at=result["recorded_at"],
                note=result["note"],
            )
        return inspection

    async def save_result(self, inspection_id: str, result: ItemResult) -> None:
        """The line's result, in place of an earlier one (a result may be corrected until completion)."""
        values = {
            "outcome": result.outcome.value,
            "severity": None if result.severity is None else result.severity.value,
            "evidence_refs": list(result.evidence_refs),
            "inspector_id": result.inspector_id,
            "recorded_at": result.recorded_at,
            "note": result.note,
        }
        key = (inspection_results.c.inspection_id == inspection_id, inspection_results.c.item_code == result.item_code)
        if await self.session.scalar(sa.select(sa.exists().where(*key))):
            await self.session.execute(inspection_results.update().where(*key).values(**values))
        else:
            await self.session.execute(
                inspection_results.insert().values(inspection_id=inspection_id, item_code=result.item_code, **values)
            )

    async def save_completion(self, inspection: Inspection) -> None:
        await self.session.execute(
            inspections.update()
            .where(inspections.c.inspection_id == inspection.inspection_id)
            .values(
                state=inspection.state.value, completed_at=inspection.completed_at,
                items_checked=inspection.items_checked, findings=len(inspection.findings),
                visits_saved=inspection.separate_visits_saved,
            )
        )
