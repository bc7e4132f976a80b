"""A compound's funds settings (V5; where it lies is the registry's, A4) and its maintenance fund account (F1–F3, F8).

One account per compound, a sub-account per household. Each household's money is a ledger account
(``domain.accounts``) in the compound's maintenance ledger, debits positive; deposits come from the
owners' deposits account. Balances are sums over the ledger, never a stored number that could drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_text
from wuye_funds.adapters.compounds import FundsCompound
from wuye_funds.adapters.ledger import Ledger
from wuye_funds.adapters.maintenance_accounts import MaintenanceAccount, SubAccountChange, SubAccountRecord
from wuye_funds.domain import commands
from wuye_funds.domain.accounts import (
    DEMOLITION_KIND,
    DEMOLITION_REFUND_ACCOUNT,
    DEPOSIT_KIND,
    DEPOSITS_ACCOUNT,
    FIRST_DEPOSIT_KIND,
    INTEREST_ACCOUNT,
    INTEREST_KIND,
    SALE_HANDOVER_ACCOUNT,
    SALE_KIND,
    household_account,
    maintenance_ledger_id,
)
from wuye_funds.domain.events import DepositRecorded, SubAccountRefundedOnDemolition, SubAccountTransferredOnSale
from wuye_funds.domain.maintenance_fund import allocate_interest as allocate_interest_shares
from wuye_funds.domain.maintenance_fund import (
    first_deposit_fen,
    needs_replenishment,
    require_open,
    require_rate_in_band,
    whole_balance_passing,
)
from wuye_funds.domain.money_movements import MoneyMovement
from wuye_funds.domain.voting import RosterUnit
from wuye_funds.service import ledger
from wuye_funds.service.ledger import PostedEntry
from wuye_funds.service.unit_of_work import FundsUnitOfWork

#: roles that manage a compound's funds and run its votes (inside their own scope)
MANAGERS = ("community_worker", "street_officer", "county_officer", "city_admin")


@dataclass(frozen=True)
class SubAccountView:
    household_id: str
    building_id: str
    area_dm2: int
    first_deposit_fen: Fen
    balance_fen: Fen
    #: F3: below 30 % of the first deposit (never for a closed sub-account)
    needs_replenishment: bool
    #: F8: closed when the home was demolished
    closed: bool


@dataclass(frozen=True)
class MaintenanceAccountView:
    compound_id: str
    jurisdiction_path: str
    ledger_id: str
    rate_fen_per_m2: int
    #: the sum of the sub-accounts
    balance_fen: Fen
    sub_accounts: list[SubAccountView]


@dataclass(frozen=True)
class Deposit:
    sub_account: SubAccountView
    #: the debit leg of the posting (the household side)
    entry: PostedEntry


@dataclass(frozen=True)
class BalancePassing:
    """F8: what a sale or a demolition did to a sub-account."""

    sub_account: SubAccountView
    #: the whole balance that passed on
    amount_fen: Fen
    #: both legs of each posting (none when the balance was zero)
    entries: list[PostedEntry]


# --- the compound's settings ---------------------------------------------------------------------


async def configure_compound(command: commands.ConfigureCompound, uow: FundsUnitOfWork) -> FundsCompound:
    """The compound's funds settings (V5). Where it lies is the registry's (A4): a path sent along must be
    the registry's, never a way to place a compound elsewhere."""
    action = "configure a compound's funds"
    auth.require_role(MANAGERS, action=action)
    compound_id = require_text(command.compound_id, field="compound.compound_id", max_length=64)
    sent_path = command.jurisdiction_path.strip()
    if sent_path:
        sent_path = str(JurisdictionPath.parse(sent_path, field="compound.jurisdiction_path"))
    async with uow:
        compound = await uow.compound(compound_id, action=action, field="compound.compound_id")
        if sent_path and sent_path != compound.jurisdiction_path:
            raise InvalidArgument(
                f"compound {compound_id} lies at {compound.jurisdiction_path} in the registry, not at {sent_path}; "
                "send no path or the registry's",
                field="compound.jurisdiction_path", rule="A4",
            )
        await uow.compounds.set_follow_majority(compound_id, command.follow_majority)
        await uow.commit()
    return replace(compound, follow_majority=command.follow_majority, settled=True)


