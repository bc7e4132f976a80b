"""Quarterly evaluations (R3): the rows of one company, street and quarter ⇄ ``QuarterlyEvaluation``."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.ids import new_id
from wuye_ratings.adapters.orm import evaluations
from wuye_ratings.domain.evaluations import (
    QUARTERS_PER_YEAR,
    Evaluation,
    EvaluationKind,
    Quarter,
    QuarterlyEvaluation,
)


def _evaluation(row: sa.RowMapping) -> Evaluation:
    return Evaluation(
        EvaluationKind(row["kind"]),
        row["evaluator_id"],
        tuple(int(score) for score in row["aspect_scores"].split(",")),
        row["submitted_on"],
    )


class EvaluationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def quarterly(self, *, company_id: str, street_path: str, quarter: Quarter) -> QuarterlyEvaluation:
        quarterly = QuarterlyEvaluation.open(company_id=company_id, street_path=street_path, quarter=quarter)
        rows = await self.session.execute(
            sa.select(evaluations)
            .where(
                evaluations.c.company_id == quarterly.company_id,
                evaluations.c.street_path == str(quarterly.street_path),
                evaluations.c.quarter == str(quarter),
            )
            .order_by(evaluations.c.evaluation_id)
        )
        quarterly.evaluations.extend(_evaluation(row) for row in rows.mappings())
        return quarterly

    async def year(self, *, company_id: str, year: int) -> list[QuarterlyEvaluation]:
        """Every street's quarterly evaluations of one company in one year."""
        quarters = [str(Quarter(year, number)) for number in range(1, QUARTERS_PER_YEAR + 1)]
        rows = await self.session.execute(
            sa.select(evaluations)
            .where(evaluations.c.company_id == company_id, evaluations.c.quarter.in_(quarters))
            .order_by(evaluations.c.evaluation_id)
        )
        found: dict[tuple[str, str], QuarterlyEvaluation] = {}
        for row in rows.mappings():
            key = (row["street_path"], row["quarter"])
            if key not in found:
                found[key] = QuarterlyEvaluation.open(
                    company_id=company_id, street_path=row["street_path"], quarter=Quarter.parse(row["quarter"])
                )
            found[key].evaluations.append(_evaluation(row))
        return list(found.values())

    async def add_latest(self, quarterly: QuarterlyEvaluation, *, submitted_by: str) -> str:
        """Store the evaluation the domain just accepted (the last one); returns its id."""
        evaluation = quarterly.evaluations[-1]
        evaluation_id = new_id()
        await self.session.execute(
            evaluations.insert().values(
                evaluation_id=evaluation_id,
                company_id=quarterly.company_id,
                street_path=str(quarterly.street_path),
                quarter=str(quarterly.quarter),
                kind=evaluation.kind.value,
                evaluator_id=evaluation.evaluator_id,
                aspect_scores=",".join(str(score) for score in evaluation.aspect_scores),
                submitted_on=evaluation.submitted_on,
                submitted_by=submitted_by,
            )
        )
        return evaluation_id
