"""Owners' committees (业委会) and temporary property management committees (物管会): rules O1–O4.

Lifecycle: ``form_committee`` → ``record_filing`` → ``re_elect`` (a new term) … → ``dissolve``.
Each function returns a new value and changes nothing it was given.

One active committee per compound, with one exception that O2 itself creates: an owners' committee
may be formed while a property management committee is still active, and that committee must then be
dissolved within 30 days after the owners' committee is filed (``check_pmc_dissolution``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import add_years, parse_choice, require_count, require_date, require_text
from wuye_registry.domain.places import require_code


class CommitteeKind(StrEnum):
    OWNERS_COMMITTEE = "owners_committee"  # 业主委员会
    PROPERTY_MANAGEMENT_COMMITTEE = "property_management_committee"  # 物业管理委员会(物管会)


class MemberRole(StrEnum):
    CHAIR = "chair"  # 主任
    VICE_CHAIR = "vice_chair"  # 副主任
    MEMBER = "member"  # 委员


class CommitteeStatus(StrEnum):
    ACTIVE = "active"
    DISSOLVED = "dissolved"


OWNERS_COMMITTEE_MIN_MEMBERS = 5
OWNERS_COMMITTEE_MAX_MEMBERS = 11
SMALL_COMPOUND_MEMBERS = 3
SMALL_COMPOUND_MAX_HOUSEHOLDS = 100  # "≤ 100 households": 以下 includes the number itself
PMC_MIN_MEMBERS = 7
PMC_MIN_OWNER_SHARE = Fraction(1, 2)  # "at least half": ≥ 1/2
TERM_LIMIT_YEARS = {CommitteeKind.OWNERS_COMMITTEE: 5, CommitteeKind.PROPERTY_MANAGEMENT_COMMITTEE: 3}
PMC_DISSOLUTION_DAYS = 30
RED_COMMITTEE_SHARE = Fraction(1, 2)  # O3: party members strictly more than this share
PARTY_SHARE_TARGET = Fraction(1, 2)  # O4: at least this share, else a warning


def _rule(kind: CommitteeKind) -> str:
    return "O1" if kind is CommitteeKind.OWNERS_COMMITTEE else "O2"


def _require_flag(value: object, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{field} must be true or false, got {value!r}", field=field, rule="boolean")
    return value


@dataclass(frozen=True)
class CommitteeMember:
    person_key: str
    role: MemberRole
    is_party_member: bool
    is_branch_secretary: bool  # secretary of the compound party branch
    is_community_two_committee_member: bool  # sits on the community "two committees" (交叉任职)
    is_owner: bool

    @classmethod
    def create(
        cls,
        *,
        person_key: str,
        role: str | MemberRole = MemberRole.MEMBER,
        is_party_member: bool = False,
        is_branch_secretary: bool = False,
        is_community_two_committee_member: bool = False,
        is_owner: bool = True,
    ) -> CommitteeMember:
        member = cls(
            person_key=require_text(person_key, field="person_key", max_length=64),
            role=parse_choice(MemberRole, role, field="role"),
            is_party_member=_require_flag(is_party_member, field="is_party_member"),
            is_branch_secretary=_require_flag(is_branch_secretary, field="is_branch_secretary"),
            is_community_two_committee_member=_require_flag(
                is_community_two_committee_member, field="is_community_two_committee_member"
            ),
            is_owner=_require_flag(is_owner, field="is_owner"),
        )
        if member.is_branch_secretary and not member.is_party_member:
            raise InvalidArgument(
                f"member {member.person_key} is a branch secretary, so must be a party member",
                field="is_party_member",
                rule="secretary_is_party_member",
            )
        return member


@dataclass(frozen=True)
class Term:
    """A term of office; ``end`` falls at the latest on the anniversary of ``start`` at the term limit.

    A 5-year term from 2024-03-01 may end on 2029-03-01 but not on 2029-03-02 (``check_term``).
    """

    start: date
    end: date


@dataclass(frozen=True)
class CommitteeWarning:
    """A rule that advises but does not block (O4)."""

    rule: str
    field: str
    message: str


@dataclass(frozen=True)
class Committee:
    """One committee of a compound in its current term; ``form_committee`` guarantees exactly one chair."""

    key: str
    compound_code: str
    kind: CommitteeKind
    members: tuple[CommitteeMember, ...]
    term: Term
    term_number: int = 1
    status: CommitteeStatus = CommitteeStatus.ACTIVE
    filed_on: date | None = None  # filing (备案) with the street office for the current term
    dissolved_on: date | None = None

    @property
    def is_active(self) -> bool:
        return self.status is CommitteeStatus.ACTIVE

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def chair(self) -> CommitteeMember:
        return next(member for member in self.members if member.role is MemberRole.CHAIR)

    @property
    def party_member_count(self) -> int:
        return sum(member.is_party_member for member in self.members)

    @property
    def party_member_share(self) -> Fraction:
        return Fraction(self.party_member_count, self.size)

    @property
    def is_red(self) -> bool:
        """O3: an owners' committee whose party members are strictly more than half of its members."""
        return self.kind is CommitteeKind.OWNERS_COMMITTEE and self.party_member_share > RED_COMMITTEE_SHARE

    @property
    def is_dual_role(self) -> bool:
        """一肩挑: the chair is also the compound party branch secretary."""
        return self.chair.is_branch_secretary

    @property
    def two_committee_member_count(self) -> int:
        return sum(member.is_community_two_committee_member for member in self.members)

    @property
    def owner_count(self) -> int:
        return sum(member.is_owner for member in self.members)


