"""Housing special maintenance fund (住宅专项维修资金), rules F1 and F3–F8.

Money is integer fen; area is integer dm² (0.01 m²); ratios are exact.

- F1 first deposit = rate (fen per m², set by the city/county at 5 %–8 % of the local construction cost
  per m²) × exclusive area. The exact product is rounded to the fen half up (四舍五入), once per household.
- F3 a household whose balance is strictly below 30 % of its first deposit gets a replenishment (续筹)
  notice; exactly 30 % is not below.
- F8 on sale the sub-account and its whole balance pass with the home to the buyer (no money leaves the
  fund); on demolition the whole balance is refunded to the owner and the sub-account is closed, after which
  it takes no deposit, charge or transfer.
- F4/F8 charges and interest are split with ``wuye_chassis.money.allocate`` over households sorted by
  id, so the shares add up exactly and the remainder fen go to the same households whatever the input order.
- F5/F6 ``UseApplication`` is the state machine of one use of the fund (see its docstring).
- F7 boundaries follow the ≥ wording (以上 includes the number): an actual cost of exactly 110 % of the
  approved budget already needs a new application, and works of exactly ¥30,000 already need a
  settlement audit. "Works" is read as the larger of the approved budget and the actual cost, so the
  audit requirement is known from the budget before works start and cannot be avoided by a low budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from wuye_chassis.money import Fen, allocate, require_fen
from wuye_chassis.validation import parse_choice, require_text, require_whole
from wuye_funds.domain.arithmetic import per_m2_times_area, require_area
from wuye_funds.domain.voting import Matter, RosterUnit, VoteResult

DEPOSIT_RATE_MIN_SHARE = Fraction(5, 100)
DEPOSIT_RATE_MAX_SHARE = Fraction(8, 100)
REPLENISHMENT_SHARE = Fraction(30, 100)
OVERRUN_SHARE = Fraction(110, 100)  # actual ≥ 110 % of the approved budget
SETTLEMENT_AUDIT_FEN = 3_000_000  # ¥30,000


# F1 ----------------------------------------------------------------------------------------------


def first_deposit_fen(rate_fen_per_m2: int, area_dm2: int) -> Fen:
    """F1: the first deposit of one household, rounded half up to the fen."""
    rate = require_fen(rate_fen_per_m2, field="rate_fen_per_m2", rule="F1")
    area = require_area(area_dm2, rule="F1")
    return per_m2_times_area(rate, area)


def require_rate_in_band(rate_fen_per_m2: int, construction_cost_fen_per_m2: int) -> int:
    """F1: the rate must lie within 5 %–8 % (both included) of the local construction cost per m²."""
    rate = require_fen(rate_fen_per_m2, field="rate_fen_per_m2", rule="F1")
    cost = require_fen(construction_cost_fen_per_m2, field="construction_cost_fen_per_m2", rule="F1")
    if not DEPOSIT_RATE_MIN_SHARE <= Fraction(rate, cost) <= DEPOSIT_RATE_MAX_SHARE:
        raise InvalidArgument(
            f"deposit rate {rate} fen/m² is outside 5 %–8 % of the construction cost {cost} fen/m²",
            field="rate_fen_per_m2",
            rule="F1",
        )
    return rate


# F3 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubAccount:
    """One household's sub-account (分户账)."""

    household_id: str
    area_dm2: int
    first_deposit_fen: Fen
    balance_fen: Fen


def needs_replenishment(balance_fen: Fen, first_deposit_fen: Fen) -> bool:
    """F3: strictly below 30 % of the first deposit."""
    balance = require_whole(balance_fen, field="balance_fen", rule="F3", minimum=0)
    first = require_fen(first_deposit_fen, field="first_deposit_fen", rule="F3")
    return Fraction(balance, first) < REPLENISHMENT_SHARE


def replenishment_due(sub_accounts: Iterable[SubAccount]) -> list[str]:
    """F3: the households that get a replenishment notice, sorted by id."""
    return sorted(
        account.household_id
        for account in sub_accounts
        if needs_replenishment(account.balance_fen, account.first_deposit_fen)
    )


# F4, F8 ------------------------------------------------------------------------------------------


def charge_by_area(amount_fen: Fen, areas_dm2: Mapping[str, int]) -> dict[str, Fen]:
    """F4: split a spending over the benefiting households in proportion to their exclusive area."""
    amount = require_fen(amount_fen, field="amount_fen", rule="F4")
    if not areas_dm2:
        raise InvalidArgument("a charge needs at least one benefiting household", field="households", rule="F4")
    for area in areas_dm2.values():
        require_area(area, rule="F4")
    return _split(amount, areas_dm2)


