"""Maintenance fund accounts (F1–F3): one account per compound, a sub-account per household.

Each household's money is a ledger account ``household:<id>`` in the compound's maintenance ledger
(debits positive); deposits come from ``owners:deposits``. Balances are sums over the ledger, never a
stored number that could drift from it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import compounds as compound_repository
from wuye_funds.adapters import ledger as ledger_repository
from wuye_funds.domain.maintenance_fund import allocate_interest as allocate_interest_shares
from wuye_funds.domain.maintenance_fund import (
    first_deposit_fen,
    needs_replenishment,
    require_open,
    require_rate_in_band,
    whole_balance_passing,
)
from wuye_funds.service import ledger
from wuye_funds.service.compounds import MANAGERS, compound_in_scope

DEPOSITS_ACCOUNT = "owners:deposits"
FIRST_DEPOSIT_KIND = "first_deposit"
DEPOSIT_KIND = "deposit"
INTEREST_ACCOUNT = "bank:interest"
INTEREST_KIND = "interest"
#: F8: a sold home's balance goes out to this account and straight back, so the handover is on the chain
SALE_HANDOVER_ACCOUNT = "handover:sale"
SALE_KIND = "sale_transfer"
#: F8: a demolished home's balance is paid out to its owner through this account
DEMOLITION_REFUND_ACCOUNT = "payee:demolition_refunds"
DEMOLITION_KIND = "demolition_refund"
#: ledger account ids are at most 64 characters, the "household:" prefix included
HOUSEHOLD_ID_MAX_LENGTH = 54


def maintenance_ledger_id(compound_id: str) -> str:
    return f"{compound_id}/maintenance"


def household_account(household_id: str) -> str:
    return f"household:{household_id}"


async def open_account(
    uow: UnitOfWork,
    *,
    compound_id: str,
    rate_fen_per_m2: int,
    construction_cost_fen_per_m2: int,
    households: Sequence[funds_pb2.Household],
) -> funds_pb2.MaintenanceAccount:
    auth.require_role(MANAGERS, action="open a maintenance fund account")
    rate = require_rate_in_band(rate_fen_per_m2, construction_cost_fen_per_m2)
    rows = _sub_account_rows(rate, households)
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="open a maintenance fund account")
        if await compound_repository.get_account(uow.session, compound_id) is not None:
            raise AlreadyExists(f"compound {compound_id} already has a maintenance fund account", field="compound_id", rule="F2")
        ledger_id = maintenance_ledger_id(compound_id)
        await ledger_repository.create(
            uow.session, ledger_id=ledger_id, compound_id=compound_id, jurisdiction_path=compound["jurisdiction_path"]
        )
        await compound_repository.add_account(
            uow.session,
            compound_id=compound_id,
            ledger_id=ledger_id,
            rate_fen_per_m2=rate,
            construction_cost_fen_per_m2=construction_cost_fen_per_m2,
            households=rows,
        )
        account = await _account_message(uow.session, compound)
        await uow.commit()
    return account


def _sub_account_rows(rate_fen_per_m2: int, households: Sequence[funds_pb2.Household]) -> list[dict[str, object]]:
    if not households:
        raise InvalidArgument("an account needs at least one household", field="households", rule="F2")
    rows: dict[str, dict[str, object]] = {}
    for household in households:
        household_id = require_text(household.household_id, field="households.household_id", max_length=HOUSEHOLD_ID_MAX_LENGTH)
        if household_id in rows:
            raise InvalidArgument(f"household {household_id} appears twice", field="households.household_id", rule="F2")
        rows[household_id] = {
            "household_id": household_id,
            "building_id": require_text(household.building_id, field="households.building_id", max_length=64),
            "area_dm2": household.area_dm2,
            "first_deposit_fen": first_deposit_fen(rate_fen_per_m2, household.area_dm2),
        }
    return list(rows.values())


async def get_account(session: AsyncSession, compound_id: str) -> funds_pb2.MaintenanceAccount:
    compound = await compound_in_scope(session, compound_id, action="read a maintenance fund account")
    return await _account_message(session, compound)


async def _account_message(session: AsyncSession, compound: sa.RowMapping) -> funds_pb2.MaintenanceAccount:
    account = await compound_repository.get_account(session, compound["compound_id"])
    if account is None:
        raise NotFound(f"compound {compound['compound_id']} has no maintenance fund account", field="compound_id")
    rows = await compound_repository.sub_account_rows(session, compound["compound_id"])
    subs = await _sub_accounts(session, account["ledger_id"], rows)
    return funds_pb2.MaintenanceAccount(
        compound_id=compound["compound_id"],
        jurisdiction_path=compound["jurisdiction_path"],
        ledger_id=account["ledger_id"],
        rate_fen_per_m2=account["rate_fen_per_m2"],
        balance_fen=sum(sub.balance_fen for sub in subs),
        sub_accounts=subs,
    )


async def _sub_accounts(
    session: AsyncSession, ledger_id: str, rows: Sequence[sa.RowMapping]
) -> list[funds_pb2.SubAccount]:
    balances = await ledger_repository.account_balances(
        session, ledger_id, [household_account(row["household_id"]) for row in rows]
    )
    subs = []
    for row in rows:
        balance = balances[household_account(row["household_id"])]
        closed = row["closed_at"] is not None
        subs.append(
            funds_pb2.SubAccount(
                household_id=row["household_id"],
                building_id=row["building_id"],
                area_dm2=row["area_dm2"],
                first_deposit_fen=row["first_deposit_fen"],
                balance_fen=balance,
                needs_replenishment=not closed and needs_replenishment(balance, row["first_deposit_fen"]),
                closed=closed,
            )
        )
    return subs


async def record_first_deposit(
    uow: UnitOfWork, *, compound_id: str, household_id: str, memo: str
) -> tuple[funds_pb2.SubAccount, funds_pb2.LedgerEntry]:
    """F1: the household's first deposit, of exactly the amount due, once."""
    return await _deposit(uow, compound_id=compound_id, household_id=household_id, amount_fen=None, memo=memo)


