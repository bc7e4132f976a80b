"""Three-level neighbour fund (友邻基金, P5): donations by source, grants one level down, spending.

Each fund's money is the account ``fund:balance`` in its own ledger ``neighbour/<fund id>``; donations
come from ``donor:<source>``, a grant is posted in both funds' ledgers against ``grant:<other fund id>``,
and spending goes to ``payee:activities``. The level, parent, place and balance rules are
``domain.neighbour_fund``; the published figures are sums over the ledger.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.proto_values import enum_number, enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import community_funds as repository
from wuye_funds.adapters import ledger as ledger_repository
from wuye_funds.domain.neighbour_fund import FundLevel, Movement, MovementKind, NeighbourFund, require_place
from wuye_funds.service import ledger
from wuye_funds.service.compounds import MANAGERS, compound_in_scope

FUND_ACCOUNT = "fund:balance"
DONOR_PREFIX = "donor:"
GRANT_PREFIX = "grant:"
ACTIVITIES_PAYEE = "payee:activities"
DONATION_KIND = "neighbour_donation"
GRANT_KIND = "neighbour_grant"
SPENDING_KIND = "neighbour_spending"


def neighbour_ledger_id(fund_id: str) -> str:
    return f"neighbour/{fund_id}"


async def open_fund(
    uow: UnitOfWork, *, level: int, jurisdiction_path: str, compound_id: str, parent_fund_id: str, name: str
) -> funds_pb2.NeighbourFund:
    auth.require_role(MANAGERS, action="open a neighbour fund")
    name = require_text(name, field="name", rule="P5")
    async with uow:
        parent_row = await _row(uow.session, parent_fund_id, field="parent_fund_id") if parent_fund_id else None
        parent = None if parent_row is None else await _domain(uow.session, parent_row)
        fund = NeighbourFund.open(new_id(), level=enum_text(funds_pb2.NeighbourFundLevel, level), parent=parent)
        compound = None
        if fund.level is FundLevel.COMPOUND:
            compound = await compound_in_scope(uow.session, compound_id, action="open a neighbour fund")
            place = JurisdictionPath.parse(compound["jurisdiction_path"])
        else:
            place = JurisdictionPath.parse(jurisdiction_path)
        require_place(fund.level, place, None if parent_row is None else JurisdictionPath.parse(parent_row["jurisdiction_path"]))
        auth.require_access(str(place), action="open a neighbour fund")
        ledger_id = neighbour_ledger_id(fund.fund_id)
        compound_key = None if compound is None else compound["compound_id"]
        await ledger_repository.create(
            uow.session, ledger_id=ledger_id, compound_id=compound_key, jurisdiction_path=str(place)
        )
        await repository.add_neighbour_fund(
            uow.session, fund_id=fund.fund_id, level=fund.level.value, parent_fund_id=fund.parent_fund_id,
            jurisdiction_path=str(place), compound_id=compound_key, name=name, ledger_id=ledger_id,
        )
        message = await _message(uow.session, await _row(uow.session, fund.fund_id, field="fund_id"))
        await uow.commit()
    return message


async def donate(
    uow: UnitOfWork, *, fund_id: str, source: int, amount_fen: int, memo: str
) -> funds_pb2.DonateToNeighbourFundResponse:
    auth.require_role(MANAGERS, action="record a neighbour fund donation")
    async with uow:
        row = await _locked(uow.session, fund_id, action="record a neighbour fund donation")
        fund = await _domain(uow.session, row)
        movement = fund.receive_donation(amount_fen, source=enum_text(funds_pb2.DonationSource, source), memo=memo)
        debit = await _post_in(uow.session, row, movement, counter=f"{DONOR_PREFIX}{movement.source.value}", kind=DONATION_KIND)  # type: ignore[union-attr]
        await uow.publish(
            events_pb2.NeighbourFundDonated(
                fund_id=row["fund_id"], jurisdiction_path=row["jurisdiction_path"],
                source=enum_number(funds_pb2.DonationSource, movement.source.value),  # type: ignore[union-attr]
                amount_fen=movement.amount_fen, sequence=debit.sequence,
            ),
            aggregate_id=row["fund_id"],
        )
        message = await _message(uow.session, row)
        await uow.commit()
    return funds_pb2.DonateToNeighbourFundResponse(fund=message, entry=ledger_repository.to_message(row["ledger_id"], debit))


async def grant(
    uow: UnitOfWork, *, fund_id: str, receiver_fund_id: str, amount_fen: int, memo: str
) -> funds_pb2.GrantNeighbourFundResponse:
    auth.require_role(MANAGERS, action="grant from a neighbour fund")
    async with uow:
        giver_row = await _row(uow.session, fund_id, field="fund_id")
        receiver_row = await _row(uow.session, receiver_fund_id, field="receiver_fund_id")
        # both ledgers are locked in id order so that two grants never deadlock; the caller's scope must
        # cover both, which it does for the giver's own child when it covers the giver
        for row in sorted((giver_row, receiver_row), key=lambda row: row["ledger_id"]):
            await ledger.locked_ledger(uow.session, row["ledger_id"], action="grant from a neighbour fund")
        giver = await _domain(uow.session, giver_row)
        receiver = await _domain(uow.session, receiver_row)
        out, received = giver.grant(receiver, amount_fen, memo=memo)
        await _post_in(uow.session, giver_row, out, counter=f"{GRANT_PREFIX}{receiver.fund_id}", kind=GRANT_KIND)
        await _post_in(uow.session, receiver_row, received, counter=f"{GRANT_PREFIX}{giver.fund_id}", kind=GRANT_KIND)
        await uow.publish(
            events_pb2.NeighbourFundGranted(
                fund_id=giver.fund_id, receiver_fund_id=receiver.fund_id,
                jurisdiction_path=giver_row["jurisdiction_path"],
                receiver_jurisdiction_path=receiver_row["jurisdiction_path"], amount_fen=out.amount_fen,
            ),
            aggregate_id=giver.fund_id,
        )
        answer = funds_pb2.GrantNeighbourFundResponse(
            giver=await _message(uow.session, giver_row), receiver=await _message(uow.session, receiver_row)
        )
        await uow.commit()
    return answer


async def spend(uow: UnitOfWork, *, fund_id: str, amount_fen: int, purpose: str) -> funds_pb2.SpendNeighbourFundResponse:
    auth.require_role(MANAGERS, action="spend from a neighbour fund")
    async with uow:
        row = await _locked(uow.session, fund_id, action="spend from a neighbour fund")
        movement = (await _domain(uow.session, row)).spend(amount_fen, purpose=purpose)
        debit = await _post_in(uow.session, row, movement, counter=ACTIVITIES_PAYEE, kind=SPENDING_KIND)
        await uow.publish(
            events_pb2.NeighbourFundSpent(
                fund_id=row["fund_id"], jurisdiction_path=row["jurisdiction_path"], amount_fen=movement.amount_fen,
                purpose=movement.memo, sequence=debit.sequence,
            ),
            aggregate_id=row["fund_id"],
        )
        message = await _message(uow.session, row)
        await uow.commit()
    return funds_pb2.SpendNeighbourFundResponse(fund=message, entry=ledger_repository.to_message(row["ledger_id"], debit))


async def get(session: AsyncSession, fund_id: str) -> funds_pb2.NeighbourFund:
    """Published figures: open to any caller, and a fund's ledger names no person."""
    return await _message(session, await _row(session, fund_id, field="fund_id"))


