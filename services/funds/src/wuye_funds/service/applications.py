"""Uses of the maintenance fund (F4–F7): application, vote or emergency path, works, payment, completion.

The state machine and its refusals are ``domain.maintenance_fund.UseApplication``; the split of a
payment over the benefiting households is ``charge_by_area`` (F4). Each step loads the application,
applies one command and stores it with the ledger postings and events it caused, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import applications as repository
from wuye_funds.adapters import compounds as compound_repository
from wuye_funds.adapters import ledger as ledger_repository
from wuye_funds.adapters import votes as vote_repository
from wuye_funds.domain.maintenance_fund import (
    EmergencyCategory,
    UseApplication,
    UseState,
    charge_by_area,
    needs_replenishment,
)
from wuye_funds.domain.voting import Matter, tally
from wuye_funds.service import ledger, votes
from wuye_funds.service.compounds import MANAGERS, compound_in_scope
from wuye_funds.service.maintenance import household_account
from wuye_funds.service.roster import OwnerRosterSource

#: roles that confirm an emergency use for the street and approve payments
STREET_ROLES = ("street_officer", "county_officer")
PAYEE_ACCOUNT = "payee:works"
SPENDING_KIND = "spending"
_EMERGENCY_VALUES = {value: category for category, value in repository.EMERGENCIES.items()}
_APPROVER_VALUES = {value: approver.value for approver, value in repository.APPROVERS.items()}


def _emergency(value: int) -> EmergencyCategory | None:
    if value == funds_pb2.EMERGENCY_CATEGORY_UNSPECIFIED:
        return None
    if value not in _EMERGENCY_VALUES:
        raise InvalidArgument(f"unknown emergency category {value}", field="emergency", rule="F6")
    return _EMERGENCY_VALUES[value]


async def submit(
    uow: UnitOfWork, *, compound_id: str, plan: str, budget_fen: int, building_ids: Sequence[str], emergency: int
) -> funds_pb2.UseApplication:
    auth.require_role(MANAGERS, action="apply to use the maintenance fund")
    application = UseApplication.draft(
        new_id(), plan=plan, budget_fen=budget_fen, building_ids=list(building_ids) or None,
        emergency=_emergency(emergency),
    )
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="apply to use the maintenance fund")
        households = await compound_repository.sub_account_rows(uow.session, compound_id, open_only=True)
        if not households:
            raise FailedPrecondition(f"compound {compound_id} has no maintenance fund account", field="compound_id", rule="F2")
        unknown = sorted((application.building_ids or frozenset()) - {row["building_id"] for row in households})
        if unknown:
            raise InvalidArgument(f"no households in building(s) {', '.join(unknown)}", field="building_ids", rule="V6")
        await repository.add(
            uow.session, application, compound_id=compound_id, jurisdiction_path=compound["jurisdiction_path"]
        )
        message = repository.to_message(await _row(uow.session, application.application_id, action="read"))
        await uow.commit()
    return message


async def _row(session: AsyncSession, application_id: str, *, action: str, for_update: bool = False) -> sa.RowMapping:
    require_text(application_id, field="application_id", max_length=36)
    row = await repository.get_row(session, application_id, for_update=for_update)
    if row is None:
        raise NotFound(f"use application {application_id} does not exist", field="application_id")
    auth.require_access(row["jurisdiction_path"], action=f"{action} a use application")
    return row


async def _load(session: AsyncSession, row: sa.RowMapping) -> UseApplication:
    """The aggregate, with the deciding vote's result re-tallied from its stored ballots (V7)."""
    result = None
    if row["vote_id"] is not None:
        vote_row = await vote_repository.get_row(session, row["vote_id"])
        vote = await vote_repository.load(session, vote_row)  # type: ignore[arg-type]
        if vote_row["result"] is not None:  # type: ignore[index]
            result = tally(vote.electorate, vote.matter, vote.ballots, follow_majority=vote.follow_majority)
    return repository.to_domain(row, result)


async def open_use_vote(
    uow: UnitOfWork, roster_source: OwnerRosterSource, *, application_id: str,
    roster: Sequence[funds_pb2.RosterUnit],
) -> tuple[funds_pb2.UseApplication, funds_pb2.Vote]:
    auth.require_role(votes.ORGANISERS, action="put a use application to the owners' vote")
    async with uow:
        compound_id = (await _row(uow.session, application_id, action="put to the vote"))["compound_id"]
    units = await votes.roster_snapshot(roster_source, compound_id, roster)
    async with uow:
        row = await _row(uow.session, application_id, action="put to the vote", for_update=True)
        application = await _load(uow.session, row)
        application.open_vote()
        compound = await compound_in_scope(uow.session, compound_id, action="open an owners' vote")
        vote = await votes.add_vote(
            uow, compound, matter=Matter.USE_MAINTENANCE_FUND, title=application.plan[:200],
            building_ids=application.building_ids, units=units,
        )
        await repository.save(uow.session, application, vote_id=vote.vote_id)
        message = repository.to_message(await _row(uow.session, application_id, action="read"))
        await uow.commit()
    return message, vote


