"""The words several ratings domain modules share: credit bands, record kinds, appeal outcomes and the
reasons stars are withdrawn. Defined once here so the modules that use them (and ``events``, which
names them) import none of each other."""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    """Credit bands, best first."""

    AAA = "AAA"
    AA = "AA"
    A = "A"
    B = "B"
    C = "C"

    def at_least(self, other: Band) -> bool:
        """True when this band is ``other`` or better."""
        return _BAND_ORDER.index(self) <= _BAND_ORDER.index(other)


_BAND_ORDER = (Band.AAA, Band.AA, Band.A, Band.B, Band.C)


class RecordKind(StrEnum):
    AWARD_NATIONAL = "award_national"  # 国家级表彰
    AWARD_PROVINCIAL = "award_provincial"  # 省级表彰
    AWARD_CITY = "award_city"  # 市级表彰
    AWARD_COUNTY = "award_county"  # 县(区)级表彰
    AWARD_STREET = "award_street"  # 街道级表彰
    COURT_LOSS_AT_FAULT = "court_loss_at_fault"  # 诉讼、仲裁败诉且负主要责任
    COMMON_INCOME_NOT_PUBLISHED = "common_income_not_published"  # 未公示公共收益
    ILLEGAL_CHARGING = "illegal_charging"  # 违规收费
    MAINTENANCE_FUND_MISUSE = "maintenance_fund_misuse"  # 挪用维修资金
    REFUSED_TO_LEAVE = "refused_to_leave"  # 合同终止拒不退出
    COMPLAINT_UNSATISFIED = "complaint_unsatisfied"  # 投诉回访不满意
    COMPLAINT_OVERDUE = "complaint_overdue"  # 投诉超期办结
    FINDING_MINOR = "finding_minor"  # 检查发现问题(轻微)
    FINDING_GENERAL = "finding_general"  # 检查发现问题(一般)
    FINDING_SERIOUS = "finding_serious"  # 检查发现问题(严重)
    RECTIFICATION_OVERDUE = "rectification_overdue"  # 逾期未整改
    JUDICIAL_REFERRAL = "judicial_referral"  # 移送司法联盟
    SUPERVISION_LATE = "supervision_late"  # 督办事项逾期完成
    SUPERVISION_REOPENED = "supervision_reopened"  # 回头看问题反弹


class AppealOutcome(StrEnum):
    UPHELD = "upheld"  # 申诉成立: the record is withdrawn
    DISMISSED = "dismissed"  # 申诉驳回: the record stays


class StarWithdrawalReason(StrEnum):
    CONTRACT_ENDED = "contract_ended"  # 合同终止
    SERIOUS_VIOLATION = "serious_violation"  # 严重违法违规
