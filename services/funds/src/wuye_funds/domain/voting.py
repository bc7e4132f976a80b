"""Owners' electronic voting (业主决策电子投票), rules V1–V7 (Civil Code arts. 278, 283; SPC arts. 8–9).

A vote is decided by a pure function of the electorate snapshot and the stored ballots (``tally``), so
anyone holding both can reproduce the result (V7). ``Vote`` is the aggregate that accepts ballots while
open and freezes the result when it closes.

Counting (V4): each exclusive unit is one owner, except that one person with several units is one owner
with the areas summed, and all of the developer's unsold or undelivered units together are one owner.
Scoping (V6): a vote limited to some buildings counts only the units in those buildings, so a person with
units inside and outside the scope votes with the inside area only.

Thresholds, all exact (``Fraction``):
- quorum (V2): participating area ≥ 2/3 of the electorate's area AND participating owners ≥ 2/3 of its
  owners; abstaining is taking part;
- approval (V3): matters 6–8 need yes ≥ 3/4 of the participating area AND ≥ 3/4 of the participating
  owners; the others need yes > 1/2 of both (过半数 is strict). Abstentions count in the base, never as yes.

Follow the majority (从众条款, V5), off by default. Reading used here:
- the quorum is judged on real ballots only, so the clause can never make a vote quorate; a vote that
  fails its quorum adds no votes at all;
- the "majority" to follow is the side, yes or no, that leads the other in BOTH real owners and real
  area; abstainers express no side. If the lead is split or tied there is no majority and nothing is added;
- owners who cast no ballot are then deemed to have taken part on that side: they enter both the yes
  count (when the side is yes) and the participating base of V3. With the clause the V3 base is therefore
  the whole electorate;
- consequence: the clause never turns a real pass into a rejection (a real pass means yes leads in both
  counts), but it can turn a real rejection into a pass, e.g. a matter-6 vote with 60 % real yes among
  the participants passes once enough non-voters are added to the yes side. The result keeps real and
  added counts apart so that this is visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import parse_choice, require_text
from wuye_funds.domain.arithmetic import require_area

if TYPE_CHECKING:
    from wuye_funds.domain.vote_objections import Objection

#: the voting key of the developer's unsold/undelivered units, which together are one owner (V4)
DEVELOPER_OWNER_KEY = "developer"

QUORUM_SHARE = Fraction(2, 3)
SUPERMAJORITY_SHARE = Fraction(3, 4)
SIMPLE_MAJORITY_SHARE = Fraction(1, 2)


class Matter(Enum):
    """The matters owners decide jointly (V1, Civil Code art. 278), numbered as in the article."""

    ASSEMBLY_RULES = 1
    MANAGEMENT_COVENANT = 2
    OWNERS_COMMITTEE = 3
    PROPERTY_COMPANY = 4
    USE_MAINTENANCE_FUND = 5
    RAISE_MAINTENANCE_FUND = 6
    REBUILD = 7
    COMMON_PARTS_USE = 8
    OTHER_MAJOR = 9

    @property
    def label(self) -> str:
        return _MATTER_LABELS[self]

    @property
    def needs_supermajority(self) -> bool:
        """Matters 6–8 need three quarters (V3)."""
        return self in _SUPERMAJORITY_MATTERS

    @property
    def approval_share(self) -> Fraction:
        return SUPERMAJORITY_SHARE if self.needs_supermajority else SIMPLE_MAJORITY_SHARE

    @property
    def approval_share_inclusive(self) -> bool:
        """≥ for three quarters (以上 includes the number); strictly > for more than half (过半数)."""
        return self.needs_supermajority


_MATTER_LABELS = {
    Matter.ASSEMBLY_RULES: "制定和修改业主大会议事规则",
    Matter.MANAGEMENT_COVENANT: "制定和修改管理规约",
    Matter.OWNERS_COMMITTEE: "选举业主委员会或者更换业主委员会成员",
    Matter.PROPERTY_COMPANY: "选聘和解聘物业服务企业或者其他管理人",
    Matter.USE_MAINTENANCE_FUND: "使用建筑物及其附属设施的维修资金",
    Matter.RAISE_MAINTENANCE_FUND: "筹集建筑物及其附属设施的维修资金",
    Matter.REBUILD: "改建、重建建筑物及其附属设施",
    Matter.COMMON_PARTS_USE: "改变共有部分的用途或者利用共有部分从事经营活动",
    Matter.OTHER_MAJOR: "有关共有和共同管理权利的其他重大事项",
}
_SUPERMAJORITY_MATTERS = frozenset({Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.COMMON_PARTS_USE})


class Choice(Enum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class VoteState(Enum):
    OPEN = "open"
    #: counted; the result is preliminary, open to objections (V8, ``domain.vote_objections``)
    CLOSED = "closed"
    FINAL = "final"


class Outcome(Enum):
    QUORUM_FAILED = "quorum_failed"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RosterUnit:
    """One exclusive unit in the register snapshot the vote is based on."""

    unit_id: str
    owner_key: str  # stable id of the buyer; ignored for developer stock
    area_dm2: int
    building_id: str
    is_developer_unsold: bool = False  # unsold, or sold but not yet delivered


@dataclass(frozen=True)
class VotingOwner:
    owner_key: str
    area_dm2: int
    unit_ids: tuple[str, ...]
    is_developer: bool


@dataclass(frozen=True)
class Electorate:
    """The voting owners of one vote, sorted by key; ``building_scope`` is the V6 scope or None."""

    owners: tuple[VotingOwner, ...]
    building_scope: frozenset[str] | None = None
    _by_key: dict[str, VotingOwner] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # an index so that checking each ballot's owner stays cheap in large compounds
        object.__setattr__(self, "_by_key", {owner.owner_key: owner for owner in self.owners})

    @property
    def owner_count(self) -> int:
        return len(self.owners)

    @property
    def total_area_dm2(self) -> int:
        return sum(owner.area_dm2 for owner in self.owners)

    def owner(self, owner_key: str) -> VotingOwner:
        """The voting owner with this key; anyone else is refused (V4, or V6 for a scoped vote)."""
        found = self._by_key.get(owner_key)
        if found is not None:
            return found
        if self.building_scope is None:
            raise FailedPrecondition(
                f"{owner_key!r} is not an owner in this compound's electorate", field="owner_key", rule="V4"
            )
        raise FailedPrecondition(
            f"{owner_key!r} owns no unit in the buildings this vote covers", field="owner_key", rule="V6"
        )


def build_electorate(units: Sequence[RosterUnit], *, building_ids: Iterable[str] | None = None) -> Electorate:
    """Group the snapshot's units into voting owners (V4), keeping only ``building_ids`` when given (V6)."""
    scope = None if building_ids is None else frozenset(building_ids)
    if scope is not None:
        if not scope:
            raise InvalidArgument("a scoped vote names at least one building", field="building_ids", rule="V6")
        known = {unit.building_id for unit in units}
        unknown = sorted(scope - known)
        if unknown:
            raise InvalidArgument(
                f"no units in building(s) {', '.join(unknown)}", field="building_ids", rule="V6"
            )
    seen_units: set[str] = set()
    grouped: dict[str, tuple[list[str], int]] = {}
    for unit in units:
        key = _voting_key(unit)
        if unit.unit_id in seen_units:
            raise InvalidArgument(f"unit {unit.unit_id} appears twice", field="unit_id", rule="V4")
        seen_units.add(unit.unit_id)
        if scope is not None and unit.building_id not in scope:
            continue
        unit_ids, area = grouped.get(key, ([], 0))
        unit_ids.append(unit.unit_id)
        grouped[key] = (unit_ids, area + unit.area_dm2)
    if not grouped:
        raise InvalidArgument("the electorate has no owners", field="units", rule="V4")
    owners = tuple(
        VotingOwner(
            owner_key=key,
            area_dm2=area,
            unit_ids=tuple(sorted(unit_ids)),
            is_developer=key == DEVELOPER_OWNER_KEY,
        )
        for key, (unit_ids, area) in sorted(grouped.items())
    )
    return Electorate(owners=owners, building_scope=scope)