async def record_deposit(
    uow: UnitOfWork, *, compound_id: str, household_id: str, amount_fen: int, memo: str
) -> tuple[funds_pb2.SubAccount, funds_pb2.LedgerEntry]:
    return await _deposit(uow, compound_id=compound_id, household_id=household_id, amount_fen=amount_fen, memo=memo)


async def _deposit(
    uow: UnitOfWork, *, compound_id: str, household_id: str, amount_fen: int | None, memo: str
) -> tuple[funds_pb2.SubAccount, funds_pb2.LedgerEntry]:
    auth.require_role(MANAGERS, action="record a deposit")
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="record a deposit")
        ledger_id = await _ledger_of(uow.session, compound_id)
        await ledger.locked_ledger(uow.session, ledger_id, action="record a deposit")
        rows = await compound_repository.sub_account_rows(uow.session, compound_id, household_id)
        if not rows:
            raise NotFound(f"household {household_id} has no sub-account in compound {compound_id}", field="household_id")
        require_open(household_id, closed=rows[0]["closed_at"] is not None)
        kind = DEPOSIT_KIND
        if amount_fen is None:
            kind, amount_fen = FIRST_DEPOSIT_KIND, rows[0]["first_deposit_fen"]
            if await ledger_repository.unreversed_amounts(
                uow.session, ledger_id, account_id=household_account(household_id), kind=FIRST_DEPOSIT_KIND
            ):
                raise AlreadyExists(f"household {household_id} has paid its first deposit", field="household_id", rule="F1")
        debit, _ = await ledger.post(
            uow.session,
            ledger_id,
            debit_account_id=household_account(household_id),
            credit_account_id=DEPOSITS_ACCOUNT,
            amount_fen=amount_fen,
            kind=kind,
            memo=memo,
        )
        (sub,) = await _sub_accounts(uow.session, ledger_id, rows)
        await uow.publish(
            events_pb2.DepositRecorded(
                compound_id=compound_id,
                jurisdiction_path=compound["jurisdiction_path"],
                household_id=household_id,
                amount_fen=amount_fen,
                sequence=debit.sequence,
            ),
            aggregate_id=compound_id,
        )
        await uow.commit()
    return sub, ledger_repository.to_message(ledger_id, debit)


async def allocate_interest(
    uow: UnitOfWork, *, compound_id: str, interest_fen: int, memo: str
) -> funds_pb2.MaintenanceAccount:
    """F8: interest or gains go to the sub-accounts pro rata to their balances, to the last fen."""
    auth.require_role(MANAGERS, action="allocate interest")
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="allocate interest")
        ledger_id = await _ledger_of(uow.session, compound_id)
        await ledger.locked_ledger(uow.session, ledger_id, action="allocate interest")
        rows = await compound_repository.sub_account_rows(uow.session, compound_id, open_only=True)
        balances = await ledger_repository.account_balances(
            uow.session, ledger_id, [household_account(row["household_id"]) for row in rows]
        )
        shares = allocate_interest_shares(
            interest_fen, {row["household_id"]: balances[household_account(row["household_id"])] for row in rows}
        )
        for household_id, share in shares.items():
            if share:  # a small balance can round to a zero share, which is no posting at all
                await ledger.post(
                    uow.session, ledger_id, debit_account_id=household_account(household_id),
                    credit_account_id=INTEREST_ACCOUNT, amount_fen=share, kind=INTEREST_KIND, memo=memo,
                )
        account = await _account_message(uow.session, compound)
        await uow.commit()
    return account