async def get_compound(query: commands.GetCompound, uow: FundsUnitOfWork) -> FundsCompound:
    async with uow.reading():
        return await uow.compound(query.compound_id, action="read a compound's funds")


# --- the account ---------------------------------------------------------------------------------


async def open_maintenance_account(
    command: commands.OpenMaintenanceAccount, uow: FundsUnitOfWork
) -> MaintenanceAccountView:
    auth.require_role(MANAGERS, action="open a maintenance fund account")
    if command.households_sent:
        raise InvalidArgument(
            "the households of an account are the registry's roster of the compound (A4); send none",
            field="households", rule="A4",
        )
    rate = require_rate_in_band(command.rate_fen_per_m2, command.construction_cost_fen_per_m2)
    compound_id = require_text(command.compound_id, field="compound_id", max_length=64)
    households = _sub_accounts_due(rate, compound_id, await uow.registry.owner_roster(compound_id))
    async with uow:
        compound = await uow.compound(command.compound_id, action="open a maintenance fund account")
        if await uow.accounts.get(compound.compound_id) is not None:
            raise AlreadyExists(
                f"compound {compound.compound_id} already has a maintenance fund account", field="compound_id", rule="F2"
            )
        ledger_id = maintenance_ledger_id(compound.compound_id)
        await uow.ledgers.create(Ledger(ledger_id, compound.compound_id, compound.jurisdiction_path))
        await uow.accounts.add(
            MaintenanceAccount(compound.compound_id, ledger_id, rate),
            construction_cost_fen_per_m2=command.construction_cost_fen_per_m2,
            households=households,
        )
        view = await _account_view(uow, compound)
        await uow.commit()
    return view


def _sub_accounts_due(rate_fen_per_m2: int, compound_id: str, roster: Sequence[RosterUnit]) -> list[SubAccountRecord]:
    """F2: one sub-account per exclusive unit of the registry's roster, developer stock included (the
    developer pays for what it has not sold)."""
    if not roster:
        raise FailedPrecondition(
            f"compound {compound_id} has no exclusive units in the registry; register its households first",
            field="compound_id", rule="F2",
        )
    return [
        SubAccountRecord(
            household_id=unit.unit_id,
            building_id=unit.building_id,
            area_dm2=unit.area_dm2,
            first_deposit_fen=first_deposit_fen(rate_fen_per_m2, unit.area_dm2),
            closed=False,
        )
        for unit in roster
    ]


async def get_maintenance_account(query: commands.GetMaintenanceAccount, uow: FundsUnitOfWork) -> MaintenanceAccountView:
    async with uow.reading():
        compound = await uow.compound(query.compound_id, action="read a maintenance fund account")
        return await _account_view(uow, compound)


async def _account_view(uow: FundsUnitOfWork, compound: FundsCompound) -> MaintenanceAccountView:
    account = await uow.accounts.get(compound.compound_id)
    if account is None:
        raise NotFound(f"compound {compound.compound_id} has no maintenance fund account", field="compound_id")
    subs = await _sub_account_views(uow, account.ledger_id, await uow.accounts.sub_accounts(compound.compound_id))
    return MaintenanceAccountView(
        compound_id=compound.compound_id,
        jurisdiction_path=compound.jurisdiction_path,
        ledger_id=account.ledger_id,
        rate_fen_per_m2=account.rate_fen_per_m2,
        balance_fen=sum(sub.balance_fen for sub in subs),
        sub_accounts=subs,
    )


async def household_balances(uow: FundsUnitOfWork, ledger_id: str, household_ids: Sequence[str]) -> dict[str, Fen]:
    """Each household's balance in the maintenance ledger, by household id."""
    balances = await uow.ledgers.account_balances(ledger_id, [household_account(h) for h in household_ids])
    return {household: balances[household_account(household)] for household in household_ids}


