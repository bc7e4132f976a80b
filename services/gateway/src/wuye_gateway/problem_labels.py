"""Chinese for the problem details the screens show first (``detail_zh``): what kind of refusal it is and
which field it names, beside the service's English ``detail``, which stays as it is for partners and logs.

A field without a label here is named by its wire name, never left out.
"""

from __future__ import annotations

#: the kind of refusal, by HTTP status
STATUS_ZH = {
    400: "填写有误", 401: "请先登录", 403: "无权办理", 404: "未找到", 405: "不支持的操作", 409: "当前状态不允许",
    413: "内容过大", 422: "填写有误", 429: "操作过于频繁，请稍后再试", 502: "后台服务出错", 503: "服务暂不可用，请稍后再试",
    504: "后台服务超时，请稍后再试",
}

#: the fields people fill in or pick on the screens, as the screens name them
FIELD_ZH = {
    "amount_fen": "金额", "assignee_id": "承办单位", "assignee_kind": "派单对象", "authorisation_ref": "授权书编号",
    "budget_fen": "预算金额", "building_ids": "楼栋", "case_id": "工单", "category": "问题类别", "choice": "表决选择",
    "code": "代码", "content": "照片", "content_type": "照片格式", "company_id": "物业企业", "compound_id": "小区", "contacted": "是否联系上", "description": "问题描述",
    "early_reason": "提前理由", "end_date": "结束日期", "evidence_refs": "证据材料", "filed_on": "备案日期",
    "household_id": "房屋", "id_number": "身份证号", "jurisdiction_code": "辖区", "jurisdiction_path": "辖区",
    "matter": "表决事项", "message": "答复内容", "name": "名称", "note": "说明", "owner_key": "业主",
    "page_size": "每页条数", "photo_id": "照片", "photo_ids": "照片", "page_token": "分页标记", "person_id": "人员", "phone": "手机号", "plan": "方案",
    "quarter": "季度", "reason": "原因", "reporter": "反映人", "reporter.name": "联系人", "reporter.phone": "联系电话",
    "satisfaction": "满意度", "solved": "是否解决", "start_date": "开始日期", "state": "状态", "summary": "办理结果",
    "title": "标题", "valid": "回访是否有效", "vote_id": "表决",
}


def detail_zh(status: int, field: str | None, rule: str | None) -> str:
    """E.g. "填写有误：满意度（satisfaction），规则 C5"."""
    text = STATUS_ZH.get(status, "出错了")
    if field:
        # "photo_ids[2]" is labelled as "photo_ids", "reporter.phone" as itself or as "phone"
        bare = field.split("[", 1)[0]
        label = FIELD_ZH.get(field) or FIELD_ZH.get(bare) or FIELD_ZH.get(bare.rsplit(".", 1)[-1])
        text += f"：{label}（{field}）" if label else f"：字段 {field}"
    if rule:
        text += f"，规则 {rule}"
    return text
