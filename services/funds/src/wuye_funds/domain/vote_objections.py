"""A closed vote's result is preliminary until its objection period has passed (V8).

As the cities' e-voting systems publish a preliminary count for objections (Dongguan's 初步统计结果公示 /
询异公示): closing a vote counts it and publishes the result as preliminary until a deadline (the closing
moment plus the objection days, 7 by default); until then an owner of the electorate may object with a
reason, at most one unanswered objection per owner; the organiser answers each one, also after the
deadline; once the deadline has passed and every objection is answered the result is final, and only a
final result decides a use of the maintenance fund (F5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from wuye_chassis.errors import FailedPrecondition, NotFound
from wuye_chassis.validation import require_text
from wuye_funds.domain.voting import VoteState

DEFAULT_OBJECTION_DAYS = 7
MAX_REASON_LENGTH = 1_000
MAX_ANSWER_LENGTH = 2_000


def objection_deadline(closed_at: dt.datetime, days: int) -> dt.datetime:
    """Objections are taken until this moment: ``days`` whole days after the vote closed."""
    return closed_at + dt.timedelta(days=days)


@dataclass(frozen=True)
class Objection:
    objection_id: str
    #: the roster owner who objects, and the registry person who raised it for them (A2)
    owner_key: str
    raised_by: str
    reason: str
    raised_at: dt.datetime
    answer: str = ""
    answered_by: str = ""
    answered_at: dt.datetime | None = None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@dataclass
class PreliminaryResult:
    """A closed vote's result while objections may be raised and answered (V8)."""

    vote_id: str
    state: VoteState
    deadline: dt.datetime
    objections: list[Objection]

    def object(self, objection_id: str, *, owner_key: str, raised_by: str, reason: str, now: dt.datetime) -> Objection:
        self._require_preliminary("object to the result")
        text = require_text(reason, field="reason", rule="V8", max_length=MAX_REASON_LENGTH)
        if now >= self.deadline:
            raise FailedPrecondition(
                f"objections to vote {self.vote_id} were taken until {self.deadline.isoformat()}",
                field="objection_deadline", rule="V8", metadata={"objection_deadline": self.deadline.isoformat()},
            )
        if any(objection.owner_key == owner_key and not objection.answered for objection in self.objections):
            raise FailedPrecondition("this owner's earlier objection still awaits its answer",
                                     field="owner_key", rule="V8")
        objection = Objection(objection_id, owner_key=owner_key, raised_by=raised_by, reason=text, raised_at=now)
        self.objections.append(objection)
        return objection

    def answer(self, objection_id: str, *, answer: str, answered_by: str, now: dt.datetime) -> Objection:
        self._require_preliminary("answer an objection")
        text = require_text(answer, field="answer", rule="V8", max_length=MAX_ANSWER_LENGTH)
        index = next((n for n, objection in enumerate(self.objections) if objection.objection_id == objection_id), None)
        if index is None:
            raise NotFound(f"vote {self.vote_id} has no objection {objection_id}", field="objection_id")
        if self.objections[index].answered:
            raise FailedPrecondition(f"objection {objection_id} is already answered", field="objection_id", rule="V8")
        answered = replace(self.objections[index], answer=text, answered_by=answered_by, answered_at=now)
        self.objections[index] = answered
        return answered

    def finalise(self, now: dt.datetime) -> None:
        self._require_preliminary("make the result final")
        if now < self.deadline:
            raise FailedPrecondition(
                f"the result of vote {self.vote_id} is open to objections until {self.deadline.isoformat()}",
                field="objection_deadline", rule="V8", metadata={"objection_deadline": self.deadline.isoformat()},
            )
        waiting = sum(1 for objection in self.objections if not objection.answered)
        if waiting:
            raise FailedPrecondition(f"{waiting} objection(s) to vote {self.vote_id} await an answer",
                                     field="objections", rule="V8", metadata={"unanswered": str(waiting)})
        self.state = VoteState.FINAL

    def _require_preliminary(self, action: str) -> None:
        if self.state is not VoteState.CLOSED:
            raise FailedPrecondition(f"cannot {action}: vote {self.vote_id} is {self.state.value}",
                                     field="state", rule="V8", metadata={"state": self.state.value})