async def transfer_on_sale(
    uow: UnitOfWork, *, compound_id: str, household_id: str, buyer_owner_key: str, reference: str
) -> tuple[funds_pb2.SubAccount, list[funds_pb2.LedgerEntry]]:
    """F8: the sub-account stays with the home; the handover out and back in leaves the balance as it was."""
    sub, _, entries = await _balance_passes(
        uow, compound_id=compound_id, household_id=household_id, owner_key=buyer_owner_key,
        owner_field="buyer_owner_key", reference=reference, sale=True,
    )
    return sub, entries


async def refund_on_demolition(
    uow: UnitOfWork, *, compound_id: str, household_id: str, owner_key: str, reference: str
) -> tuple[funds_pb2.SubAccount, int, list[funds_pb2.LedgerEntry]]:
    """F8: the whole balance is paid out to the owner and the sub-account closes."""
    return await _balance_passes(
        uow, compound_id=compound_id, household_id=household_id, owner_key=owner_key,
        owner_field="owner_key", reference=reference, sale=False,
    )


async def _balance_passes(
    uow: UnitOfWork, *, compound_id: str, household_id: str, owner_key: str, owner_field: str, reference: str,
    sale: bool,
) -> tuple[funds_pb2.SubAccount, int, list[funds_pb2.LedgerEntry]]:
    action = "transfer a sub-account on sale" if sale else "refund a sub-account on demolition"
    caller = auth.require_role(MANAGERS, action=action)
    reference = require_text(reference, field="reference", rule="F8", max_length=200)
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action=action)
        ledger_id = await _ledger_of(uow.session, compound_id)
        await ledger.locked_ledger(uow.session, ledger_id, action=action)
        rows = await compound_repository.sub_account_rows(uow.session, compound_id, household_id)
        if not rows:
            raise NotFound(f"household {household_id} has no sub-account in compound {compound_id}", field="household_id")
        account = household_account(household_id)
        balance = (await ledger_repository.account_balances(uow.session, ledger_id, [account]))[account]
        amount = whole_balance_passing(
            household_id, balance, closed=rows[0]["closed_at"] is not None, owner_key=owner_key,
            owner_field=owner_field,
        )
        postings = []
        if amount:  # an empty sub-account passes on without a posting: the ledger takes no zero amounts
            if sale:
                postings.append(await ledger.post(
                    uow.session, ledger_id, debit_account_id=SALE_HANDOVER_ACCOUNT, credit_account_id=account,
                    amount_fen=amount, kind=SALE_KIND, memo=f"seller hands over: {reference}",
                ))
                postings.append(await ledger.post(
                    uow.session, ledger_id, debit_account_id=account, credit_account_id=SALE_HANDOVER_ACCOUNT,
                    amount_fen=amount, kind=SALE_KIND, memo=f"buyer {owner_key.strip()} takes over: {reference}",
                ))
            else:
                postings.append(await ledger.post(
                    uow.session, ledger_id, debit_account_id=DEMOLITION_REFUND_ACCOUNT, credit_account_id=account,
                    amount_fen=amount, kind=DEMOLITION_KIND, memo=f"refund to {owner_key.strip()}: {reference}",
                ))
        await compound_repository.record_change(
            uow.session, compound_id=compound_id, household_id=household_id,
            kind=SALE_KIND if sale else DEMOLITION_KIND, owner_key=owner_key.strip(), reference=reference,
            amount_fen=amount, recorded_by=caller.user, closes=not sale,
        )
        sequence = postings[0][0].sequence if postings else 0
        event = events_pb2.SubAccountTransferredOnSale(balance_fen=amount) if sale else (
            events_pb2.SubAccountRefundedOnDemolition(refund_fen=amount)
        )
        event.compound_id, event.jurisdiction_path = compound_id, compound["jurisdiction_path"]
        event.household_id, event.sequence = household_id, sequence
        await uow.publish(event, aggregate_id=compound_id)
        (sub,) = await _sub_accounts(
            uow.session, ledger_id, await compound_repository.sub_account_rows(uow.session, compound_id, household_id)
        )
        await uow.commit()
    entries = [ledger_repository.to_message(ledger_id, leg) for posting in postings for leg in posting]
    return sub, amount, entries


async def _ledger_of(session: AsyncSession, compound_id: str) -> str:
    account = await compound_repository.get_account(session, compound_id)
    if account is None:
        raise FailedPrecondition(f"compound {compound_id} has no maintenance fund account", field="compound_id", rule="F2")
    return account["ledger_id"]