def allocate_interest(interest_fen: Fen, balances_fen: Mapping[str, Fen]) -> dict[str, Fen]:
    """F8: allocate interest or gains to sub-accounts pro rata to their balances."""
    interest = require_fen(interest_fen, field="interest_fen", rule="F8")
    for balance in balances_fen.values():
        require_whole(balance, field="balance_fen", rule="F8", minimum=0)
    if sum(balances_fen.values()) == 0:
        raise InvalidArgument("interest needs at least one sub-account with a balance", field="balances", rule="F8")
    return _split(interest, balances_fen)


def require_open(household_id: str, *, closed: bool) -> None:
    """F8: a sub-account closed on demolition takes no further movement."""
    if closed:
        raise FailedPrecondition(
            f"household {household_id}'s sub-account was closed when the home was demolished",
            field="household_id",
            rule="F8",
        )


def whole_balance_passing(household_id: str, balance_fen: Fen, *, closed: bool) -> Fen:
    """F8: the amount that moves on a sale (to the buyer, with the home) or a demolition (refunded to the
    owner): always the whole balance, never part of it, and only from an open sub-account."""
    require_open(household_id, closed=closed)
    return require_whole(balance_fen, field="balance_fen", rule="F8", minimum=0)


def registered_owner(household_id: str, roster: Sequence[RosterUnit], *, sent: str, field: str, sale: bool) -> str:
    """A4 on F8: who the balance passes to is the registry's owner of the home, never the caller's word.

    A sale is recorded in the registry first, so the buyer named must already be the registered owner; a
    demolition refund goes to the registered owner (named or not). Developer stock has no owner to pay.
    """
    unit = next((unit for unit in roster if unit.unit_id == household_id), None)
    if unit is None:
        raise NotFound(f"household {household_id} is not an exclusive unit of this compound in the registry",
                       field="household_id", rule="A4")
    if unit.is_developer_unsold:
        raise FailedPrecondition(
            f"household {household_id} is the developer's unsold stock in the registry; record its buyer there first",
            field="household_id", rule="A4",
        )
    named = sent.strip()
    if sale and not named:
        raise InvalidArgument("the buyer is needed, as the registry's owner key", field=field, rule="F8")
    if named and named != unit.owner_key:
        raise InvalidArgument(
            f"{'the buyer' if sale else 'the owner'} named is not the registered owner of household {household_id}"
            + ("; record the sale in the registry first" if sale else ""),
            field=field, rule="A4",
        )
    return unit.owner_key


def _split(amount: Fen, weights: Mapping[str, int]) -> dict[str, Fen]:
    # sorted by household id so that the remainder fen land on the same households in any input order
    ids = sorted(weights)
    return dict(zip(ids, allocate(amount, [weights[household] for household in ids])))


# F6 ----------------------------------------------------------------------------------------------


class EmergencyCategory(Enum):
    """F6 emergency situations; the Hangzhou list is the default set."""

    LIFT_FAILURE = "lift_failure"
    FIRE_EQUIPMENT_DAMAGE = "fire_equipment_damage"
    FACADE_FALLING_RISK = "facade_falling_risk"
    COLLAPSED_WALL_OR_ROAD = "collapsed_wall_or_road"
    ROOF_OR_WALL_LEAK = "roof_or_wall_leak"
    DRAIN_BLOCKAGE = "drain_blockage"

    @property
    def label(self) -> str:
        return _EMERGENCY_LABELS[self]


_EMERGENCY_LABELS = {
    EmergencyCategory.LIFT_FAILURE: "电梯故障严重",
    EmergencyCategory.FIRE_EQUIPMENT_DAMAGE: "消防设施严重损坏",
    EmergencyCategory.FACADE_FALLING_RISK: "外墙墙面有脱落危险",
    EmergencyCategory.COLLAPSED_WALL_OR_ROAD: "围墙或道路塌陷",
    EmergencyCategory.ROOF_OR_WALL_LEAK: "屋面、外墙渗漏",
    EmergencyCategory.DRAIN_BLOCKAGE: "排水设施严重堵塞",
}

HANGZHOU_EMERGENCY_CATEGORIES = frozenset(EmergencyCategory)


# F7 ----------------------------------------------------------------------------------------------