async def _step(
    uow: UnitOfWork, application_id: str, roles: Sequence[str], action: str, command: Callable[[UseApplication], object]
) -> funds_pb2.UseApplication:
    """Apply one command of the state machine; announce an approval when the command gave one."""
    auth.require_role(roles, action=f"{action} a use application")
    async with uow:
        row = await _row(uow.session, application_id, action=action, for_update=True)
        application = await _load(uow.session, row)
        was = application.state
        command(application)
        await repository.save(uow.session, application)
        message = repository.to_message(await _row(uow.session, application_id, action="read"))
        if application.state is UseState.APPROVED and was is not UseState.APPROVED:
            await uow.publish(events_pb2.UseApplicationApproved(application=message), aggregate_id=application_id)
        await uow.commit()
    return message


async def record_committee_review(uow: UnitOfWork, *, application_id: str, reference: str) -> funds_pb2.UseApplication:
    return await _step(
        uow, application_id, MANAGERS, "review", lambda application: application.record_committee_review(reference)
    )


async def record_street_confirmation(uow: UnitOfWork, *, application_id: str, reference: str) -> funds_pb2.UseApplication:
    return await _step(
        uow, application_id, STREET_ROLES, "confirm",
        lambda application: application.record_street_confirmation(reference),
    )


async def start_works(uow: UnitOfWork, *, application_id: str) -> funds_pb2.UseApplication:
    return await _step(uow, application_id, MANAGERS, "start works on", lambda application: application.start_works())


async def request_payment(
    uow: UnitOfWork, *, application_id: str, actual_cost_fen: int, settlement_audit: str
) -> funds_pb2.UseApplication:
    return await _step(
        uow, application_id, MANAGERS, "request payment for",
        lambda application: application.request_payment(actual_cost_fen, settlement_audit=settlement_audit or None),
    )


async def complete(uow: UnitOfWork, *, application_id: str, disclosure: str) -> funds_pb2.UseApplication:
    return await _step(
        uow, application_id, MANAGERS, "complete", lambda application: application.complete(disclosure=disclosure)
    )


async def pay(
    uow: UnitOfWork, *, application_id: str, approved_by: int
) -> tuple[funds_pb2.UseApplication, list[funds_pb2.Charge]]:
    """Pay the use and charge it to the benefiting households by area (F4), raising F3 notices."""
    auth.require_role(STREET_ROLES, action="pay a use application")
    async with uow:
        row = await _row(uow.session, application_id, action="pay", for_update=True)
        application = await _load(uow.session, row)
        amount = application.pay(_APPROVER_VALUES.get(approved_by, approved_by))  # type: ignore[arg-type]
        account = await compound_repository.get_account(uow.session, row["compound_id"])
        ledger_id = account["ledger_id"]  # type: ignore[index]
        await ledger.locked_ledger(uow.session, ledger_id, action="pay a use application")
        households = [
            household
            for household in await compound_repository.sub_account_rows(uow.session, row["compound_id"], open_only=True)
            if application.building_ids is None or household["building_id"] in application.building_ids
        ]
        shares = charge_by_area(amount, {household["household_id"]: household["area_dm2"] for household in households})
        before = await _balances(uow.session, ledger_id, shares)
        overdrawn = sorted(household for household, share in shares.items() if share > before[household])
        if overdrawn:
            raise FailedPrecondition(
                f"the sub-accounts of {', '.join(overdrawn)} cannot cover their shares; replenish them first",
                field="actual_cost_fen",
                rule="F4",
            )
        for household, share in shares.items():
            if share:  # a tiny area can round to a zero share, which is no posting at all
                await ledger.post(
                    uow.session, ledger_id, debit_account_id=PAYEE_ACCOUNT, credit_account_id=household_account(household),
                    amount_fen=share, kind=SPENDING_KIND, memo=f"use application {application_id}",
                )
        await repository.save(uow.session, application)
        message = repository.to_message(await _row(uow.session, application_id, action="read"))
        charges = [funds_pb2.Charge(household_id=household, amount_fen=share) for household, share in shares.items()]
        await uow.publish(events_pb2.UseApplicationPaid(application=message, charges=charges), aggregate_id=application_id)
        after = await _balances(uow.session, ledger_id, shares)
        for household in households:
            household_id, first = household["household_id"], household["first_deposit_fen"]
            if needs_replenishment(after[household_id], first) and not needs_replenishment(before[household_id], first):
                await uow.publish(
                    events_pb2.ReplenishmentRequired(
                        compound_id=row["compound_id"], jurisdiction_path=row["jurisdiction_path"],
                        household_id=household_id, balance_fen=after[household_id], first_deposit_fen=first,
                    ),
                    aggregate_id=row["compound_id"],
                )
        await uow.commit()
    return message, charges


async def _balances(session: AsyncSession, ledger_id: str, households: Iterable[str]) -> dict[str, int]:
    households = list(households)
    balances = await ledger_repository.account_balances(session, ledger_id, [household_account(h) for h in households])
    return {household: balances[household_account(household)] for household in households}


async def get(session: AsyncSession, application_id: str) -> funds_pb2.UseApplication:
    return repository.to_message(await _row(session, application_id, action="read"))

