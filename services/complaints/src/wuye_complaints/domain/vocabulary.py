"""The words of the complaints domain: the enums every domain module (and the events) share.

Kept in one module so the domain's modules import it and not each other for a name.
"""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CALLBACK = "callback"
    CLOSED = "closed"


class Channel(StrEnum):
    HOTLINE_12345 = "hotline_12345"  # 12345热线
    GRID_WORKER = "grid_worker"  # 网格员
    PETITION = "petition"  # 信访
    WALK_IN = "walk_in"  # 来访
    WEB = "web"  # 网投
    MOBILE = "mobile"


class RejectReason(StrEnum):
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    NOT_PROPERTY_RELATED = "not_property_related"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


class Tier(StrEnum):
    """Who handles the case: 社区承办 → 难题会诊 (street) → 协调联办 (county)."""

    COMMUNITY = "community"
    STREET = "street"
    COUNTY = "county"

    @property
    def above(self) -> Tier | None:
        order = list(Tier)
        position = order.index(self)
        return order[position + 1] if position + 1 < len(order) else None

    @property
    def path_length(self) -> int:
        """How many codes of the case's jurisdiction path name the handling jurisdiction at this tier."""
        return {Tier.COMMUNITY: 4, Tier.STREET: 3, Tier.COUNTY: 2}[self]


class AssigneeKind(StrEnum):
    COMPANY = "company"  # the property service company
    COMMUNITY = "community"  # the community handles it itself


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    DISPATCH = "dispatch"
    SEND_BACK = "send_back"
    START_HANDLING = "start_handling"
    RESOLVE = "resolve"
    REPLY = "reply"
    RECORD_CALLBACK = "record_callback"
    CLOSE = "close"
    REOPEN = "reopen"
    ESCALATE = "escalate"
    ADD_REPORTER = "add_reporter"


class EscalationReason(StrEnum):
    OVERDUE = "overdue"  # the tier's time ran out
    MARKED_HARD = "marked_hard"  # 难题: someone judged it beyond this tier
    COLLECTIVE = "collective"  # ≥ 5 reporters on one matter (C6)


#: how people name the channels and the tiers (the hotline analysis's labels, H1)
CHANNEL_LABELS = {
    Channel.HOTLINE_12345: "12345热线", Channel.GRID_WORKER: "网格员", Channel.PETITION: "信访",
    Channel.WALK_IN: "来访", Channel.WEB: "网投", Channel.MOBILE: "手机",
}
TIER_LABELS = {Tier.COMMUNITY: "社区承办", Tier.STREET: "难题会诊", Tier.COUNTY: "协调联办"}
