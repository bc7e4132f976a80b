"""The compound read model beyond the chassis' lookup: which companies an active contract names."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_complaints.adapters.orm import known_compounds


async def company_under_contract(session: AsyncSession, company_id: str) -> bool:
    """Whether an active contract the registry announced names the company, in any compound."""
    found = await session.scalar(
        sa.select(known_compounds.c.compound_id).where(known_compounds.c.company_id == company_id).limit(1)
    )
    return found is not None
