"""gRPC servicer: protobuf in, a command to its handler, protobuf out. No rules here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TypeVar

import grpc

from wuye.common.v1 import common_pb2
from wuye.ratings.v1 import ratings_pb2 as api
from wuye.ratings.v1 import ratings_pb2_grpc
from wuye_chassis.exact import round_half_up
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.proto_values import enum_number, enum_text, timestamp
from wuye_chassis.validation import iso_or_empty
from wuye_ratings.domain import commands
from wuye_ratings.domain.appeals import Appeal
from wuye_ratings.domain.credit import DISPLAY_PLACES, CreditRecord, CreditScore
from wuye_ratings.domain.evaluations import EvaluationKind
from wuye_ratings.domain.rules import RuleSet
from wuye_ratings.domain.stars import StarRating
from wuye_ratings.domain.vocabulary import Band
from wuye_ratings.service import appeals, evaluations, lists, records, rules, scores, stars
from wuye_ratings.service.evaluations import QuarterView
from wuye_ratings.service.lists import PolicyInForce, PublishedLists, PublishedYearlyLists
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["RatingsService"].full_name

#: a peer's or a department's evaluation command (their requests carry the same fields)
E = TypeVar("E", bound=commands.StreetEvaluation)


def exact_number(value: Fraction | None) -> api.ExactNumber | None:
    if value is None:
        return None
    return api.ExactNumber(
        numerator=value.numerator, denominator=value.denominator, display=str(round_half_up(value, DISPLAY_PLACES))
    )


def rule_version_message(ruleset: RuleSet) -> api.RuleVersion:
    floors = ruleset.band_floors
    return api.RuleVersion(
        version=ruleset.version,
        effective_from=ruleset.effective_from.isoformat(),
        base_score=exact_number(ruleset.base_score),
        floor_aaa=exact_number(floors[Band.AAA]),
        floor_aa=exact_number(floors[Band.AA]),
        floor_a=exact_number(floors[Band.A]),
        floor_b=exact_number(floors[Band.B]),
        points=[
            api.PointsForKind(kind=enum_number(api.RecordKind, kind), points=exact_number(points))
            for kind, points in ruleset.points.items()
        ],
        automatic_c_kinds=sorted(enum_number(api.RecordKind, kind) for kind in ruleset.automatic_c_kinds),
        validity_years=ruleset.validity_years,
    )


def appeal_message(appeal: Appeal) -> api.Appeal:
    return api.Appeal(
        appeal_id=appeal.appeal_id,
        record_id=appeal.record_id,
        company_id=appeal.company_id,
        filed_by=appeal.filed_by,
        grounds=appeal.grounds,
        outcome=enum_number(api.AppealOutcome, appeal.outcome),
        reviewer_id=appeal.reviewer_id or "",
        decision_reason=appeal.decision_reason or "",
        history=[
            api.AppealStep(at=step.at.isoformat(), actor_id=step.actor_id, action=step.action, text=step.text)
            for step in appeal.history
        ],
    )


def record_message(record: CreditRecord, appeals_by_record: Mapping[str, list[Appeal]]) -> api.CreditRecord:
    return api.CreditRecord(
        record_id=record.record_id,
        company_id=record.company_id,
        kind=enum_number(api.RecordKind, record.kind),
        points=exact_number(record.points),
        forces_c=record.forces_c,
        source_kind=enum_number(api.SourceKind, record.source.kind),
        source_reference=record.source.reference,
        occurred_on=record.occurred_on.isoformat(),
        valid_until=record.valid_until.isoformat(),
        rule_version=record.rule_version,
        note=record.note or "",
        status=enum_number(api.RecordStatus, record.status),
        withdrawn_on=iso_or_empty(record.withdrawn_on),
        withdrawn_by_appeal=record.withdrawn_by_appeal or "",
        appeals=[appeal_message(appeal) for appeal in appeals_by_record.get(record.record_id, [])],
    )


def score_on_day(score: CreditScore) -> api.ScoreOnDay:
    return api.ScoreOnDay(
        as_of=score.as_of.isoformat(), score=exact_number(score.score), band=enum_number(api.Band, score.band)
    )


def quarterly_message(view: QuarterView) -> api.QuarterlyEvaluation:
    quarterly = view.quarterly
    counts = {kind: 0 for kind in EvaluationKind}
    for evaluation in quarterly.evaluations:
        counts[evaluation.kind] += 1
    return api.QuarterlyEvaluation(
        company_id=quarterly.company_id,
        street_path=str(quarterly.street_path),
        quarter=str(quarterly.quarter),
        resident_count=counts[EvaluationKind.RESIDENT],
        peer_count=counts[EvaluationKind.PEER],
        department_count=counts[EvaluationKind.DEPARTMENT],
        resident_average=exact_number(quarterly.average(EvaluationKind.RESIDENT)),
        peer_average=exact_number(quarterly.average(EvaluationKind.PEER)),
        department_average=exact_number(quarterly.average(EvaluationKind.DEPARTMENT)),
        combined_score=exact_number(view.combined_score),
    )


def policy_message(found: PolicyInForce) -> api.ListPolicy:
    policy = found.policy
    return api.ListPolicy(
        jurisdiction_path=policy.jurisdiction_path, scheme=enum_number(api.ListScheme, policy.scheme),
        black_includes_b=policy.black_includes_b, red_percent=policy.red_percent,
        yellow_percent=policy.yellow_percent, set_for_path=found.set_for_path, set_by=found.set_by,
        set_at=timestamp(found.set_at),
    )


def yearly_lists_message(published: PublishedYearlyLists) -> api.YearlyLists:
    yearly = published.lists
    return api.YearlyLists(
        jurisdiction_path=yearly.jurisdiction_path, year=yearly.year, published_on=yearly.published_on.isoformat(),
        published_in=yearly.published_in or "", red_percent=yearly.red_percent, yellow_percent=yearly.yellow_percent,
        red_company_ids=yearly.red, yellow_company_ids=yearly.yellow,
        standings=[
            api.YearlyStanding(
                company_id=one.company_id, company_name=published.names.get(one.company_id, ""), rank=one.rank,
                score=exact_number(one.score), band=enum_number(api.Band, one.band),
                listing=enum_number(api.YearlyListing, one.listing), serious=one.serious,
                compound_ids=one.compound_ids,
            )
            for one in yearly.standings
        ],
    )


def lists_message(published: PublishedLists) -> api.Lists:
    quarterly = published.lists
    return api.Lists(
        jurisdiction_path=quarterly.jurisdiction_path,
        quarter=str(quarterly.quarter),
        published_on=quarterly.published_on.isoformat(),
        red_company_ids=quarterly.red,
        black_company_ids=quarterly.black,
        published_in=quarterly.published_in or "",
        standings=[
            api.Standing(
                company_id=standing.company_id, band=enum_number(api.Band, standing.band),
                score=exact_number(published.scores[standing.company_id]), compound_ids=standing.compound_ids,
                company_name=published.names.get(standing.company_id, ""),
            )
            for standing in quarterly.standings
        ],
    )


def street_evaluation(
    command: type[E], request: api.SubmitPeerEvaluationRequest | api.SubmitDepartmentEvaluationRequest
) -> E:
    return command(
        company_id=request.company_id, street_path=request.street_path, quarter=request.quarter,
        aspect_scores=tuple(request.aspect_scores),
    )


def star_rating_message(rating: StarRating) -> api.StarRating:
    return api.StarRating(
        company_id=rating.company_id,
        year=rating.year,
        score=exact_number(rating.score),
        stars=rating.stars,
        city_review=enum_number(api.CityReview, rating.city_review),
        assessed_on=rating.assessed_on.isoformat(),
        city_reviewed_on=iso_or_empty(rating.city_reviewed_on),
        withdrawn_on=iso_or_empty(rating.withdrawn_on),
        withdrawal_reason=enum_number(api.StarWithdrawalReason, rating.withdrawal_reason),
        withdrawal_note=rating.withdrawal_note or "",
    )


class RatingsServicer(ratings_pb2_grpc.RatingsServiceServicer):
    def __init__(self, unit_of_work: Callable[[], RatingsUnitOfWork]) -> None:
        self.uow = unit_of_work

    async def AddRuleVersion(
        self, request: api.AddRuleVersionRequest, context: grpc.aio.ServicerContext
    ) -> api.AddRuleVersionResponse:
        ruleset = await rules.add_rule_version(
            commands.AddRuleVersion(
                city_path=request.city_path,
                version=request.version,
                effective_from=request.effective_from,
                base_score=request.base_score if request.HasField("base_score") else None,
                points=tuple(
                    commands.KindPoints(
                        kind=enum_text(api.RecordKind, item.kind), numerator=item.points.numerator,
                        denominator=item.points.denominator,
                    )
                    for item in request.points
                ),
            ),
            self.uow(),
        )
        return api.AddRuleVersionResponse(rule_version=rule_version_message(ruleset))

    async def ListRuleVersions(
        self, request: api.ListRuleVersionsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListRuleVersionsResponse:
        versions = await rules.list_rule_versions(commands.ListRuleVersions(), self.uow())
        return api.ListRuleVersionsResponse(rule_versions=[rule_version_message(ruleset) for ruleset in versions])

    async def AddCreditRecord(
        self, request: api.AddCreditRecordRequest, context: grpc.aio.ServicerContext
    ) -> api.AddCreditRecordResponse:
        record = await records.add_credit_record(
            commands.AddCreditRecord(
                company_id=request.company_id,
                kind=enum_text(api.RecordKind, request.kind),
                occurred_on=request.occurred_on,
                valid_until=request.valid_until,
                note=request.note,
            ),
            self.uow(),
        )
        return api.AddCreditRecordResponse(record=record_message(record, {}))

    async def ListCreditRecords(
        self, request: api.ListCreditRecordsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCreditRecordsResponse:
        limit = page_size(request.page.page_size)
        page = await records.list_credit_records(
            commands.ListCreditRecords(
                company_id=request.company_id, after=decode_cursor(request.page.page_token) or "", limit=limit
            ),
            self.uow(),
        )
        # a full page may have a next one
        more = len(page.records) == limit
        return api.ListCreditRecordsResponse(
            records=[record_message(record, page.appeals) for record in page.records],
            page=common_pb2.PageResponse(next_page_token=encode_cursor(page.records[-1].record_id) if more else ""),
        )

    async def GetScoreCard(
        self, request: api.GetScoreCardRequest, context: grpc.aio.ServicerContext
    ) -> api.GetScoreCardResponse:
        card = await scores.get_score_card(
            commands.GetScoreCard(company_id=request.company_id, as_of=request.as_of, known_on=request.known_on),
            self.uow(),
        )
        score = card.score
        return api.GetScoreCardResponse(
            company_id=score.company_id,
            as_of=score.as_of.isoformat(),
            known_on=score.known_on.isoformat(),
            rule_version=score.rule_version,
            base=exact_number(score.base),
            good=exact_number(score.good),
            bad=exact_number(score.bad),
            score=exact_number(score.score),
            band=enum_number(api.Band, score.band),
            automatic_c=score.automatic_c,
            counted_records=[record_message(record, card.appeals) for record in card.counted],
            history=[score_on_day(past) for past in card.history],
        )

    async def SubmitResidentSurvey(
        self, request: api.SubmitResidentSurveyRequest, context: grpc.aio.ServicerContext
    ) -> api.SubmitResidentSurveyResponse:
        submitted = await evaluations.submit_resident_survey(
            commands.SubmitResidentSurvey(
                compound_id=request.compound_id, household_id=request.household_id, quarter=request.quarter,
                aspect_scores=tuple(request.aspect_scores),
            ),
            self.uow(),
        )
        return api.SubmitResidentSurveyResponse(
            evaluation_id=submitted.evaluation_id, quarterly=quarterly_message(submitted.view)
        )

    async def SubmitPeerEvaluation(
        self, request: api.SubmitPeerEvaluationRequest, context: grpc.aio.ServicerContext
    ) -> api.SubmitPeerEvaluationResponse:
        submitted = await evaluations.submit_peer_evaluation(
            street_evaluation(commands.SubmitPeerEvaluation, request), self.uow()
        )
        return api.SubmitPeerEvaluationResponse(
            evaluation_id=submitted.evaluation_id, quarterly=quarterly_message(submitted.view)
        )

    async def SubmitDepartmentEvaluation(
        self, request: api.SubmitDepartmentEvaluationRequest, context: grpc.aio.ServicerContext
    ) -> api.SubmitDepartmentEvaluationResponse:
        submitted = await evaluations.submit_department_evaluation(
            street_evaluation(commands.SubmitDepartmentEvaluation, request), self.uow()
        )
        return api.SubmitDepartmentEvaluationResponse(
            evaluation_id=submitted.evaluation_id, quarterly=quarterly_message(submitted.view)
        )

    async def GetQuarterlyEvaluation(
        self, request: api.GetQuarterlyEvaluationRequest, context: grpc.aio.ServicerContext
    ) -> api.GetQuarterlyEvaluationResponse:
        view = await evaluations.get_quarterly_evaluation(
            commands.GetQuarterlyEvaluation(
                company_id=request.company_id, street_path=request.street_path, quarter=request.quarter
            ),
            self.uow(),
        )
        return api.GetQuarterlyEvaluationResponse(quarterly=quarterly_message(view))

    async def PublishLists(
        self, request: api.PublishListsRequest, context: grpc.aio.ServicerContext
    ) -> api.PublishListsResponse:
        published = await lists.publish_lists(
            commands.PublishLists(jurisdiction_path=request.jurisdiction_path, quarter=request.quarter,
                                  published_in=request.published_in),
            self.uow(),
        )
        return api.PublishListsResponse(lists=lists_message(published))

    async def GetLists(self, request: api.GetListsRequest, context: grpc.aio.ServicerContext) -> api.GetListsResponse:
        published = await lists.get_lists(
            commands.GetLists(jurisdiction_path=request.jurisdiction_path, quarter=request.quarter), self.uow()
        )
        return api.GetListsResponse(lists=lists_message(published))

    async def SetListPolicy(
        self, request: api.SetListPolicyRequest, context: grpc.aio.ServicerContext
    ) -> api.SetListPolicyResponse:
        given = request.policy
        found = await lists.set_list_policy(
            commands.SetListPolicy(
                jurisdiction_path=given.jurisdiction_path, scheme=enum_text(api.ListScheme, given.scheme),
                black_includes_b=given.black_includes_b, red_percent=given.red_percent,
                yellow_percent=given.yellow_percent,
            ),
            self.uow(),
        )
        return api.SetListPolicyResponse(policy=policy_message(found))

    async def GetListPolicy(
        self, request: api.GetListPolicyRequest, context: grpc.aio.ServicerContext
    ) -> api.GetListPolicyResponse:
        found = await lists.get_list_policy(commands.GetListPolicy(request.jurisdiction_path), self.uow())
        return api.GetListPolicyResponse(policy=policy_message(found))

    async def PublishYearlyLists(
        self, request: api.PublishYearlyListsRequest, context: grpc.aio.ServicerContext
    ) -> api.PublishYearlyListsResponse:
        published = await lists.publish_yearly_lists(
            commands.PublishYearlyLists(request.jurisdiction_path, request.year, request.published_in), self.uow()
        )
        return api.PublishYearlyListsResponse(lists=yearly_lists_message(published))

    async def GetYearlyLists(
        self, request: api.GetYearlyListsRequest, context: grpc.aio.ServicerContext
    ) -> api.GetYearlyListsResponse:
        published = await lists.get_yearly_lists(commands.GetYearlyLists(request.jurisdiction_path, request.year),
                                                 self.uow())
        return api.GetYearlyListsResponse(lists=yearly_lists_message(published))

    async def FileAppeal(self, request: api.FileAppealRequest, context: grpc.aio.ServicerContext) -> api.FileAppealResponse:
        appeal = await appeals.file_appeal(
            commands.FileAppeal(record_id=request.record_id, grounds=request.grounds), self.uow()
        )
        return api.FileAppealResponse(appeal=appeal_message(appeal))

    async def DecideAppeal(
        self, request: api.DecideAppealRequest, context: grpc.aio.ServicerContext
    ) -> api.DecideAppealResponse:
        decision = await appeals.decide_appeal(
            commands.DecideAppeal(
                appeal_id=request.appeal_id, outcome=enum_text(api.AppealOutcome, request.outcome),
                reason=request.reason,
            ),
            self.uow(),
        )
        record = decision.record
        return api.DecideAppealResponse(
            appeal=appeal_message(decision.appeal), record=record_message(record, {record.record_id: [decision.appeal]})
        )

    async def GetRankings(self, request: api.GetRankingsRequest, context: grpc.aio.ServicerContext) -> api.GetRankingsResponse:
        found = await scores.get_rankings(
            commands.GetRankings(jurisdiction_path=request.jurisdiction_path, as_of=request.as_of), self.uow()
        )
        ranked = found.ranked
        return api.GetRankingsResponse(
            jurisdiction_path=request.jurisdiction_path.strip("/"),
            as_of=ranked[0].score.as_of.isoformat() if ranked else request.as_of,
            rankings=[
                api.Ranking(
                    rank=item.rank, company_id=item.score.company_id, score=exact_number(item.score.score),
                    band=enum_number(api.Band, item.score.band), company_name=found.names.get(item.score.company_id, ""),
                )
                for item in ranked
            ],
        )

    async def AssessStars(
        self, request: api.AssessStarsRequest, context: grpc.aio.ServicerContext
    ) -> api.AssessStarsResponse:
        rating = await stars.assess_stars(
            commands.AssessStars(company_id=request.company_id, year=request.year), self.uow()
        )
        return api.AssessStarsResponse(rating=star_rating_message(rating))

    async def RecordCityReview(
        self, request: api.RecordCityReviewRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordCityReviewResponse:
        rating = await stars.record_city_review(
            commands.RecordCityReview(company_id=request.company_id, year=request.year, approved=request.approved),
            self.uow(),
        )
        return api.RecordCityReviewResponse(rating=star_rating_message(rating))

    async def GetStars(self, request: api.GetStarsRequest, context: grpc.aio.ServicerContext) -> api.GetStarsResponse:
        found = await stars.get_stars(commands.GetStars(company_id=request.company_id, as_of=request.as_of), self.uow())
        return api.GetStarsResponse(
            company_id=found.company_id, as_of=found.as_of.isoformat(), stars_held=found.held,
            ratings=[star_rating_message(rating) for rating in found.ratings],
        )


def servicer(unit_of_work: Callable[[], RatingsUnitOfWork]) -> Servicer:
    return Servicer(RatingsServicer(unit_of_work), ratings_pb2_grpc.add_RatingsServiceServicer_to_server, SERVICE_NAME)