def ballot_electorate(owner_units: Sequence[RosterUnit], *, building_ids: Iterable[str] | None = None) -> Electorate:
    """The electorate as one ballot needs it: the casting owner's units of the snapshot only, grouped as
    ``build_electorate`` groups them (V4) and kept to the vote's buildings (V6); no owner when none is in
    scope. The whole snapshot was checked when the vote opened, so a ballot need not read it again."""
    scope = None if building_ids is None else frozenset(building_ids)
    grouped: dict[str, tuple[list[str], int]] = {}
    for unit in owner_units:
        if scope is None or unit.building_id in scope:
            key = _voting_key(unit)
            unit_ids, area = grouped.get(key, ([], 0))
            grouped[key] = ([*unit_ids, unit.unit_id], area + unit.area_dm2)
    owners = tuple(
        VotingOwner(owner_key=key, area_dm2=area, unit_ids=tuple(sorted(unit_ids)), is_developer=key == DEVELOPER_OWNER_KEY)
        for key, (unit_ids, area) in sorted(grouped.items())
    )
    return Electorate(owners=owners, building_scope=scope)


def _voting_key(unit: RosterUnit) -> str:
    require_text(unit.unit_id, field="unit_id", rule="V4", max_length=64)
    require_text(unit.building_id, field="building_id", rule="V4", max_length=64)
    require_area(unit.area_dm2, rule="V4")
    if unit.is_developer_unsold:
        return DEVELOPER_OWNER_KEY
    key = require_text(unit.owner_key, field="owner_key", rule="V4", max_length=64)
    if key == DEVELOPER_OWNER_KEY:
        raise InvalidArgument(
            f"owner key {key!r} is reserved for the developer's unsold units", field="owner_key", rule="V4"
        )
    return key


