"""Compound mini maintenance fund (小公维金, P4): surcharges in, small repairs out, summary published.

The fund's money is the account ``mini:fund`` in the compound's mini ledger; surcharges come from
``mini:surcharges`` and repairs are paid to ``payee:mini_repairs``. The published summary is computed
from the unreversed postings, so it always agrees with the hash-chained ledger.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, FailedPrecondition
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import community_funds as repository
from wuye_funds.adapters import ledger as ledger_repository
from wuye_funds.domain.mini_fund import (
    MiniFundSummary,
    monthly_surcharge_fen,
    require_surplus_covers,
    summarise,
    surcharge_for_months,
)
from wuye_funds.service import ledger
from wuye_funds.service.compounds import MANAGERS, compound_in_scope
from wuye_funds.service.maintenance import HOUSEHOLD_ID_MAX_LENGTH

MINI_ACCOUNT = "mini:fund"
SURCHARGE_ACCOUNT = "mini:surcharges"
REPAIR_PAYEE = "payee:mini_repairs"
SURCHARGE_KIND = "mini_surcharge"
REPAIR_KIND = "mini_repair"


def mini_ledger_id(compound_id: str) -> str:
    return f"{compound_id}/mini"


async def open_fund(uow: UnitOfWork, *, compound_id: str, rate_fen_per_m2_month: int) -> funds_pb2.MiniFund:
    auth.require_role(MANAGERS, action="open a mini fund")
    # a one-m² month validates the rate the same way every later surcharge will use it
    monthly_surcharge_fen(rate_fen_per_m2_month, 100)
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="open a mini fund")
        if await repository.mini_fund(uow.session, compound_id) is not None:
            raise AlreadyExists(f"compound {compound_id} already has a mini fund", field="compound_id", rule="P4")
        ledger_id = mini_ledger_id(compound_id)
        await ledger_repository.create(
            uow.session, ledger_id=ledger_id, compound_id=compound_id, jurisdiction_path=compound["jurisdiction_path"]
        )
        await repository.add_mini_fund(
            uow.session, compound_id=compound_id, jurisdiction_path=compound["jurisdiction_path"],
            ledger_id=ledger_id, rate_fen_per_m2_month=rate_fen_per_m2_month,
        )
        message = await _message(uow.session, await _fund_row(uow.session, compound_id, action="open a mini fund"))
        await uow.commit()
    return message


async def collect(
    uow: UnitOfWork, *, compound_id: str, household_id: str, area_dm2: int, months: int
) -> funds_pb2.CollectMiniFundSurchargeResponse:
    auth.require_role(MANAGERS, action="collect a mini fund surcharge")
    household_id = require_text(household_id, field="household_id", rule="P4", max_length=HOUSEHOLD_ID_MAX_LENGTH)
    async with uow:
        row = await _fund_row(uow.session, compound_id, action="collect a mini fund surcharge")
        amount = surcharge_for_months(row["rate_fen_per_m2_month"], area_dm2, months)
        await ledger.locked_ledger(uow.session, row["ledger_id"], action="collect a mini fund surcharge")
        debit, _ = await ledger.post(
            uow.session, row["ledger_id"], debit_account_id=MINI_ACCOUNT, credit_account_id=SURCHARGE_ACCOUNT,
            amount_fen=amount, kind=SURCHARGE_KIND, memo=f"household {household_id}, {months} month(s)",
        )
        message = await _message(uow.session, row)
        await uow.commit()
    return funds_pb2.CollectMiniFundSurchargeResponse(
        amount_fen=amount, entry=ledger_repository.to_message(row["ledger_id"], debit), mini_fund=message
    )


async def pay_repair(
    uow: UnitOfWork, *, compound_id: str, amount_fen: int, purpose: str
) -> funds_pb2.PayMiniFundRepairResponse:
    auth.require_role(MANAGERS, action="pay a mini fund repair")
    purpose = require_text(purpose, field="purpose", rule="P4", max_length=500)
    async with uow:
        row = await _fund_row(uow.session, compound_id, action="pay a mini fund repair")
        await ledger.locked_ledger(uow.session, row["ledger_id"], action="pay a mini fund repair")
        amount = require_surplus_covers(await _summary(uow.session, row["ledger_id"]), amount_fen)
        debit, _ = await ledger.post(
            uow.session, row["ledger_id"], debit_account_id=REPAIR_PAYEE, credit_account_id=MINI_ACCOUNT,
            amount_fen=amount, kind=REPAIR_KIND, memo=purpose,
        )
        message = await _message(uow.session, row)
        await uow.publish(
            events_pb2.MiniFundRepairPaid(
                compound_id=compound_id, jurisdiction_path=row["jurisdiction_path"], amount_fen=amount,
                purpose=purpose, sequence=debit.sequence, summary=message.summary,
            ),
            aggregate_id=compound_id,
        )
        await uow.commit()
    return funds_pb2.PayMiniFundRepairResponse(entry=ledger_repository.to_message(row["ledger_id"], debit), mini_fund=message)


async def get(session: AsyncSession, compound_id: str) -> funds_pb2.MiniFund:
    return await _message(session, await _fund_row(session, compound_id, action="read a mini fund"))


async def published_summary(session: AsyncSession, compound_id: str) -> funds_pb2.MiniFundSummary | None:
    """The public summary for the transparency page, None when the compound has no mini fund."""
    row = await repository.mini_fund(session, compound_id)
    return None if row is None else _summary_message(await _summary(session, row["ledger_id"]))


async def figures(session: AsyncSession, *, jurisdiction_path: str) -> funds_pb2.GetMiniFundFiguresResponse:
    """Published figures of every mini fund at or below a jurisdiction (open to anyone, nothing personal)."""
    path = str(JurisdictionPath.parse(jurisdiction_path))
    collections: list[int] = []
    repairs: list[int] = []
    rows = await repository.mini_funds_under(session, path)
    for row in rows:
        collected, paid = await _postings(session, row["ledger_id"])
        collections += collected
        repairs += paid
    return funds_pb2.GetMiniFundFiguresResponse(
        jurisdiction_path=path, compounds=len(rows), summary=_summary_message(summarise(collections, repairs))
    )


async def _fund_row(session: AsyncSession, compound_id: str, *, action: str) -> sa.RowMapping:
    await compound_in_scope(session, compound_id, action=action)
    row = await repository.mini_fund(session, compound_id)
    if row is None:
        raise FailedPrecondition(f"compound {compound_id} has no mini fund", field="compound_id", rule="P4")
    return row


async def _postings(session: AsyncSession, ledger_id: str) -> tuple[list[int], list[int]]:
    collected = await ledger_repository.unreversed_amounts(
        session, ledger_id, account_id=MINI_ACCOUNT, kind=SURCHARGE_KIND
    )
    paid = await ledger_repository.unreversed_amounts(session, ledger_id, account_id=REPAIR_PAYEE, kind=REPAIR_KIND)
    return collected, paid


async def _summary(session: AsyncSession, ledger_id: str) -> MiniFundSummary:
    return summarise(*await _postings(session, ledger_id))


def _summary_message(summary: MiniFundSummary) -> funds_pb2.MiniFundSummary:
    return funds_pb2.MiniFundSummary(
        income_fen=summary.income_fen, repair_count=summary.repair_count,
        repairs_paid_fen=summary.repairs_paid_fen, surplus_fen=summary.surplus_fen,
    )


async def _message(session: AsyncSession, row: sa.RowMapping) -> funds_pb2.MiniFund:
    return funds_pb2.MiniFund(
        compound_id=row["compound_id"], jurisdiction_path=row["jurisdiction_path"], ledger_id=row["ledger_id"],
        rate_fen_per_m2_month=row["rate_fen_per_m2_month"],
        summary=_summary_message(await _summary(session, row["ledger_id"])),
    )
