"""Four eyes on money (A3): a sale transfer, a demolition refund or a ledger reversal is requested by one
person and moves money only when another, holding the post for it in scope, approves it.

The request is checked in full (F8 and A4 for a home's balance, the posting for a reversal) and stored;
``decide_money_movement`` checks it again and moves the money in the same transaction as the approval.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import optional_text, parse_choice, require_text
from wuye_funds.domain import commands
from wuye_funds.domain.accounts import HOUSEHOLD_ID_MAX_LENGTH, maintenance_ledger_id
from wuye_funds.domain.maintenance_fund import registered_owner
from wuye_funds.domain.money_movements import MoneyMovement, MovementKind, MovementState, require_none_open
from wuye_funds.service import ledger, maintenance
from wuye_funds.service.ledger import PostedEntry
from wuye_funds.service.maintenance import SubAccountView
from wuye_funds.service.unit_of_work import FundsUnitOfWork, in_scope

#: who decides each kind: the posts that may request it
DECIDERS = {
    MovementKind.SALE_TRANSFER: maintenance.MANAGERS,
    MovementKind.DEMOLITION_REFUND: maintenance.MANAGERS,
    MovementKind.LEDGER_REVERSAL: ledger.CORRECTORS,
}
#: who may decide a movement of some kind: refused before the movement is read, so others learn nothing of it
ANY_DECIDER = tuple(sorted({role for roles in DECIDERS.values() for role in roles}))


@dataclass(frozen=True)
class Requested:
    """A sale transfer or demolition refund awaiting its decision."""

    movement: MoneyMovement
    #: the home's sub-account as it stands while the request waits
    sub_account: SubAccountView


@dataclass(frozen=True)
class Decided:
    movement: MoneyMovement
    #: both legs of each posting the approval made (none for a rejection or an empty balance)
    entries: tuple[PostedEntry, ...] = ()
    sub_account: SubAccountView | None = None


async def request_sale_transfer(command: commands.TransferSubAccountOnSale, uow: FundsUnitOfWork) -> Requested:
    return await _request_balance_passing(uow, command.compound_id, command.household_id,
                                          owner_key=command.buyer_owner_key, reference=command.reference, sale=True)


async def request_demolition_refund(command: commands.RefundSubAccountOnDemolition, uow: FundsUnitOfWork) -> Requested:
    return await _request_balance_passing(uow, command.compound_id, command.household_id,
                                          owner_key=command.owner_key, reference=command.reference, sale=False)


async def _request_balance_passing(
    uow: FundsUnitOfWork, compound_id: str, household_id: str, *, owner_key: str, reference: str, sale: bool
) -> Requested:
    action = "transfer a sub-account on sale" if sale else "refund a sub-account on demolition"
    caller = auth.require_role(maintenance.MANAGERS, action=action)
    reference = require_text(reference, field="reference", rule="F8", max_length=200)
    compound_id = require_text(compound_id, field="compound_id", max_length=64)
    household_id = require_text(household_id, field="household_id", max_length=HOUSEHOLD_ID_MAX_LENGTH)
    owner = await _registered_owner(uow, compound_id, household_id, owner_key, sale=sale)
    async with uow:
        compound, view = await maintenance.checked_passing(uow, compound_id, household_id, action=action)
        require_none_open(await uow.movements.open_for(household_id), "household_id")
        movement = MoneyMovement(
            new_id(), MovementKind.SALE_TRANSFER if sale else MovementKind.DEMOLITION_REFUND, compound_id,
            compound.jurisdiction_path, ledger_id=maintenance_ledger_id(compound_id), requested_by=caller.user,
            requested_at=utcnow(), household_id=household_id, owner_key=owner, reference=reference,
        )
        await uow.movements.add(movement)
        await uow.commit()
    return Requested(movement, view)


async def _registered_owner(uow: FundsUnitOfWork, compound_id: str, household_id: str, sent: str, *, sale: bool) -> str:
    """F8/A4: the registry's owner of the home (the buyer for a sale), asked afresh."""
    return registered_owner(household_id, await uow.registry.owner_roster(compound_id), sent=sent,
                            field="buyer_owner_key" if sale else "owner_key", sale=sale)


