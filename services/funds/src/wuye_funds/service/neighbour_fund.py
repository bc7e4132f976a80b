"""Three-level neighbour fund (友邻基金, P5): donations by source, grants one level down, spending.

Each fund's money is an account in its own ledger (``domain.accounts``); donations come from one donor
account per source, a grant is posted in both funds' ledgers against an account naming the other fund,
and spending goes to the activities payee. The level, parent, place and balance rules are
``domain.neighbour_fund``; the published figures are sums over the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_text
from wuye_funds.adapters.community_funds import NeighbourFundRecord
from wuye_funds.adapters.ledger import Ledger
from wuye_funds.domain import commands
from wuye_funds.domain.accounts import (
    ACTIVITIES_PAYEE,
    DONATION_KIND,
    DONOR_PREFIX,
    FUND_ACCOUNT,
    GRANT_KIND,
    GRANT_PREFIX,
    NEIGHBOUR_SPENDING_KIND,
    donor_account,
    grant_account,
    neighbour_ledger_id,
)
from wuye_funds.domain.events import NeighbourFundDonated, NeighbourFundGranted, NeighbourFundSpent
from wuye_funds.domain.neighbour_fund import (
    DonationSource,
    FundLevel,
    Movement,
    MovementKind,
    NeighbourFund,
    require_place,
)
from wuye_funds.service import ledger
from wuye_funds.service.ledger import PostedEntry
from wuye_funds.service.maintenance import MANAGERS
from wuye_funds.service.unit_of_work import FundsUnitOfWork


@dataclass(frozen=True)
class NeighbourFundView:
    """A fund with its published figures, all sums over its ledger."""

    fund: NeighbourFundRecord
    balance_fen: Fen
    donations: dict[DonationSource, Fen]
    granted_in_fen: Fen
    granted_out_fen: Fen
    spent_fen: Fen


@dataclass(frozen=True)
class NeighbourFundPosting:
    """A donation or a spending: the fund afterwards and the debit leg."""

    fund: NeighbourFundView
    entry: PostedEntry


@dataclass(frozen=True)
class Grant:
    giver: NeighbourFundView
    receiver: NeighbourFundView


async def open_neighbour_fund(command: commands.OpenNeighbourFund, uow: FundsUnitOfWork) -> NeighbourFundView:
    auth.require_role(MANAGERS, action="open a neighbour fund")
    name = require_text(command.name, field="name", rule="P5")
    async with uow:
        parent = await _record(uow, command.parent_fund_id, field="parent_fund_id") if command.parent_fund_id else None
        fund = NeighbourFund.open(
            new_id(), level=command.level, parent=None if parent is None else await _domain(uow, parent)
        )
        compound_id = None
        if fund.level is FundLevel.COMPOUND:
            compound = await uow.compound(command.compound_id, action="open a neighbour fund")
            compound_id, place = compound.compound_id, JurisdictionPath.parse(compound.jurisdiction_path)
        else:
            place = JurisdictionPath.parse(command.jurisdiction_path)
        require_place(fund.level, place, None if parent is None else JurisdictionPath.parse(parent.jurisdiction_path))
        auth.require_access(str(place), action="open a neighbour fund")
        ledger_id = neighbour_ledger_id(fund.fund_id)
        await uow.ledgers.create(Ledger(ledger_id, compound_id, str(place)))
        record = NeighbourFundRecord(
            fund_id=fund.fund_id, level=fund.level, parent_fund_id=fund.parent_fund_id, jurisdiction_path=str(place),
            compound_id=compound_id, name=name, ledger_id=ledger_id,
        )
        await uow.neighbour_funds.add(record)
        view = await _view(uow, record)
        await uow.commit()
    return view


async def donate_to_neighbour_fund(command: commands.DonateToNeighbourFund, uow: FundsUnitOfWork) -> NeighbourFundPosting:
    auth.require_role(MANAGERS, action="record a neighbour fund donation")
    async with uow:
        record = await _locked(uow, command.fund_id, action="record a neighbour fund donation")
        movement = (await _domain(uow, record)).receive_donation(
            command.amount_fen, source=command.source, memo=command.memo
        )
        assert movement.source is not None, "a donation names its source"
        debit = await _post(uow, record, movement, counter=donor_account(movement.source.value), kind=DONATION_KIND)
        await uow.publish(
            NeighbourFundDonated(
                fund_id=record.fund_id, jurisdiction_path=record.jurisdiction_path, source=movement.source,
                amount_fen=movement.amount_fen, sequence=debit.entry.sequence,
            )
        )
        view = await _view(uow, record)
        await uow.commit()
    return NeighbourFundPosting(view, debit)


async def grant_neighbour_fund(command: commands.GrantNeighbourFund, uow: FundsUnitOfWork) -> Grant:
    auth.require_role(MANAGERS, action="grant from a neighbour fund")
    async with uow:
        giver_record = await _record(uow, command.fund_id, field="fund_id")
        receiver_record = await _record(uow, command.receiver_fund_id, field="receiver_fund_id")
        # both ledgers are locked in id order so that two grants never deadlock; the caller's scope must
        # cover both, which it does for the giver's own child when it covers the giver
        for record in sorted((giver_record, receiver_record), key=lambda record: record.ledger_id):
            await ledger.locked_ledger(uow, record.ledger_id, action="grant from a neighbour fund")
        giver = await _domain(uow, giver_record)
        receiver = await _domain(uow, receiver_record)
        out, received = giver.grant(receiver, command.amount_fen, memo=command.memo)
        await _post(uow, giver_record, out, counter=grant_account(receiver.fund_id), kind=GRANT_KIND)
        await _post(uow, receiver_record, received, counter=grant_account(giver.fund_id), kind=GRANT_KIND)
        await uow.publish(
            NeighbourFundGranted(
                fund_id=giver.fund_id, receiver_fund_id=receiver.fund_id,
                jurisdiction_path=giver_record.jurisdiction_path,
                receiver_jurisdiction_path=receiver_record.jurisdiction_path, amount_fen=out.amount_fen,
            )
        )
        answer = Grant(await _view(uow, giver_record), await _view(uow, receiver_record))
        await uow.commit()
    return answer


async def spend_neighbour_fund(command: commands.SpendNeighbourFund, uow: FundsUnitOfWork) -> NeighbourFundPosting:
    auth.require_role(MANAGERS, action="spend from a neighbour fund")
    async with uow:
        record = await _locked(uow, command.fund_id, action="spend from a neighbour fund")
        movement = (await _domain(uow, record)).spend(command.amount_fen, purpose=command.purpose)
        debit = await _post(uow, record, movement, counter=ACTIVITIES_PAYEE, kind=NEIGHBOUR_SPENDING_KIND)
        await uow.publish(
            NeighbourFundSpent(
                fund_id=record.fund_id, jurisdiction_path=record.jurisdiction_path, amount_fen=movement.amount_fen,
                purpose=movement.memo, sequence=debit.entry.sequence,
            )
        )
        view = await _view(uow, record)
        await uow.commit()
    return NeighbourFundPosting(view, debit)


async def get_neighbour_fund(query: commands.GetNeighbourFund, uow: FundsUnitOfWork) -> NeighbourFundView:
    """Published figures: open to any caller, and a fund's ledger names no person."""
    async with uow.reading():
        return await _view(uow, await _record(uow, query.fund_id, field="fund_id"))


