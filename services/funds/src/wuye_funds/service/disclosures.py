"""Disclosures (F9, P3) and the public transparency data of a compound (一码统览).

A disclosure is a snapshot of the totals of the maintenance fund and the committee account and of each
household's movements, computed from the ledgers at publication and stored unchanged. The public data
names no household or owner: household accounts appear only as "household" and no memo is shown.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import AlreadyExists, InvalidArgument, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import compounds as compound_repository
from wuye_funds.adapters import disclosures as repository
from wuye_funds.adapters import ledger as ledger_repository
from wuye_funds.adapters import votes as vote_repository
from wuye_funds.domain.disclosure_schedule import posted_until
from wuye_funds.domain.voting import VoteState
from wuye_funds.service import mini_fund
from wuye_funds.service.applications import PAYEE_ACCOUNT
from wuye_funds.service.compounds import MANAGERS, compound_in_scope
from wuye_funds.service.expenses import COMMITTEE_ACCOUNT, EXPENSE_PAYEE, committee_ledger_id
from wuye_funds.service.maintenance import DEPOSITS_ACCOUNT, INTEREST_ACCOUNT, maintenance_ledger_id

HOUSEHOLD_PREFIX = "household:"
INCOME_PREFIX = "income:"
DEFAULT_RECENT_ENTRIES = 10
MAX_RECENT_ENTRIES = 50

Movements = Mapping[tuple[str, str], int]


def _households(movements: Movements) -> list[funds_pb2.HouseholdMovements]:
    accounts = sorted({account for account, _ in movements if account.startswith(HOUSEHOLD_PREFIX)})
    return [
        funds_pb2.HouseholdMovements(
            household_id=account.removeprefix(HOUSEHOLD_PREFIX),
            deposited_fen=movements.get((account, DEPOSITS_ACCOUNT), 0),
            charged_fen=-movements.get((account, PAYEE_ACCOUNT), 0),
            gains_fen=movements.get((account, INTEREST_ACCOUNT), 0),
            balance_fen=sum(total for (owner, _), total in movements.items() if owner == account),
        )
        for account in accounts
    ]


def _maintenance_totals(ledger_id: str, households: list[funds_pb2.HouseholdMovements]) -> funds_pb2.AccountTotals:
    return funds_pb2.AccountTotals(
        ledger_id=ledger_id,
        received_fen=sum(h.deposited_fen for h in households),
        spent_fen=sum(h.charged_fen for h in households),
        gains_fen=sum(h.gains_fen for h in households),
        balance_fen=sum(h.balance_fen for h in households),
    )


def _committee_totals(ledger_id: str, movements: Movements) -> funds_pb2.AccountTotals:
    own = {counter: total for (account, counter), total in movements.items() if account == COMMITTEE_ACCOUNT}
    return funds_pb2.AccountTotals(
        ledger_id=ledger_id,
        received_fen=sum(total for counter, total in own.items() if counter.startswith(INCOME_PREFIX)),
        spent_fen=-own.get(EXPENSE_PAYEE, 0),
        balance_fen=sum(own.values()),
    )


async def _head_hash(session: AsyncSession, ledger_id: str) -> str:
    last = await ledger_repository.last_entry(session, ledger_id)
    return "" if last is None else last.hash


async def publish(uow: UnitOfWork, *, compound_id: str, period: str, posting_days: int) -> funds_pb2.Disclosure:
    auth.require_role(MANAGERS, action="publish a disclosure")
    period = require_text(period, field="period", rule="F9", max_length=32)
    published_at = utcnow()
    until = posted_until(published_at, posting_days)
    async with uow:
        await compound_in_scope(uow.session, compound_id, action="publish a disclosure")
        if await repository.exists(uow.session, compound_id, period):
            raise AlreadyExists(f"the disclosure for {period} has been published", field="period", rule="F9")
        maintenance_id, committee_id = maintenance_ledger_id(compound_id), committee_ledger_id(compound_id)
        households = _households(await ledger_repository.movements(uow.session, maintenance_id))
        disclosure = funds_pb2.Disclosure(
            disclosure_id=new_id(),
            compound_id=compound_id,
            period=period,
            maintenance=_maintenance_totals(maintenance_id, households),
            committee=_committee_totals(committee_id, await ledger_repository.movements(uow.session, committee_id)),
            households=households,
            maintenance_head_hash=await _head_hash(uow.session, maintenance_id),
            committee_head_hash=await _head_hash(uow.session, committee_id),
        )
        disclosure.published_at.FromDatetime(published_at)
        disclosure.posted_until.FromDatetime(until)
        await repository.add(uow.session, disclosure)
        await uow.publish(events_pb2.DisclosurePublished(disclosure=disclosure), aggregate_id=compound_id)
        await uow.commit()
    return disclosure


def _public_account(account_id: str) -> str:
    return "household" if account_id.startswith(HOUSEHOLD_PREFIX) else account_id


async def transparency(
    session: AsyncSession, *, compound_id: str, recent_entries: int
) -> funds_pb2.GetCompoundTransparencyResponse:
    """Open to anyone: the compound's scope is not checked, and nothing personal is returned."""
    if not 0 <= recent_entries <= MAX_RECENT_ENTRIES:
        raise InvalidArgument(f"recent_entries must be between 0 and {MAX_RECENT_ENTRIES}", field="recent_entries")
    limit = recent_entries or DEFAULT_RECENT_ENTRIES
    require_text(compound_id, field="compound_id", max_length=64)
    if await compound_repository.get(session, compound_id) is None:
        raise NotFound(f"compound {compound_id} has no funds settings", field="compound_id")
    maintenance_id, committee_id = maintenance_ledger_id(compound_id), committee_ledger_id(compound_id)
    maintenance = _maintenance_totals(
        maintenance_id, _households(await ledger_repository.movements(session, maintenance_id))
    )
    committee = _committee_totals(committee_id, await ledger_repository.movements(session, committee_id))
    answer = funds_pb2.GetCompoundTransparencyResponse(
        compound_id=compound_id,
        maintenance_balance_fen=maintenance.balance_fen,
        committee_balance_fen=committee.balance_fen,
    )
    for ledger_id in (maintenance_id, committee_id):
        for entry in await ledger_repository.recent(session, ledger_id, limit):
            answer.recent_entries.add(
                ledger_id=ledger_id, sequence=entry.sequence, account=_public_account(entry.account_id),
                amount_fen=entry.amount_fen, kind=entry.kind, occurred_at=entry.occurred_at, hash=entry.hash,
            )
    for row in await vote_repository.in_state(session, compound_id, VoteState.OPEN):
        vote = vote_repository.to_message(row)
        answer.open_votes.add(
            vote_id=vote.vote_id, matter=vote.matter, title=vote.title, electorate=vote.electorate,
            opened_at=vote.opened_at,
        )
    mini = await mini_fund.published_summary(session, compound_id)
    if mini is not None:
        answer.mini_fund.CopyFrom(mini)
    latest = await repository.latest(session, compound_id)
    if latest is not None:
        del latest.households[:]  # the public page shows totals; household movements stay in the notice itself
        answer.latest_disclosure.CopyFrom(latest)
    return answer

