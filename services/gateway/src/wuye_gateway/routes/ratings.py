"""Ratings: a company's score card and credit records, rankings, red/black lists, the residents'
survey, and appeals against credit records (filed by the company's own staff, decided by officers).

Who acts (RULES.md A1, A4, A5): a resident surveys only a household they own, checked against the
registry; a company's staff read only their own company's records, appeals, score card, stars and
quarterly evaluations.
"""

from fastapi import APIRouter

from wuye.ratings.v1 import ratings_pb2 as pb
from wuye_gateway.dependencies import PROBLEM_RESPONSES
from wuye_gateway.routing import Backend, command, query

router = APIRouter(prefix="/api/v1/ratings", tags=["ratings"], responses=PROBLEM_RESPONSES)
RATINGS = Backend(router=router, service="ratings")

query(**RATINGS, path="/companies/{company_id}/score-card", rpc="GetScoreCard", request=pb.GetScoreCardRequest,
      response=pb.GetScoreCardResponse,
      summary="A company's credit score, band and the records counted (as_of, known_on: YYYY-MM-DD)")
query(**RATINGS, path="/companies/{company_id}/records", rpc="ListCreditRecords", request=pb.ListCreditRecordsRequest,
      response=pb.ListCreditRecordsResponse, items="records", summary="A company's credit records")
command(**RATINGS, path="/companies/{company_id}/records", rpc="AddCreditRecord", request=pb.AddCreditRecordRequest,
        response=pb.AddCreditRecordResponse, answer="record", creates=True,
        summary="Record an award or a failing by hand (points under the rule version in force)",
        examples={"kind": ["award_county"], "occurred_on": ["2026-11-20"], "note": ["县级物业服务示范项目"]})
query(**RATINGS, path="/rankings", rpc="GetRankings", request=pb.GetRankingsRequest, response=pb.GetRankingsResponse,
      summary="Companies of a jurisdiction ranked by credit score")
query(**RATINGS, path="/lists", rpc="GetLists", request=pb.GetListsRequest, response=pb.GetListsResponse,
      answer="lists", summary="The red and black lists of a jurisdiction for a quarter (latest when empty)")
command(**RATINGS, path="/lists", rpc="PublishLists", request=pb.PublishListsRequest,
        response=pb.PublishListsResponse, answer="lists", creates=True,
        summary="Publish the quarter's red and black lists, and where they are published (R7)",
        examples={"quarter": ["2026Q3"], "published_in": ["惠安县人民政府网站"]})
query(**RATINGS, path="/list-policy", rpc="GetListPolicy", request=pb.GetListPolicyRequest,
      response=pb.GetListPolicyResponse, answer="policy", required=("jurisdiction_path",),
      summary="The list policy in force for a jurisdiction and where it was set (R7)")
command(**RATINGS, path="/list-policy", rpc="SetListPolicy", request=pb.SetListPolicyRequest,
        response=pb.SetListPolicyResponse, answer="policy", body="policy",
        exclude=("set_for_path", "set_by", "set_at"),
        summary="Set a jurisdiction's list policy: quarterly red/black, or yearly red/yellow by ranking share (R7)",
        examples={"scheme": ["yearly_red_yellow"], "red_percent": [10], "yellow_percent": [10]})
query(**RATINGS, path="/yearly-lists", rpc="GetYearlyLists", request=pb.GetYearlyListsRequest,
      response=pb.GetYearlyListsResponse, answer="lists", required=("jurisdiction_path", "year"),
      summary="The red and yellow lists of a jurisdiction for a year (R7)")
command(**RATINGS, path="/yearly-lists", rpc="PublishYearlyLists", request=pb.PublishYearlyListsRequest,
        response=pb.PublishYearlyListsResponse, answer="lists", creates=True,
        summary="Publish a finished year's red and yellow lists by ranking share under a yearly policy (R7)",
        examples={"year": [2026], "published_in": ["淮南市住建局官网"]})
command(**RATINGS, path="/resident-surveys", rpc="SubmitResidentSurvey", request=pb.SubmitResidentSurveyRequest,
        response=pb.SubmitResidentSurveyResponse, creates=True,
        summary="A household's quarterly survey of its company: ten aspect scores (household_id: a household "
                "of the registry; a resident surveys only a household they own)",
        examples={"quarter": ["2026Q4"], "aspect_scores": [[9, 8, 9, 10, 8, 9, 9, 8, 10, 9]]})
command(**RATINGS, path="/appeals", rpc="FileAppeal", request=pb.FileAppealRequest, response=pb.FileAppealResponse,
        answer="appeal", creates=True, summary="The company appeals one of its credit records")
command(**RATINGS, path="/appeals/{appeal_id}/decision", rpc="DecideAppeal", request=pb.DecideAppealRequest,
        response=pb.DecideAppealResponse, summary="Uphold (withdraws the record) or dismiss an appeal",
        examples={"outcome": ["upheld"]})

# the quarterly evaluation: peers' and departments' scores next to the residents' survey
command(**RATINGS, path="/peer-evaluations", rpc="SubmitPeerEvaluation", request=pb.SubmitPeerEvaluationRequest,
        response=pb.SubmitPeerEvaluationResponse, creates=True,
        summary="A peer company's quarterly evaluation of a company in a street (aspect scores)",
        examples={"quarter": ["2026Q4"]})
command(**RATINGS, path="/department-evaluations", rpc="SubmitDepartmentEvaluation",
        request=pb.SubmitDepartmentEvaluationRequest, response=pb.SubmitDepartmentEvaluationResponse, creates=True,
        summary="A department's quarterly evaluation of a company in a street (aspect scores)",
        examples={"quarter": ["2026Q4"]})
query(**RATINGS, path="/companies/{company_id}/quarterly-evaluation", rpc="GetQuarterlyEvaluation",
      request=pb.GetQuarterlyEvaluationRequest, response=pb.GetQuarterlyEvaluationResponse, answer="quarterly",
      summary="A company's quarterly evaluation in a street (street_path, quarter: 2026Q4)")

# the credit rules: versions with their points per record kind
command(**RATINGS, path="/rule-versions", rpc="AddRuleVersion", request=pb.AddRuleVersionRequest,
        response=pb.AddRuleVersionResponse, answer="rule_version", creates=True,
        summary="Add a version of the credit rules, in force from a date",
        examples={"version": ["2027"], "effective_from": ["2027-01-01"], "base_score": [100]})
query(**RATINGS, path="/rule-versions", rpc="ListRuleVersions", request=pb.ListRuleVersionsRequest,
      response=pb.ListRuleVersionsResponse, items="rule_versions", summary="The credit rule versions")

# star ratings: assessed each year, confirmed by the city's review
STARS = "/companies/{company_id}"
command(**RATINGS, path=f"{STARS}/star-assessments", rpc="AssessStars", request=pb.AssessStarsRequest,
        response=pb.AssessStarsResponse, answer="rating", creates=True,
        summary="Assess a company's stars for a year from its record", examples={"year": [2026]})
command(**RATINGS, path=f"{STARS}/city-reviews", rpc="RecordCityReview", request=pb.RecordCityReviewRequest,
        response=pb.RecordCityReviewResponse, answer="rating",
        summary="The city's review of a year's star assessment (approved or not)",
        examples={"year": [2026], "approved": [True]})
query(**RATINGS, path=f"{STARS}/stars", rpc="GetStars", request=pb.GetStarsRequest, response=pb.GetStarsResponse,
      summary="The stars a company holds on a date (as_of: YYYY-MM-DD) with its ratings")