@dataclass(frozen=True)
class Formation:
    """A committee as formed or re-elected, with the advisory warnings the caller should show."""

    committee: Committee
    warnings: tuple[CommitteeWarning, ...]


@dataclass(frozen=True)
class PmcDissolutionCheck:
    deadline: date
    overdue: bool  # still active after the deadline, or dissolved later than it


def check_members(kind: CommitteeKind, members: Sequence[CommitteeMember], *, household_count: int) -> None:
    """Composition rules: unique people, one chair, then O1 (owners' committee) or O2 (PMC)."""
    require_count(household_count, field="household_count")
    if not all(isinstance(member, CommitteeMember) for member in members):
        raise InvalidArgument("members must be CommitteeMember values", field="members", rule="member_type")
    persons = [member.person_key for member in members]
    duplicates = sorted({person for person in persons if persons.count(person) > 1})
    if duplicates:
        raise InvalidArgument(
            f"a person sits on the committee only once; repeated: {', '.join(duplicates)}",
            field="members",
            rule="unique_member",
        )
    chairs = sum(member.role is MemberRole.CHAIR for member in members)
    if chairs != 1:
        raise InvalidArgument(f"a committee has exactly one chair, got {chairs}", field="members", rule="one_chair")
    if kind is CommitteeKind.OWNERS_COMMITTEE:
        _check_owners_committee_members(members, household_count)
    else:
        _check_pmc_members(members)


def _check_owners_committee_members(members: Sequence[CommitteeMember], household_count: int) -> None:
    size = len(members)
    non_owners = [member.person_key for member in members if not member.is_owner]
    if non_owners:
        # members of an owners' committee are elected from among the owners
        raise InvalidArgument(
            f"owners' committee members must be owners; not owners: {', '.join(non_owners)}",
            field="members",
            rule="O1",
            metadata={"constraint": "members_are_owners"},
        )
    small_compound = household_count <= SMALL_COMPOUND_MAX_HOUSEHOLDS
    if size == SMALL_COMPOUND_MEMBERS and not small_compound:
        raise InvalidArgument(
            f"3 members are allowed only where the compound has at most {SMALL_COMPOUND_MAX_HOUSEHOLDS} "
            f"households; this one has {household_count}",
            field="members",
            rule="O1",
            metadata={"constraint": "size"},
        )
    if size != SMALL_COMPOUND_MEMBERS and not OWNERS_COMMITTEE_MIN_MEMBERS <= size <= OWNERS_COMMITTEE_MAX_MEMBERS:
        raise InvalidArgument(
            f"an owners' committee has {OWNERS_COMMITTEE_MIN_MEMBERS}–{OWNERS_COMMITTEE_MAX_MEMBERS} members"
            f"{' (or 3 in a compound of at most 100 households)' if small_compound else ''}, got {size}",
            field="members",
            rule="O1",
            metadata={"constraint": "size"},
        )
    if size % 2 == 0:
        raise InvalidArgument(
            f"an owners' committee has an odd number of members, got {size}",
            field="members",
            rule="O1",
            metadata={"constraint": "odd"},
        )


