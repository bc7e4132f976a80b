"""Neighbour fund (友邻基金, P5; seed 000): three levels, county → community → compound.

Money enters any level from the enumerated sources, is granted downwards, and is spent on neighbourhood
activities; every movement is kept so that it can be published.

Grants go down exactly one level, and only to the granting fund's own child (county → one of its
communities → one of its compounds). A county cannot skip the community: the community is the level that
decides between its compounds and publishes what it passes on, so money reaching a compound always shows
in its community's records. No fund ever pays out more than its balance.

Place: a county fund serves a county, a community fund a community inside its county fund's county, and
a compound fund a compound inside its community fund's community (``require_place``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.money import Fen, require_fen
from wuye_chassis.validation import parse_choice, require_text


class FundLevel(Enum):
    COUNTY = "county"
    COMMUNITY = "community"
    COMPOUND = "compound"

    @property
    def child(self) -> FundLevel | None:
        """The level one step down, or None for the compound."""
        order = list(FundLevel)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class DonationSource(Enum):
    COMMUNITY_ENTERPRISE = "community_enterprise"  # 社区企业
    RESIDENTS = "residents"  # 居民
    COMPANIES = "companies"  # 企业 (e.g. a developer's donation)
    GOVERNMENT = "government"  # 政府


class MovementKind(Enum):
    DONATION = "donation"
    GRANT_OUT = "grant_out"
    GRANT_IN = "grant_in"
    SPENDING = "spending"


#: the jurisdiction level each fund level serves (a compound lies in a community)
_PLACE_LEVEL = {FundLevel.COUNTY: "county", FundLevel.COMMUNITY: "community", FundLevel.COMPOUND: "community"}


def require_place(level: FundLevel, place: JurisdictionPath, parent_place: JurisdictionPath | None) -> None:
    """P5: a fund serves a place of its own level that lies inside its parent fund's place."""
    if place.level != _PLACE_LEVEL[level]:
        raise InvalidArgument(
            f"a {level.value} fund serves a {_PLACE_LEVEL[level]}, not a {place.level}",
            field="jurisdiction_path",
            rule="P5",
        )
    if parent_place is not None and not parent_place.contains(place):
        raise InvalidArgument(
            f"{place} is not inside the parent fund's {parent_place}", field="parent_fund_id", rule="P5"
        )


@dataclass(frozen=True)
class Movement:
    kind: MovementKind
    amount_fen: Fen  # always positive; ``kind`` says the direction
    memo: str
    source: DonationSource | None = None  # donations only
    counterpart_fund_id: str | None = None  # grants only


@dataclass
class NeighbourFund:
    fund_id: str
    level: FundLevel
    parent_fund_id: str | None  # None only for a county fund
    balance_fen: Fen = 0
    movements: list[Movement] = field(default_factory=list)

    @classmethod
    def open(cls, fund_id: str, *, level: FundLevel | str, parent: NeighbourFund | None = None) -> NeighbourFund:
        fund_level = parse_choice(FundLevel, level, field="level", rule="P5")
        if fund_level is FundLevel.COUNTY and parent is not None:
            raise InvalidArgument("a county fund has no parent fund", field="parent_fund_id", rule="P5")
        if fund_level is not FundLevel.COUNTY and (parent is None or parent.level.child is not fund_level):
            raise InvalidArgument(
                f"a {fund_level.value} fund sits under a fund one level up", field="parent_fund_id", rule="P5"
            )
        return cls(
            fund_id=require_text(fund_id, field="fund_id", rule="P5", max_length=64),
            level=fund_level,
            parent_fund_id=None if parent is None else parent.fund_id,
        )

    def receive_donation(self, amount_fen: Fen, *, source: DonationSource | str, memo: str) -> Movement:
        movement = Movement(
            kind=MovementKind.DONATION,
            amount_fen=require_fen(amount_fen, field="amount_fen", rule="P5"),
            memo=require_text(memo, field="memo", rule="P5", max_length=500),
            source=parse_choice(DonationSource, source, field="source", rule="P5"),
        )
        return self._record(movement, +movement.amount_fen)

    def spend(self, amount_fen: Fen, *, purpose: str) -> Movement:
        """Pay for a neighbourhood activity; never more than the balance."""
        amount = require_fen(amount_fen, field="amount_fen", rule="P5")
        self._require_balance(amount)
        movement = Movement(
            kind=MovementKind.SPENDING, amount_fen=amount, memo=require_text(purpose, field="purpose", rule="P5")
        )
        return self._record(movement, -amount)

    def grant(self, receiver: NeighbourFund, amount_fen: Fen, *, memo: str) -> tuple[Movement, Movement]:
        """Move money one level down to this fund's own child fund; returns (grant out, grant in)."""
        amount = require_fen(amount_fen, field="amount_fen", rule="P5")
        text = require_text(memo, field="memo", rule="P5", max_length=500)
        if receiver.level is not self.level.child:
            raise FailedPrecondition(
                f"a {self.level.value} fund grants only to the level directly below,"
                f" not to a {receiver.level.value} fund",
                field="receiver",
                rule="P5",
            )
        if receiver.parent_fund_id != self.fund_id:
            raise FailedPrecondition(
                f"fund {receiver.fund_id} is not under fund {self.fund_id}", field="receiver", rule="P5"
            )
        self._require_balance(amount)
        out = self._record(
            Movement(MovementKind.GRANT_OUT, amount, text, counterpart_fund_id=receiver.fund_id), -amount
        )
        received = receiver._record(
            Movement(MovementKind.GRANT_IN, amount, text, counterpart_fund_id=self.fund_id), +amount
        )
        return out, received

    def _require_balance(self, amount: Fen) -> None:
        if amount > self.balance_fen:
            raise FailedPrecondition(
                f"fund {self.fund_id} holds {self.balance_fen} fen, less than {amount} fen",
                field="amount_fen",
                rule="P5",
            )

    def _record(self, movement: Movement, change: Fen) -> Movement:
        self.movements.append(movement)
        self.balance_fen += change
        return movement