async def request_reversal(command: commands.ReverseLedgerPosting, uow: FundsUnitOfWork) -> MoneyMovement:
    caller = auth.require_role(ledger.CORRECTORS, action="reverse a ledger posting")
    memo = optional_text(command.memo, field="memo", max_length=500) or ""
    async with uow:
        reversed_in = await ledger.checked_reversal(uow, command.ledger_id, command.sequence, memo)
        movement = MoneyMovement(
            new_id(), MovementKind.LEDGER_REVERSAL, reversed_in.compound_id or "", reversed_in.jurisdiction_path,
            ledger_id=command.ledger_id, requested_by=caller.user, requested_at=utcnow(),
            sequence=command.sequence, memo=memo,
        )
        require_none_open(await uow.movements.open_for(movement.target), "sequence")
        await uow.movements.add(movement)
        await uow.commit()
    return movement


async def decide_money_movement(command: commands.DecideMoneyMovement, uow: FundsUnitOfWork) -> Decided:
    auth.require_role(ANY_DECIDER, action="decide a money movement")
    movement_id = require_text(command.movement_id, field="movement_id", max_length=36)
    async with uow.reading():
        pending = await _in_scope(uow, movement_id, action="decide a money movement")
    caller = auth.require_role(DECIDERS[pending.kind], action=f"decide a {pending.kind.value.replace('_', ' ')}")
    sale = pending.kind is MovementKind.SALE_TRANSFER
    owner = ""
    if command.approve and pending.kind is not MovementKind.LEDGER_REVERSAL:  # the registry may have changed since
        owner = await _registered_owner(uow, pending.compound_id, pending.household_id, pending.owner_key, sale=sale)
    async with uow:
        movement = await _in_scope(uow, movement_id, action="decide a money movement", for_update=True)
        if not command.approve:
            movement.reject(by=caller.user, reason=command.reason, at=utcnow())
            await uow.movements.save(movement)
            await uow.commit()
            return Decided(movement)
        movement.approve(by=caller.user, at=utcnow())
        if movement.kind is MovementKind.LEDGER_REVERSAL:
            entries = await ledger.append_reversal(uow, movement.ledger_id, movement.sequence, movement.memo)
            movement.moved(entries[0].entry.amount_fen)
            decided = Decided(movement, tuple(entries))
        else:
            movement.owner_key = owner
            passing = await maintenance.pass_balance(uow, movement, sale=sale)
            movement.moved(passing.amount_fen)
            decided = Decided(movement, tuple(passing.entries), passing.sub_account)
        await uow.movements.save(movement)
        await uow.commit()
    return decided


async def get_money_movement(query: commands.GetMoneyMovement, uow: FundsUnitOfWork) -> MoneyMovement:
    async with uow.reading():
        return await _in_scope(uow, require_text(query.movement_id, field="movement_id", max_length=36),
                               action="read a money movement")


async def list_money_movements(query: commands.ListMoneyMovements, uow: FundsUnitOfWork) -> list[MoneyMovement]:
    """Up to ``limit`` movements at or below the jurisdiction older than ``before``, newest first: the
    deciders' queue (state requested) and the record of what was decided."""
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    state = parse_choice(MovementState, query.state, field="state", rule="A3") if query.state else None
    auth.require_access(path, action="list money movements")
    async with uow.reading():
        return await uow.movements.under(path, state=state, before=query.before or None, limit=query.limit)


async def _in_scope(uow: FundsUnitOfWork, movement_id: str, *, action: str, for_update: bool = False) -> MoneyMovement:
    return in_scope(await uow.movements.get(movement_id, for_update=for_update),
                    missing=f"money movement {movement_id} does not exist", field="movement_id", action=action)