def _check_pmc_members(members: Sequence[CommitteeMember]) -> None:
    size = len(members)
    if size < PMC_MIN_MEMBERS:
        raise InvalidArgument(
            f"a property management committee has at least {PMC_MIN_MEMBERS} members, got {size}",
            field="members",
            rule="O2",
            metadata={"constraint": "size"},
        )
    owners = sum(member.is_owner for member in members)
    if Fraction(owners, size) < PMC_MIN_OWNER_SHARE:
        raise InvalidArgument(
            f"at least half of a property management committee are owners; {owners} of {size} are",
            field="members",
            rule="O2",
            metadata={"constraint": "owner_share"},
        )
    if size % 2 == 0:
        raise InvalidArgument(
            f"a property management committee has an odd number of members, got {size}",
            field="members",
            rule="O2",
            metadata={"constraint": "odd"},
        )


def check_term(kind: CommitteeKind, start: date, end: date) -> Term:
    """A term ends after it starts and at most on the anniversary 5 (O1) or 3 (O2) years on."""
    require_date(start, field="term_start")
    require_date(end, field="term_end")
    if end <= start:
        raise InvalidArgument(f"term_end {end} must be after term_start {start}", field="term_end", rule="term_order")
    limit = TERM_LIMIT_YEARS[kind]
    latest_end = add_years(start, limit)
    if end > latest_end:
        raise InvalidArgument(
            f"a term lasts at most {limit} years: from {start} it ends on {latest_end} at the latest, not {end}",
            field="term_end",
            rule=_rule(kind),
            metadata={"constraint": "term_length"},
        )
    return Term(start=start, end=end)


def party_share_warnings(members: Sequence[CommitteeMember]) -> tuple[CommitteeWarning, ...]:
    """O4: a warning when party members are below half of the members (exactly half is enough)."""
    party_members = sum(member.is_party_member for member in members)
    if Fraction(party_members, len(members)) >= PARTY_SHARE_TARGET:
        return ()
    return (
        CommitteeWarning(
            rule="O4",
            field="members",
            message=f"party members are {party_members} of {len(members)}, below the 50 % target",
        ),
    )


def form_committee(
    *,
    key: str,
    compound_code: str,
    kind: str | CommitteeKind,
    members: Sequence[CommitteeMember],
    term_start: date,
    term_end: date,
    household_count: int,
    active_committees: Sequence[Committee] = (),
) -> Formation:
    """Form a committee. ``active_committees`` are the compound's committees in office today."""
    committee_kind = parse_choice(CommitteeKind, kind, field="kind")
    code = require_code(compound_code, field="compound_code")
    committee_key = require_text(key, field="key", max_length=64)
    check_members(committee_kind, members, household_count=household_count)
    term = check_term(committee_kind, term_start, term_end)
    for existing in active_committees:
        if existing.compound_code != code or not existing.is_active:
            continue
        if existing.kind is committee_kind:
            raise FailedPrecondition(
                f"compound {code} already has an active {committee_kind.value.replace('_', ' ')}: {existing.key}",
                field="compound_code",
                rule="one_active_committee",
                metadata={"existing_committee": existing.key},
            )
        if committee_kind is CommitteeKind.PROPERTY_MANAGEMENT_COMMITTEE:
            raise FailedPrecondition(
                f"a property management committee is formed only where there is no owners' committee; "
                f"compound {code} has {existing.key}",
                field="compound_code",
                rule="O2",
                metadata={"existing_committee": existing.key},
            )
    committee = Committee(
        key=committee_key, compound_code=code, kind=committee_kind, members=tuple(members), term=term
    )
    return Formation(committee=committee, warnings=party_share_warnings(members))