@dataclass(frozen=True)
class Ballot:
    """One cast ballot; ``sequence`` orders the ballots of a vote, and an owner's last one counts (V7)."""

    sequence: int
    owner_key: str
    choice: Choice
    #: the registry person who cast it: the owner, or one of the co-owners, or the worker who entered it (A2)
    cast_by: str = ""
    #: the written authorisation of a paper or proxy ballot a community worker entered; "" when cast online
    authorisation_ref: str = ""

    @property
    def on_paper(self) -> bool:
        return bool(self.authorisation_ref)


@dataclass(frozen=True)
class VoteCount:
    owners: int
    area_dm2: int

    def __add__(self, other: VoteCount) -> VoteCount:
        return VoteCount(self.owners + other.owners, self.area_dm2 + other.area_dm2)

    def __sub__(self, other: VoteCount) -> VoteCount:
        return VoteCount(self.owners - other.owners, self.area_dm2 - other.area_dm2)


NO_VOTES = VoteCount(owners=0, area_dm2=0)


@dataclass(frozen=True)
class VoteResult:
    """The tally of a vote. ``yes``/``no``/``abstain``/``participating`` are real ballots only;
    ``added`` is what the follow-the-majority clause added to ``added_side`` (V5)."""

    matter: Matter
    passed: bool
    reason: Outcome
    building_scope: frozenset[str] | None
    electorate: VoteCount
    participating: VoteCount
    yes: VoteCount
    no: VoteCount
    abstain: VoteCount
    follow_majority: bool
    added_side: Choice | None
    added: VoteCount
    participating_area_share: Fraction  # real participants, for the quorum (V2)
    participating_owner_share: Fraction
    yes_area_share: Fraction  # over counted participants (real + added), for approval (V3)
    yes_owner_share: Fraction
    #: the owners (and their area) whose counting ballot is a paper or proxy ballot, listed apart (A2)
    on_paper: VoteCount = NO_VOTES

    @property
    def counted_yes(self) -> VoteCount:
        return self.yes + self.added if self.added_side is Choice.YES else self.yes

    @property
    def counted_participating(self) -> VoteCount:
        return self.participating + self.added


def effective_choices(electorate: Electorate, ballots: Iterable[Ballot]) -> dict[str, Choice]:
    """Each owner's last ballot by sequence (V7); ballots from outside the electorate are refused."""
    ordered = sorted(ballots, key=lambda ballot: ballot.sequence)
    choices: dict[str, Choice] = {}
    previous_sequence: int | None = None
    for ballot in ordered:
        if ballot.sequence == previous_sequence:
            raise InvalidArgument(f"two ballots share sequence {ballot.sequence}", field="sequence", rule="V7")
        previous_sequence = ballot.sequence
        electorate.owner(ballot.owner_key)
        choices[ballot.owner_key] = _parse_choice(ballot.choice)
    return choices


def tally(
    electorate: Electorate, matter: Matter, ballots: Iterable[Ballot], *, follow_majority: bool = False
) -> VoteResult:
    """Decide a vote from the electorate snapshot and the stored ballots alone (V2, V3, V5, V7)."""
    ballots = list(ballots)
    choices = effective_choices(electorate, ballots)
    counting_on_paper = {ballot.owner_key: ballot.on_paper for ballot in sorted(ballots, key=lambda b: b.sequence)}
    by_choice = {choice: NO_VOTES for choice in Choice}
    on_paper = NO_VOTES
    for owner in electorate.owners:
        choice = choices.get(owner.owner_key)
        if choice is not None:
            by_choice[choice] += VoteCount(1, owner.area_dm2)
            if counting_on_paper[owner.owner_key]:
                on_paper += VoteCount(1, owner.area_dm2)
    yes, no, abstain = by_choice[Choice.YES], by_choice[Choice.NO], by_choice[Choice.ABSTAIN]
    participating = yes + no + abstain
    whole = VoteCount(electorate.owner_count, electorate.total_area_dm2)
    participating_area_share = Fraction(participating.area_dm2, whole.area_dm2)
    participating_owner_share = Fraction(participating.owners, whole.owners)
    quorate = participating_area_share >= QUORUM_SHARE and participating_owner_share >= QUORUM_SHARE

    added_side = _majority_side(yes, no) if follow_majority and quorate else None
    added = whole - participating if added_side is not None else NO_VOTES
    counted_yes = yes + added if added_side is Choice.YES else yes
    counted_participating = participating + added
    yes_area_share = _share(counted_yes.area_dm2, counted_participating.area_dm2)
    yes_owner_share = _share(counted_yes.owners, counted_participating.owners)

    if not quorate:
        reason = Outcome.QUORUM_FAILED
    elif _meets(yes_area_share, matter) and _meets(yes_owner_share, matter):
        reason = Outcome.APPROVED
    else:
        reason = Outcome.REJECTED
    return VoteResult(
        matter=matter,
        passed=reason is Outcome.APPROVED,
        reason=reason,
        building_scope=electorate.building_scope,
        electorate=whole,
        participating=participating,
        yes=yes,
        no=no,
        abstain=abstain,
        follow_majority=follow_majority,
        added_side=added_side,
        added=added,
        participating_area_share=participating_area_share,
        participating_owner_share=participating_owner_share,
        yes_area_share=yes_area_share,
        yes_owner_share=yes_owner_share,
        on_paper=on_paper,
    )