async def list_neighbour_funds(query: commands.ListNeighbourFunds, uow: FundsUnitOfWork) -> list[NeighbourFundView]:
    """Up to ``limit`` funds at or below the jurisdiction older than ``before``, newest first, with their figures."""
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    auth.require_access(path, action="list neighbour funds")
    async with uow.reading():
        records = await uow.neighbour_funds.under(path, before=query.before or None, limit=query.limit)
        movements = await uow.ledgers.movements_of([record.ledger_id for record in records])
    return [_figures(record, movements[record.ledger_id]) for record in records]


async def _record(uow: FundsUnitOfWork, fund_id: str, *, field: str) -> NeighbourFundRecord:
    require_text(fund_id, field=field, rule="P5", max_length=36)
    found = await uow.neighbour_funds.get(fund_id)
    if found is None:
        raise NotFound(f"neighbour fund {fund_id} does not exist", field=field)
    return found


async def _locked(uow: FundsUnitOfWork, fund_id: str, *, action: str) -> NeighbourFundRecord:
    found = await _record(uow, fund_id, field="fund_id")
    await ledger.locked_ledger(uow, found.ledger_id, action=action)
    return found


async def _domain(uow: FundsUnitOfWork, record: NeighbourFundRecord) -> NeighbourFund:
    balance = (await uow.ledgers.account_balances(record.ledger_id, [FUND_ACCOUNT]))[FUND_ACCOUNT]
    return NeighbourFund(
        fund_id=record.fund_id, level=record.level, parent_fund_id=record.parent_fund_id, balance_fen=balance
    )


async def _post(
    uow: FundsUnitOfWork, record: NeighbourFundRecord, movement: Movement, *, counter: str, kind: str
) -> PostedEntry:
    """Post a domain movement in the fund's ledger: money in debits the fund, money out credits it."""
    coming_in = movement.kind in (MovementKind.DONATION, MovementKind.GRANT_IN)
    debit, _ = await ledger.post(
        uow, record.ledger_id,
        debit_account_id=FUND_ACCOUNT if coming_in else counter,
        credit_account_id=counter if coming_in else FUND_ACCOUNT,
        amount_fen=movement.amount_fen, kind=kind, memo=movement.memo,
    )
    return debit


async def _view(uow: FundsUnitOfWork, record: NeighbourFundRecord) -> NeighbourFundView:
    return _figures(record, await uow.ledgers.movements(record.ledger_id))


def _figures(record: NeighbourFundRecord, movements: dict[tuple[str, str], Fen]) -> NeighbourFundView:
    own = {counter: total for (account, counter), total in movements.items() if account == FUND_ACCOUNT}
    grants = [total for counter, total in own.items() if counter.startswith(GRANT_PREFIX)]
    return NeighbourFundView(
        fund=record,
        balance_fen=sum(own.values()),
        donations={
            DonationSource(counter.removeprefix(DONOR_PREFIX)): own[counter]
            for counter in sorted(counter for counter in own if counter.startswith(DONOR_PREFIX))
        },
        granted_in_fen=sum(total for total in grants if total > 0),
        granted_out_fen=-sum(total for total in grants if total < 0),
        spent_fen=-own.get(ACTIVITIES_PAYEE, 0),
    )