def _require_active(committee: Committee) -> None:
    if not committee.is_active:
        raise FailedPrecondition(
            f"committee {committee.key} was dissolved on {committee.dissolved_on}",
            field="status",
            rule="committee_lifecycle",
        )


def re_elect(
    committee: Committee,
    *,
    members: Sequence[CommitteeMember],
    term_start: date,
    term_end: date,
    household_count: int,
) -> Formation:
    """Start the next term (换届) with a newly elected membership; the new term needs filing again."""
    _require_active(committee)
    check_members(committee.kind, members, household_count=household_count)
    term = check_term(committee.kind, term_start, term_end)
    if term.start <= committee.term.start:
        raise InvalidArgument(
            f"the new term must start after the current one ({committee.term.start}), got {term.start}",
            field="term_start",
            rule="term_order",
        )
    successor = replace(
        committee, members=tuple(members), term=term, term_number=committee.term_number + 1, filed_on=None
    )
    return Formation(committee=successor, warnings=party_share_warnings(members))


def record_filing(committee: Committee, *, filed_on: date) -> Committee:
    """Record that the current term was filed (备案) with the street office."""
    _require_active(committee)
    require_date(filed_on, field="filed_on")
    if committee.filed_on is not None:
        raise FailedPrecondition(
            f"committee {committee.key} term {committee.term_number} was already filed on {committee.filed_on}",
            field="filed_on",
            rule="committee_lifecycle",
        )
    if filed_on < committee.term.start:
        raise InvalidArgument(
            f"filed_on {filed_on} is before the term starts ({committee.term.start})",
            field="filed_on",
            rule="term_order",
        )
    return replace(committee, filed_on=filed_on)


def dissolve(committee: Committee, *, on: date) -> Committee:
    _require_active(committee)
    require_date(on, field="dissolved_on")
    if on < committee.term.start:
        raise InvalidArgument(
            f"dissolved_on {on} is before the term starts ({committee.term.start})",
            field="dissolved_on",
            rule="term_order",
        )
    return replace(committee, status=CommitteeStatus.DISSOLVED, dissolved_on=on)


def pmc_dissolution_deadline(owners_committee_filed_on: date) -> date:
    """O2: the last day on which the property management committee may still be dissolved in time."""
    return require_date(owners_committee_filed_on, field="filed_on") + timedelta(days=PMC_DISSOLUTION_DAYS)


def overdue_if_filed_before(as_of: date) -> date:
    """O2: a property management committee still in office on ``as_of`` is overdue when the owners'
    committee was filed before this day (its deadline, filing + 30 days, has then passed)."""
    return require_date(as_of, field="as_of") - timedelta(days=PMC_DISSOLUTION_DAYS)


def check_pmc_dissolution(pmc: Committee, *, owners_committee: Committee, as_of: date) -> PmcDissolutionCheck:
    """O2: is the PMC dissolved within 30 days after the compound's owners' committee was filed?"""
    if pmc.kind is not CommitteeKind.PROPERTY_MANAGEMENT_COMMITTEE:
        raise InvalidArgument(f"{pmc.key} is not a property management committee", field="kind", rule="O2")
    if owners_committee.kind is not CommitteeKind.OWNERS_COMMITTEE:
        raise InvalidArgument(f"{owners_committee.key} is not an owners' committee", field="kind", rule="O2")
    if owners_committee.compound_code != pmc.compound_code:
        raise InvalidArgument(
            f"{pmc.key} and {owners_committee.key} belong to different compounds", field="compound_code", rule="O2"
        )
    if owners_committee.filed_on is None:
        raise FailedPrecondition(
            f"owners' committee {owners_committee.key} has not been filed yet", field="filed_on", rule="O2"
        )
    require_date(as_of, field="as_of")
    deadline = pmc_dissolution_deadline(owners_committee.filed_on)
    if pmc.dissolved_on is not None:
        return PmcDissolutionCheck(deadline=deadline, overdue=pmc.dissolved_on > deadline)
    return PmcDissolutionCheck(deadline=deadline, overdue=as_of > deadline)
