"""Complaints (诉求): intake, the handling lifecycle, callbacks, and the figures (complaints service).

Bodies and answers are the complaints service's own messages (see wuye_gateway.routing); the service
validates each input and names the field at fault. Reporters' names and phones come back masked
(``unmasked: false``) unless the caller's role calls them back (the community worker or 12345 operator).

Who acts (RULES.md A1, A4, A5): a resident files for a compound they own in and is recorded as the case's
``reporter_person_id``; a case is dispatched only to the company holding the compound's active contract or
to the case's own community; whoever it is dispatched to takes the handler steps (start, send back,
resolve, reply), never someone in their place; company staff see their company's cases, residents their own.
"""

from fastapi import APIRouter

from wuye.complaints.v1 import complaints_pb2 as pb
from wuye_gateway.dependencies import PROBLEM_RESPONSES
from wuye_gateway.routing import Backend, command, photo, query, upload

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], responses=PROBLEM_RESPONSES)
COMPLAINTS = Backend(router=router, service="complaints")
CASE = "/{case_id}"

# before /{case_id}: these paths would otherwise read as a case id
query(**COMPLAINTS, path="/categories", rpc="ListCategories", request=pb.ListCategoriesRequest,
      response=pb.ListCategoriesResponse, items="categories",
      summary="Complaint categories (C1), the ten top problems first")
command(**COMPLAINTS, path="", rpc="SubmitComplaint", request=pb.SubmitComplaintRequest,
        response=pb.SubmitComplaintResponse, creates=True,
        required=("compound_id", "category", "channel", "description", "reporter", "reporter.name", "reporter.phone"),
        exclude=("reporter.unmasked",),
        summary="File a complaint (category: a code from GET /api/v1/complaints/categories; external_id: a "
                "partner system's ticket id, unique per channel; a resident files only for a compound they own "
                "in, as themselves)",
        examples={"category": ["lifts"], "channel": ["mobile"], "description": ["3号楼电梯停运两天"],
                  "reporter": [{"name": "张三", "phone": "13812345678"}]})
query(**COMPLAINTS, path="/figures", rpc="GetComplaintFigures", request=pb.GetComplaintFiguresRequest,
      response=pb.GetComplaintFiguresResponse, required=("jurisdiction_path", "start_date", "end_date"),
      summary="C4/C5 figures for a jurisdiction and period (start_date, end_date: YYYY-MM-DD)")
# before the case routes: "/hotline-analysis" is not a case id
query(**COMPLAINTS, path="/hotline-analysis", rpc="GetHotlineAnalysis", request=pb.GetHotlineAnalysisRequest,
      response=pb.GetHotlineAnalysisResponse, required=("jurisdiction_path", "start_date", "end_date"),
      summary="H1: the period's complaints by category, channel, tier, company and compound beside the year "
              "before, the top problems and the hotspot compounds (both days included)")
query(**COMPLAINTS, path="/service-lists/{compound_id}", rpc="GetServiceList", request=pb.GetServiceListRequest,
      response=pb.GetServiceListResponse, required=("start_date", "end_date"),
      summary="H2: a compound's service list (服务清单): its top problems of the period and who held them")
query(**COMPLAINTS, path=CASE, rpc="GetCase", request=pb.GetCaseRequest, response=pb.GetCaseResponse,
      answer="case", summary="One case (reporter masked unless the role needs it; A5: company staff read "
                             "their company's cases, residents their own)")
query(**COMPLAINTS, path="", rpc="ListCases", request=pb.ListCasesRequest, response=pb.ListCasesResponse,
      items="cases", required=("jurisdiction_path",), summary="Cases in a jurisdiction, newest first")

# the handling lifecycle (C2): each step answers the case as it now is
command(**COMPLAINTS, path=f"{CASE}/accept", rpc="AcceptCase", request=pb.AcceptCaseRequest,
        response=pb.AcceptCaseResponse, answer="case", summary="Accept a submitted case (C2)")
