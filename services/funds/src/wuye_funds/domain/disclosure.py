"""What a disclosure (F9, P3) and the public transparency data (一码统览) show, computed from the ledgers.

A disclosure is a snapshot, at publication, of the totals of the maintenance fund and of the committee
account and of each household's movements; it is stored as published and never changed. The public data
names no household or owner: household accounts appear only as "household" and no memo is shown.

``Movements`` are a ledger's net amounts per (account, counter-account) pair, reversals included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from wuye_chassis.money import Fen
from wuye_funds.domain.accounts import (
    COMMITTEE_ACCOUNT,
    DEPOSITS_ACCOUNT,
    EXPENSE_PAYEE,
    HOUSEHOLD_PREFIX,
    INCOME_PREFIX,
    INTEREST_ACCOUNT,
    WORKS_PAYEE,
)
from wuye_funds.domain.ledger import Anchor

Movements = Mapping[tuple[str, str], Fen]


@dataclass(frozen=True)
class AccountTotals:
    """One account over its whole history: money in, money out, gains (F8) and the balance."""

    ledger_id: str
    received_fen: Fen
    spent_fen: Fen
    gains_fen: Fen
    balance_fen: Fen


@dataclass(frozen=True)
class HouseholdMovements:
    """One household's movements in the maintenance fund, named by its register id only."""

    household_id: str
    deposited_fen: Fen
    charged_fen: Fen
    gains_fen: Fen
    balance_fen: Fen


@dataclass(frozen=True)
class Disclosure:
    disclosure_id: str
    compound_id: str
    #: what it covers, e.g. "2026-H1" or "2026-Q3"
    period: str
    published_at: dt.datetime
    #: P3: the notice stays posted until then (None on snapshots stored before P3 was kept)
    posted_until: dt.datetime | None
    maintenance: AccountTotals
    committee: AccountTotals
    households: tuple[HouseholdMovements, ...]
    #: the ledgers' heads at publication (their anchors), so that anyone can verify later that the
    #: ledgers still hold these entries and only grew since
    maintenance_head: Anchor
    committee_head: Anchor

    def anchor_of(self, ledger_id: str) -> Anchor | None:
        """The head this disclosure published for the ledger, None when it does not cover that ledger."""
        if ledger_id == self.maintenance.ledger_id:
            return self.maintenance_head
        if ledger_id == self.committee.ledger_id:
            return self.committee_head
        return None


def household_movements(movements: Movements) -> list[HouseholdMovements]:
    """Each household account's deposits, charges, gains and balance, by household id."""
    accounts = sorted({account for account, _ in movements if account.startswith(HOUSEHOLD_PREFIX)})
    return [
        HouseholdMovements(
            household_id=account.removeprefix(HOUSEHOLD_PREFIX),
            deposited_fen=movements.get((account, DEPOSITS_ACCOUNT), 0),
            charged_fen=-movements.get((account, WORKS_PAYEE), 0),
            gains_fen=movements.get((account, INTEREST_ACCOUNT), 0),
            balance_fen=sum(total for (owner, _), total in movements.items() if owner == account),
        )
        for account in accounts
    ]


def maintenance_totals(ledger_id: str, households: list[HouseholdMovements]) -> AccountTotals:
    return AccountTotals(
        ledger_id=ledger_id,
        received_fen=sum(household.deposited_fen for household in households),
        spent_fen=sum(household.charged_fen for household in households),
        gains_fen=sum(household.gains_fen for household in households),
        balance_fen=sum(household.balance_fen for household in households),
    )


def committee_totals(ledger_id: str, movements: Movements) -> AccountTotals:
    own = {counter: total for (account, counter), total in movements.items() if account == COMMITTEE_ACCOUNT}
    return AccountTotals(
        ledger_id=ledger_id,
        received_fen=sum(total for counter, total in own.items() if counter.startswith(INCOME_PREFIX)),
        spent_fen=-own.get(EXPENSE_PAYEE, 0),
        gains_fen=0,
        balance_fen=sum(own.values()),
    )


def public_account(account_id: str) -> str:
    """An account as the public sees it: a household's account by its kind only."""
    return "household" if account_id.startswith(HOUSEHOLD_PREFIX) else account_id