async def _sub_account_views(
    uow: FundsUnitOfWork, ledger_id: str, records: Sequence[SubAccountRecord]
) -> list[SubAccountView]:
    balances = await household_balances(uow, ledger_id, [record.household_id for record in records])
    return [
        SubAccountView(
            household_id=record.household_id,
            building_id=record.building_id,
            area_dm2=record.area_dm2,
            first_deposit_fen=record.first_deposit_fen,
            balance_fen=balances[record.household_id],
            needs_replenishment=not record.closed
            and needs_replenishment(balances[record.household_id], record.first_deposit_fen),
            closed=record.closed,
        )
        for record in records
    ]


async def _account_ledger(uow: FundsUnitOfWork, compound_id: str, *, action: str) -> str:
    """The compound's maintenance ledger, locked for posting."""
    account = await uow.accounts.get(compound_id)
    if account is None:
        raise FailedPrecondition(f"compound {compound_id} has no maintenance fund account", field="compound_id", rule="F2")
    await ledger.locked_ledger(uow, account.ledger_id, action=action)
    return account.ledger_id


async def _sub_account(uow: FundsUnitOfWork, compound_id: str, household_id: str) -> SubAccountRecord:
    found = await uow.accounts.sub_accounts(compound_id, household_id)
    if not found:
        raise NotFound(f"household {household_id} has no sub-account in compound {compound_id}", field="household_id")
    return found[0]


# --- deposits and interest -----------------------------------------------------------------------


async def record_first_deposit(command: commands.RecordFirstDeposit, uow: FundsUnitOfWork) -> Deposit:
    """F1: the household's first deposit, of exactly the amount due, once."""
    return await _deposit(uow, command.compound_id, command.household_id, None, command.memo)


async def record_deposit(command: commands.RecordDeposit, uow: FundsUnitOfWork) -> Deposit:
    return await _deposit(uow, command.compound_id, command.household_id, command.amount_fen, command.memo)


async def _deposit(
    uow: FundsUnitOfWork, compound_id: str, household_id: str, amount_fen: int | None, memo: str
) -> Deposit:
    auth.require_role(MANAGERS, action="record a deposit")
    async with uow:
        compound = await uow.compound(compound_id, action="record a deposit")
        ledger_id = await _account_ledger(uow, compound_id, action="record a deposit")
        sub = await _sub_account(uow, compound_id, household_id)
        require_open(household_id, closed=sub.closed)
        kind = DEPOSIT_KIND
        if amount_fen is None:
            kind, amount_fen = FIRST_DEPOSIT_KIND, sub.first_deposit_fen
            if await uow.ledgers.unreversed_amounts(
                ledger_id, account_id=household_account(household_id), kind=FIRST_DEPOSIT_KIND
            ):
                raise AlreadyExists(f"household {household_id} has paid its first deposit", field="household_id", rule="F1")
        debit, _ = await ledger.post(
            uow,
            ledger_id,
            debit_account_id=household_account(household_id),
            credit_account_id=DEPOSITS_ACCOUNT,
            amount_fen=amount_fen,
            kind=kind,
            memo=memo,
        )
        (view,) = await _sub_account_views(uow, ledger_id, [sub])
        await uow.publish(
            DepositRecorded(
                compound_id=compound_id,
                jurisdiction_path=compound.jurisdiction_path,
                household_id=household_id,
                amount_fen=amount_fen,
                sequence=debit.entry.sequence,
            )
        )
        await uow.commit()
    return Deposit(view, debit)


