"""Disclosures (F9, P3) and the public transparency data of a compound (一码统览).

What a disclosure and the public data show is ``domain.disclosure``; a disclosure is computed from the
ledgers at publication and stored unchanged. The public data names no household or owner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import AlreadyExists, InvalidArgument, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.money import Fen
from wuye_chassis.pii import mask_numbers_in_text
from wuye_chassis.validation import require_text
from wuye_funds.domain import commands
from wuye_funds.domain.accounts import committee_ledger_id, maintenance_ledger_id
from wuye_funds.domain.disclosure import (
    Disclosure,
    committee_totals,
    household_movements,
    maintenance_totals,
    public_account,
)
from wuye_funds.domain.disclosure_schedule import posted_until
from wuye_funds.domain.events import DisclosurePublished
from wuye_funds.domain.ledger import EMPTY_HEAD, Anchor
from wuye_funds.domain.maintenance_fund import EmergencyCategory
from wuye_funds.domain.mini_fund import MiniFundSummary
from wuye_funds.domain.voting import VoteRecord
from wuye_funds.service import mini_fund
from wuye_funds.service.maintenance import MANAGERS
from wuye_funds.service.unit_of_work import FundsUnitOfWork

DEFAULT_RECENT_ENTRIES = 10
MAX_RECENT_ENTRIES = 50


@dataclass(frozen=True)
class PublicEntry:
    """A ledger entry for the public: the account by its kind only, no memo."""

    ledger_id: str
    sequence: int
    account: str
    amount_fen: Fen
    kind: str
    occurred_at: str
    hash: str


@dataclass(frozen=True)
class PublicUse:
    """A completed use of the maintenance fund for the public (F5, F6): what was done, what it cost, and
    the notice; phone and ID numbers typed into the texts are masked."""

    application_id: str
    plan: str
    #: the F6 emergency it answered, None for a use the owners voted on
    emergency: EmergencyCategory | None
    budget_fen: Fen
    actual_cost_fen: Fen
    disclosure: str


@dataclass(frozen=True)
class Transparency:
    compound_id: str
    #: the name residents know it by (the page's heading), from the registry
    compound_name: str
    maintenance_balance_fen: Fen
    committee_balance_fen: Fen
    recent_entries: list[PublicEntry]
    #: what is decided and how far it has got, never who voted how
    open_votes: list[VoteRecord]
    #: the latest disclosure's totals, without its household movements
    latest_disclosure: Disclosure | None
    mini_fund: MiniFundSummary | None
    #: the latest completed uses of the maintenance fund, with their disclosures
    completed_uses: list[PublicUse]


async def _head(uow: FundsUnitOfWork, ledger_id: str) -> Anchor:
    found = await uow.ledgers.get(ledger_id)
    return EMPTY_HEAD if found is None else found.head


async def publish_disclosure(command: commands.PublishDisclosure, uow: FundsUnitOfWork) -> Disclosure:
    auth.require_role(MANAGERS, action="publish a disclosure")
    period = require_text(command.period, field="period", rule="F9", max_length=32)
    published_at = utcnow()
    until = posted_until(published_at, command.posting_days)
    async with uow:
        compound = await uow.compound(command.compound_id, action="publish a disclosure")
        if await uow.disclosures.exists(compound.compound_id, period):
            raise AlreadyExists(f"the disclosure for {period} has been published", field="period", rule="F9")
        maintenance_id, committee_id = maintenance_ledger_id(compound.compound_id), committee_ledger_id(compound.compound_id)
        households = household_movements(await uow.ledgers.movements(maintenance_id))
        disclosure = Disclosure(
            disclosure_id=new_id(),
            compound_id=compound.compound_id,
            period=period,
            published_at=published_at,
            posted_until=until,
            maintenance=maintenance_totals(maintenance_id, households),
            committee=committee_totals(committee_id, await uow.ledgers.movements(committee_id)),
            households=tuple(households),
            maintenance_head=await _head(uow, maintenance_id),
            committee_head=await _head(uow, committee_id),
        )
        await uow.disclosures.add(disclosure)
        await uow.publish(DisclosurePublished(disclosure))
        await uow.commit()
    return disclosure


async def get_compound_transparency(query: commands.GetCompoundTransparency, uow: FundsUnitOfWork) -> Transparency:
    """Open to anyone: the compound's scope is not checked, and nothing personal is returned."""
    if not 0 <= query.recent_entries <= MAX_RECENT_ENTRIES:
        raise InvalidArgument(f"recent_entries must be between 0 and {MAX_RECENT_ENTRIES}", field="recent_entries")
    limit = query.recent_entries or DEFAULT_RECENT_ENTRIES
    compound_id = query.compound_id
    require_text(compound_id, field="compound_id", max_length=64)
    async with uow.reading():
        if await uow.compounds.get(compound_id) is None:
            raise NotFound(f"compound {compound_id} has no funds settings", field="compound_id")
        maintenance_id, committee_id = maintenance_ledger_id(compound_id), committee_ledger_id(compound_id)
        maintenance = maintenance_totals(maintenance_id, household_movements(await uow.ledgers.movements(maintenance_id)))
        committee = committee_totals(committee_id, await uow.ledgers.movements(committee_id))
        recent = [
            PublicEntry(
                ledger_id=ledger_id, sequence=entry.sequence, account=public_account(entry.account_id),
                amount_fen=entry.amount_fen, kind=entry.kind, occurred_at=entry.occurred_at, hash=entry.hash,
            )
            for ledger_id in (maintenance_id, committee_id)
            for entry in await uow.ledgers.recent(ledger_id, limit)
        ]
        latest = await uow.disclosures.latest(compound_id)
        return Transparency(
            compound_id=compound_id,
            compound_name=await uow.compounds.registered_name(compound_id),
            maintenance_balance_fen=maintenance.balance_fen,
            committee_balance_fen=committee.balance_fen,
            recent_entries=recent,
            open_votes=await uow.votes.open_in(compound_id),
            # the public page shows totals; household movements stay in the notice itself
            latest_disclosure=None if latest is None else replace(latest, households=()),
            mini_fund=await mini_fund.published_summary(uow, compound_id),
            completed_uses=[
                PublicUse(
                    application_id=use.application_id, plan=mask_numbers_in_text(use.plan), emergency=use.emergency,
                    budget_fen=use.budget_fen, actual_cost_fen=use.actual_cost_fen or 0,
                    disclosure=mask_numbers_in_text(use.disclosure or ""),
                )
                for use in await uow.applications.completed_in(compound_id, limit)
            ],
        )
