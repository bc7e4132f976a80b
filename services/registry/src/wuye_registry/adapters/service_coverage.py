"""O7 counts and lists: compounds by management mode and the failures found in them, as they stand."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.aggregates import count_if
from wuye_chassis.db import changed_rows, utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_registry.adapters.orm import compound_four_failures, compounds
from wuye_registry.adapters.places import CompoundRecord, compound_from_row
from wuye_registry.domain.places import ManagementMode
from wuye_registry.domain.service_coverage import FourFailure, ServiceCoverage

_FAILED = sa.and_(compound_four_failures.c.failures.is_not(None), compound_four_failures.c.failures != "")
_NEEDS_SERVICE = sa.or_(compounds.c.management_mode == ManagementMode.NONE.value, _FAILED)


def _failures(text: str | None) -> frozenset[FourFailure]:
    return frozenset(FourFailure(value) for value in (text or "").split(",") if value)


def _joined() -> sa.Join:
    return compounds.outerjoin(compound_four_failures, compound_four_failures.c.compound_id == compounds.c.id)


class ServiceCoverageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def set_failures(self, compound_id: str, failures: frozenset[FourFailure], *, set_by: str) -> None:
        values = {"failures": ",".join(sorted(failures)), "set_by": set_by, "updated_at": utcnow()}
        changed = await changed_rows(
            self.session,
            compound_four_failures.update().where(compound_four_failures.c.compound_id == compound_id).values(**values),
        )
        if changed == 0:
            await self.session.execute(compound_four_failures.insert().values(compound_id=compound_id, **values))

    async def failures(self, compound_id: str) -> frozenset[FourFailure]:
        return _failures(await self.session.scalar(
            sa.select(compound_four_failures.c.failures).where(compound_four_failures.c.compound_id == compound_id)
        ))

    async def counts(self, path: str) -> ServiceCoverage:
        """One grouped scan over the jurisdiction's compounds."""
        query = (
            sa.select(
                compounds.c.management_mode,
                sa.func.count(),
                count_if(_FAILED),
                count_if(_NEEDS_SERVICE),
            )
            .select_from(_joined())
            .where(at_or_below(compounds.c.jurisdiction_path, path))
            .group_by(compounds.c.management_mode)
        )
        by_mode = dict.fromkeys(ManagementMode, 0)
        failed = needing = 0
        for mode, count, with_failures, needs in (await self.session.execute(query)).all():
            by_mode[ManagementMode(mode)] = int(count)
            failed, needing = failed + int(with_failures), needing + int(needs)
        return ServiceCoverage(by_mode, failed, needing)

    async def needing_service(
        self, path: str, *, after: str, limit: int
    ) -> list[tuple[CompoundRecord, frozenset[FourFailure]]]:
        """The jurisdiction's compounds that need service, in id order, with the failures found in them."""
        query = (
            sa.select(compounds, compound_four_failures.c.failures)
            .select_from(_joined())
            .where(at_or_below(compounds.c.jurisdiction_path, path), _NEEDS_SERVICE, compounds.c.id > after)
            .order_by(compounds.c.id)
            .limit(limit)
        )
        return [(compound_from_row(row), _failures(row["failures"])) for row in (await self.session.execute(query)).mappings()]