async def allocate_interest(command: commands.AllocateInterest, uow: FundsUnitOfWork) -> MaintenanceAccountView:
    """F8: interest or gains go to the sub-accounts pro rata to their balances, to the last fen."""
    auth.require_role(MANAGERS, action="allocate interest")
    async with uow:
        compound = await uow.compound(command.compound_id, action="allocate interest")
        ledger_id = await _account_ledger(uow, command.compound_id, action="allocate interest")
        households = [sub.household_id for sub in await uow.accounts.sub_accounts(command.compound_id, open_only=True)]
        shares = allocate_interest_shares(command.interest_fen, await household_balances(uow, ledger_id, households))
        for household_id, share in shares.items():
            if share:  # a small balance can round to a zero share, which is no posting at all
                await ledger.post(
                    uow, ledger_id, debit_account_id=household_account(household_id),
                    credit_account_id=INTEREST_ACCOUNT, amount_fen=share, kind=INTEREST_KIND, memo=command.memo,
                )
        view = await _account_view(uow, compound)
        await uow.commit()
    return view


# --- a home's sale or demolition (F8), requested and approved by two people (service.money_movements) ---


async def checked_passing(
    uow: FundsUnitOfWork, compound_id: str, household_id: str, *, action: str
) -> tuple[FundsCompound, SubAccountView]:
    """F8 for a sale transfer or a demolition refund, in the caller's transaction, moving nothing: the
    compound, and its household's sub-account, open and with a balance that can pass on."""
    compound = await uow.compound(compound_id, action=action)
    ledger_id = await _account_ledger(uow, compound_id, action=action)
    sub = await _sub_account(uow, compound_id, household_id)
    balance = (await household_balances(uow, ledger_id, [household_id]))[household_id]
    whole_balance_passing(household_id, balance, closed=sub.closed)
    (view,) = await _sub_account_views(uow, ledger_id, [sub])
    return compound, view


async def pass_balance(uow: FundsUnitOfWork, movement: MoneyMovement, *, sale: bool) -> BalancePassing:
    """F8, once approved (A3), in the caller's transaction: the whole balance now passes with the home (sale)
    or out to its registered owner (demolition); both legs of each posting are returned."""
    compound_id, household_id, owner, reference = (
        movement.compound_id, movement.household_id, movement.owner_key, movement.reference)
    compound = await uow.compound(compound_id, action="move money")
    ledger_id = await _account_ledger(uow, compound_id, action="move money")
    sub = await _sub_account(uow, compound_id, household_id)
    balance = (await household_balances(uow, ledger_id, [household_id]))[household_id]
    amount = whole_balance_passing(household_id, balance, closed=sub.closed)
    account = household_account(household_id)
    postings = []
    if amount:  # an empty sub-account passes on without a posting: the ledger takes no zero amounts
        if sale:
            postings.append(await ledger.post(
                uow, ledger_id, debit_account_id=SALE_HANDOVER_ACCOUNT, credit_account_id=account,
                amount_fen=amount, kind=SALE_KIND, memo=f"seller hands over: {reference}",
            ))
            postings.append(await ledger.post(
                uow, ledger_id, debit_account_id=account, credit_account_id=SALE_HANDOVER_ACCOUNT,
                amount_fen=amount, kind=SALE_KIND, memo=f"buyer {owner} takes over: {reference}",
            ))
        else:
            postings.append(await ledger.post(
                uow, ledger_id, debit_account_id=DEMOLITION_REFUND_ACCOUNT, credit_account_id=account,
                amount_fen=amount, kind=DEMOLITION_KIND, memo=f"refund to {owner}: {reference}",
            ))
    await uow.accounts.record_change(
        SubAccountChange(
            compound_id=compound_id, household_id=household_id, kind=SALE_KIND if sale else DEMOLITION_KIND,
            owner_key=owner, reference=reference, amount_fen=amount, recorded_by=movement.requested_by,
        ),
        closes=not sale,
    )
    sequence = postings[0][0].entry.sequence if postings else 0
    path = compound.jurisdiction_path
    await uow.publish(
        SubAccountTransferredOnSale(compound_id, path, household_id, balance_fen=amount, sequence=sequence)
        if sale
        else SubAccountRefundedOnDemolition(compound_id, path, household_id, refund_fen=amount, sequence=sequence)
    )
    (view,) = await _sub_account_views(uow, ledger_id, [await _sub_account(uow, compound_id, household_id)])
    return BalancePassing(view, amount, [leg for posting in postings for leg in posting])
