"""The words several enforcement domain modules share: what kind of inspection a visit is, how serious a
finding is, whom an order is addressed to, where a referral goes and how an escalation ends.

Plans, inspections, rectification orders and the events they raise all speak them; kept here, no domain
module imports another only for a name, so the modules import each other one way (no circles).
"""

from __future__ import annotations

from enum import StrEnum


class InspectionKind(StrEnum):
    ROUTINE = "routine"  # 例行检查
    COMPLAINT_TRIGGERED = "complaint_triggered"  # 投诉触发
    SPECIAL = "special"  # 专项检查
    FOLLOW_UP = "follow_up"  # 回头看

    @property
    def frequency_limited(self) -> bool:
        """Only routine inspections count against the E3 limit."""
        return self is InspectionKind.ROUTINE


class Severity(StrEnum):
    MINOR = "minor"  # 一般
    MAJOR = "major"  # 较重
    SERIOUS = "serious"  # 严重


class Addressee(StrEnum):
    COMPANY = "company"  # 物业服务企业
    OWNERS_COMMITTEE = "owners_committee"  # 业主委员会
    OWNER = "owner"  # 业主


class AddresseeKind(StrEnum):
    """Whom a supervision task or a rectification list item is addressed to (S1, S3)."""

    JURISDICTION = "jurisdiction"  # 街道、社区
    DEPARTMENT = "department"  # 职能部门
    COMPOUND = "compound"  # 小区
    COMPANY = "company"  # 物业服务企业


class ReferralKind(StrEnum):
    PUBLIC_INTEREST_SUGGESTION = "public_interest_suggestion"  # 公益诉讼检察建议
    COURT_ONSITE_HEARING = "court_onsite_hearing"  # 法院进小区就地审理
    OTHER = "other"


class EscalationOutcome(StrEnum):
    RECTIFIED = "rectified"  # put right after all
    PENALTY_IMPOSED = "penalty_imposed"
    LITIGATION_FILED = "litigation_filed"  # 提起公益诉讼
    SETTLED_ON_SITE = "settled_on_site"  # 就地化解
    DISMISSED = "dismissed"  # closed without further action
