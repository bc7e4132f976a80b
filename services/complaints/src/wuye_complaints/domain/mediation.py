"""Mediation cases (C7): parties, a mediator, an outcome, and referral to court when mediation fails.

Quanzhou's housing dispute centre (seed 001) accepted 811 property cases and mediated 206; the court
linkage (诉调对接) takes the ones mediation could not settle. So:

- a mediation is opened with at least one applicant and one respondent, all distinct, and a mediator
  who is not one of the parties (a mediator cannot mediate their own dispute); the mediator is named,
  but the history records who actually opened it and each later step (the caller, A1);
- its outcome is recorded once: mediated, failed or withdrawn;
- only a failed mediation may be referred to court, once. A withdrawn one was dropped by the
  applicant, and a mediated one is settled.

Parties are ids (people, companies, committees); names and contacts stay in the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import optional_text, parse_choice, require_count, require_moment, require_text

NOTE_MAX_LENGTH = 2000


class PartyRole(StrEnum):
    APPLICANT = "applicant"  # 申请人
    RESPONDENT = "respondent"  # 被申请人


class PartyKind(StrEnum):
    OWNER = "owner"
    RESIDENT = "resident"
    COMPANY = "company"
    OWNERS_COMMITTEE = "owners_committee"
    OTHER = "other"


class MediationOutcome(StrEnum):
    MEDIATED = "mediated"  # 调解成功
    FAILED = "failed"  # 调解不成
    WITHDRAWN = "withdrawn"  # 撤回


@dataclass(frozen=True)
class Party:
    party_id: str
    kind: PartyKind
    role: PartyRole

    @classmethod
    def create(cls, *, party_id: str, kind: PartyKind | str, role: PartyRole | str) -> Party:
        return cls(
            require_text(party_id, field="party_id", rule="C7"),
            parse_choice(PartyKind, kind, field="party_kind", rule="C7"),
            parse_choice(PartyRole, role, field="party_role", rule="C7"),
        )


@dataclass(frozen=True)
class MediationStep:
    at: dt.datetime
    actor_id: str
    action: str  # "opened", an outcome value, or "referred_to_court"


@dataclass(frozen=True)
class CourtReferral:
    at: dt.datetime
    actor_id: str
    court_id: str


@dataclass(eq=False)
class MediationCase:
    mediation_id: str
    parties: tuple[Party, ...]
    mediator_id: str
    opened_at: dt.datetime
    complaint_case_id: str | None  # the complaint it grew out of, if any
    outcome: MediationOutcome | None = None
    outcome_at: dt.datetime | None = None
    outcome_note: str | None = None
    court_referral: CourtReferral | None = None
    history: list[MediationStep] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        *,
        mediation_id: str,
        parties: Iterable[Party],
        mediator_id: str,
        now: dt.datetime,
        actor_id: str,
        complaint_case_id: str | None = None,
    ) -> MediationCase:
        """Open the case; ``mediator_id`` names who mediates, ``actor_id`` who opened it (A1: the caller)."""
        listed = tuple(parties)
        for party in listed:
            if not isinstance(party, Party):
                raise InvalidArgument(f"parties must be Party values, got {party!r}", field="parties", rule="C7")
        roles = {party.role for party in listed}
        if roles != set(PartyRole):
            raise InvalidArgument("a mediation needs an applicant and a respondent", field="parties", rule="C7")
        ids = [party.party_id for party in listed]
        if len(set(ids)) != len(ids):
            raise InvalidArgument("each party may appear only once", field="parties", rule="C7")
        mediator = require_text(mediator_id, field="mediator_id", rule="C7")
        if mediator in ids:
            raise InvalidArgument("the mediator cannot be a party to the dispute", field="mediator_id", rule="C7")
        at = require_moment(now, field="now", rule="C7")
        opener = require_text(actor_id, field="actor_id", rule="C7")
        mediation = cls(
            mediation_id=require_text(mediation_id, field="mediation_id", rule="C7"),
            parties=listed,
            mediator_id=mediator,
            opened_at=at,
            complaint_case_id=optional_text(complaint_case_id, field="complaint_case_id", rule="C7"),
        )
        mediation.history.append(MediationStep(at, opener, "opened"))
        return mediation

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    def record_outcome(
        self, *, outcome: MediationOutcome | str, now: dt.datetime, actor_id: str, note: str | None = None
    ) -> None:
        if self.outcome is not None:
            raise FailedPrecondition(
                f"mediation {self.mediation_id} already has its outcome: {self.outcome.value}",
                field="outcome",
                rule="C7",
            )
        result = parse_choice(MediationOutcome, outcome, field="outcome", rule="C7")
        at = self._moment(now, after=self.opened_at)
        actor = require_text(actor_id, field="actor_id", rule="C7")
        self.outcome, self.outcome_at = result, at
        self.outcome_note = optional_text(note, field="note", rule="C7", max_length=NOTE_MAX_LENGTH)
        self.history.append(MediationStep(at, actor, result.value))

    def refer_to_court(self, *, now: dt.datetime, actor_id: str, court_id: str) -> None:
        if self.outcome is not MediationOutcome.FAILED:
            state = "still open" if self.outcome is None else self.outcome.value
            raise FailedPrecondition(
                f"only a failed mediation goes to court; mediation {self.mediation_id} is {state}",
                field="outcome",
                rule="C7",
            )
        if self.court_referral is not None:
            raise FailedPrecondition(
                f"mediation {self.mediation_id} was already referred to court {self.court_referral.court_id}",
                field="court_referral",
                rule="C7",
            )
        at = self._moment(now, after=self.outcome_at)
        actor = require_text(actor_id, field="actor_id", rule="C7")
        court = require_text(court_id, field="court_id", rule="C7")
        self.court_referral = CourtReferral(at, actor, court)
        self.history.append(MediationStep(at, actor, "referred_to_court"))

    @staticmethod
    def _moment(now: dt.datetime, *, after: dt.datetime | None) -> dt.datetime:
        at = require_moment(now, field="now", rule="C7")
        if after is not None and at < after:
            raise InvalidArgument(f"now ({at.isoformat()}) is before the previous step", field="now", rule="C7")
        return at


def mediation_success_rate(accepted: int, mediated: int) -> Fraction | None:
    """Mediated ÷ accepted (seed 001: 206 of 811); ``None`` when nothing was accepted."""
    total = require_count(accepted, field="accepted", rule="C7")
    settled = require_count(mediated, field="mediated", rule="C7")
    if settled > total:
        raise InvalidArgument(f"mediated ({settled}) cannot exceed accepted ({total})", field="mediated", rule="C7")
    return None if total == 0 else Fraction(settled, total)
