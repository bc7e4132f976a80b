"""The funds unit of work: the chassis transaction with this service's repositories and helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar

from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.uow import UnitOfWork, UnitOfWorkParts
from wuye_chassis.validation import require_text
from wuye_funds.adapters.applications import ApplicationRepository
from wuye_funds.adapters.community_funds import MiniFundRepository, NeighbourFundRepository
from wuye_funds.adapters.compounds import CompoundRepository, FundsCompound
from wuye_funds.adapters.disclosures import DisclosureRepository
from wuye_funds.adapters.expenses import ExpenseRepository
from wuye_funds.adapters.ledger import LedgerRepository
from wuye_funds.adapters.ledger_signing import LedgerSigner
from wuye_funds.adapters.maintenance_accounts import MaintenanceAccountRepository
from wuye_funds.adapters.money_movements import MoneyMovementRepository
from wuye_funds.adapters.vote_proposals import VoteProposalRepository
from wuye_funds.adapters.votes import VoteRepository
from wuye_funds.domain.disclosure_schedule import Subject
from wuye_funds.domain.vote_objections import DEFAULT_OBJECTION_DAYS
from wuye_funds.service.registry_facts import RegistryFacts


class Placed(Protocol):
    @property
    def jurisdiction_path(self) -> str: ...


P = TypeVar("P", bound=Placed)


def in_scope(found: P | None, *, missing: str, field: str, action: str) -> P:
    """The record a caller asked for, once it exists (NOT_FOUND naming ``field`` and saying ``missing``)
    and the caller's scope covers where it lies."""
    if found is None:
        raise NotFound(missing, field=field)
    auth.require_access(found.jurisdiction_path, action=action)
    return found


class FundsUnitOfWork(UnitOfWork):
    compounds: CompoundRepository
    ledgers: LedgerRepository
    accounts: MaintenanceAccountRepository
    applications: ApplicationRepository
    votes: VoteRepository
    proposals: VoteProposalRepository
    expenses: ExpenseRepository
    mini_funds: MiniFundRepository
    neighbour_funds: NeighbourFundRepository
    disclosures: DisclosureRepository
    movements: MoneyMovementRepository

    def __init__(
        self, parts: UnitOfWorkParts, registry: RegistryFacts, disclosure_months: Mapping[Subject, int],
        signer: LedgerSigner, objection_days: int = DEFAULT_OBJECTION_DAYS,
    ) -> None:
        super().__init__(parts)
        #: signs every ledger head a posting leaves, with a key this database does not hold
        self.signer = signer
        #: V8: days a closed vote's result is open to objections (the city's setting)
        self.objection_days = objection_days
        #: where compounds, accounts' households and votes' electorates come from (A4)
        self.registry = registry
        #: P3: months between disclosures of each subject (the city's settings)
        self.disclosure_months = disclosure_months

    def opened(self) -> None:
        self.compounds = CompoundRepository(self.session)
        self.ledgers = LedgerRepository(self.session)
        self.accounts = MaintenanceAccountRepository(self.session)
        self.applications = ApplicationRepository(self.session)
        self.votes = VoteRepository(self.session)
        self.proposals = VoteProposalRepository(self.session)
        self.expenses = ExpenseRepository(self.session)
        self.mini_funds = MiniFundRepository(self.session)
        self.neighbour_funds = NeighbourFundRepository(self.session)
        self.movements = MoneyMovementRepository(self.session)
        self.disclosures = DisclosureRepository(self.session)

    async def compound(self, compound_id: str, *, action: str, field: str = "compound_id") -> FundsCompound:
        """The compound where the registry places it, with its funds settings, once the caller's scope is
        known to cover it (A4: an id the registry does not know is refused naming ``field``).

        A compound registered a moment ago may not have reached this service's copy of the register yet;
        the registry is asked then. Inside a writing transaction the compound gets its settings row, which
        this service's records refer to.
        """
        require_text(compound_id, field=field, max_length=64)
        found = await self.compounds.get(compound_id)
        if found is None:
            place = await self.registry.compound(compound_id)
            found = FundsCompound(place.compound_id, place.jurisdiction_path, follow_majority=False, settled=False)
        auth.require_access(found.jurisdiction_path, action=action)
        if not found.settled and not self.read_only:
            await self.compounds.settle(found)
        return found