def needs_new_application(approved_budget_fen: Fen, actual_cost_fen: Fen) -> bool:
    """F7: the actual cost is ≥ 110 % of the approved budget."""
    budget = require_fen(approved_budget_fen, field="approved_budget_fen", rule="F7")
    actual = require_fen(actual_cost_fen, field="actual_cost_fen", rule="F7")
    return Fraction(actual, budget) >= OVERRUN_SHARE


def needs_settlement_audit(approved_budget_fen: Fen, actual_cost_fen: Fen) -> bool:
    """F7: works of ¥30,000 or more (budget or actual, whichever is larger) need a settlement audit."""
    budget = require_fen(approved_budget_fen, field="approved_budget_fen", rule="F7")
    actual = require_fen(actual_cost_fen, field="actual_cost_fen", rule="F7")
    return max(budget, actual) >= SETTLEMENT_AUDIT_FEN


# F5 ----------------------------------------------------------------------------------------------


class UseState(Enum):
    DRAFT = "draft"
    VOTING = "voting"
    APPROVED = "approved"
    REJECTED = "rejected"
    WORKS = "works"
    PAYMENT_REQUESTED = "payment_requested"
    PAID = "paid"
    COMPLETED = "completed"


class PaymentApprover(Enum):
    HOUSING_AUTHORITY = "housing_authority"
    OWNERS_COMMITTEE = "owners_committee"


