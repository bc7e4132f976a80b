"""Committee accounts, community review (业账社审, P2; Anxi practice, seed 001).

Every owners'-committee expense passes an ordered chain of reviewers before it is paid: by default the
community party organisation, then the residents' committee (the chain is a setting). Each step is
decided by a person holding that step's reviewer post in the compound's community (A3); a rejection needs
a reason, an approval does not; nobody may review out of turn, the submitter decides no step and one person
decides at most one (four eyes, A3); a rejection ends the review (a corrected expense is submitted anew),
and payment comes only after the last reviewer has approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_chassis.money import Fen, require_fen
from wuye_chassis.validation import require_text

COMMUNITY_PARTY_BRANCH = "community_party_branch"
RESIDENTS_COMMITTEE = "residents_committee"
DEFAULT_REVIEW_CHAIN = (COMMUNITY_PARTY_BRANCH, RESIDENTS_COMMITTEE)
MAX_REASON_LENGTH = 2000
#: the registry post (A1) whose holder decides each step
STEP_POSTS = {COMMUNITY_PARTY_BRANCH: "party_branch_reviewer", RESIDENTS_COMMITTEE: "residents_committee_reviewer"}


class ReviewState(Enum):
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


@dataclass(frozen=True)
class ReviewDecision:
    step: int  # 1-based position in the chain
    reviewer: str
    approved: bool
    reason: str
    #: the registry person who decided it
    decided_by: str = ""


@dataclass
class CommitteeExpense:
    expense_id: str
    amount_fen: Fen
    purpose: str
    chain: tuple[str, ...] = DEFAULT_REVIEW_CHAIN
    decisions: list[ReviewDecision] = field(default_factory=list)
    state: ReviewState = ReviewState.IN_REVIEW
    #: the registry person who submitted it (never one of its reviewers, A3)
    submitted_by: str = ""

    @classmethod
    def submit(
        cls, expense_id: str, *, amount_fen: Fen, purpose: str, chain: Sequence[str] = DEFAULT_REVIEW_CHAIN,
        submitted_by: str = "",
    ) -> CommitteeExpense:
        reviewers = tuple(require_text(reviewer, field="chain", rule="P2", max_length=64) for reviewer in chain)
        if not reviewers:
            raise InvalidArgument("the review chain names at least one reviewer", field="chain", rule="P2")
        if len(set(reviewers)) != len(reviewers):
            raise InvalidArgument("a reviewer appears twice in the review chain", field="chain", rule="P2")
        return cls(
            expense_id=require_text(expense_id, field="expense_id", rule="P2", max_length=64),
            amount_fen=require_fen(amount_fen, field="amount_fen", rule="P2"),
            purpose=require_text(purpose, field="purpose", rule="P2", max_length=2000),
            chain=reviewers,
            submitted_by=submitted_by,
        )

    @property
    def expected_reviewer(self) -> str | None:
        """Whose turn it is, or None once the review has ended."""
        if self.state is not ReviewState.IN_REVIEW:
            return None
        return self.chain[len(self.decisions)]

    def approve(self, reviewer: str, reason: str = "", *, decided_by: str = "") -> ReviewDecision:
        return self._decide(reviewer, reason, approved=True, decided_by=decided_by)

    def reject(self, reviewer: str, reason: str, *, decided_by: str = "") -> ReviewDecision:
        return self._decide(reviewer, reason, approved=False, decided_by=decided_by)

    def pay(self) -> Fen:
        """Release the payment; only after the last reviewer in the chain has approved."""
        if self.state is not ReviewState.APPROVED:
            waiting = f", waiting for {self.expected_reviewer}" if self.expected_reviewer else ""
            raise FailedPrecondition(
                f"expense {self.expense_id} is {self.state.value}{waiting};"
                " it is paid only after every review approves",
                field="state",
                rule="P2",
                metadata={"state": self.state.value},
            )
        self.state = ReviewState.PAID
        return self.amount_fen

    def _decide(self, reviewer: str, reason: str, *, approved: bool, decided_by: str) -> ReviewDecision:
        expected = self.expected_reviewer
        if expected is None:
            raise FailedPrecondition(
                f"the review of expense {self.expense_id} has ended ({self.state.value})",
                field="state",
                rule="P2",
                metadata={"state": self.state.value},
            )
        if reviewer != expected:
            raise FailedPrecondition(
                f"it is {expected}'s turn to review expense {self.expense_id}, not {reviewer}'s",
                field="reviewer",
                rule="P2",
                metadata={"expected_reviewer": expected},
            )
        if decided_by and decided_by == self.submitted_by:
            raise PermissionDenied("whoever submitted an expense decides none of its review steps",
                                   field="expense_id", rule="A3")
        if decided_by and decided_by in {decision.decided_by for decision in self.decisions}:
            raise PermissionDenied("one person decides at most one review step of an expense",
                                   field="expense_id", rule="A3")
        if approved:
            text = reason.strip()
            if len(text) > MAX_REASON_LENGTH:
                raise InvalidArgument(f"reason must be at most {MAX_REASON_LENGTH} characters", field="reason",
                                      rule="P2")
        else:  # a rejection says why; an approval need not (A3)
            text = require_text(reason, field="reason", rule="A3", max_length=MAX_REASON_LENGTH)
        decision = ReviewDecision(
            step=len(self.decisions) + 1, reviewer=reviewer, approved=approved, reason=text, decided_by=decided_by,
        )
        self.decisions.append(decision)
        if not approved:
            self.state = ReviewState.REJECTED
        elif len(self.decisions) == len(self.chain):
            self.state = ReviewState.APPROVED
        return decision


@dataclass(frozen=True)
class RecordedDecision:
    """A reviewer's decision as recorded: the user who entered it, and when."""

    decision: ReviewDecision
    decided_by: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class ExpenseRecord:
    """A committee expense as kept and announced: the expense, where it belongs, who submitted it when,
    and its decisions as recorded."""

    expense: CommitteeExpense
    compound_id: str
    jurisdiction_path: str
    submitted_at: dt.datetime
    decisions: tuple[RecordedDecision, ...]
