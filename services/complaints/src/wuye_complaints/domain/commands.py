"""What callers ask of the complaints service: one frozen dataclass per command and query.

Each is the input of one handler in ``service/`` (``handler(command, uow)``), whoever calls it: the gRPC
servicer, a scheduler or a test. Values arrive as the caller sent them (text for enums, "" for absent);
the handler and the domain validate them and name the field they refuse. Who acts is never here: it is
the caller's authenticated context.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- cases (C1–C6) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitComplaint:
    compound_id: str
    category: str
    channel: str
    description: str
    reporter_name: str
    reporter_phone: str
    #: the partner's own ticket id (12345 pushes): the same id twice is one case
    external_id: str = ""
    #: photos the caller uploaded (UploadPhoto) for this complaint, in the order to show them
    photo_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class UploadPhoto:
    content: bytes
    content_type: str


@dataclass(frozen=True)
class AcceptCase:
    case_id: str


@dataclass(frozen=True)
class RejectCase:
    case_id: str
    reason: str
    duplicate_of: str = ""
    note: str = ""


@dataclass(frozen=True)
class DispatchCase:
    case_id: str
    assignee_kind: str
    #: "" sends it to the compound's company (kind company) or the case's community (kind community)
    assignee_id: str = ""


@dataclass(frozen=True)
class SendBackCase:
    case_id: str
    reason: str


@dataclass(frozen=True)
class StartHandling:
    case_id: str


@dataclass(frozen=True)
class ResolveCase:
    case_id: str
    summary: str
    #: photos of the work done the handler uploaded (UploadPhoto), in the order to show them
    photo_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplyToReporter:
    case_id: str
    message: str


@dataclass(frozen=True)
class RecordCallback:
    case_id: str
    valid: bool
    contacted: bool = False
    solved: bool = False
    satisfaction: str = ""
    note: str = ""


@dataclass(frozen=True)
class CloseCase:
    case_id: str


@dataclass(frozen=True)
class MarkCaseHard:
    case_id: str
    note: str


@dataclass(frozen=True)
class AddReporter:
    case_id: str
    reporter_name: str
    reporter_phone: str


@dataclass(frozen=True)
class EscalateOverdueCase:
    """The escalation scheduler's command for one case whose tier time ran out (C4)."""

    case_id: str


@dataclass(frozen=True)
class GetCase:
    case_id: str


@dataclass(frozen=True)
class SweepUnfiledPhotos:
    #: photos no case took within this many hours of their upload are deleted
    kept_hours: float
    limit: int


@dataclass(frozen=True)
class GetCasePhoto:
    case_id: str
    photo_id: str


@dataclass(frozen=True)
class ListCases:
    #: "" means the caller's own scope
    jurisdiction_path: str = ""
    state: str = ""
    compound_id: str = ""
    category: str = ""
    #: the last case id of the previous page ("" for the first page)
    after: str = ""
    limit: int = 50


@dataclass(frozen=True)
class FindOverdueCases:
    """The ids of cases due for escalation now, longest overdue first (the scheduler's round)."""

    limit: int


# --- mediation (C7) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediationPartyInput:
    party_id: str
    kind: str
    role: str


@dataclass(frozen=True)
class OpenMediation:
    compound_id: str
    parties: tuple[MediationPartyInput, ...]
    mediator_id: str
    complaint_case_id: str = ""


@dataclass(frozen=True)
class RecordMediationOutcome:
    mediation_id: str
    outcome: str
    note: str = ""


@dataclass(frozen=True)
class ReferMediationToCourt:
    mediation_id: str
    court_id: str


@dataclass(frozen=True)
class GetMediation:
    mediation_id: str


# --- figures (C4, C5) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GetComplaintFigures:
    jurisdiction_path: str
    start_date: str
    end_date: str
    category: str = ""
    company_id: str = ""


@dataclass(frozen=True)
class GetHotlineAnalysis:
    jurisdiction_path: str
    start_date: str
    end_date: str
    #: how many top problems, companies and hotspot compounds (0 for 10)
    top: int = 0


@dataclass(frozen=True)
class GetServiceList:
    compound_id: str
    start_date: str
    end_date: str
    #: how many problems (0 for 10)
    top: int = 0


# --- consultation meetings (M1–M2) ---------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpInput:
    action: str
    #: community, street or company
    owner: str
    deadline: str
    case_id: str = ""


@dataclass(frozen=True)
class MatterInput:
    subject: str
    decision: str
    follow_ups: tuple[FollowUpInput, ...] = ()


@dataclass(frozen=True)
class RecordMeeting:
    kind: str
    topic: str
    compound_id: str
    held_on: str
    parties: tuple[str, ...]
    matters: tuple[MatterInput, ...]


@dataclass(frozen=True)
class GetMeeting:
    meeting_id: str


@dataclass(frozen=True)
class ListMeetings:
    jurisdiction_path: str
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class CompleteFollowUp:
    meeting_id: str
    follow_up_id: str
    result: str


@dataclass(frozen=True)
class GetConsultationFigures:
    jurisdiction_path: str
    start_date: str
    end_date: str