@dataclass
class UseApplication:
    """One use of the fund (F5), or an emergency use (F6) when ``emergency`` is set.

    Normal:    draft → voting → approved | rejected; approved → works → payment_requested → paid → completed.
    Emergency: draft → (committee review, then street confirmation) → approved → works → … → completed;
               no vote, and it cannot complete until the use has been disclosed.
    """

    application_id: str
    plan: str
    budget_fen: Fen
    building_ids: frozenset[str] | None = None  # the benefiting buildings (V6), None for the whole compound
    emergency: EmergencyCategory | None = None
    state: UseState = UseState.DRAFT
    vote_result: VoteResult | None = None
    committee_review: str | None = None
    street_confirmation: str | None = None
    actual_cost_fen: Fen | None = None
    settlement_audit: str | None = None
    payment_approved_by: PaymentApprover | None = None
    disclosure: str | None = None
    #: the registry people who asked for the payment and who paid it: never the same one (A3)
    payment_requested_by: str | None = None
    paid_by: str | None = None

    @classmethod
    def draft(
        cls,
        application_id: str,
        *,
        plan: str,
        budget_fen: Fen,
        building_ids: Iterable[str] | None = None,
        emergency: EmergencyCategory | None = None,
        emergency_categories: frozenset[EmergencyCategory] = HANGZHOU_EMERGENCY_CATEGORIES,
    ) -> UseApplication:
        """A new application; ``emergency_categories`` is the city setting (Hangzhou list by default)."""
        if emergency is not None and emergency not in emergency_categories:
            raise InvalidArgument(
                f"{emergency.value} is not an emergency under this city's list", field="emergency", rule="F6"
            )
        scope = None if building_ids is None else frozenset(building_ids)
        if scope is not None and not scope:
            raise InvalidArgument("a scoped use names at least one building", field="building_ids", rule="V6")
        return cls(
            application_id=require_text(application_id, field="application_id", rule="F5", max_length=64),
            plan=require_text(plan, field="plan", rule="F5", max_length=2000),
            budget_fen=require_fen(budget_fen, field="budget_fen", rule="F5"),
            building_ids=scope,
            emergency=emergency,
        )

    def open_vote(self) -> None:
        if self.emergency is not None:
            raise FailedPrecondition(
                "an emergency use is not put to a vote; it needs committee review and street confirmation",
                field="emergency",
                rule="F6",
            )
        self._move(UseState.DRAFT, UseState.VOTING)

    def record_vote(self, result: VoteResult) -> None:
        """Apply the closed vote's result: approved only by a passed matter-5 vote of the same scope."""
        self._require_state(UseState.VOTING)
        if result.matter is not Matter.USE_MAINTENANCE_FUND:
            raise InvalidArgument(
                f"a use of the fund is decided by matter 5, not matter {result.matter.value}", field="matter", rule="F5"
            )
        if result.building_scope != self.building_ids:
            raise InvalidArgument(
                "the vote's electorate does not cover the buildings this use benefits",
                field="building_scope",
                rule="V6",
            )
        self.vote_result = result
        self._move(UseState.VOTING, UseState.APPROVED if result.passed else UseState.REJECTED)

    def record_committee_review(self, reference: str) -> None:
        """F6: the owners' committee (or property management committee) has reviewed the emergency."""
        self._require_emergency()
        self._require_state(UseState.DRAFT)
        self.committee_review = require_text(reference, field="committee_review", rule="F6")

    def record_street_confirmation(self, reference: str) -> None:
        """F6: the street confirms after the committee review; the emergency use is then approved."""
        self._require_emergency()
        self._require_state(UseState.DRAFT)
        if self.committee_review is None:
            raise FailedPrecondition(
                "the street confirms an emergency use only after the committee has reviewed it",
                field="committee_review",
                rule="F6",
            )
        self.street_confirmation = require_text(reference, field="street_confirmation", rule="F6")
        self._move(UseState.DRAFT, UseState.APPROVED)

    def start_works(self) -> None:
        self._move(UseState.APPROVED, UseState.WORKS)

    def request_payment(
        self, actual_cost_fen: Fen, *, settlement_audit: str | None = None, requested_by: str | None = None
    ) -> None:
        """F7: an overrun of 10 % or more needs a new application; works of ¥30,000 or more an audit."""
        self._require_state(UseState.WORKS)
        if needs_new_application(self.budget_fen, actual_cost_fen):
            raise FailedPrecondition(
                f"actual cost {actual_cost_fen} fen is 110 % or more of the approved {self.budget_fen} fen;"
                " a new application is needed",
                field="actual_cost_fen",
                rule="F7",
            )
        if needs_settlement_audit(self.budget_fen, actual_cost_fen) and not (settlement_audit or "").strip():
            raise FailedPrecondition(
                "works of ¥30,000 or more need a settlement audit before payment", field="settlement_audit", rule="F7"
            )
        self.actual_cost_fen = actual_cost_fen
        self.settlement_audit = settlement_audit.strip() if settlement_audit else None
        self.payment_requested_by = requested_by
        self._move(UseState.WORKS, UseState.PAYMENT_REQUESTED)

    def pay(self, approved_by: PaymentApprover | str, *, paid_by: str | None = None) -> Fen:
        """Record the payment approved by the housing authority or the committee; returns the amount. Whoever
        asked for the payment does not pay it (four eyes, A3)."""
        self._require_state(UseState.PAYMENT_REQUESTED)
        if paid_by is not None and paid_by == self.payment_requested_by:
            raise PermissionDenied("whoever asked for a payment does not approve and pay it as well",
                                   field="application_id", rule="A3")
        if self.emergency is None and (self.vote_result is None or not self.vote_result.passed):
            raise FailedPrecondition("no payment without a passed owners' vote", field="vote_result", rule="F5")
        if self.emergency is not None and (self.committee_review is None or self.street_confirmation is None):
            raise FailedPrecondition(
                "no emergency payment without committee review and street confirmation", field="emergency", rule="F6"
            )
        if self.actual_cost_fen is None:
            raise FailedPrecondition("the payment request carries no actual cost", field="actual_cost_fen", rule="F5")
        self.payment_approved_by = parse_choice(PaymentApprover, approved_by, field="approved_by", rule="F5")
        self.paid_by = paid_by
        self._move(UseState.PAYMENT_REQUESTED, UseState.PAID)
        return self.actual_cost_fen

    def complete(self, *, disclosure: str | None = None) -> None:
        """Close the application; an emergency use must have been disclosed afterwards (F6)."""
        self._require_state(UseState.PAID)
        if self.emergency is not None and not (disclosure or "").strip():
            raise FailedPrecondition(
                "an emergency use is completed only once it has been disclosed", field="disclosure", rule="F6"
            )
        self.disclosure = disclosure.strip() if disclosure else None
        self._move(UseState.PAID, UseState.COMPLETED)

    def _require_emergency(self) -> None:
        if self.emergency is None:
            raise FailedPrecondition(
                "only an emergency use is reviewed by the committee and confirmed by the street instead of a vote",
                field="emergency",
                rule="F6",
            )

    def _require_state(self, expected: UseState) -> None:
        if self.state is not expected:
            raise FailedPrecondition(
                f"application {self.application_id} is {self.state.value}; this step needs {expected.value}",
                field="state",
                rule="F5",
                metadata={"state": self.state.value, "expected": expected.value},
            )

    def _move(self, expected: UseState, target: UseState) -> None:
        self._require_state(expected)
        self.state = target


@dataclass(frozen=True)
class PlacedApplication:
    """A use application with where it belongs and the vote that decides it (a normal use, once put to
    the owners), as kept and announced."""

    application: UseApplication
    compound_id: str
    jurisdiction_path: str
    vote_id: str | None = None