command(**COMPLAINTS, path=f"{CASE}/reject", rpc="RejectCase", request=pb.RejectCaseRequest,
        response=pb.RejectCaseResponse, answer="case", required=("reason",),
        summary="Reject a case with its reason (C2; duplicate_of names the original of a duplicate)")
command(**COMPLAINTS, path=f"{CASE}/dispatch", rpc="DispatchCase", request=pb.DispatchCaseRequest,
        response=pb.DispatchCaseResponse, answer="case", required=("assignee_kind",),
        summary="Dispatch to the company holding the compound's contract or to the case's community (C3 "
                "clock; A4: any other assignee_id is refused; empty means exactly those)")
command(**COMPLAINTS, path=f"{CASE}/send-back", rpc="SendBackCase", request=pb.SendBackCaseRequest,
        response=pb.SendBackCaseResponse, answer="case", required=("reason",),
        summary="The handler sends the case back, with a reason (A1: the staff of the company it is "
                "dispatched to, or the community for its own cases)")
command(**COMPLAINTS, path=f"{CASE}/start", rpc="StartHandling", request=pb.StartHandlingRequest,
        response=pb.StartHandlingResponse, answer="case",
        summary="The handler takes the case on (A1: whoever it is dispatched to)")
command(**COMPLAINTS, path=f"{CASE}/resolve", rpc="ResolveCase", request=pb.ResolveCaseRequest,
        response=pb.ResolveCaseResponse, answer="case", required=("summary",),
        summary="The handler records the resolution, with photos of the work done (photo_ids; A1: whoever it is "
                "dispatched to)")
command(**COMPLAINTS, path=f"{CASE}/reply", rpc="ReplyToReporter", request=pb.ReplyToReporterRequest,
        response=pb.ReplyToReporterResponse, answer="case", required=("message",),
        summary="The handler replies to the reporter (五必: required before closing; A1: whoever it is "
                "dispatched to)")
command(**COMPLAINTS, path=f"{CASE}/callback", rpc="RecordCallback", request=pb.RecordCallbackRequest,
        response=pb.RecordCallbackResponse, answer="case", required=("valid",),
        summary="Record the callback and satisfaction (C5; valid is false when the reporter could not be reached; "
                "the reporting resident answers their own case's callback themselves, valid and contacted, A5)")
command(**COMPLAINTS, path=f"{CASE}/close", rpc="CloseCase", request=pb.CloseCaseRequest,
        response=pb.CloseCaseResponse, summary="Close after callback; unsatisfied reopens (C2)")
command(**COMPLAINTS, path=f"{CASE}/mark-hard", rpc="MarkCaseHard", request=pb.MarkCaseHardRequest,
        response=pb.MarkCaseHardResponse, answer="case", required=("note",),
        summary="Escalate one tier now (C4), with why")
command(**COMPLAINTS, path=f"{CASE}/reporters", rpc="AddReporter", request=pb.AddReporterRequest,
        response=pb.AddReporterResponse, answer="case", body="reporter", required=("name", "phone"),
        exclude=("unmasked",), summary="Another resident reports the same matter (C6)")

# photos (issue 15): the bytes themselves travel, not JSON
PHOTO_UPLOAD_PATH = upload(
    **COMPLAINTS, path="/photos", rpc="UploadPhoto", request=pb.UploadPhotoRequest, response=pb.UploadPhotoResponse,
    answer="photo",
    summary="Upload a photo for a complaint you are about to file, or of the work done on a case you handle (the "
            "body is the image itself: JPEG, PNG or WebP, at most 10 MB); it is kept upright, at most 2560 pixels "
            "long and without the camera's metadata (where it was taken), and only you can file it, by its "
            "photo_id (photo_ids of the complaint or of the resolution)")
photo(**COMPLAINTS, path=f"{CASE}/photos/{{photo_id}}", rpc="GetCasePhoto", request=pb.GetCasePhotoRequest,
      summary="A photo of a case, to whoever may read the case (A5)")