async def _row(session: AsyncSession, fund_id: str, *, field: str) -> sa.RowMapping:
    require_text(fund_id, field=field, rule="P5", max_length=36)
    row = await repository.neighbour_fund(session, fund_id)
    if row is None:
        raise NotFound(f"neighbour fund {fund_id} does not exist", field=field)
    return row


async def _locked(session: AsyncSession, fund_id: str, *, action: str) -> sa.RowMapping:
    row = await _row(session, fund_id, field="fund_id")
    await ledger.locked_ledger(session, row["ledger_id"], action=action)
    return row


async def _balance(session: AsyncSession, row: sa.RowMapping) -> int:
    return (await ledger_repository.account_balances(session, row["ledger_id"], [FUND_ACCOUNT]))[FUND_ACCOUNT]


async def _domain(session: AsyncSession, row: sa.RowMapping) -> NeighbourFund:
    return NeighbourFund(
        fund_id=row["fund_id"], level=FundLevel(row["level"]), parent_fund_id=row["parent_fund_id"],
        balance_fen=await _balance(session, row),
    )


async def _post_in(session: AsyncSession, row: sa.RowMapping, movement: Movement, *, counter: str, kind: str):  # type: ignore[no-untyped-def]
    """Post a domain movement in the fund's ledger: money in debits the fund, money out credits it."""
    coming_in = movement.kind in (MovementKind.DONATION, MovementKind.GRANT_IN)
    debit, _ = await ledger.post(
        session, row["ledger_id"],
        debit_account_id=FUND_ACCOUNT if coming_in else counter,
        credit_account_id=counter if coming_in else FUND_ACCOUNT,
        amount_fen=movement.amount_fen, kind=kind, memo=movement.memo,
    )
    return debit


async def _message(session: AsyncSession, row: sa.RowMapping) -> funds_pb2.NeighbourFund:
    own = {
        counter: total
        for (account, counter), total in (await ledger_repository.movements(session, row["ledger_id"])).items()
        if account == FUND_ACCOUNT
    }
    grants = [total for counter, total in own.items() if counter.startswith(GRANT_PREFIX)]
    message = funds_pb2.NeighbourFund(
        fund_id=row["fund_id"], level=enum_number(funds_pb2.NeighbourFundLevel, row["level"]),
        parent_fund_id=row["parent_fund_id"] or "", jurisdiction_path=row["jurisdiction_path"],
        compound_id=row["compound_id"] or "", name=row["name"], ledger_id=row["ledger_id"],
        balance_fen=sum(own.values()),
        granted_in_fen=sum(total for total in grants if total > 0),
        granted_out_fen=-sum(total for total in grants if total < 0),
        spent_fen=-own.get(ACTIVITIES_PAYEE, 0),
    )
    for counter in sorted(counter for counter in own if counter.startswith(DONOR_PREFIX)):
        message.donations.add(
            source=enum_number(funds_pb2.DonationSource, counter.removeprefix(DONOR_PREFIX)), amount_fen=own[counter]
        )
    return message