def _majority_side(yes: VoteCount, no: VoteCount) -> Choice | None:
    """The side that leads in both owners and area, or None when the lead is split or tied (V5)."""
    if yes.owners > no.owners and yes.area_dm2 > no.area_dm2:
        return Choice.YES
    if no.owners > yes.owners and no.area_dm2 > yes.area_dm2:
        return Choice.NO
    return None


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def _meets(share: Fraction, matter: Matter) -> bool:
    if matter.approval_share_inclusive:
        return share >= matter.approval_share
    return share > matter.approval_share


def _parse_choice(value: object) -> Choice:
    return parse_choice(Choice, value, field="choice", rule="V7")


@dataclass
class Vote:
    """An owners' vote on one matter: open for ballots, then closed with its result frozen."""

    vote_id: str
    matter: Matter
    electorate: Electorate
    follow_majority: bool = False  # V5, a per-compound setting, off by default
    ballots: list[Ballot] = field(default_factory=list)
    state: VoteState = VoteState.OPEN
    result: VoteResult | None = None
    #: ballots stored but not loaded: casting one needs only their number, for its sequence
    ballots_before: int = 0
    #: V2 progress kept as ballots arrive: the owners (and their area) with a counting ballot so far
    turnout: VoteCount = NO_VOTES
    #: of the owners loaded, those with a ballot among the ``ballots_before``
    voted_before: frozenset[str] = frozenset()

    def cast(self, owner_key: str, choice: Choice | str, *, cast_by: str = "", authorisation_ref: str = "") -> Ballot:
        """Record an owner's ballot; a later ballot replaces the earlier one until the vote closes (V7)."""
        self._require_open("cast a ballot")
        owner = self.electorate.owner(owner_key)
        ballot = Ballot(sequence=self.ballots_before + len(self.ballots) + 1, owner_key=owner.owner_key, choice=_parse_choice(choice),
                        cast_by=cast_by, authorisation_ref=authorisation_ref)
        if not self.has_voted(owner.owner_key):  # a changed ballot moves no one into the turnout
            self.turnout += VoteCount(1, owner.area_dm2)
        self.ballots.append(ballot)
        return ballot

    def has_voted(self, owner_key: str) -> bool:
        return owner_key in self.voted_before or any(ballot.owner_key == owner_key for ballot in self.ballots)

    def choice_of(self, owner_key: str) -> Choice | None:
        """The owner's counting choice, or None before they vote (shown to that owner only, V7)."""
        self.electorate.owner(owner_key)
        return effective_choices(self.electorate, self.ballots).get(owner_key)

    def close(self) -> VoteResult:
        self._require_open("close the vote")
        self.result = tally(self.electorate, self.matter, self.ballots, follow_majority=self.follow_majority)
        self.state = VoteState.CLOSED
        return self.result

    def _require_open(self, action: str) -> None:
        if self.state is not VoteState.OPEN:
            raise FailedPrecondition(
                f"cannot {action}: vote {self.vote_id} is {self.state.value}",
                field="state",
                rule="V7",
                metadata={"state": self.state.value},
            )


@dataclass(frozen=True)
class VoteRecord:
    """A vote as kept and announced: where it is held, what it decides, the size of its electorate
    snapshot (V4) and, once closed, its tally."""

    vote_id: str
    compound_id: str
    jurisdiction_path: str
    matter: Matter
    title: str
    building_ids: tuple[str, ...]  # the V6 scope, sorted; empty for the whole compound
    follow_majority: bool
    state: VoteState
    electorate: VoteCount
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None
    result: VoteResult | None = None
    #: V8: objections are taken until then; set once closed
    objection_deadline: dt.datetime | None = None
    finalised_at: dt.datetime | None = None
    objections: tuple[Objection, ...] = ()
    #: an open vote: who has voted so far (V2), kept as ballots are cast; None once closed
    turnout: VoteCount | None = None
