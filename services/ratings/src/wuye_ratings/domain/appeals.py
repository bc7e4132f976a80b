"""Appeals against credit records (R6).

- A company appeals one of its own records; appealing another company's record is refused.
- A record has at most one open appeal; after a dismissal the company may appeal again with new grounds.
- A withdrawn record cannot be appealed (there is nothing left to contest).
- A reviewer, never the person who filed it, decides once: upheld withdraws the record from the decision
  day (Asia/Shanghai calendar), so scores from then on are recomputed without it while the scores
  published before stay reproducible; dismissed leaves the record as it is. Both need a reason.
- The appeal keeps its history; a decided appeal cannot be decided again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from wuye_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_chassis.validation import parse_choice, require_moment, require_text
from wuye_chassis.workdays import SHANGHAI
from wuye_ratings.domain.credit import CreditRecord, RecordStatus
from wuye_ratings.domain.events import AppealDecided, AppealFiled, CreditRecordWithdrawn
from wuye_ratings.domain.vocabulary import AppealOutcome

TEXT_MAX_LENGTH = 2000


@dataclass(frozen=True)
class AppealStep:
    at: dt.datetime
    actor_id: str
    action: str  # "filed" or an outcome value
    text: str  # the grounds when filed, the reason when decided


@dataclass(eq=False)
class Appeal:
    appeal_id: str
    record_id: str
    company_id: str
    filed_by: str
    grounds: str
    filed_at: dt.datetime
    outcome: AppealOutcome | None = None
    reviewer_id: str | None = None
    decision_reason: str | None = None
    decided_at: dt.datetime | None = None
    history: list[AppealStep] = field(default_factory=list)

    @classmethod
    def file(
        cls,
        *,
        appeal_id: str,
        record: CreditRecord,
        appellant_company_id: str,
        filed_by: str,
        grounds: str,
        now: dt.datetime,
        appeals_of_record: Iterable[Appeal],
    ) -> tuple[Appeal, AppealFiled]:
        """File an appeal; ``appeals_of_record`` are the appeals already filed against the same record."""
        appellant = require_text(appellant_company_id, field="appellant_company_id", rule="R6")
        if appellant != record.company_id:
            raise PermissionDenied(
                f"company {appellant} cannot appeal record {record.record_id} of another company",
                field="appellant_company_id",
                rule="R6",
            )
        if record.status is RecordStatus.WITHDRAWN:
            raise FailedPrecondition(
                f"record {record.record_id} was already withdrawn by appeal {record.withdrawn_by_appeal}",
                field="record_id",
                rule="R6",
            )
        for earlier in appeals_of_record:
            if earlier.record_id == record.record_id and earlier.is_open:
                raise AlreadyExists(
                    f"record {record.record_id} already has an open appeal {earlier.appeal_id}",
                    field="record_id",
                    rule="R6",
                )
        at = require_moment(now, field="now", rule="R6")
        person = require_text(filed_by, field="filed_by", rule="R6")
        reasons = require_text(grounds, field="grounds", rule="R6", max_length=TEXT_MAX_LENGTH)
        appeal = cls(
            appeal_id=require_text(appeal_id, field="appeal_id", rule="R6"),
            record_id=record.record_id,
            company_id=appellant,
            filed_by=person,
            grounds=reasons,
            filed_at=at,
        )
        appeal.history.append(AppealStep(at, person, "filed", reasons))
        return appeal, AppealFiled(appeal.appeal_id, record.record_id, appellant, at)

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    def decide(
        self,
        *,
        record: CreditRecord,
        outcome: AppealOutcome | str,
        reviewer_id: str,
        reason: str,
        now: dt.datetime,
    ) -> list[AppealDecided | CreditRecordWithdrawn]:
        """Decide once; upheld also withdraws the record, and the events say both."""
        if self.outcome is not None:
            raise FailedPrecondition(
                f"appeal {self.appeal_id} was already decided: {self.outcome.value}", field="outcome", rule="R6"
            )
        if record.record_id != self.record_id:
            raise InvalidArgument(
                f"appeal {self.appeal_id} is against record {self.record_id}, not {record.record_id}",
                field="record_id",
                rule="R6",
            )
        result = parse_choice(AppealOutcome, outcome, field="outcome", rule="R6")
        reviewer = require_text(reviewer_id, field="reviewer_id", rule="R6")
        if reviewer == self.filed_by:
            raise PermissionDenied(
                f"{reviewer} filed appeal {self.appeal_id} and cannot decide it", field="reviewer_id", rule="R6"
            )
        why = require_text(reason, field="reason", rule="R6", max_length=TEXT_MAX_LENGTH)
        at = require_moment(now, field="now", rule="R6")
        if at < self.filed_at:
            raise InvalidArgument(
                f"the decision ({at.isoformat()}) cannot precede the filing ({self.filed_at.isoformat()})",
                field="now",
                rule="R6",
            )
        # the record first: a record that cannot be withdrawn leaves the appeal undecided
        withdrawn = None
        if result is AppealOutcome.UPHELD:
            withdrawn = record.withdraw(on=at.astimezone(SHANGHAI).date(), appeal_id=self.appeal_id)
        self.outcome, self.reviewer_id, self.decision_reason, self.decided_at = result, reviewer, why, at
        self.history.append(AppealStep(at, reviewer, result.value, why))
        if withdrawn is None:
            return [AppealDecided(self.appeal_id, self.record_id, self.company_id, result, at, None)]
        return [
            AppealDecided(self.appeal_id, self.record_id, self.company_id, result, at, withdrawn.effective_on),
            withdrawn,
        ]
