// Wuye officers' console: plain JavaScript over the gateway's /api/v1 REST, no build step.
"use strict";

const TOKEN_KEY = "wuye-console-token";
const POST_KEY = "wuye-console-post";
const $ = (id) => document.getElementById(id);
// session: counts logins and logouts, so an answer that arrives for an earlier session is dropped
const state = {
  token: "", claims: {}, casesToken: "", casesRequest: 0, caseId: "", session: 0, categories: {}, compounds: [], compoundNames: {}, people: {},
  companies: {}, fourFailures: {}, itemContents: {}, orderId: "", dashboardCode: "", jurisdictionNames: {},
  ready: Promise.resolve(),
};

// what each step of a case's history is called (complaints' actions, C2)
const ACTIONS = {
  submit: "提交 Submitted", accept: "受理 Accepted", reject: "退回 Rejected", dispatch: "派单 Dispatched",
  send_back: "退单 Sent back", start_handling: "开始处理 Started", resolve: "办结 Resolved", reply: "答复 Replied",
  record_callback: "回访 Callback", close: "关闭 Closed", reopen: "重新办理 Reopened", escalate: "升级 Escalated",
  add_reporter: "追加反映人 Reporter added",
};

const LABELS = {
  submitted: "待受理 Submitted", accepted: "已受理 Accepted", rejected: "已退回 Rejected",
  dispatched: "已派单 Dispatched", in_progress: "处理中 In progress", resolved: "已办结 Resolved",
  closed: "已关闭 Closed", community: "社区 Community", street: "街道 Street", county: "县级 County",
  open: "进行中 Open", final: "结果已确定 Final", approved: "通过 Approved", quorum_failed: "未达法定人数 Quorum failed",
  routine: "常规 Routine", special: "专项 Special", complaint_triggered: "投诉触发 Complaint-triggered",
  follow_up: "回头看 Follow-up",
};
// supervision (督办): a task's and a rectification list item's states, the kinds of list
const TASK_STATES = { open: "待完成 Open", done: "已完成 Done" };
const ITEM_STATES = {
  assigned: "已交办 Assigned", handled: "已处置待回访 Handled", closed: "已销号 Closed", reopened: "回头看重新交办 Reopened",
};
const LIST_KINDS = { task_list: "任务清单 Task list", special_action: "专项行动 Special action" };
const ORIGINS = { city: "市级 City", county: "县级 County" };
const label = (value) => (value == null || value === "" ? "—" : LABELS[value] || String(value));

// --- small helpers -------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child == null ? "" : child);
  return node;
}

function say(text, error) {
  const box = $("message");
  box.textContent = text;
  box.className = error ? "error" : "";
  box.hidden = !text;
}

function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
    return JSON.parse(json);
  } catch (error) {
    return null;
  }
}

function newKey() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
}

class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || "HTTP " + status);
    this.status = status;
    this.body = body;
  }
}

class Stale extends Error {}

async function api(method, path, body, options) {
  const session = state.session;
  const headers = { Accept: "application/json" };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (state.post) headers["X-Wuye-Post"] = state.post;  // the post acted in, for a person holding several (A1)
  // a file (a photo) is sent as itself, typed as the browser knows it; anything else as JSON
  const file = body instanceof Blob;
  if (body !== undefined) headers["Content-Type"] = file ? body.type || "application/octet-stream" : "application/json";
  if (options && options.create) headers["Idempotency-Key"] = newKey();
  const answer = await fetch(path, { method, headers, body: body === undefined || file ? body : JSON.stringify(body) });
  if (session !== state.session) throw new Stale();
  const text = await answer.text();
  const data = text ? JSON.parse(text) : null;
  if (!answer.ok) {
    // a loader of a session that has ended asks on without a token: its 401 ends nothing (it would end the
    // session being opened meanwhile)
    if (answer.status === 401 && !headers.Authorization) throw new Stale();
    if (answer.status === 401) logout("登录已失效，请重新登录 Session expired, please log in again");
    throw new Problem(answer.status, data);
  }
  return data;
}

async function guarded(work) {
  try {
    await work();
  } catch (error) {
    if (error instanceof Stale) return;  // an answer for a session that has ended shows nothing
    // the refusal in Chinese naming the field first, then the service's own words (English)
    const zh = error.body && error.body.detail_zh ? error.body.detail_zh + "。" : "";
    const field = error.body && error.body.field ? " (" + error.body.field + ")" : "";
    // a typed list's refused row is named as the officer sees it, counted from 1 (sendLines)
    const row = error.row == null ? "" : "第 " + (error.row + 1) + " 行 Row " + (error.row + 1) + "：";
    say("出错了 Error: " + row + zh + error.message + field, true);
  }
}

function ratio(value) {
  if (value == null) return "—";
  if (typeof value === "object" && value.percent) return value.percent;
  if (typeof value === "object") {
    if (!value.denominator) return "—";
    return (100 * value.numerator / value.denominator).toFixed(1) + "%";
  }
  return String(value);
}

const SHANGHAI = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
});

// times are stored in UTC and shown in Asia/Shanghai
function when(value) {
  return value ? SHANGHAI.format(new Date(value)) : "—";
}

// days are Asia/Shanghai calendar days, as the services count them (not the UTC date, eight hours behind)
const SHANGHAI_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

function shiftedDay(days) {
  return SHANGHAI_DAY.format(new Date(Date.now() + days * 86400000));
}

function today() {
  return shiftedDay(0);
}

function scopeParts() {
  return String(state.claims.wuye_scope || "").split("/").filter(Boolean);
}

// --- language -------------------------------------------------------------------------------------

// Every label is Chinese first with its English after it ("概览 Dashboard"). Chinese only drops the English
// of each label where it follows Chinese text, in what is on the page and in whatever is drawn later; the
// words as written are kept, so switching back restores them.
const LANG_KEY = "wuye-console-lang";
const CJK = "\u3000-\u303f\uff00-\uffef\u4e00-\u9fff";
const ENGLISH_AFTER_CHINESE = new RegExp("([" + CJK + "）」》])\\s+[A-Za-z][A-Za-z0-9 ,.'’()/&%+:²·\\-]*?(?=\\s*(?:$|[" + CJK + "（]))", "g");
const written = new WeakMap();
let chineseOnly = false;

function chineseOf(text) {
  return text.replace(ENGLISH_AFTER_CHINESE, "$1");
}

function relabel(node) {
  if (node.nodeType === Node.TEXT_NODE) {
    const current = node.nodeValue;
    if (chineseOnly) {
      const shown = chineseOf(current);
      if (shown !== current) {
        written.set(node, current);
        node.nodeValue = shown;
      }
    } else if (written.has(node)) {
      node.nodeValue = written.get(node);
      written.delete(node);
    }
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE || node.tagName === "SCRIPT" || node.tagName === "STYLE") return;
  for (const child of node.childNodes) relabel(child);
}

function setLanguage(onlyChinese) {
  chineseOnly = onlyChinese;
  localStorage.setItem(LANG_KEY, onlyChinese ? "zh" : "zh-en");
  $("lang-switch").setAttribute("aria-pressed", String(onlyChinese));
  $("lang-switch").textContent = onlyChinese ? "中英对照" : "只显示中文";
  relabel(document.body);
}

// what the screens draw after the switch (new rows, messages) is relabelled as it arrives; a text changed
// by a screen is its new original
new MutationObserver((changes) => {
  if (!chineseOnly) return;
  for (const change of changes) {
    if (change.type === "characterData") {
      if (chineseOf(change.target.nodeValue) !== change.target.nodeValue) relabel(change.target);
    } else {
      for (const node of change.addedNodes) relabel(node);
    }
  }
}).observe(document.documentElement, { childList: true, characterData: true, subtree: true });

// --- log in --------------------------------------------------------------------------------------

function login(token) {
  const claims = claimsOf(token);
  if (!claims) {
    say("令牌无法解析 The token cannot be read", true);
    return;
  }
  state.session += 1;
  state.token = token;
  state.claims = claims;
  state.people = {};  // what one person may read of others is not carried to the next
  state.companies = {};
  state.found = [];
  state.places = [];
  state.dashboardCode = "";  // each login starts at the person's own jurisdiction
  sessionStorage.setItem(TOKEN_KEY, token);
  $("who-text").textContent = claims.sub;  // the post acted in follows once the registry has said which
  $("who").hidden = false;
  $("login").hidden = true;
  $("tabs").hidden = false;
  say("");
  state.post = sessionStorage.getItem(POST_KEY) || "";
  // who acts is the registry's person in one post (A1); the screens name compounds and categories: their
  // names are read before the first screen loads
  state.ready = actingPost().then(() => Promise.all([loadCompounds(), loadCategories()]));
  show(location.hash.slice(1) || "dashboard");
}

// a person holding several posts chooses the one to act in; the screens then work as that post: its role,
// its jurisdiction, its company or department
const postLabel = (kind) => ({ ...POST_KINDS, resident: "业主 Owner", committee_member: "业委会委员 Committee member" })[kind] || kind;

async function actingPost() {
  const me = await api("GET", "/api/v1/me");
  $("post-choice-label").hidden = me.posts.length < 2;
  $("post-choice").replaceChildren(el("option", { value: "" }, "请选择 Choose…"), ...me.posts.map((post) => el("option",
    { value: post.post_id }, postLabel(post.kind) + " · " + (post.place_name || placeName(post.jurisdiction_path)))));
  if (!me.acting_as) {
    say("您有多个岗位，请先选择办理身份 You hold several posts: choose the one to act in", true);
    throw new Stale();  // nothing loads until a post is chosen (a new session then)
  }
  $("post-choice").value = me.acting_as.post_id;
  $("who-text").textContent = state.claims.sub + " · " + postLabel(me.acting_as.kind) + " · "
    + (me.acting_as.place_name || placeName(me.acting_as.jurisdiction_path));
  Object.assign(state.claims, {
    roles: [me.acting_as.kind], wuye_scope: me.acting_as.jurisdiction_path,
    wuye_company: me.acting_as.company_id || undefined, wuye_department: me.acting_as.department || undefined,
    wuye_compound: me.acting_as.compound_id || undefined,
  });
}

function choosePost() {
  state.post = $("post-choice").value;
  if (state.post) sessionStorage.setItem(POST_KEY, state.post);
  else sessionStorage.removeItem(POST_KEY);
  login(state.token);
}

function logout(reason) {
  state.session += 1;
  state.token = "";
  state.post = "";
  sessionStorage.removeItem(POST_KEY);
  state.claims = {};
  sessionStorage.removeItem(TOKEN_KEY);
  $("who").hidden = true;
  $("tabs").hidden = true;
  $("login").hidden = false;
  for (const view of document.querySelectorAll(".view")) view.hidden = true;
  say(reason || "", Boolean(reason));
}

async function devLogin(event) {
  event.preventDefault();
  await guarded(async () => {
    const answer = await api("POST", "/dev/token", { username: $("username").value });
    login(answer.access_token);
  });
}

// --- views ---------------------------------------------------------------------------------------

const LOADERS = {
  dashboard: loadDashboard, complaints: loadCases, registry: loadRegistry, votes: loadVotes, funds: loadFunds, plans: loadPlans, supervision: loadSupervision,
  ratings: loadRatings, consultations: loadMeetings, hotline: loadHotline,
};

function show(name) {
  if (!state.token) return;
  if (!LOADERS[name]) name = "dashboard";
  for (const link of document.querySelectorAll("#tabs a")) link.classList.toggle("active", link.dataset.tab === name);
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== "view-" + name;
  say("");  // a refusal on one screen is not carried to the next
  const view = $("view-" + name);
  loading(view, +1);
  guarded(async () => {
    await state.ready;
    await LOADERS[name]();
  }).finally(() => loading(view, -1));
}

// a screen being read is aria-busy until every load of it has ended (assistive technology, and the browser
// tests, wait for what the person will see)
const loads = {};
function loading(view, change) {
  loads[view.id] = (loads[view.id] || 0) + change;
  if (loads[view.id]) view.setAttribute("aria-busy", "true");
  else view.removeAttribute("aria-busy");
}

function figure(id, caption, value) {
  return el("div", { class: "figure", id: "figure-" + id }, el("span", {}, caption), el("b", {}, value == null ? "—" : String(value)));
}

const SVG = "http://www.w3.org/2000/svg";
const TIER_NAMES = { community: "社区 Community", street: "街道 Street", county: "县区 County" };

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text != null) node.textContent = text;
  return node;
}

const share = (value) => (value && Number(value.denominator) ? Number(value.numerator) / Number(value.denominator) : 0);

// one labelled bar of a chart: its share filled, its target (when it has one) marked, its value after it
function barRow(chart, { y, left, length, font, label, part, target, bar, mark, value }) {
  chart.append(
    svg("text", { x: 0, y: y + 14, "font-size": font }, label),
    svg("rect", { x: left, y, width: length, height: 18, fill: "#eceff1" }),
    svg("rect", { ...bar, x: left, y, width: (length * part).toFixed(1), height: 18 }),
    svg("text", { x: left + length + 6, y: y + 14, "font-size": font }, value));
  if (target != null) {
    chart.append(svg("line", { class: mark, x1: left + length * target, x2: left + length * target, y1: y - 3,
      y2: y + 21, stroke: "#222", "stroke-width": 2 }));
  }
}

// C4: the cases closed at each tier against the campaign's 70 / 20 / 10 target, as bars with the target marked
function tierChart(complaints) {
  const split = complaints.tier_split || [];
  const closed = split.reduce((sum, one) => sum + Number(one.closed || 0), 0);
  const chart = svg("svg", { viewBox: "0 0 320 " + (split.length * 30 + 6), role: "img",
    "aria-label": "办结层级分布 Closed by tier" });
  split.forEach((one, at) => {
    const tier = String(one.tier).toLowerCase().replace(/^tier_/, "");
    barRow(chart, { y: 6 + at * 30, left: 96, length: 160, font: 11, label: TIER_NAMES[tier] || tier,
      part: share(one.share), target: share(one.target), bar: { class: "tier-bar", "data-tier": tier, fill: "#1565c0" },
      mark: "tier-target", value: (one.share && one.share.percent) || "0%" });
  });
  const verdict = !closed ? "暂无办结 None closed yet" : complaints.meets_tier_target ? "达标 On target" : "未达标 Off target";
  return el("figure", { class: "chart", id: "chart-tiers" },
    el("figcaption", {}, "办结层级分布 Closed by tier（目标 70% / 20% / 10%，竖线为目标）· " + verdict), chart);
}

// O6: coverage figures as bars, each against its target where the campaign sets one
function coverageChart(coverage) {
  const lines = [
    ["party-branch", "党组织覆盖 Party branches", coverage.party_branch_coverage, null],
    ["committees", "业委会组建 Committees", coverage.owners_committee_formation_rate, coverage.owners_committee_formation_target],
    ["company-party-org", "企业党组织 Company party orgs", coverage.company_party_org_coverage, coverage.company_party_org_target],
  ];
  const chart = svg("svg", { viewBox: "0 0 320 96", role: "img", "aria-label": "覆盖率 Coverage against targets" });
  lines.forEach(([key, caption, value, target], at) => {
    barRow(chart, { y: 6 + at * 30, left: 140, length: 120, font: 10, label: caption, part: share(value),
      target: target ? share(target) : null, bar: { class: "coverage-bar", "data-key": key, fill: "#2e7d32" },
      mark: "coverage-target", value: ratio(value) + (target ? " / ≥" + ratio(target) : "") });
  });
  return el("figure", { class: "chart", id: "chart-coverage" },
    el("figcaption", {}, "覆盖率 Coverage（竖线为目标 the line is the target）"), chart);
}

// C5 over time: the complaints submitted in each month of this year so far, with the month's satisfaction
// rate (one request: the gateway asks the complaints service for each month)
async function monthlyChart(path) {
  const answer = await api("GET", "/api/v1/views/complaints-by-month?" + new URLSearchParams({ jurisdiction_path: path }));
  const months = answer.months.map((month) => ({ ...month, label: Number(month.month.slice(5)) + "月",
    first: month.period.start_date }));
  const most = Math.max(1, ...months.map((month) => Number(month.figures.submitted || 0)));
  const width = 24;
  const chart = svg("svg", { viewBox: "0 0 " + (months.length * width + 8) + " 130", role: "img",
    "aria-label": "每月投诉量与满意率 Complaints and satisfaction by month" });
  const points = [];
  months.forEach((month, at) => {
    const x = 4 + at * width;
    const submitted = Number(month.figures.submitted || 0);
    const height = 80 * submitted / most;
    chart.append(
      svg("rect", { class: "month-bar", "data-month": month.first.slice(0, 7), x: x + 3, y: 100 - height,
        width: width - 6, height: height.toFixed(1), fill: "#1565c0" }),
      svg("text", { class: "month-count", x: x + width / 2, y: 96 - height, "font-size": 9, "text-anchor": "middle" },
        String(submitted)),
      svg("text", { x: x + width / 2, y: 114, "font-size": 9, "text-anchor": "middle" }, month.label));
    const rate = month.figures.satisfaction_rate;
    if (rate && Number(rate.denominator)) points.push([x + width / 2, 100 - 80 * share(rate), rate.percent]);
  });
  if (points.length) {
    chart.append(svg("polyline", { class: "satisfaction-line", points: points.map(([x, y]) => x + "," + y.toFixed(1)).join(" "),
      fill: "none", stroke: "#ef6c00", "stroke-width": 1.5 }));
    for (const [x, y, percent] of points) {
      const point = svg("circle", { class: "satisfaction-point", cx: x, cy: y.toFixed(1), r: 2.5, fill: "#ef6c00" });
      point.append(svg("title", {}, "满意率 Satisfaction " + percent));
      chart.append(point);
    }
  }
  return el("figure", { class: "chart", id: "chart-months" },
    el("figcaption", {}, "每月投诉量（柱）与满意率（折线）Complaints (bars) and satisfaction (line) by month"), chart);
}

// the dashboard drills down from the caller's own jurisdiction: county → street → community → its compounds
async function loadDashboard(target) {
  const parts = scopeParts();
  const own = parts[parts.length - 1];
  const code = typeof target === "string" ? target : state.dashboardCode || own;
  const load = state.dashboardLoads = (state.dashboardLoads || 0) + 1;
  const box = $("dashboard-figures");
  box.replaceChildren();
  $("dashboard-charts").replaceChildren();
  if (!code) {
    $("dashboard-title").textContent = "";
    $("dashboard-period").textContent = "概览需要有辖区的账号 The dashboard needs an account with a jurisdiction";
    return;
  }
  // the caller's own jurisdiction: a county's officer reads the county, a community worker their community
  const board = await api("GET", "/api/v1/views/jurisdictions/" + encodeURIComponent(code) + "/dashboard");
  state.dashboardCode = code;
  state.jurisdictionNames[code] = board.jurisdiction_name || code;
  const path = (board.jurisdiction_path || code).split("/");
  const trail = path.slice(Math.max(path.indexOf(own), 0));
  $("dashboard-trail").replaceChildren(...trail.flatMap((one, at) => (at === trail.length - 1
    ? [el("b", {}, state.jurisdictionNames[one] || one)]
    : [el("button", { type: "button", class: "trail-step", dataset: { code: one }, onclick: () => guarded(() => loadDashboard(one)) },
      state.jurisdictionNames[one] || one), " › "])));
  await loadDashboardBelow(code);
  $("dashboard-title").textContent = [board.jurisdiction_name, board.jurisdiction_path || code].filter(Boolean).join(" ");
  $("dashboard-period").textContent = "统计期间 Period: " + board.period.start_date + " — " + board.period.end_date;
  const coverage = board.coverage || {};
  const complaints = board.complaints || {};
  const inspections = board.enforcement || {};
  const lists = board.lists;
  box.append(
    figure("compounds", "小区数 Compounds", coverage.compounds),
    figure("party-branch", "党组织覆盖率 Party-branch coverage", ratio(coverage.party_branch_coverage)),
    figure("committees", "业委会组建率 Committee formation", ratio(coverage.owners_committee_formation_rate)),
    figure("submitted", "投诉受理量 Complaints", complaints.submitted),
    figure("response-rate", "响应率 Response rate", ratio(complaints.response_rate)),
    figure("resolution-rate", "解决率 Resolution rate", ratio(complaints.resolution_rate)),
    figure("satisfaction-rate", "满意率 Satisfaction", ratio(complaints.satisfaction_rate)),
    figure("inspections", "联合检查 Inspections", inspections.inspections),
    figure("problems", "发现问题 Problems found", inspections.problems_found),
    figure("overdue", "逾期未整改 Overdue orders", inspections.overdue),
    figure("visits-saved", "减少检查次数 Visits saved", inspections.visits_saved),
  );
  if (parts.length <= 2) {
    box.append(figure("lists", "红黑榜 Red/black lists " + board.lists_quarter,
      lists ? lists.red_company_ids.length + " / " + lists.black_company_ids.length : "未发布 Not published"));
  }
  if (board.complaints) $("dashboard-charts").append(tierChart(complaints));
  if (board.coverage) $("dashboard-charts").append(coverageChart(coverage));
  $("dashboard-unavailable").textContent = board.unavailable.length
    ? "暂不可用 Unavailable: " + board.unavailable.map((u) => u.section + " (" + u.reason + ")").join(", ")
    : "";
  if (board.complaints && board.jurisdiction_path) {
    const months = await monthlyChart(board.jurisdiction_path);
    if (load === state.dashboardLoads) $("dashboard-charts").append(months);  // no other dashboard opened since
  }
}

// what lies below the jurisdiction shown: its streets or communities with their own figures, or a
// community's compounds (opening in the registry screen)
async function loadDashboardBelow(code) {
  const head = (...captions) => $("dashboard-below-head").replaceChildren(el("tr", {}, ...captions.map((c) => el("th", {}, c))));
  const children = await api("GET", "/api/v1/jurisdictions?" + new URLSearchParams({ parent_code: code, page_size: "100" }));
  if (children.items.length) {
    head("辖区 Jurisdiction", "小区 Compounds", "投诉 Complaints", "解决率 Resolution", "满意率 Satisfaction", "发现问题 Problems", "逾期整改 Overdue");
    const boards = await Promise.all(children.items.map((child) => api("GET", "/api/v1/views/jurisdictions/" + encodeURIComponent(child.code) + "/dashboard")));
    $("dashboard-children").replaceChildren(...children.items.map((child, at) => {
      state.jurisdictionNames[child.code] = child.name;
      const board = boards[at];
      const complaints = board.complaints || {};
      const inspections = board.enforcement || {};
      return el("tr", { dataset: { code: child.code }, onclick: () => guarded(() => loadDashboard(child.code)) },
        el("td", {}, child.name), el("td", {}, String((board.coverage || {}).compounds ?? "—")), el("td", {}, String(complaints.submitted ?? "—")),
        el("td", {}, ratio(complaints.resolution_rate)), el("td", {}, ratio(complaints.satisfaction_rate)),
        el("td", {}, String(inspections.problems_found ?? "—")), el("td", {}, String(inspections.overdue ?? "—")));
    }));
    return;
  }
  head("小区 Compound", "编码 Code", "类型 Type", "管理方式 Management");
  const compounds = await api("GET", "/api/v1/compounds?" + new URLSearchParams({ jurisdiction_code: code, page_size: "200" }));
  $("dashboard-children").replaceChildren(...compounds.items.map((one) => el("tr", {
    dataset: { compoundId: one.id }, onclick: () => guarded(async () => {
      location.hash = "registry";
      await openCompound(one.id);
    }),
  }, el("td", {}, one.name), el("td", {}, one.code), el("td", {}, COMPOUND_TYPES[one.compound_type] || "—"),
  el("td", {}, MANAGEMENT_MODES[one.management_mode] || "—"))));
  if (!compounds.items.length) $("dashboard-children").append(el("tr", {}, el("td", { colspan: "4" }, "暂无小区 No compounds")));
}

// complaints

async function loadCases(more) {
  const params = new URLSearchParams({ jurisdiction_path: state.claims.wuye_scope || "", page_size: "50" });
  if ($("case-state").value) params.set("state", $("case-state").value);
  if (more === true && state.casesToken) params.set("page_token", state.casesToken);
  // a filter changed while a page was on its way: only the latest request's answer is shown
  const request = ++state.casesRequest;
  const page = await api("GET", "/api/v1/complaints?" + params);
  if (request !== state.casesRequest) return;
  const body = $("cases");
  if (more !== true) body.replaceChildren();
  for (const item of page.items) {
    body.append(el("tr", { dataset: { caseId: item.case_id }, onclick: () => guarded(() => openCase(item.case_id)) },
      el("td", {}, item.ticket_no), el("td", { dataset: { category: item.category } }, category(item.category)), el("td", { class: "state" }, label(item.state)),
      el("td", {}, label(item.tier)), dueCell(item)));
  }
  if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: "5" }, "暂无工单 No cases")));
  state.casesToken = page.next_page_token;
  $("cases-more").hidden = !page.next_page_token;
}

// the deadline a case's state runs against (accept, then resolve), marked when passed or within a day
const FINISHED = ["resolved", "callback", "closed", "rejected"];
function dueCell(item) {
  const due = item.state === "submitted" ? item.accept_due_at : item.resolve_due_at;
  if (!due || FINISHED.includes(item.state)) return el("td", {}, "—");
  const left = new Date(due) - Date.now();
  const mark = left < 0 ? ["overdue", " 已超时 overdue"] : left < 86400000 ? ["due-soon", " 即将到期 due soon"] : ["", ""];
  return el("td", { class: mark[0] }, when(due) + mark[1]);
}

function renderCase(item) {
  state.caseId = item.case_id;
  $("case").hidden = false;
  $("case").dataset.caseId = item.case_id;
  $("case-ticket").textContent = item.ticket_no;
  $("case-state-value").textContent = label(item.state);
  $("case-state-value").dataset.state = item.state || "";
  $("case-category").textContent = category(item.category);
  $("case-category").dataset.category = item.category;
  $("case-tier").textContent = label(item.tier);
  $("case-description").textContent = item.description;
  showCasePhotos(item);
  $("case-reporters").textContent = item.reporters.map((r) => r.name + " " + r.phone).join("; ");
  $("case-due").textContent = when(item.resolve_due_at || item.accept_due_at);
  $("case-accept").disabled = item.state !== "submitted";
  $("case-dispatch").disabled = item.state !== "accepted";
  // only the steps the case's state allows are offered; who may take them is the service's to say (A1)
  for (const step of document.querySelectorAll("#case-steps .step")) {
    step.hidden = !step.dataset.states.split(" ").includes(item.state);
  }
  $("case-history").replaceChildren(...item.history.map((h) =>
    el("li", { dataset: { action: h.action } }, when(h.at) + " · " + h.actor_id + " · " + (ACTIONS[h.action] || h.action)
      + (h.to_state ? " → " + label(h.to_state) : "") + (h.reason ? "（" + h.reason + "）" : ""))));
}

// the reporter's photos and the handler's, each fetched with the officer's token (never public)
function showCasePhotos(item) {
  const photos = item.photos || [];
  const base = "/api/v1/complaints/" + encodeURIComponent(item.case_id) + "/photos/";
  drawPhotos($("case-photos"), photos.map((photo) => base + encodeURIComponent(photo.photo_id)), "投诉照片",
    () => state.caseId === item.case_id);
}

// photos a reader may see, fetched with the token (a photo is never addressable without one) and drawn from
// memory into ``box``, while ``stillWanted()`` (the record is still the one on screen)
function drawPhotos(box, paths, alt, stillWanted) {
  box.replaceChildren(paths.length ? "" : "无 None");
  guarded(async () => {
    const drawn = await Promise.all(paths.map(async (path) => {
      const answer = await fetch(path, { headers: { Authorization: "Bearer " + state.token } });
      if (!answer.ok) return el("span", {}, "照片无法显示 Photo unavailable ");
      const link = URL.createObjectURL(await answer.blob());
      return el("a", { href: link, target: "_blank", rel: "noopener" }, el("img", { class: "photo", src: link, alt }));
    }));
    if (stillWanted() && drawn.length) box.replaceChildren(...drawn);
  });
}

const MAX_PHOTOS = 9;
const MAX_PHOTO_MB = 10;

// the chosen photos, checked, then uploaded one by one to ``path``; their ids for the step that files them
async function uploadPhotos(input, path) {
  const files = [...input.files];
  const tooBig = files.filter((file) => file.size > MAX_PHOTO_MB * 1024 * 1024).map((file) => file.name);
  if (files.length > MAX_PHOTOS) throw new Error("照片最多 " + MAX_PHOTOS + " 张，选了 " + files.length + " 张 At most nine photos");
  if (tooBig.length) throw new Error("每张照片不超过 " + MAX_PHOTO_MB + " MB Photo too large：" + tooBig.join("、"));
  const ids = [];
  for (const [at, file] of files.entries()) {
    say("正在上传照片 Uploading photo " + (at + 1) + "/" + files.length);
    ids.push((await api("POST", path, file, { create: true })).photo_id);
  }
  input.value = "";
  return ids;
}

async function openCase(caseId) {
  renderCase(await api("GET", "/api/v1/complaints/" + encodeURIComponent(caseId)));
  $("case").scrollIntoView({ block: "nearest" });
}

async function caseAction(action, body) {
  const answer = await api("POST", "/api/v1/complaints/" + encodeURIComponent(state.caseId) + "/" + action, body);
  // closing answers the case and whether an unsatisfied callback reopened it; every other step the case
  const item = answer.case || answer;
  renderCase(item);
  say((answer.reopened ? "回访不满意，已重新办理 Reopened after an unsatisfied callback: " : "已更新 Updated: ")
    + item.ticket_no + " → " + label(item.state));
  await loadCases();
}

// the complaint categories' Chinese names (C1), read once per login
async function loadCategories() {
  await guarded(async () => {
    const categories = await api("GET", "/api/v1/complaints/categories");
    state.categories = Object.fromEntries(categories.map((c) => [c.code, c.label_zh + " " + c.label_en]));
    for (const cell of document.querySelectorAll("[data-category]")) cell.textContent = category(cell.dataset.category);
  });
}

function category(code) {
  return state.categories[code] || code;
}

// compounds (votes and plans)

async function loadCompounds() {
  const parts = scopeParts();
  if (!parts.length) return;
  await guarded(async () => {
    const params = new URLSearchParams({ jurisdiction_code: parts[parts.length - 1], page_size: "200" });
    const page = await api("GET", "/api/v1/compounds?" + params);
    state.compounds = page.items;
    state.compoundNames = Object.fromEntries(page.items.map((c) => [c.id, c.name]));
    for (const select of document.querySelectorAll(".compound-select")) {
      select.replaceChildren(...page.items.map((c) => el("option", { value: c.id }, c.name + " (" + c.code + ")")));
    }
  });
}

// registry (O1–O5): the jurisdiction's compounds, their committees and screened reserve candidates, and a
// committee put together with its rules checked as it is typed (FormCommittee with validate_only)

const COMPOUND_TYPES = { commodity: "商品房 Commodity", old: "老旧小区 Old", resettlement: "安置房 Resettlement", affordable: "保障房 Affordable" };
const MANAGEMENT_MODES = {
  company: "物业企业 Company", state_owned_trusteeship: "国企托管 State-owned trusteeship", self_managed: "自管 Self-managed",
  none: "无物业 None", bundled: "1+N组团 Bundled",
};
const COMMITTEE_KINDS = { owners_committee: "业主委员会 Owners' committee", property_management_committee: "物业管理委员会 Management committee" };
const COMMITTEE_STATES = { active: "在任 Active", dissolved: "已解散 Dissolved" };
const MEMBER_ROLES = { chair: "主任 Chair", vice_chair: "副主任 Vice chair", member: "委员 Member" };
const COMMITTEE_RULES = {
  O1: "业委会人数与任期 O1", O2: "物管会组成 O2", O3: "红色业委会 O3", O4: "党员比例 O4", O5: "候选人负面清单 O5", A4: "登记信息 A4",
  one_chair: "须有且只有一名主任 One chair", unique_member: "成员不得重复 Each member once", term_order: "任期起止 Term dates",
  one_active_committee: "已有在任委员会 A committee is in office", secretary_is_party_member: "书记须为党员 Secretary is a party member",
};

const COMPOUND_TYPES_ALL = { ...COMPOUND_TYPES, self_managed: "自管小区 Self-managed" };
const FOUR_FAILURES = {
  market_failure: "市场失灵 Market failure", self_governance_failure: "自治失效 Self-governance failure",
  no_management: "物业失管 No management", lost_trust: "群众失望 Lost trust",
};
const CONTRACT_MODES = { tender: "招投标 Tender", appointed: "选聘 Appointed", trusteeship: "国企托管 Trusteeship", bundled: "1+N组团 Bundled" };
const PARTY_ORG_MODES = {
  standalone: "单独建立 Standalone", joint_branch: "联合党支部 Joint branch", instructor: "党建工作指导员 Instructor", none: "未建立 None",
};
// keep places, buildings and the O7 marks; register companies and their contracts (the registry's access.py)
const REGISTRY_KEEPERS = ["city_admin", "county_officer", "street_officer", "community_worker"];
const COMPANY_REGISTRARS = ["city_admin", "county_officer", "street_officer"];

async function loadRegistry() {
  const parts = scopeParts();
  const here = parts[parts.length - 1];
  // O7: the compounds no one serves and the four-failure ones, with the failures found
  const needing = here ? await everyItem("/api/v1/service-coverage/" + encodeURIComponent(here) + "/compounds-needing-service", {}) : [];
  state.fourFailures = Object.fromEntries(needing.map((need) => [need.compound.id, need.four_failures || []]));
  $("compounds").replaceChildren(...state.compounds.map((one) => el("tr", {
    dataset: { compoundId: one.id }, onclick: () => guarded(() => openCompound(one.id)),
  }, el("td", {}, one.name), el("td", {}, one.code), el("td", {}, COMPOUND_TYPES_ALL[one.compound_type] || "—"),
  el("td", {}, MANAGEMENT_MODES[one.management_mode] || "—"),
  el("td", { class: (state.fourFailures[one.id] || []).length ? "overdue" : "" },
    (state.fourFailures[one.id] || []).map((failure) => FOUR_FAILURES[failure]).join("、") || "—"))));
  if (!state.compounds.length) $("compounds").append(el("tr", {}, el("td", { colspan: "5" }, "暂无小区 No compounds")));
  const keeps = hasRole(...REGISTRY_KEEPERS);
  $("compound-register-form").hidden = !keeps;
  for (const id of ["compound-edit-form", "four-failures-form", "building-form"]) $(id).hidden = !keeps;
  if (keeps && here) {
    const communities = (await knownPlaces()).filter((place) => place.level === "community");
    for (const select of [$("register-community"), $("person-community")]) {
      select.replaceChildren(...communities.map((one) => el("option", { value: one.code }, one.name)));
    }
  }
  $("companies-section").hidden = !hasRole(...COMPANY_REGISTRARS);
  if (hasRole(...COMPANY_REGISTRARS)) await loadCompanies();
  await loadPlaces();
  await loadCoverage();
  $("import-section").hidden = !hasRole(...IMPORTERS);
  await loadPeople();
}

// the city's bulk import (A4): a workbook uploaded, its progress drawn as the registry streams it (one JSON
// line per batch done), then what was imported and every refused row with its sheet, row and column
const IMPORTERS = ["city_admin"];
const IMPORT_PATH = "/api/v1/registry/imports.xlsx";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// the rows an import refused, as a sheet numbers them: (sheet,) row, column (named by ``columns`` where it
// has a Chinese name), rule and the service's message
function refusedRows(errors, columns = {}, bySheet = false) {
  return errors.map((error) => el("tr", { dataset: { row: String(error.row), field: error.field, ...(bySheet ? { sheet: error.sheet } : {}) } },
    ...(bySheet ? [el("td", {}, error.sheet)] : []), el("td", {}, "第 " + error.row + " 行"),
    el("td", {}, columns[error.field] ? columns[error.field] + " " + error.field : error.field || "—"),
    el("td", {}, error.rule || "—"), el("td", {}, error.message)));
}

async function importWorkbook(event) {
  event.preventDefault();
  await guarded(async () => {
    const [file] = $("import-workbook").files;
    if (!file) throw new Problem(400, { detail: "请选择要上传的工作簿 Choose the workbook to upload", field: "workbook" });
    $("import-submit").disabled = true;
    $("import-figures").replaceChildren();
    $("import-row-errors").hidden = true;
    $("import-progress").hidden = false;
    $("import-progress").value = 0;
    $("import-status").textContent = "上传中 Uploading…";
    try {
      const answer = await fetch(IMPORT_PATH + "?" + new URLSearchParams({ file_name: file.name }), {
        method: "POST", body: file, headers: { Authorization: "Bearer " + state.token, "Content-Type": file.type || XLSX_TYPE },
      });
      if (!answer.ok) throw new Problem(answer.status, await answer.json().catch(() => null));
      const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
      let pending = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += value;
        const lines = pending.split("\n");
        pending = lines.pop();
        for (const line of lines.filter(Boolean)) showImportProgress(JSON.parse(line));
      }
    } finally {
      $("import-submit").disabled = false;
    }
  });
}

function showImportProgress(line) {
  if (line.error) throw new Problem(line.error.status, line.error);
  const expected = Number(line.rows_expected) || 0;
  const done = Number(line.rows_done) || 0;
  $("import-progress").max = Math.max(expected, 1);
  $("import-progress").value = done;
  $("import-status").textContent = "已处理 " + done.toLocaleString("zh-CN") + " / " + expected.toLocaleString("zh-CN") + " 行 rows";
  const summary = line.summary;
  if (!summary) return;
  const count = (value) => Number(value || 0).toLocaleString("zh-CN");
  $("import-figures").replaceChildren(
    figure("import-read", "读取 Rows read", count(summary.rows_read)),
    figure("import-imported", "写入 Imported", count(summary.rows_imported)),
    figure("import-rejected", "未写入 Not written", count(summary.rows_rejected)),
    figure("import-bad", "有误的行 Bad rows", count(summary.bad_rows)),
    figure("import-compounds", "新登记小区 Compounds registered", count(summary.compounds_registered)),
  );
  $("import-row-errors").hidden = !summary.errors.length;
  $("import-error-list").replaceChildren(...refusedRows(summary.errors, {}, true));
  say(Number(summary.bad_rows) ? "导入完成，" + count(summary.bad_rows) + " 行有误未写入，请改正后重新上传 Imported; correct the rows listed and upload again"
    : "导入完成 Imported：" + count(summary.rows_imported) + " 行 rows", Boolean(Number(summary.bad_rows)));
}

// O3, O4, O6: the officer's jurisdiction and each one directly below it, on any day: party branches,
// committees formed (against 50 %), red committees, company party organisations (against 90 %), cadres
async function loadCoverage() {
  const parts = scopeParts();
  if (!parts.length) return;
  const here = parts[parts.length - 1];
  if (!$("coverage-as-of").value) $("coverage-as-of").value = today();
  const asOf = $("coverage-as-of").value;
  const children = await everyItem("/api/v1/jurisdictions", { parent_code: here });
  const rows = [{ code: here, name: state.jurisdictionNames[here] || here, total: true },
    ...children.map((child) => ({ code: child.code, name: child.name }))];
  const figures = await Promise.all(rows.map((row) => api("GET", "/api/v1/coverage/" + encodeURIComponent(row.code) + "?"
    + new URLSearchParams({ as_of: asOf }))));
  // a place with nothing to count is below no target
  const against = (share, meets) => (!share || !Number(share.denominator) || meets ? el("td", {}, ratio(share))
    : el("td", { class: "overdue" }, ratio(share) + " 未达标 below target"));
  $("coverage-rows").replaceChildren(...rows.map((row, at) => {
    const one = figures[at];
    return el("tr", { dataset: { code: row.code }, class: row.total ? "total" : "" },
      el("td", {}, row.name + (row.total ? "（合计 total）" : "")), el("td", {}, String(one.compounds)),
      el("td", {}, ratio(one.party_branch_coverage)),
      against(one.owners_committee_formation_rate, one.owners_committee_formation_meets_target),
      el("td", {}, ratio(one.red_committee_share)),
      against(one.company_party_org_coverage, one.company_party_org_meets_target),
      el("td", {}, ratio(one.cadre_link_rate)));
  }));
}

// the jurisdictions below the officer's, top down, and a new one registered under one of them: the city
// registers counties, a county its streets and communities (the registry's REGISTRARS)
const PLACE_REGISTRARS = ["city_admin", "county_officer"];
const LEVELS = { city: "市 City", county: "县 County", street: "街道 Street", community: "社区 Community" };

async function loadPlaces() {
  const parts = scopeParts();
  $("places-section").hidden = !hasRole(...PLACE_REGISTRARS) || !parts.length;
  if ($("places-section").hidden) return;
  await knownPlaces();
  $("places").replaceChildren(...state.places.map((place) => el("tr", { dataset: { code: place.code, level: place.level } },
    el("td", {}, place.name), el("td", {}, place.code), el("td", {}, LEVELS[place.level] || "—"),
    el("td", {}, place.parent_code ? placeName(place.parent_code) : "—"))));
  $("place-parent").replaceChildren(...state.places.filter((place) => place.level !== "community")
    .map((place) => el("option", { value: place.code }, place.name + "（" + LEVELS[place.level] + "）")));
}

async function registerPlace(event) {
  event.preventDefault();
  await guarded(async () => {
    const place = await api("POST", "/api/v1/jurisdictions", {
      parent_code: $("place-parent").value, code: $("place-code").value.trim(), name: $("place-name").value,
    }, { create: true });
    say("已登记辖区 Jurisdiction registered：" + place.name + "（" + LEVELS[place.level] + " " + place.code + "）");
    $("place-code").value = "";
    $("place-name").value = "";
    state.places = [];  // walked again: the new place is below the officer's
    await loadRegistry();
  });
}

// --- people and posts (A1): people found by phone or ID number, masked; posts given and ended from above

const POST_KINDS = {
  community_worker: "社区工作者 Community worker", grid_worker: "网格员 Grid worker",
  party_branch_reviewer: "社区党组织审核人 Party branch reviewer", residents_committee_reviewer: "居委会审核人 Residents' committee reviewer",
  street_officer: "街道干部 Street officer", county_officer: "县级干部 County officer", operator_12345: "12345热线话务员 Hotline operator",
  department_inspector: "部门执法人员 Department inspector", company_staff: "物业企业员工 Company staff",
  city_admin: "市级管理员 City admin", auditor: "纪检监督 Auditor",
};
// where each kind of post is held (the registry's POST_LEVELS)
const POST_LEVELS = {
  community_worker: ["community"], grid_worker: ["community"], party_branch_reviewer: ["community"],
  residents_committee_reviewer: ["community"], street_officer: ["street"], county_officer: ["county"], operator_12345: ["county"],
  department_inspector: ["county", "city"], company_staff: [], city_admin: ["city"], auditor: ["city"],
};
const PEOPLE_SEARCHERS = ["community_worker", "street_officer"];
const POST_APPOINTERS = ["city_admin", "county_officer", "street_officer"];

async function loadPeople() {
  const keeps = hasRole(...REGISTRY_KEEPERS);
  const appoints = hasRole(...POST_APPOINTERS);
  $("people-section").hidden = !keeps && !appoints;
  $("people-search-form").hidden = !hasRole(...PEOPLE_SEARCHERS);
  $("person-form").hidden = !keeps;
  $("posts-part").hidden = !appoints;
  if (!state.found) state.found = [];
  renderPeople();
  if (appoints) await loadPosts();
}

function renderPeople() {
  const found = state.found || [];
  $("people").replaceChildren(...found.map((person) => el("tr", { dataset: { personId: person.id } },
    el("td", {}, person.name), el("td", {}, person.phone || "—"), el("td", {}, person.id_number || "—"),
    el("td", {}, person.is_party_member ? "是 Yes" : "否 No"), personSteps(person))));
  if (!found.length) $("people").append(el("tr", {}, el("td", { colspan: "5" }, "按手机号或身份证号查找 Find by phone or ID number")));
  const options = () => found.map((person) => el("option", { value: person.id }, person.name + " " + (person.phone || "")));
  $("post-person").replaceChildren(...options());
  for (const select of document.querySelectorAll(".found-person-select")) {
    select.replaceChildren(...(select.dataset.optional ? [el("option", { value: "" }, "暂无 None")] : []), ...options());
  }
}

// O3/O4 read party membership from the day it is recorded
function personSteps(person) {
  if (!hasRole(...REGISTRY_KEEPERS)) return el("td", {}, "—");
  return el("td", { class: "steps" }, el("button", { type: "button", class: "step-party", onclick: () => guarded(async () => {
    const changed = await api("POST", "/api/v1/people/" + encodeURIComponent(person.id) + "/party-membership",
      { is_party_member: !person.is_party_member, since: today() });
    say("已更新党员身份 Party membership recorded：" + changed.name + " " + (changed.is_party_member ? "党员 member" : "非党员 not a member"));
    keepFound(changed);
  }) }, person.is_party_member ? "取消党员 Not a member" : "登记为党员 Party member"));
}

function keepFound(person) {
  state.found = [person, ...(state.found || []).filter((one) => one.id !== person.id)];
  state.people[person.id] = person.name;
  renderPeople();
}

async function findPeople(event) {
  event.preventDefault();
  await guarded(async () => {
    const parts = scopeParts();
    const phone = $("people-phone").value.trim();
    const answer = await api("POST", "/api/v1/people/search", {
      jurisdiction_code: parts[parts.length - 1], ...(phone ? { phone } : { id_number: $("people-id-number").value.trim() }),
    });
    state.found = answer.people || [];
    for (const person of state.found) state.people[person.id] = person.name;
    renderPeople();
    say(state.found.length ? "找到 " + state.found.length + " 人 Found" : "未找到 No one found");
  });
}

async function registerPerson(event) {
  event.preventDefault();
  await guarded(async () => {
    const person = await api("POST", "/api/v1/people", {
      community_code: $("person-community").value, name: $("person-name").value.trim(), phone: $("person-phone").value.trim(),
      id_number: $("person-id-number").value.trim(), is_party_member: $("person-party").checked,
    }, { create: true });
    say("已登记人员 Person registered：" + person.name);
    for (const id of ["person-name", "person-phone", "person-id-number"]) $(id).value = "";
    $("person-party").checked = false;
    keepFound(person);
  });
}

async function loadPosts() {
  const parts = scopeParts();
  const posts = await api("GET", "/api/v1/posts?" + new URLSearchParams({ jurisdiction_code: parts[parts.length - 1] }));
  await personNames(posts.map((post) => post.person_id));
  await companyNames(posts.filter((post) => post.company_id).map((post) => post.company_id));
  $("posts").replaceChildren(...posts.map((post) => el("tr", { dataset: { postId: post.post_id } },
    el("td", {}, state.people[post.person_id] || "—"),
    el("td", {}, POST_KINDS[post.kind] + (post.company_id ? " · " + state.companies[post.company_id] : "")
      + (post.department ? " · " + ((state.departments || {})[post.department] || post.department) : "")),
    el("td", {}, placeName(post.jurisdiction_path)), el("td", {}, post.started_on + (post.ended_on ? " — " + post.ended_on : "")),
    postSteps(post))));
  if (!posts.length) $("posts").append(el("tr", {}, el("td", { colspan: "5" }, "暂无 None")));
  postPlaces();
}

function placeName(path) {
  const code = String(path).split("/").filter(Boolean).pop();
  return state.jurisdictionNames[code] || code;
}

function postSteps(post) {
  if (post.ended_on) return el("td", {}, "已结束 Ended");
  const day = el("input", { type: "date", class: "step-day", value: today(), "aria-label": "最后一天 Last day" });
  return el("td", { class: "steps" }, day, el("button", { type: "button", class: "step-end-post", onclick: () => guarded(async () => {
    const ended = await api("POST", "/api/v1/posts/" + encodeURIComponent(post.post_id) + "/end", { ended_on: day.value });
    say("岗位已结束 Post ended：" + state.people[ended.person_id] + " " + POST_KINDS[ended.kind] + "，最后一天 last day " + ended.ended_on);
    await loadPosts();
  }) }, "结束岗位 End the post"));
}

// the jurisdictions a post of the chosen kind may be held at; company staff take their company's instead
async function postPlaces() {
  const kind = $("post-kind").value;
  const levels = POST_LEVELS[kind] || [];
  $("post-place").replaceChildren(...(state.places || []).filter((place) => levels.includes(place.level))
    .map((place) => el("option", { value: place.code }, place.name)));
  $("post-place-label").hidden = kind === "company_staff";
  $("post-company-label").hidden = kind !== "company_staff";
  $("post-department-label").hidden = kind !== "department_inspector";
  if (kind === "company_staff") {
    const companies = await companiesInScope();
    $("post-company").replaceChildren(...companies.map((company) => el("option", { value: company.id }, company.name)));
  }
  if (kind === "department_inspector" && !$("post-department").options.length) {
    const departments = await api("GET", "/api/v1/enforcement/departments");
    $("post-department").replaceChildren(...departments.map((d) => el("option", { value: d.code }, d.name_zh + " " + d.name_en)));
  }
}

async function assignPost(event) {
  event.preventDefault();
  await guarded(async () => {
    const kind = $("post-kind").value;
    const post = await api("POST", "/api/v1/posts", {
      person_id: $("post-person").value, kind, started_on: $("post-start").value,
      ...(kind === "company_staff" ? { company_id: $("post-company").value } : { jurisdiction_code: $("post-place").value }),
      ...(kind === "department_inspector" ? { department: $("post-department").value } : {}),
    }, { create: true });
    say("已任命 Post given：" + state.people[post.person_id] + " " + POST_KINDS[post.kind] + " · " + placeName(post.jurisdiction_path));
    await loadPosts();
  });
}

// the jurisdictions below a person's do not change within a login: walked once from their scope, and named
async function knownPlaces() {
  const scope = scopeParts();
  if (!state.places.length && scope.length) state.places = await placesUnder(scope[scope.length - 1]);
  for (const place of state.places) state.jurisdictionNames[place.code] = place.name;
  return state.places;
}

// the person's jurisdiction and every one below it, top down (communities are where compounds and people are)
async function placesUnder(code) {
  const place = await api("GET", "/api/v1/jurisdictions/" + encodeURIComponent(code));
  if (place.level === "community") return [place];
  const children = await everyItem("/api/v1/jurisdictions", { parent_code: code });
  const below = await Promise.all(children.map((child) => (child.level === "community" ? [child] : placesUnder(child.code))));
  return [place, ...below.flat()];
}

async function registerCompound(event) {
  event.preventDefault();
  await guarded(async () => {
    const compound = await api("POST", "/api/v1/compounds", {
      community_code: $("register-community").value, code: $("register-code").value.trim(), name: $("register-name").value.trim(),
      compound_type: $("register-type").value, management_mode: $("register-mode").value,
    }, { create: true });
    say("已登记小区 Compound registered：" + compound.name + "（" + compound.code + "）");
    $("register-code").value = "";
    $("register-name").value = "";
    await reloadCompound(compound.id);
  });
}

// a compound registered or changed: the list (its name everywhere), the registry screen and the compound again
async function reloadCompound(compoundId) {
  await loadCompounds();
  await loadRegistry();
  await openCompound(compoundId);
}

async function updateCompound(event) {
  event.preventDefault();
  await guarded(async () => {
    const compound = await api("POST", "/api/v1/compounds/" + encodeURIComponent(state.compoundId), {
      name: $("edit-name").value.trim(), compound_type: $("edit-type").value, management_mode: $("edit-mode").value,
    });
    say("已保存 Saved：" + compound.name + " · " + COMPOUND_TYPES_ALL[compound.compound_type] + " · " + MANAGEMENT_MODES[compound.management_mode]);
    await reloadCompound(compound.id);
  });
}

async function saveFourFailures(event) {
  event.preventDefault();
  await guarded(async () => {
    const chosen = Array.from(document.querySelectorAll("#four-failures-form input:checked"), (box) => box.value);
    const need = await api("POST", "/api/v1/compounds/" + encodeURIComponent(state.compoundId) + "/four-failures", { four_failures: chosen });
    say("已保存认定 Saved：" + (chosen.length ? chosen.map((failure) => FOUR_FAILURES[failure]).join("、") : "已恢复正常 Recovered")
      + (need.needs_service ? " · 需要服务 Needs service" : ""));
    await loadRegistry();
  });
}

async function addBuilding(event) {
  event.preventDefault();
  await guarded(async () => {
    const building = await api("POST", "/api/v1/compounds/" + encodeURIComponent(state.compoundId) + "/buildings",
      { code: $("building-code").value.trim(), name: $("building-name").value.trim() }, { create: true });
    say("已添加楼栋 Building added：" + building.name);
    $("building-code").value = "";
    $("building-name").value = "";
    await openCompound(state.compoundId);
  });
}

// who serves the compound today (its company and contract), ended from here by a street or county officer
function renderService(detail) {
  const contract = detail.current_contract;
  const company = detail.current_company;
  if (!contract || !company) {
    $("compound-service").replaceChildren("暂无物业服务 No company serves it");
    return;
  }
  const term = contract.start_on + " — " + (contract.end_on || "长期 open-ended");
  const parts = [company.name + " · " + CONTRACT_MODES[contract.mode] + " · " + term
    + (contract.bundle_key ? " · 组团 " + contract.bundle_key : "")
    + (contract.terminated_on ? " · 已终止，服务至 ended, serving until " + contract.terminated_on : "")];
  if (hasRole(...COMPANY_REGISTRARS) && !contract.terminated_on) {
    const day = el("input", { type: "date", id: "contract-terminated", value: today(), "aria-label": "终止日期 Last day" });
    parts.push(" ", day, el("button", { type: "button", id: "contract-end-button", onclick: () => guarded(async () => {
      const ended = await api("POST", "/api/v1/contracts/" + encodeURIComponent(contract.id) + "/end", { terminated_on: day.value });
      say("已终止合同 Contract ended：" + company.name + "，最后服务日 last day " + ended.terminated_on);
      await loadRegistry();
      await openCompound(state.compoundId);
    }) }, "终止合同 End the contract"));
  }
  $("compound-service").replaceChildren(...parts);
}

async function startContract(event) {
  event.preventDefault();
  await guarded(async () => {
    const contract = await api("POST", "/api/v1/contracts", {
      compound_id: state.compoundId, company_id: $("contract-company").value, mode: $("contract-mode").value,
      start_on: $("contract-start").value, end_on: $("contract-end").value, bundle_key: $("contract-bundle").value.trim(),
    }, { create: true });
    say("已签订服务合同 Contract started：" + state.companies[contract.company_id] + " · " + contract.start_on);
    await loadRegistry();
    await openCompound(state.compoundId);
  });
}

// the companies registered in the person's jurisdiction and below (street and county officers register them)
async function companiesInScope() {
  const parts = scopeParts();
  const companies = await everyItem("/api/v1/companies", { jurisdiction_code: parts[parts.length - 1] });
  for (const company of companies) state.companies[company.id] = company.name;
  return companies;
}

async function loadCompanies() {
  const companies = await companiesInScope();
  $("companies").replaceChildren(...companies.map((company) => el("tr", { dataset: { companyId: company.id } },
    el("td", {}, company.name), el("td", {}, company.uscc), el("td", {}, company.state_owned ? "是 Yes" : "否 No"),
    el("td", {}, (company.party_org_required ? "应建 Required · " : "") + (PARTY_ORG_MODES[company.party_org_mode] || PARTY_ORG_MODES.none)),
    partyModeStep(company))));
  if (!companies.length) $("companies").append(el("tr", {}, el("td", { colspan: "5" }, "暂无企业 No companies")));
  $("contract-company").replaceChildren(...companies.map((company) => el("option", { value: company.id }, company.name)));
}

// how the company's party organisation is set up changes from a day (not a future one)
function partyModeStep(company) {
  const mode = el("select", { class: "step-mode", "aria-label": "党组织形式 Party organisation" },
    ...Object.entries(PARTY_ORG_MODES).map(([value, caption]) => el("option", { value }, caption)));
  mode.value = company.party_org_mode || "none";
  const day = el("input", { type: "date", class: "step-day", value: today(), "aria-label": "起 From" });
  return el("td", { class: "steps" }, mode, day, el("button", { type: "button", class: "step-party-mode", onclick: () => guarded(async () => {
    const changed = await api("POST", "/api/v1/companies/" + encodeURIComponent(company.id) + "/party-org-mode",
      { party_org_mode: mode.value, effective_from: day.value });
    say("已变更党组织形式 Party organisation changed：" + changed.name + " → " + PARTY_ORG_MODES[changed.party_org_mode]);
    await loadCompanies();
  }) }, "变更 Change"));
}

async function registerCompany(event) {
  event.preventDefault();
  await guarded(async () => {
    const parts = scopeParts();
    const company = await api("POST", "/api/v1/companies", {
      jurisdiction_code: parts[parts.length - 1], uscc: $("company-uscc").value.trim().toUpperCase(), name: $("company-name").value.trim(),
      state_owned: $("company-state-owned").checked, party_org_required: $("company-party-required").checked,
      party_org_mode: $("company-party-mode").value, party_org_mode_since: $("company-party-since").value,
    }, { create: true });
    say("已登记企业 Company registered：" + company.name);
    for (const id of ["company-uscc", "company-name", "company-party-since"]) $(id).value = "";
    await loadCompanies();
  });
}

// people are shown by their (masked) registry names, each read once
async function personNames(ids) {
  const wanted = [...new Set(ids)].filter((id) => !(id in state.people));
  const people = await Promise.all(wanted.map((id) => api("GET", "/api/v1/people/" + encodeURIComponent(id))));
  for (const person of people) state.people[person.id] = person.name;
  return state.people;
}

async function openCompound(compoundId) {
  state.compoundId = compoundId;
  $("compound").hidden = false;
  $("compound-title").textContent = compoundName(compoundId);
  const path = "/api/v1/compounds/" + encodeURIComponent(compoundId);
  const [detail, buildings, committees, candidates] = await Promise.all([api("GET", path), api("GET", path + "/buildings"),
    api("GET", path + "/committees"), api("GET", path + "/reserve-candidates")]);
  state.servingCompany = detail.current_company || null;
  $("edit-name").value = detail.compound.name;
  $("edit-type").value = detail.compound.compound_type;
  $("edit-mode").value = detail.compound.management_mode;
  renderService(detail);
  $("contract-form").hidden = Boolean(detail.current_contract) || !hasRole(...COMPANY_REGISTRARS);
  if (!$("contract-start").value) $("contract-start").value = today();
  const failures = (state.fourFailures || {})[compoundId] || [];
  for (const box of document.querySelectorAll("#four-failures-form input")) box.checked = failures.includes(box.value);
  $("buildings").replaceChildren(...buildings.map((building) => el("tr", { dataset: { buildingId: building.id } },
    el("td", {}, building.name), el("td", {}, building.code))));
  if (!buildings.length) $("buildings").append(el("tr", {}, el("td", { colspan: "2" }, "暂无楼栋 No buildings")));
  $("party-building").replaceChildren(...buildings.map((building) => el("option", { value: building.id }, building.name)));
  state.buildingNames = Object.fromEntries(buildings.map((building) => [building.id, building.name]));
  for (const id of ["candidate-form", "party-form", "cadre-form"]) $(id).hidden = !hasRole(...REGISTRY_KEEPERS);
  for (const id of ["candidate-screened", "party-established", "cadre-start"]) if (!$(id).value) $(id).value = today();
  await Promise.all([loadPartyOrganisations(detail.compound), loadCadreLinks(compoundId)]);
  const names = await personNames([...committees.flatMap((c) => c.members.map((m) => m.person_id)),
    ...candidates.map((c) => c.person_id)]);
  $("committees").replaceChildren(...committees.map((committee) => {
    const party = committee.members.filter((m) => m.is_party_member).length;
    return el("tr", { dataset: { committeeId: committee.id, state: committee.status } },
      el("td", {}, COMMITTEE_KINDS[committee.kind] + (committee.is_red ? " · 红色业委会 Red (O3)" : "") + (committee.is_dual_role ? " · 一肩挑" : "")),
      el("td", {}, "第" + committee.term_number + "届 " + committee.term_start + " — " + committee.term_end),
      el("td", {}, COMMITTEE_STATES[committee.status] + (committee.filed_on ? " · 已备案 filed " + committee.filed_on : " · 未备案 not filed")),
      el("td", {}, committee.members.map((m) => names[m.person_id] + "（" + MEMBER_ROLES[m.role] + "）").join("、")),
      el("td", {}, party + "/" + committee.members.length + "（" + percent(party, committee.members.length) + "）"),
      committeeSteps(committee));
  }));
  if (!committees.length) $("committees").append(el("tr", {}, el("td", { colspan: "6" }, "尚未组建 None formed yet")));
  $("candidates").replaceChildren(...candidates.map((one) => el("tr", { dataset: { personId: one.person_id } },
    el("td", {}, names[one.person_id]), el("td", {}, one.screened_on),
    el("td", { class: one.eligible ? "" : "overdue" }, one.eligible ? "通过 Eligible"
      : "未通过 Screened out：" + one.reasons.map((r) => r.label_zh).join("、")))));
  if (!candidates.length) $("candidates").append(el("tr", {}, el("td", { colspan: "3" }, "暂无人选 No candidates")));
  // the members are chosen from the candidates who passed (O5); a management committee is appointed (O2)
  $("committee-members").replaceChildren(...candidates.filter((one) => one.eligible).map((one) => el("div", { class: "member", dataset: { personId: one.person_id } },
    el("label", {}, el("input", { type: "checkbox", value: one.person_id, onchange: () => guarded(checkCommittee) }), " " + names[one.person_id]),
    el("select", { class: "member-role", "aria-label": "职务 Role", onchange: () => guarded(checkCommittee) },
      ...Object.entries(MEMBER_ROLES).reverse().map(([value, caption]) => el("option", { value }, caption))))));
  $("committee-check").textContent = "";
  if (!$("committee-start").value) {
    $("committee-start").value = today();
    $("committee-end").value = (Number(today().slice(0, 4)) + 5) + today().slice(4);
  }
  $("compound").scrollIntoView({ block: "nearest" });
}

const PARTY_LEVELS = {
  community_committee: "社区党组织 Community party committee", compound_branch: "小区党支部 Compound branch",
  building_group: "楼栋党小组 Building group", member_household: "党员中心户 Member household",
};
const RESERVE_POSITIONS = { owners_committee_chair: "业委会主任", owners_committee_member: "业委会委员", branch_secretary: "党支部书记" };

// the party organisations of the compound's community: its own branch and groups, under the community's
async function loadPartyOrganisations(compound) {
  const community = compound.jurisdiction_path.split("/").filter(Boolean).pop();
  const organisations = await api("GET", "/api/v1/party-organisations?" + new URLSearchParams({ jurisdiction_code: community }));
  const names = Object.fromEntries(organisations.map((one) => [one.id, one.name]));
  await personNames(organisations.filter((one) => one.secretary_person_id).map((one) => one.secretary_person_id));
  const shown = organisations.filter((one) => one.level === "community_committee" || one.compound_id === compound.id
    || (one.building_id && one.building_id in (state.buildingNames || {})));
  $("party-organisations").replaceChildren(...shown.map((one) => el("tr", { dataset: { organisationId: one.id } },
    el("td", {}, one.name + (one.building_id ? "（" + state.buildingNames[one.building_id] + "）" : "")),
    el("td", {}, PARTY_LEVELS[one.level]), el("td", {}, names[one.parent_id] || "—"),
    el("td", {}, state.people[one.secretary_person_id] || "—"), el("td", {}, one.established_on))));
  if (!shown.length) $("party-organisations").append(el("tr", {}, el("td", { colspan: "5" }, "尚未建立 None yet")));
  $("party-parent").replaceChildren(el("option", { value: "" }, "无 None"),
    ...shown.map((one) => el("option", { value: one.id }, one.name)));
}

async function addPartyOrganisation(event) {
  event.preventDefault();
  await guarded(async () => {
    const level = $("party-level").value;
    const compound = state.compounds.find((one) => one.id === state.compoundId);
    const organisation = await api("POST", "/api/v1/party-organisations", {
      level, name: $("party-name").value.trim(), parent_id: $("party-parent").value,
      secretary_person_id: $("party-secretary").value, established_on: $("party-established").value,
      ...(level === "community_committee" ? { community_code: compound.jurisdiction_path.split("/").filter(Boolean).pop() } : {}),
      ...(level === "compound_branch" ? { compound_id: state.compoundId } : {}),
      ...(level === "building_group" ? { building_id: $("party-building").value } : {}),
    }, { create: true });
    say("已添加党组织 Party organisation added：" + organisation.name);
    $("party-name").value = "";
    await openCompound(state.compoundId);
  });
}

async function loadCadreLinks(compoundId) {
  const links = await api("GET", "/api/v1/compounds/" + encodeURIComponent(compoundId) + "/cadre-links");
  await personNames(links.map((link) => link.person_id));
  $("cadre-links").replaceChildren(...links.map((link) => el("tr", { dataset: { linkId: link.id } },
    el("td", {}, state.people[link.person_id] || "—"), el("td", {}, link.post),
    el("td", {}, link.start_on + " — " + (link.end_on || "至今 ongoing")))));
  if (!links.length) $("cadre-links").append(el("tr", {}, el("td", { colspan: "3" }, "暂无 None")));
}

async function linkCadre(event) {
  event.preventDefault();
  await guarded(async () => {
    const link = await api("POST", "/api/v1/compounds/" + encodeURIComponent(state.compoundId) + "/cadre-links", {
      person_id: $("cadre-person").value, post: $("cadre-post").value.trim(), start_on: $("cadre-start").value, end_on: $("cadre-end").value,
    }, { create: true });
    say("已包联 Linked：" + state.people[link.person_id] + " · " + link.post);
    await openCompound(state.compoundId);
  });
}

// O5: the screening answers go with the proposal; the registry screens the person against the negative list
// O5: a tie of the candidate (or their spouse or a direct relative) to a company: employment or a stake;
// the compound's serving company is offered first, any other company by its USCC
const RELATIONS = { self: "本人 Self", spouse: "配偶 Spouse", direct_relative: "直系亲属 Direct relative" };
const TIE_KINDS = { employment: "任职 Employment", stake: "持股 Stake" };

function addCandidateTie() {
  const serving = state.servingCompany;
  const company = el("select", { class: "tie-company", "aria-label": "企业 Company" },
    ...(serving ? [el("option", { value: serving.uscc }, serving.name + "（本小区物业 serving）")] : []),
    el("option", { value: "" }, "其他企业（填统一社会信用代码） Another company, by its USCC"));
  const uscc = el("input", { class: "tie-uscc", maxlength: "18", placeholder: "统一社会信用代码 USCC",
    ...(serving ? { hidden: "" } : {}) });
  company.addEventListener("change", () => { uscc.hidden = Boolean(company.value); });
  const choices = (options, name) => el("select", { class: name }, ...Object.entries(options).map(([value, caption]) => el("option", { value }, caption)));
  const row = el("div", { class: "team candidate-tie" }, company, uscc, choices(RELATIONS, "tie-relation"), choices(TIE_KINDS, "tie-kind"));
  row.append(el("button", { type: "button", class: "tie-remove", onclick: () => row.remove() }, "删除 Remove"));
  $("candidate-ties").append(row);
}

function candidateTies() {
  return Array.from(document.querySelectorAll("#candidate-ties .candidate-tie"), (row) => ({
    company_uscc: row.querySelector(".tie-company").value || row.querySelector(".tie-uscc").value.trim(),
    relation: row.querySelector(".tie-relation").value, kind: row.querySelector(".tie-kind").value,
  }));
}

async function proposeCandidate(event) {
  event.preventDefault();
  await guarded(async () => {
    const candidate = await api("POST", "/api/v1/compounds/" + encodeURIComponent(state.compoundId) + "/reserve-candidates", {
      person_id: $("candidate-person").value, screened_on: $("candidate-screened").value,
      positions: Array.from(document.querySelectorAll(".candidate-position:checked"), (box) => box.value),
      uncorrected_illegal_construction: $("candidate-illegal-construction").checked, unpaid_property_fees: $("candidate-unpaid-fees").checked,
      unpaid_fund_deposits: $("candidate-unpaid-deposits").checked, listed_judgment_defaulter: $("candidate-defaulter").checked,
      serving_sentence: $("candidate-serving").checked, sentence_completed_on: $("candidate-sentence-completed").value,
      company_ties: candidateTies(),
    }, { create: true });
    say("已提名 Proposed：" + state.people[candidate.person_id] + "（" + candidate.positions.map((one) => RESERVE_POSITIONS[one]).join("、") + "）· "
      + (candidate.eligible ? "审查通过 Eligible" : "未通过 Screened out：" + candidate.reasons.map((r) => r.label_zh).join("、")));
    for (const box of document.querySelectorAll("#candidate-form fieldset input[type=checkbox]:not(.candidate-position)")) box.checked = false;
    $("candidate-sentence-completed").value = "";
    $("candidate-ties").replaceChildren();
    await openCompound(state.compoundId);
  });
}

// an active committee's term is filed (备案) with the street once, and a committee may be dissolved; each
// on the day given
function committeeSteps(committee) {
  if (committee.status !== "active") return el("td", {}, "—");
  const day = el("input", { type: "date", class: "step-day", value: today(), "aria-label": "日期 Date" });
  const step = (name, caption, path, field, message) => el("button", {
    type: "button", class: "step-" + name, onclick: () => guarded(async () => {
      await api("POST", "/api/v1/committees/" + encodeURIComponent(committee.id) + path, { [field]: day.value });
      say(message + "：" + COMMITTEE_KINDS[committee.kind] + " 第" + committee.term_number + "届 " + day.value);
      await openCompound(state.compoundId);
    }),
  }, caption);
  // 换届: the next term with the members and term chosen in the form below, checked by the same rules
  const reElect = el("button", { type: "button", class: "step-re-elect", onclick: () => guarded(async () => {
    const { members, term_start, term_end } = committeeProposal();
    const answer = await api("POST", "/api/v1/committees/" + encodeURIComponent(committee.id) + "/re-election",
      { members, term_start, term_end });
    say("已换届 Re-elected：" + COMMITTEE_KINDS[answer.committee.kind] + " 第" + answer.committee.term_number + "届 "
      + answer.committee.term_start + " — " + answer.committee.term_end
      + answer.warnings.map((w) => "（⚠ " + (COMMITTEE_RULES[w.rule] || w.rule) + "）").join(""));
    await openCompound(state.compoundId);
  }) }, "按下方人选换届 Re-elect with the members below");
  return el("td", { class: "steps" }, day,
    ...(committee.filed_on ? [] : [step("file", "备案 File", "/filing", "filed_on", "已备案 Filed")]),
    step("dissolve", "解散 Dissolve", "/dissolution", "dissolved_on", "已解散 Dissolved"), reElect);
}

function committeeProposal() {
  return {
    compound_id: state.compoundId, kind: $("committee-kind").value,
    term_start: $("committee-start").value, term_end: $("committee-end").value,
    members: Array.from(document.querySelectorAll("#committee-members .member")).filter((row) => row.querySelector("input").checked)
      .map((row) => ({ person_id: row.dataset.personId, role: row.querySelector("select").value })),
  };
}

// each change asks the registry to apply every rule to the proposal as it stands; only the latest answer shows
async function checkCommittee() {
  const asked = (state.committeeChecks = (state.committeeChecks || 0) + 1);
  const box = $("committee-check");
  const proposal = committeeProposal();
  if (!proposal.members.length) {
    box.textContent = "";
    return;
  }
  try {
    const answer = await api("POST", "/api/v1/committees", { ...proposal, validate_only: true });
    if (asked !== state.committeeChecks) return;
    const members = answer.committee.members;
    const party = members.filter((m) => m.is_party_member).length;
    box.dataset.ok = "true";
    box.className = "";
    box.textContent = "✓ 符合人数、任期与人选规定 Meets O1, O2, O5 · 党员 party " + party + "/" + members.length
      + "（" + percent(party, members.length) + "）" + (answer.committee.is_red ? " · 红色业委会 Red committee (O3)" : "")
      + answer.warnings.map((w) => " · ⚠ " + (COMMITTEE_RULES[w.rule] || w.rule) + "：" + w.message).join("");
  } catch (error) {
    if (error instanceof Stale || asked !== state.committeeChecks) return;
    if (!(error instanceof Problem) || !error.body) throw error;
    box.dataset.ok = "false";
    box.className = "overdue";
    box.textContent = "✗ 不符合 " + (COMMITTEE_RULES[error.body.rule] || error.body.rule || "") + "（" + (error.body.field || "") + "）："
      + error.message + (error.body.rule === "one_active_committee"
      ? " · 换届请用在任委员会一行的“换届”按钮 To re-elect, use the committee's re-elect button" : "");
  }
}

async function formCommittee(event) {
  event.preventDefault();
  await guarded(async () => {
    const answer = await api("POST", "/api/v1/committees", committeeProposal(), { create: true });
    say("已组建 Formed：" + compoundName(state.compoundId) + " " + COMMITTEE_KINDS[answer.committee.kind]
      + answer.warnings.map((w) => "（⚠ " + (COMMITTEE_RULES[w.rule] || w.rule) + "）").join(""));
    await openCompound(state.compoundId);
  });
}

// votes

const MATTERS = {
  assembly_rules: "议事规则 Assembly rules", management_covenant: "管理规约 Management covenant",
  owners_committee: "选举业委会 Owners' committee", property_company: "选聘物业 Property company",
  use_maintenance_fund: "使用维修资金 Use of the maintenance fund", raise_maintenance_fund: "筹集维修资金 Raise the maintenance fund",
  rebuild: "改建重建 Rebuild", common_parts_use: "共有部分经营 Common parts use", other_major: "其他重大事项 Other major matter",
};

function percent(part, whole) {
  return whole ? (100 * part / whole).toFixed(1) + "%" : "—";
}

// V2, V3: who has taken part so far (heads and area) against the quorum, and what passing needs
function turnoutCell(vote) {
  const quorum = "法定参与 quorum ≥ " + ratio(vote.quorum_share);
  const pass = "通过需 to pass " + (vote.approval_share_inclusive ? "≥ " : "> ") + ratio(vote.approval_share);
  const taken = vote.result ? vote.result.participating : vote.turnout;
  if (!taken) return el("td", { class: "turnout" }, quorum + "；" + pass);
  const whole = vote.electorate;
  return el("td", { class: "turnout" }, "人数 owners " + taken.owners + "/" + whole.owners + "（" + percent(taken.owners, whole.owners)
    + "）· 面积 area " + percent(taken.area_dm2, whole.area_dm2) + "；" + quorum + "；" + pass);
}

async function loadVotes() {
  const compound = $("vote-compound").value;
  const body = $("votes");
  body.replaceChildren();
  $("ballot-vote").replaceChildren();
  if (!compound) {
    body.append(el("tr", {}, el("td", { colspan: "6" }, "请选择小区 Choose a compound")));
    return;
  }
  const page = await api("GET", "/api/v1/votes?" + new URLSearchParams({ compound_id: compound, page_size: "50" }));
  for (const listed of page.items) {
    // a listed vote carries its turnout so far; a closed one is read whole for its objections (V8)
    const vote = listed.state === "closed" ? await api("GET", "/api/v1/votes/" + encodeURIComponent(listed.vote_id)) : listed;
    const outcome = vote.result ? label(vote.result.outcome) : "—";
    body.append(el("tr", { dataset: { voteId: vote.vote_id } }, el("td", {}, vote.title), el("td", {}, MATTERS[vote.matter] || vote.matter),
      el("td", { class: "state" }, voteState(vote)), turnoutCell(vote), el("td", {}, outcome), el("td", {}, voteAction(vote))));
    for (const objection of vote.objections || []) body.append(objectionRow(vote, objection));
    if (vote.state === "open") $("ballot-vote").append(el("option", { value: vote.vote_id }, vote.title));
  }
  if (!page.items.length) body.append(el("tr", {}, el("td", { colspan: "6" }, "暂无表决 No votes")));
  if ($("ballot-vote").children.length && $("ballot-unit").dataset.compound !== compound) await loadBallotUnits(compound);
  await loadVoteProposals();
}

// R4 → V1: a company black-listed twice running, its compounds' owners are advised to vote on ending its
// contract; the community opens that vote (the registry's roster its electorate)
const PROPOSAL_STATES = { pending: "待开启 Pending", opened: "已开启表决 Vote opened" };
const VOTE_OPENERS = ["community_worker", "street_officer", "county_officer", "city_admin"];

async function loadVoteProposals() {
  const proposals = await api("GET", "/api/v1/vote-proposals?" + new URLSearchParams({ jurisdiction_path: state.claims.wuye_scope || "" }));
  await servingCompanyNames(proposals.map((one) => [one.compound_id, one.company_id]));
  $("vote-proposals").replaceChildren(...proposals.map((one) => el("tr", { dataset: { proposalId: one.proposal_id, state: one.state } },
    el("td", {}, compoundName(one.compound_id)), el("td", {}, state.companies[one.company_id] || "—"), el("td", {}, one.quarter),
    el("td", {}, one.title), el("td", {}, PROPOSAL_STATES[one.state] || "—"),
    one.state === "pending" && hasRole(...VOTE_OPENERS) ? stepCell([["open-proposed", "开启表决 Open the vote", async () => {
      const opened = await api("POST", "/api/v1/vote-proposals/" + encodeURIComponent(one.proposal_id) + "/vote", {}, { create: true });
      say("已开启表决 Vote opened：" + opened.vote.title);
      await loadVoteProposals();
      await loadVotes();
    }]]) : el("td", {}, "—"))));
  if (!proposals.length) $("vote-proposals").append(el("tr", {}, el("td", { colspan: "6" }, "暂无提议 No proposals")));
}

// the homes of the roster, by building and number, each with the owner whose ballot it is (V4)
async function loadBallotUnits(compound) {
  const [roster, names] = await Promise.all([
    api("GET", "/api/v1/compounds/" + encodeURIComponent(compound) + "/roster"), homeNames(compound)]);
  const seen = new Set();
  const options = [];
  for (const unit of roster.units) {
    if (seen.has(unit.owner_key)) continue;  // an owner of several homes casts one ballot
    seen.add(unit.owner_key);
    options.push(el("option", { value: unit.owner_key },
      unit.developer_unsold ? "开发商未售房屋 Developer's unsold homes" : names[unit.unit_id] || unit.unit_id));
  }
  $("ballot-unit").replaceChildren(...options);
  $("ballot-unit").dataset.compound = compound;
}

async function enterBallot(event) {
  event.preventDefault();
  await guarded(async () => {
    const ballot = await api("POST", "/api/v1/votes/" + encodeURIComponent($("ballot-vote").value) + "/ballots", {
      owner_key: $("ballot-unit").value, choice: $("ballot-choice").value, authorisation_ref: $("ballot-authorisation").value,
    }, { create: true });
    say("已录入表决票 Ballot entered：" + $("ballot-unit").selectedOptions[0].textContent + " · " + $("ballot-choice").selectedOptions[0].textContent
      + (ballot.authorisation_ref ? "（" + ballot.authorisation_ref + "）" : ""));
    $("ballot-authorisation").value = "";
    await loadVotes();
  });
}

function voteState(vote) {
  if (vote.state !== "closed") return label(vote.state);
  const until = (vote.objection_deadline || "").slice(0, 10);
  return "结果公示中 Preliminary" + (until ? "（异议截止 objections until " + until + "）" : "");
}

function voteAction(vote) {
  if (vote.state === "open") {
    return el("button", { type: "button", class: "close-vote", onclick: () => guarded(() => closeVote(vote.vote_id)) },
      "结束计票 Close");
  }
  if (vote.state === "closed") {
    return el("button", { type: "button", class: "finalise-vote", onclick: () => guarded(() => finaliseVote(vote.vote_id)) },
      "确认结果 Finalise");
  }
  return "";
}

function objectionRow(vote, objection) {
  const cell = el("td", { colspan: "5" }, "异议 Objection: " + objection.reason);
  if (objection.answer) {
    cell.append(el("div", { class: "answer" }, "答复 Answer: " + objection.answer));
    return el("tr", { class: "objection", dataset: { objectionId: objection.objection_id } }, el("td", {}, ""), cell);
  }
  const answer = el("input", { class: "objection-answer", maxlength: "2000", "aria-label": "答复 Answer" });
  const send = el("button", { type: "button", class: "answer-objection", onclick: () => guarded(async () => {
    await api("POST", "/api/v1/votes/" + encodeURIComponent(vote.vote_id) + "/objections/"
      + encodeURIComponent(objection.objection_id) + "/answer", { answer: answer.value });
    say("已答复异议 Objection answered");
    await loadVotes();
  }) }, "答复 Answer");
  cell.append(el("div", {}, answer, send));
  return el("tr", { class: "objection", dataset: { objectionId: objection.objection_id } }, el("td", {}, ""), cell);
}

async function openVote(event) {
  event.preventDefault();
  await guarded(async () => {
    const vote = await api("POST", "/api/v1/votes", {
      compound_id: $("vote-compound").value, matter: $("vote-matter").value, title: $("vote-title").value,
    }, { create: true });
    say("已发起表决 Vote opened: " + vote.title);
    $("vote-title").value = "";
    await loadVotes();
  });
}

async function closeVote(voteId) {
  const vote = await api("POST", "/api/v1/votes/" + encodeURIComponent(voteId) + "/close", {});
  say("已结束计票，初步结果公示 Vote closed, result preliminary: " + vote.title + " → "
    + label(vote.result && vote.result.outcome));
  await loadVotes();
}

async function finaliseVote(voteId) {
  const vote = await api("POST", "/api/v1/votes/" + encodeURIComponent(voteId) + "/finalise", {});
  say("表决结果已确定 Result final: " + vote.title);
  await loadVotes();
}

// funds (F1–F9, P1–P3): the maintenance fund account and its ledger, the uses of the fund, the committee
// expenses under review, and the disclosures. Fen on the wire, yuan on the screen.

const USE_STATES = {
  draft: "待表决或审核 Draft", voting: "表决中 Voting", approved: "已批准 Approved", rejected: "未通过 Rejected",
  works: "施工中 Works", payment_requested: "待付款 Payment requested", paid: "已付款 Paid", completed: "已完成 Completed",
};
const EMERGENCIES = {
  lift_failure: "电梯故障严重", fire_equipment_damage: "消防设施严重损坏", facade_falling_risk: "外墙有脱落危险",
  collapsed_wall_or_road: "围墙或道路塌陷", roof_or_wall_leak: "屋面外墙渗漏", drain_blockage: "排水设施严重堵塞",
};
const EXPENSE_STATES = { in_review: "审核中 In review", approved: "已通过 Approved", rejected: "已驳回 Rejected", paid: "已支付 Paid" };
const EXPENSE_REVIEWERS = { community_party_branch: "社区党组织 Party branch", residents_committee: "居委会 Residents' committee" };
const EXPENSE_STEP_POSTS = { community_party_branch: "party_branch_reviewer", residents_committee: "residents_committee_reviewer" };
const DISCLOSURE_SUBJECTS = { common_income: "公共收益 Common-parts income", maintenance_fund: "维修资金 Maintenance fund" };
const CHAIN_BREAKS = {
  sequence_gap: "序号缺失 an entry is missing", prev_hash_mismatch: "前序哈希不符 an entry was inserted or removed",
  hash_mismatch: "内容被改动 an entry was changed", unbalanced: "借贷不平 a posting does not balance",
};

// ¥1,234,567.89 from integer fen, exactly (BigInt: no float ever touches money)
function yuan(fen) {
  if (fen == null || fen === "") return "—";
  const value = BigInt(fen);
  const size = value < 0n ? -value : value;
  return (value < 0n ? "-¥" : "¥") + (size / 100n).toLocaleString("en-US") + "." + String(size % 100n).padStart(2, "0");
}

// what an officer types in yuan ("380,000.5") as integer fen; anything else is refused naming the field
function fenOf(text, field, caption) {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(String(text).replace(/[,，\s]/g, ""));
  if (!match) {
    throw new Problem(400, { detail: caption + "：请输入金额（元），最多两位小数 Enter an amount in yuan, at most two decimals", field });
  }
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}

function squareMetres(dm2) {
  return Math.floor(dm2 / 100) + "." + String(dm2 % 100).padStart(2, "0") + " m²";
}

function compoundName(id) {
  return state.compoundNames[id] || id;
}

// every page of a list (a compound's households are more than one page)
async function everyItem(path, params) {
  const items = [];
  let token = "";
  do {
    const page = await api("GET", path + "?" + new URLSearchParams({ ...params, page_size: "500", ...(token ? { page_token: token } : {}) }));
    items.push(...page.items);
    token = page.next_page_token;
  } while (token);
  return items;
}

// a compound's homes as people name them: "3号楼 101"
async function homeNames(compound) {
  const [buildings, households] = await Promise.all([
    api("GET", "/api/v1/compounds/" + encodeURIComponent(compound) + "/buildings"),
    everyItem("/api/v1/compounds/" + encodeURIComponent(compound) + "/households", {}),
  ]);
  const buildingName = Object.fromEntries(buildings.map((b) => [b.id, b.name || b.code]));
  return Object.fromEntries(households.map((h) => [h.id, (buildingName[h.building_id] || "") + " " + h.unit_number]));
}

// P3: the share of the jurisdiction's compounds audited this year (target 100 %) and those not yet;
// P4: the published totals of its mini funds
async function loadJurisdictionFundFigures() {
  const path = state.claims.wuye_scope || "";
  const period = today().slice(0, 4);
  const [audits, mini] = await Promise.all([
    api("GET", "/api/v1/funds/audit-coverage?" + new URLSearchParams({ jurisdiction_path: path, period })),
    api("GET", "/api/v1/funds/mini-fund-figures?" + new URLSearchParams({ jurisdiction_path: path })),
  ]);
  const summary = mini.summary || {};
  $("jurisdiction-fund-figures").replaceChildren(
    figure("audit-coverage", period + " 年审计覆盖 Audited " + period, ratio(audits.coverage) + (audits.meets_target ? "" : " 未达标")),
    figure("audit-count", "已审计 / 应审计 Audited of", audits.audited + " / " + audits.compounds),
    figure("mini-compounds", "设立小公维金的小区 Compounds with a mini fund", mini.compounds),
    figure("mini-total-income", "小公维金累计收取 Collected", yuan(summary.income_fen || 0)),
    figure("mini-total-repairs", "小额维修 Repairs", (summary.repair_count || 0) + " 项 · " + yuan(summary.repairs_paid_fen || 0)),
    figure("mini-total-surplus", "结余 Surplus", yuan(summary.surplus_fen || 0)),
  );
  $("unaudited").textContent = audits.unaudited_compound_ids.length
    ? "尚未审计 Not audited yet：" + audits.unaudited_compound_ids.map(compoundName).join("、") : "";
}

async function loadFunds() {
  // what only a fund's keepers record; reviewers, auditors and committee members read the rest
  for (const id of ["audit-form", "income-form", "use-form", "disclosure-form"]) $(id).hidden = !hasRole(...FUND_MANAGERS);
  await loadAccount();
  await loadMiniFund();
  await loadNeighbourFunds();
  await loadJurisdictionFundFigures();
  await loadMovements();
  await loadUseApplications();
  await loadExpenses();
  await loadDisclosures();
}

// who keeps a compound's maintenance fund: opens it, posts deposits and interest, asks for and decides the
// movements of a home's balance (F1–F8, A3)
const FUND_MANAGERS = ["community_worker", "street_officer", "county_officer", "city_admin"];
const MOVEMENT_KINDS = {
  sale_transfer: "过户转移 Transfer on sale", demolition_refund: "拆迁退还 Refund on demolition",
  ledger_reversal: "冲正 Ledger reversal",
};

function accountPath(compound) {
  return "/api/v1/funds/compounds/" + encodeURIComponent(compound) + "/maintenance-account";
}

// the registry's owner of each home now (a sale is registered there first; F8 passes the balance to them)
async function ownerKeys(compound) {
  const roster = await api("GET", "/api/v1/compounds/" + encodeURIComponent(compound) + "/roster");
  return Object.fromEntries(roster.units.map((unit) => [unit.unit_id, unit.owner_key]));
}

// a home's steps: its first deposit once, top-ups (the text: yuan), and asking for its balance to pass on a
// sale or to be refunded on demolition (the text: the reference), each decided by another person (A3)
function subAccountSteps(compound, sub, owners, homeName) {
  const path = accountPath(compound);
  const after = async (message) => { say(message + "：" + homeName); await loadAccount(); await loadMovements(); };
  const passing = (suffix, ownerField, message) => async (text) => {
    await api("POST", path + "/sub-accounts/" + encodeURIComponent(sub.household_id) + suffix,
      { [ownerField]: owners[sub.household_id] || "", reference: text });
    await after(message);
  };
  return [
    ...(sub.balance_fen === 0 ? [["first-deposit", "首期交存 First deposit", async () => {
      await api("POST", path + "/first-deposits", { household_id: sub.household_id }, { create: true });
      await after("已入账首期交存 First deposit posted");
    }]] : []),
    ["top-up", "续筹交存 Top up", async (text) => {
      await api("POST", path + "/deposits", { household_id: sub.household_id, amount_fen: fenOf(text, "amount_fen", "续筹金额 Top-up") },
        { create: true });
      await after("已入账续筹 Top-up posted");
    }],
    ["sale-transfer", "过户转移 Transfer on sale", passing("/sale-transfer", "buyer_owner_key", "已申请过户转移，待复核 Transfer requested")],
    ["demolition-refund", "拆迁退还 Refund on demolition", passing("/demolition-refund", "owner_key", "已申请拆迁退还，待复核 Refund requested")],
  ];
}

async function openAccount(event) {
  event.preventDefault();
  await guarded(async () => {
    const opened = await api("POST", accountPath($("funds-compound").value), {
      rate_fen_per_m2: fenOf($("account-rate").value, "rate_fen_per_m2", "交存标准 Rate"),
      construction_cost_fen_per_m2: fenOf($("account-cost").value, "construction_cost_fen_per_m2", "建安造价 Construction cost"),
    }, { create: true });
    say("已开户 Account opened：" + compoundName(opened.compound_id) + "，分户账 " + opened.sub_accounts.length + " 户 households");
    await loadAccount();
  });
}

async function allocateInterest(event) {
  event.preventDefault();
  await guarded(async () => {
    const account = await api("POST", accountPath($("funds-compound").value) + "/interest", {
      interest_fen: fenOf($("interest-amount").value, "interest_fen", "利息 Interest"), memo: $("interest-memo").value,
    }, { create: true });
    say("已分摊利息 Interest allocated：余额 balance " + yuan(account.balance_fen));
    $("interest-amount").value = "";
    await loadAccount();
  });
}

async function recordIncome(event) {
  event.preventDefault();
  await guarded(async () => {
    const amount = fenOf($("income-amount").value, "amount_fen", "金额 Amount");
    await api("POST", "/api/v1/funds/compounds/" + encodeURIComponent($("funds-compound").value) + "/common-income", {
      source: $("income-source").value, amount_fen: amount, memo: $("income-memo").value,
    }, { create: true });
    say("已入账公共收益 Income posted：" + $("income-source").selectedOptions[0].textContent + " " + yuan(amount));
    $("income-amount").value = "";
    $("income-memo").value = "";
  });
}

// a ledger's postings as people name them: a home by its name, the other accounts by what they are
const LEDGER_ACCOUNTS = {
  "owners:deposits": "业主交存 Owners' deposits", "bank:interest": "银行利息 Bank interest",
  "handover:sale": "过户交接 Sale handover", "payee:demolition_refunds": "拆迁退还款 Demolition refunds",
  "payee:works": "维修工程款 Works",
};
const ENTRY_KINDS = {
  first_deposit: "首期交存 First deposit", deposit: "续筹交存 Top-up", interest: "利息 Interest",
  sale_transfer: "过户转移 Sale transfer", demolition_refund: "拆迁退还 Demolition refund", spending: "使用支出 Spending",
  reversal: "冲正 Reversal",
};
const CORRECTORS = ["county_officer", "city_admin"];

// the account's ledger, newest posting first; a county officer asks for a posting's reversal (A3)
async function showLedger(ledgerId, home) {
  const entries = await everyItem("/api/v1/ledgers/" + ledgerId.split("/").map(encodeURIComponent).join("/") + "/entries", {});
  const reversed = new Set(entries.map((entry) => entry.reverses_sequence).filter(Boolean));
  const account = (id) => id.startsWith("household:") ? home[id.slice("household:".length)] || "分户 Household" : LEDGER_ACCOUNTS[id] || id;
  $("ledger-entries").replaceChildren(...entries.slice().reverse().map((entry) => el("tr", {
    dataset: { sequence: String(entry.sequence), kind: entry.kind },
  }, el("td", {}, "#" + entry.sequence), el("td", {}, when(entry.occurred_at)), el("td", {}, account(entry.account_id)),
  el("td", { class: "money" }, yuan(entry.amount_fen)),
  el("td", {}, (ENTRY_KINDS[entry.kind] || entry.kind) + (entry.reverses_sequence ? "（冲销 #" + entry.reverses_sequence + "）" : "")),
  el("td", {}, entry.memo || "—"),
  hasRole(...CORRECTORS) && entry.amount_fen > 0 && !entry.reverses_sequence && !reversed.has(entry.sequence)
    ? stepCell([["reverse", "申请冲正（填原因） Ask to reverse, with why", async (text) => {
      await api("POST", "/api/v1/ledgers/" + ledgerId.split("/").map(encodeURIComponent).join("/") + "/reversals",
        { sequence: entry.sequence, memo: text }, { create: true });
      say("已申请冲正，待复核 Reversal requested：#" + entry.sequence);
      await loadMovements();
    }]]) : el("td", {}, "—"))));
  if (!entries.length) $("ledger-entries").append(el("tr", {}, el("td", { colspan: "7" }, "暂无记账 No postings yet")));
}

async function recordAudit(event) {
  event.preventDefault();
  await guarded(async () => {
    const findings = $("audit-findings").value.split("\n").map((line) => line.trim()).filter(Boolean).map((line, at) => {
      const [text, amount] = line.split(/[|｜]/);
      return { text: text.trim(), amount_fen: amount && amount.trim() ? fenOf(amount, "findings[" + at + "].amount_fen", "涉及金额 Amount") : 0 };
    });
    const audit = await api("POST", "/api/v1/funds/compounds/" + encodeURIComponent($("funds-compound").value) + "/audits", {
      period: $("audit-period").value, auditor: $("audit-auditor").value, findings,
    }, { create: true });
    say("已登记审计 Audit recorded：" + compoundName(audit.compound_id) + " " + audit.period + "，发现 " + audit.findings.length + " 条 findings");
    $("audit-findings").value = "";
  });
}

// the movements of a home's balance or a ledger's reversal that wait for a second person (A3)
async function loadMovements() {
  const page = await api("GET", "/api/v1/money-movements?" + new URLSearchParams({
    jurisdiction_path: state.claims.wuye_scope || "", state: "requested", page_size: "100" }));
  const homes = {};
  for (const compound of new Set(page.items.filter((m) => m.household_id).map((m) => m.compound_id))) {
    Object.assign(homes, await homeNames(compound));
  }
  $("movements").replaceChildren(...page.items.map((movement) => {
    const decide = (approve, message) => async (text) => {
      await api("POST", "/api/v1/money-movements/" + encodeURIComponent(movement.movement_id) + "/decision",
        { approve, reason: approve ? "" : text });
      say(message + "：" + MOVEMENT_KINDS[movement.kind]);
      await loadMovements();
      await loadAccount();
    };
    return el("tr", { dataset: { movementId: movement.movement_id, kind: movement.kind } },
      el("td", {}, MOVEMENT_KINDS[movement.kind]), el("td", {}, compoundName(movement.compound_id)),
      el("td", {}, movement.household_id ? homes[movement.household_id] || "—" : "第 " + movement.sequence + " 笔 entry #" + movement.sequence),
      el("td", {}, movement.reference || movement.memo || "—"),
      el("td", {}, movement.requested_by + " " + when(movement.requested_at)),
      hasRole(...FUND_MANAGERS) ? stepCell([["approve", "同意 Approve", decide(true, "已同意，资金已变动 Approved, money moved")],
        ["reject", "不同意（填理由） Reject with the reason", decide(false, "已驳回 Rejected")]]) : el("td", {}, "—"));
  }));
  if (!page.items.length) $("movements").append(el("tr", {}, el("td", { colspan: "6" }, "暂无待复核 Nothing awaiting a decision")));
}

async function loadAccount() {
  const compound = $("funds-compound").value;
  $("ledger-result").textContent = "";
  $("account-figures").replaceChildren();
  $("sub-accounts").replaceChildren();
  if (!compound) return;
  let account;
  try {
    account = await api("GET", "/api/v1/funds/compounds/" + encodeURIComponent(compound) + "/maintenance-account");
  } catch (error) {
    if (!(error instanceof Problem) || error.status !== 404) throw error;
    $("sub-accounts").append(el("tr", {}, el("td", { colspan: "6" }, "尚未开户 No account opened yet")));
    $("ledger-entries").replaceChildren();
    $("ledger-verify").disabled = true;
    $("account-open-form").hidden = !hasRole(...FUND_MANAGERS);
    $("interest-form").hidden = true;
    return;
  }
  $("ledger-verify").disabled = false;
  $("ledger-verify").dataset.ledgerId = account.ledger_id;
  $("account-open-form").hidden = true;
  const manages = hasRole(...FUND_MANAGERS);
  $("interest-form").hidden = !manages;
  const [home, owners] = await Promise.all([homeNames(compound), manages ? ownerKeys(compound) : {}]);
  const low = account.sub_accounts.filter((sub) => sub.needs_replenishment).length;
  $("account-figures").replaceChildren(
    figure("account-balance", "账户余额 Balance", yuan(account.balance_fen)),
    figure("account-rate", "交存标准 Rate", yuan(account.rate_fen_per_m2) + " / m²"),
    figure("account-homes", "分户账 Households", account.sub_accounts.length),
    figure("account-low", "需续筹 Below 30%", low),
  );
  $("sub-accounts").replaceChildren(...account.sub_accounts.map((sub) => el("tr", {
    dataset: { householdId: sub.household_id }, class: sub.needs_replenishment ? "overdue" : "",
  }, el("td", {}, home[sub.household_id] || sub.household_id), el("td", {}, squareMetres(sub.area_dm2)),
  el("td", {}, yuan(sub.first_deposit_fen)), el("td", { class: "money" }, yuan(sub.balance_fen)),
  el("td", {}, sub.closed ? "已销户 Closed" : sub.needs_replenishment ? "低于首期30%，需续筹 Needs replenishment (F3)" : "正常 Normal"),
  manages && !sub.closed ? stepCell(subAccountSteps(compound, sub, owners, home[sub.household_id] || "")) : el("td", {}, "—"))));
  await showLedger(account.ledger_id, home);
}

async function verifyLedger() {
  const ledger = $("ledger-verify").dataset.ledgerId;
  const found = await api("GET", "/api/v1/ledgers/" + ledger.split("/").map(encodeURIComponent).join("/") + "/verification");
  const result = $("ledger-result");
  result.dataset.intact = String(found.intact);
  result.className = found.intact ? "" : "overdue";
  result.textContent = found.intact
    ? "账本完整 Intact：已核验 " + found.entries_checked + " 笔 entries，末笔 #" + found.head_sequence + " " + found.head_hash.slice(0, 12) + "…"
    : "账本异常 Broken：第 " + found.broken_sequence + " 笔 " + (CHAIN_BREAKS[found.broken_reason] || "与记录的账头不符 differs from a recorded head");
}

// each state's next step, for whoever holds it (the service says who may: A1, A3)
function useSteps(application) {
  const path = "/api/v1/use-applications/" + encodeURIComponent(application.application_id);
  const after = async (step, body, message) => {
    await api("POST", path + step, body);
    say(message + "：" + application.plan);
    await loadUseApplications();
  };
  const emergency = Boolean(application.emergency);
  switch (application.state) {
    case "draft":
      if (!emergency) return [["vote", "提交业主表决 Put to the owners", () => after("/vote", {}, "已发起表决 Vote opened")]];
      if (!application.committee_review) {
        return [["committee-review", "业委会审核 Committee reviewed", (text) => after("/committee-review", { reference: text }, "已记录业委会审核 Committee review recorded")]];
      }
      return [["street-confirmation", "街道确认 Street confirms", (text) => after("/street-confirmation", { reference: text }, "街道已确认 Confirmed")]];
    case "approved":
      return [["works", "开工 Start works", () => after("/works", {}, "已开工 Works started")]];
    case "works":
      return [["payment-request", "申请付款（实际费用，元） Request payment (actual cost, yuan)", (text) => after("/payment-request", {
        actual_cost_fen: fenOf(text.split(/[;；]/)[0], "actual_cost_fen", "实际费用 Actual cost"),
        settlement_audit: (text.split(/[;；]/)[1] || "").trim(),
      }, "已申请付款 Payment requested")]];
    case "payment_requested":
      return [
        ["pay-housing", "支付（住建部门审批） Pay, approved by the housing authority", () => after("/payment", { approved_by: "housing_authority" }, "已支付 Paid")],
        ["pay-committee", "支付（业委会审批） Pay, approved by the owners' committee", () => after("/payment", { approved_by: "owners_committee" }, "已支付 Paid")],
      ];
    case "paid":
      return [["completion", "完成并公示 Complete with the notice", (text) => after("/completion", { disclosure: text }, "已完成 Completed")]];
    default:
      return [];
  }
}

async function loadUseApplications() {
  const params = { jurisdiction_path: state.claims.wuye_scope || "", page_size: "100" };
  if ($("use-state").value) params.state = $("use-state").value;
  const page = await api("GET", "/api/v1/use-applications?" + new URLSearchParams(params));
  $("use-applications").replaceChildren(...page.items.map((one) => {
    const steps = useSteps(one);
    const facts = [one.committee_review && "业委会 " + one.committee_review, one.street_confirmation && "街道 " + one.street_confirmation,
      one.actual_cost_fen && "实际 " + yuan(one.actual_cost_fen), one.disclosure && "公示 " + one.disclosure].filter(Boolean);
    return el("tr", { dataset: { applicationId: one.application_id, state: one.state } },
      el("td", {}, one.plan), el("td", {}, compoundName(one.compound_id)), el("td", { class: "money" }, yuan(one.budget_fen)),
      el("td", {}, one.emergency ? "应急 Emergency：" + EMERGENCIES[one.emergency] : "一般 Normal"),
      el("td", { class: "state" }, USE_STATES[one.state] + (facts.length ? "（" + facts.join("；") + "）" : "")),
      steps.length ? stepCell(steps) : el("td", {}, "—"));
  }));
  if (!page.items.length) $("use-applications").append(el("tr", {}, el("td", { colspan: "6" }, "暂无申请 No applications")));
}

async function submitUse(event) {
  event.preventDefault();
  await guarded(async () => {
    const answer = await api("POST", "/api/v1/use-applications", {
      compound_id: $("funds-compound").value, plan: $("use-plan").value,
      budget_fen: fenOf($("use-budget").value, "budget_fen", "预算 Budget"), emergency: $("use-emergency").value || null,
    }, { create: true });
    say("已提交申请 Application submitted：" + answer.plan + " " + yuan(answer.budget_fen));
    $("use-plan").value = "";
    $("use-budget").value = "";
    await loadUseApplications();
  });
}

function reviewProgress(expense) {
  const decided = expense.decisions.map((d) => (EXPENSE_REVIEWERS[d.reviewer] || d.reviewer)
    + (d.approved ? " 同意 ✓" : " 不同意 ✗ " + d.reason));
  if (expense.expected_reviewer) decided.push("待 Waiting for " + (EXPENSE_REVIEWERS[expense.expected_reviewer] || expense.expected_reviewer));
  return decided.join("；");
}

async function loadExpenses() {
  const member = hasRole("committee_member");
  $("expense-form").hidden = !member;
  const page = await api("GET", "/api/v1/committee-expenses?" + new URLSearchParams({ jurisdiction_path: state.claims.wuye_scope || "", page_size: "100" }));
  // a committee member's seat is in one compound; the community's other compounds are not theirs to follow
  const shown = member ? page.items.filter((expense) => expense.compound_id === state.claims.wuye_compound) : page.items;
  $("expenses").replaceChildren(...shown.map((expense) => {
    const path = "/api/v1/committee-expenses/" + encodeURIComponent(expense.expense_id);
    const after = async (step, body, message) => {
      await api("POST", path + step, body);
      say(message + "：" + expense.purpose);
      await loadExpenses();
    };
    // each step is offered only to the post that decides it: the reviewer whose turn it is, then a fund manager (A3)
    const steps = expense.state === "in_review" && hasRole(EXPENSE_STEP_POSTS[expense.expected_reviewer]) ? [
      ["approve", "同意 Approve", (text) => after("/reviews", { approve: true, reason: text }, "已同意 Approved")],
      ["reject", "不同意 Reject", (text) => after("/reviews", { approve: false, reason: text }, "已驳回 Rejected")],
    ] : expense.state === "approved" && hasRole(...FUND_MANAGERS) ? [["pay", "支付 Pay", () => after("/payment", {}, "已支付 Paid")]] : [];
    return el("tr", { dataset: { expenseId: expense.expense_id, state: expense.state } },
      el("td", {}, expense.purpose), el("td", {}, compoundName(expense.compound_id)), el("td", { class: "money" }, yuan(expense.amount_fen)),
      el("td", { class: "review" }, reviewProgress(expense)), el("td", { class: "state" }, EXPENSE_STATES[expense.state]),
      steps.length ? stepCell(steps) : el("td", {}, "—"));
  }));
  if (!shown.length) $("expenses").append(el("tr", {}, el("td", { colspan: "6" }, "暂无支出 No expenses")));
}

// a member of the compound's committee, acting in that seat, submits what the committee spends (P2, A1)
async function submitExpense(event) {
  event.preventDefault();
  await guarded(async () => {
    const expense = await api("POST", "/api/v1/committee-expenses", {
      compound_id: state.claims.wuye_compound, purpose: $("expense-purpose").value,
      amount_fen: fenOf($("expense-amount").value, "amount_fen", "金额 Amount"),
    }, { create: true });
    say("已提交支出，待审核 Expense submitted for review：" + expense.purpose + " " + yuan(expense.amount_fen));
    $("expense-purpose").value = "";
    $("expense-amount").value = "";
    await loadExpenses();
  });
}

async function loadDisclosures() {
  const overdue = await api("GET", "/api/v1/funds/overdue-disclosures?" + new URLSearchParams({ jurisdiction_path: state.claims.wuye_scope || "" }));
  $("overdue-disclosures").replaceChildren(...overdue.map((one) => el("tr", { class: "overdue", dataset: { compoundId: one.compound_id } },
    el("td", {}, compoundName(one.compound_id)), el("td", {}, DISCLOSURE_SUBJECTS[one.subject] || one.subject),
    el("td", {}, one.last_published_at ? when(one.last_published_at) : "从未公示 Never"),
    el("td", {}, when(one.due_at) + " 已逾期 overdue"))));
  if (!overdue.length) $("overdue-disclosures").append(el("tr", {}, el("td", { colspan: "4" }, "无逾期公示 No disclosure overdue")));
}

async function publishDisclosure(event) {
  event.preventDefault();
  await guarded(async () => {
    const disclosure = await api("POST", "/api/v1/funds/compounds/" + encodeURIComponent($("funds-compound").value) + "/disclosures", {
      period: $("disclosure-period").value, posting_days: Number($("disclosure-days").value) || 0,
    }, { create: true });
    say("已发布公示 Disclosure published：" + compoundName(disclosure.compound_id) + " " + disclosure.period
      + "，公示至 posted until " + when(disclosure.posted_until));
    await loadDisclosures();
  });
}

// the compound's mini fund (小公维金, P4): opened once with its monthly rate per m², the surcharge collected for
// one home or every home at once (area × rate × months), small repairs paid from the surplus; its published
// summary as figures
function miniFundPath(compound) {
  return "/api/v1/funds/compounds/" + encodeURIComponent(compound) + "/mini-fund";
}

function showMiniFund(fund) {
  const summary = fund.summary || {};
  $("mini-figures").replaceChildren(
    figure("mini-rate", "标准 Rate", yuan(fund.rate_fen_per_m2_month) + " / m²·月"),
    figure("mini-income", "累计收取 Collected", yuan(summary.income_fen || 0)),
    figure("mini-repairs", "维修 Repairs", (summary.repair_count || 0) + " 项"),
    figure("mini-paid", "维修支出 Paid", yuan(summary.repairs_paid_fen || 0)),
    figure("mini-surplus", "结余 Surplus", yuan(summary.surplus_fen || 0)),
  );
}

async function loadMiniFund() {
  const compound = $("funds-compound").value;
  const manages = hasRole(...FUND_MANAGERS);
  $("mini-figures").replaceChildren();
  for (const id of ["mini-open-form", "mini-collect-form", "mini-repair-form"]) $(id).hidden = true;
  if (!compound) return;
  let fund;
  try {
    fund = await api("GET", miniFundPath(compound));
  } catch (error) {
    if (!(error instanceof Problem) || !error.body || error.body.rule !== "P4") throw error;
    $("mini-figures").append(el("p", { class: "hint", id: "mini-none" }, "尚未设立小公维金 No mini fund yet"));
    $("mini-open-form").hidden = !manages;
    return;
  }
  showMiniFund(fund);
  if (!manages) return;
  $("mini-collect-form").hidden = false;
  $("mini-repair-form").hidden = false;
  const homes = Object.entries(await homeNames(compound)).sort((a, b) => a[1].localeCompare(b[1], "zh-CN"));
  $("mini-home").replaceChildren(el("option", { value: "" }, "全部房屋 Every home"),
    ...homes.map(([id, name]) => el("option", { value: id }, name)));
}

async function openMiniFund(event) {
  event.preventDefault();
  await guarded(async () => {
    const fund = await api("POST", miniFundPath($("funds-compound").value), {
      rate_fen_per_m2_month: fenOf($("mini-rate").value, "rate_fen_per_m2_month", "标准 Rate"),
    }, { create: true });
    say("已设立小公维金 Mini fund opened：" + compoundName(fund.compound_id) + "，" + yuan(fund.rate_fen_per_m2_month) + " / m²·月");
    await loadMiniFund();
  });
}

async function collectMiniFund(event) {
  event.preventDefault();
  await guarded(async () => {
    const home = $("mini-home").selectedOptions[0];
    const collected = await api("POST", miniFundPath($("funds-compound").value) + "/surcharges", {
      household_id: $("mini-home").value, months: Number($("mini-months").value) || 0,
    }, { create: true });
    say("已收取小公维金 Surcharge collected：" + home.textContent + " " + $("mini-months").value + " 个月 months，"
      + yuan(collected.amount_fen));
    showMiniFund(collected.mini_fund);
  });
}

async function payMiniFundRepair(event) {
  event.preventDefault();
  await guarded(async () => {
    const paid = await api("POST", miniFundPath($("funds-compound").value) + "/repairs", {
      amount_fen: fenOf($("mini-repair-amount").value, "amount_fen", "金额 Amount"), purpose: $("mini-repair-purpose").value,
    }, { create: true });
    say("已支付小额维修 Repair paid：" + $("mini-repair-purpose").value + " " + yuan(paid.entry.amount_fen));
    $("mini-repair-amount").value = "";
    $("mini-repair-purpose").value = "";
    showMiniFund(paid.mini_fund);
  });
}

// the neighbour funds (友邻基金, P5) in the officer's scope, county → community → compound: donations by
// source, a grant to a fund's own child, spending on an activity, and a new fund under its parent
const FUND_LEVELS = { county: "县级 County", community: "社区 Community", compound: "小区 Compound" };
const DONATION_SOURCES = { community_enterprise: "社区企业", residents: "居民", companies: "企业", government: "政府" };
const PARENT_LEVEL = { community: "county", compound: "community" };
const LEVEL_ORDER = Object.keys(FUND_LEVELS);

function fundPlace(fund) {
  return fund.compound_id ? compoundName(fund.compound_id) : placeName(fund.jurisdiction_path);
}

async function loadNeighbourFunds() {
  await knownPlaces();
  const funds = (await everyItem("/api/v1/neighbour-funds", { jurisdiction_path: state.claims.wuye_scope || "" }))
    .sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || a.jurisdiction_path.localeCompare(b.jurisdiction_path)
      || a.name.localeCompare(b.name, "zh-CN"));
  state.neighbourFunds = funds;
  $("neighbour-funds").replaceChildren(...funds.map((fund) => el("tr", { dataset: { fundId: fund.fund_id, level: fund.level } },
    el("td", {}, fund.name), el("td", {}, FUND_LEVELS[fund.level] || "—"), el("td", {}, fundPlace(fund)),
    el("td", { class: "money" }, yuan(fund.balance_fen)),
    el("td", {}, fund.donations.length
      ? fund.donations.map((one) => (DONATION_SOURCES[one.source] || "—") + " " + yuan(one.amount_fen)).join("；") : "—"),
    el("td", {}, yuan(fund.granted_in_fen) + " / " + yuan(fund.granted_out_fen)), el("td", {}, yuan(fund.spent_fen)))));
  if (!funds.length) $("neighbour-funds").append(el("tr", {}, el("td", { colspan: "7" }, "暂无友邻基金 No neighbour fund yet")));
  const manages = hasRole(...FUND_MANAGERS);
  $("neighbour-forms").hidden = !manages;
  if (!manages) return;
  const options = (list) => list.map((fund) => el("option", { value: fund.fund_id }, fund.name + "（" + fundPlace(fund) + "）"));
  for (const select of document.querySelectorAll(".neighbour-fund-select")) {
    const chosen = select.value;
    select.replaceChildren(...options(funds));
    if (funds.some((fund) => fund.fund_id === chosen)) select.value = chosen;
  }
  neighbourOpenChoices();
  grantReceivers();
}

// the places and parent funds a new fund of the chosen level may have (P5: one level below its parent)
function neighbourOpenChoices() {
  const level = $("neighbour-level").value;
  $("neighbour-place-label").hidden = level === "compound";
  $("neighbour-compound-label").hidden = level !== "compound";
  $("neighbour-parent-label").hidden = !PARENT_LEVEL[level];
  $("neighbour-place").replaceChildren(...state.places.filter((place) => place.level === level)
    .map((place) => el("option", { value: place.path }, place.name)));
  $("neighbour-parent").replaceChildren(...(state.neighbourFunds || []).filter((fund) => fund.level === PARENT_LEVEL[level])
    .map((fund) => el("option", { value: fund.fund_id }, fund.name + "（" + fundPlace(fund) + "）")));
}

function grantReceivers() {
  const giver = $("grant-fund").value;
  $("grant-receiver").replaceChildren(...(state.neighbourFunds || []).filter((fund) => fund.parent_fund_id === giver)
    .map((fund) => el("option", { value: fund.fund_id }, fund.name + "（" + fundPlace(fund) + "）")));
}

async function openNeighbourFund(event) {
  event.preventDefault();
  await guarded(async () => {
    const level = $("neighbour-level").value;
    const fund = await api("POST", "/api/v1/neighbour-funds", {
      level, name: $("neighbour-name").value,
      ...(level === "compound" ? { compound_id: $("neighbour-compound").value } : { jurisdiction_path: $("neighbour-place").value }),
      ...(PARENT_LEVEL[level] ? { parent_fund_id: $("neighbour-parent").value } : {}),
    }, { create: true });
    say("已设立友邻基金 Neighbour fund opened：" + fund.name + "（" + FUND_LEVELS[fund.level] + "）");
    $("neighbour-name").value = "";
    await loadNeighbourFunds();
  });
}

async function donateToNeighbourFund(event) {
  event.preventDefault();
  await guarded(async () => {
    const amount = fenOf($("donation-amount").value, "amount_fen", "金额 Amount");
    const donated = await api("POST", "/api/v1/neighbour-funds/" + encodeURIComponent($("donation-fund").value) + "/donations", {
      source: $("donation-source").value, amount_fen: amount, memo: $("donation-memo").value,
    }, { create: true });
    say("已登记捐赠 Donation recorded：" + donated.fund.name + " " + DONATION_SOURCES[$("donation-source").value] + " " + yuan(amount));
    $("donation-amount").value = "";
    await loadNeighbourFunds();
  });
}

async function grantNeighbourFund(event) {
  event.preventDefault();
  await guarded(async () => {
    const amount = fenOf($("grant-amount").value, "amount_fen", "金额 Amount");
    const granted = await api("POST", "/api/v1/neighbour-funds/" + encodeURIComponent($("grant-fund").value) + "/grants", {
      receiver_fund_id: $("grant-receiver").value, amount_fen: amount, memo: $("grant-memo").value,
    }, { create: true });
    say("已拨付 Granted：" + granted.giver.name + " → " + granted.receiver.name + " " + yuan(amount));
    $("grant-amount").value = "";
    await loadNeighbourFunds();
  });
}

async function spendNeighbourFund(event) {
  event.preventDefault();
  await guarded(async () => {
    const amount = fenOf($("spend-amount").value, "amount_fen", "金额 Amount");
    const spent = await api("POST", "/api/v1/neighbour-funds/" + encodeURIComponent($("spend-fund").value) + "/spending", {
      amount_fen: amount, purpose: $("spend-purpose").value,
    }, { create: true });
    say("已支出 Spent：" + spent.fund.name + " " + $("spend-purpose").value + " " + yuan(amount));
    $("spend-amount").value = "";
    await loadNeighbourFunds();
  });
}

// joint inspections (综合查一次, E1–E5): the figures, the plans and their visits, each visit's checklist
// recorded line by line by the departments that check it, completion issuing the rectification orders, and
// each order's re-checks, escalation and its outcome

const INSPECTION_STATES = { open: "检查中 Open", completed: "已完成 Completed" };
const OUTCOMES = { pass: "合格 Pass", fail: "不合格 Fail", not_applicable: "不适用 Not applicable" };
const SEVERITIES = { minor: "轻微 Minor", major: "较重 Major", serious: "严重 Serious" };
const ADDRESSEES = { company: "物业企业 Company", owners_committee: "业主委员会 Owners' committee", owner: "业主 Owner" };
const ORDER_STATES = {
  issued: "整改中 Issued", rectified: "已整改 Rectified", overdue: "逾期未整改 Overdue", escalated: "已升级处置 Escalated",
};
const ESCALATION_KINDS = { penalty_case: "立案处罚 Penalty case", referral: "移送司法联盟 Judicial alliance referral" };
const REFERRAL_KINDS = {
  public_interest_suggestion: "检察公益诉讼建议 Procuratorate suggestion", court_onsite_hearing: "法院巡回审判 Court on-site hearing",
  other: "其他部门 Another department",
};
// how each kind of escalation may end (E4)
const ESCALATION_OUTCOMES = {
  penalty_case: { rectified: "已整改 Rectified", penalty_imposed: "已处罚 Penalty imposed", dismissed: "不予处罚 Dismissed" },
  referral: {
    rectified: "已整改 Rectified", litigation_filed: "已提起诉讼 Litigation filed", settled_on_site: "现场调解 Settled on site",
    dismissed: "不予受理 Dismissed",
  },
};
const ORDER_ROLES = ["county_officer", "street_officer", "department_inspector"];
const hasRole = (...roles) => (state.claims.roles || []).some((role) => roles.includes(role));

// the day after a YYYY-MM-DD (the plan list's end date is exclusive, the toolbar's "to" day included)
function dayAfter(day) {
  const next = new Date(day + "T00:00:00Z");
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

// the departments and the catalogue's items, by name, read once
async function loadDepartments() {
  if (!state.departments) {
    const [departments, items] = await Promise.all([api("GET", "/api/v1/enforcement/departments"), api("GET", "/api/v1/enforcement/items")]);
    state.departments = Object.fromEntries(departments.map((d) => [d.code, d.name_zh + " " + d.name_en]));
    for (const item of items) state.itemContents[item.code] = item.content;
  }
  return state.departments;
}

const departmentName = (code) => (state.departments || {})[code] || code;

// the companies an order names, each read once; a company the caller may not read is called by its kind
// the companies serving these compounds, named from each compound, which a community worker reads (a
// company registered at the county lies outside the community's scope); any other by the registry
async function servingCompanyNames(pairs) {
  await Promise.all(pairs.filter(([, company]) => company && !(company in state.companies)).map(async ([compound, company]) => {
    const detail = await api("GET", "/api/v1/compounds/" + encodeURIComponent(compound));
    if (detail.current_company && detail.current_company.id === company) state.companies[company] = detail.current_company.name;
  }));
  return companyNames(pairs.map(([, company]) => company));
}

async function companyNames(ids) {
  const wanted = [...new Set(ids)].filter((id) => id && !(id in state.companies));
  await Promise.all(wanted.map(async (id) => {
    try {
      state.companies[id] = (await api("GET", "/api/v1/companies/" + encodeURIComponent(id))).name;
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      state.companies[id] = ADDRESSEES.company;
    }
  }));
  return state.companies;
}

function addresseeText(order) {
  return order.addressee === "company" ? state.companies[order.addressee_id] || ADDRESSEES.company : ADDRESSEES[order.addressee] || "—";
}

function itemText(code) {
  return state.itemContents[code] ? code + " " + state.itemContents[code] : code;
}

function orderStateCell(order) {
  const late = order.state === "issued" && new Date(order.deadline) < Date.now();
  return el("td", { class: order.state === "overdue" || late ? "overdue state" : "state" },
    ORDER_STATES[order.state] + (order.escalation && order.escalation.outcome ? "：" + ESCALATION_OUTCOMES[order.escalation.kind][order.escalation.outcome] : ""));
}

async function loadPlans() {
  $("catalogue-form").hidden = !hasRole("city_admin");
  if (!$("plans-from").value) {
    const year = today().slice(0, 4);
    $("plans-from").value = year + "-01-01";
    $("plans-to").value = year + "-12-31";
  }
  await loadDepartments();
  const scope = state.claims.wuye_scope || "";
  const from = $("plans-from").value;
  const to = $("plans-to").value;
  const [page, figures] = await Promise.all([
    api("GET", "/api/v1/enforcement/plans?" + new URLSearchParams({ jurisdiction_path: scope, start_date: from, end_date: dayAfter(to), page_size: "50" })),
    api("GET", "/api/v1/enforcement/figures?" + new URLSearchParams({ jurisdiction_path: scope, start_date: from, end_date: to })),
  ]);
  $("enf-figures").replaceChildren(
    figure("enf-inspections", "检查小区次数 Inspections", figures.inspections),
    figure("enf-items", "检查事项 Items checked", figures.items_checked),
    figure("enf-problems", "发现问题 Problems found", figures.problems_found),
    figure("enf-rectified", "已整改 Rectified", figures.rectified),
    figure("enf-rectification-rate", "整改率 Rectification rate", ratio(figures.rectification_rate)),
    figure("enf-overdue", "逾期未整改 Overdue", figures.overdue),
    figure("enf-overdue-rate", "逾期率 Overdue rate", ratio(figures.overdue_rate)),
    figure("enf-visits-saved", "减少检查次数 Visits saved", figures.visits_saved),
  );
  $("plans").replaceChildren(...page.items.map((plan) => el("tr", { dataset: { planId: plan.plan_id }, onclick: () => guarded(() => openPlan(plan.plan_id)) },
    el("td", {}, plan.visit_date), el("td", {}, label(plan.kind)), el("td", {}, plan.basis),
    el("td", {}, plan.visits.map((visit) => compoundName(visit.compound_id)).join("、")), el("td", {}, String(plan.checklist.length)),
    el("td", {}, String(plan.separate_visits_saved)))));
  if (!page.items.length) $("plans").append(el("tr", {}, el("td", { colspan: "6" }, "暂无计划 No plans")));
  if (!$("plan-departments").children.length) {
    $("plan-departments").replaceChildren(...Object.entries(state.departments).map(([code, name]) => el("div", { class: "team", dataset: { department: code } },
      el("label", {}, el("input", { type: "checkbox", value: code, name: "department" }), " " + name),
      el("input", { type: "text", class: "inspectors", placeholder: "检查人员（可选）People sent, optional (a, b)", "aria-label": name + " inspectors" }))));
    $("escalation-department").replaceChildren(...Object.entries(state.departments).map(([code, name]) => el("option", { value: code }, name)));
  }
  await loadOrderQueues();
}

function orderRow(order) {
  return el("tr", { dataset: { orderId: order.order_id, state: order.state }, onclick: () => guarded(() => openOrder(order.order_id)) },
    el("td", {}, itemText(order.item_code)), el("td", {}, compoundName(order.compound_id)), el("td", {}, addresseeText(order)),
    el("td", {}, when(order.deadline)), orderStateCell(order));
}

async function loadOrderQueues() {
  const params = new URLSearchParams({ jurisdiction_path: state.claims.wuye_scope || "", page_size: "100" });
  const [due, overdue] = await Promise.all([
    api("GET", "/api/v1/enforcement/orders-due-recheck?" + params), api("GET", "/api/v1/enforcement/overdue-orders?" + params),
  ]);
  await companyNames([...due.items, ...overdue.items].filter((o) => o.addressee === "company").map((o) => o.addressee_id));
  $("orders-due").replaceChildren(...due.items.map(orderRow));
  if (!due.items.length) $("orders-due").append(el("tr", {}, el("td", { colspan: "5" }, "暂无待复查 None due")));
  $("orders-overdue").replaceChildren(...overdue.items.map(orderRow));
  if (!overdue.items.length) $("orders-overdue").append(el("tr", {}, el("td", { colspan: "5" }, "无逾期 None overdue")));
}

async function openPlan(planId) {
  const plan = await api("GET", "/api/v1/enforcement/plans/" + encodeURIComponent(planId));
  for (const line of plan.checklist) state.itemContents[line.item_code] = line.content;
  $("plan").hidden = false;
  $("plan").dataset.planId = plan.plan_id;
  $("plan-title").textContent = plan.visit_date + " " + plan.basis;
  $("plan-kind-value").textContent = label(plan.kind);
  $("plan-basis-value").textContent = plan.basis;
  $("plan-saved").textContent = plan.separate_visits_saved + " 次 visits";
  $("plan-teams").replaceChildren(...plan.teams.map((team) => el("tr", { dataset: { department: team.department } },
    el("td", {}, departmentName(team.department)), el("td", { class: "people" }, team.inspector_ids.join("、") || "未指派 None named yet"),
    teamStep(plan, team))));
  $("plan-checklist").replaceChildren(...plan.checklist.map((line) => el("tr", { dataset: { itemCode: line.item_code } },
    el("td", {}, line.item_code), el("td", {}, line.content + (line.standard ? "（标准 standard：" + line.standard + "）" : "")),
    el("td", {}, line.legal_basis || "—"), el("td", {}, line.departments.map(departmentName).join("、")))));
  const inspections = await Promise.all(plan.visits.map((visit) => api("GET", "/api/v1/enforcement/inspections/" + encodeURIComponent(visit.inspection_id))));
  $("plan-visits").replaceChildren(...inspections.map((inspection) => el("tr", {
    dataset: { inspectionId: inspection.inspection_id, state: inspection.state }, onclick: () => guarded(() => openInspection(inspection.inspection_id)),
  }, el("td", {}, compoundName(inspection.compound_id)), el("td", { class: "state" }, INSPECTION_STATES[inspection.state]),
  el("td", {}, String(inspection.orders.length)))));
  $("plan").scrollIntoView({ block: "nearest" });
}

// the county, or the department itself, names the people a department sends on the plan (E2: paperwork;
// who may record is the post's to decide)
function teamStep(plan, team) {
  const own = hasRole("department_inspector") && state.claims.wuye_department === team.department;
  if (!hasRole("county_officer") && !own) return el("td", {}, "—");
  return stepCell([["name-inspectors", "指派 Name", async (text) => {
    await api("POST", "/api/v1/enforcement/plans/" + encodeURIComponent(plan.plan_id) + "/inspectors", {
      department: team.department, inspector_ids: text.split(/[,，、\s]+/).filter(Boolean),
    });
    say("已指派检查人员 People named：" + departmentName(team.department));
    await openPlan(plan.plan_id);
  }]]);
}

// an evidence reference naming an uploaded photo (E4, S1, S3): "photo:<photo_id>", uploaded here first
const PHOTO_REF = "photo:";
const EVIDENCE_UPLOAD = "/api/v1/enforcement/evidence-photos";

// the photos among a record's evidence refs, each read through the record (``record`` + "/photos/" + id)
function evidencePhotos(refs, record) {
  const ids = refs.filter((ref) => ref.startsWith(PHOTO_REF)).map((ref) => ref.slice(PHOTO_REF.length));
  if (!ids.length) return "";
  const box = el("div", { class: "photos evidence-photos" });
  drawPhotos(box, ids.map((id) => record + "/photos/" + encodeURIComponent(id)), "证据照片 Evidence photo",
    () => box.isConnected);
  return box;
}

// one checklist line's outcome, with its evidence photos drawn, and for an open inspection the form a
// checking department records it with
function inspectionLine(inspection, line, result) {
  const refs = result ? result.evidence_refs : [];
  const photoIds = refs.filter((ref) => ref.startsWith(PHOTO_REF)).map((ref) => ref.slice(PHOTO_REF.length));
  const written = refs.filter((ref) => !ref.startsWith(PHOTO_REF));
  const shown = result
    ? OUTCOMES[result.outcome] + (result.severity ? "（" + SEVERITIES[result.severity] + "）" : "")
      + " · " + result.inspector_id + " " + when(result.recorded_at)
      + (written.length ? " · 证据 evidence " + written.join("、") : "")
      + (photoIds.length ? " · 照片 " + photoIds.length + " 张 photos" : "") + (result.note ? " · " + result.note : "")
    : "未检查 Not checked";
  const outcomeCell = el("td", { class: result && result.outcome === "fail" ? "overdue" : "" }, shown,
    evidencePhotos(refs, "/api/v1/enforcement/inspections/" + encodeURIComponent(inspection.inspection_id)));
  const mine = inspection.state === "open" && hasRole("department_inspector") && line.departments.includes(state.claims.wuye_department);
  let record = el("td", {}, "—");
  if (mine) {
    const outcome = el("select", { class: "outcome", "aria-label": "结果 Outcome" },
      ...Object.entries(OUTCOMES).map(([value, caption]) => el("option", { value }, caption)));
    const severity = el("select", { class: "severity", "aria-label": "严重程度 Severity" },
      ...Object.entries(SEVERITIES).map(([value, caption]) => el("option", { value }, caption)));
    const evidence = el("input", { class: "evidence", maxlength: "500", placeholder: "证据材料（逗号分隔） Evidence refs" });
    const photos = el("input", { type: "file", class: "evidence-photo-input", accept: "image/jpeg,image/png,image/webp",
      multiple: "", "aria-label": "证据照片 Evidence photos" });
    const note = el("input", { class: "note", maxlength: "500", placeholder: "说明 Note" });
    const button = el("button", { type: "button", class: "record", onclick: () => guarded(async () => {
      const failed = outcome.value === "fail";
      const uploaded = await uploadPhotos(photos, EVIDENCE_UPLOAD);
      // a line recorded again keeps the photos it named (they are the inspection's already)
      const kept = photoIds.map((id) => PHOTO_REF + id);
      const answer = await api("POST", "/api/v1/enforcement/inspections/" + encodeURIComponent(inspection.inspection_id) + "/results", {
        item_code: line.item_code, outcome: outcome.value, severity: failed ? severity.value : null,
        evidence_refs: [...evidence.value.split(/[,，、\s]+/).filter(Boolean), ...kept, ...uploaded.map((id) => PHOTO_REF + id)],
        note: note.value,
      });
      say("已记录 Recorded：" + itemText(line.item_code) + " " + OUTCOMES[outcome.value]
        + (uploaded.length ? "（附照片 " + uploaded.length + " 张 with photos）" : ""));
      await renderInspection(answer);
    }) }, "记录 Record");
    record = el("td", { class: "record-line" }, outcome, severity, evidence, el("label", {}, "照片 Photos ", photos), note, button);
  }
  return el("tr", { dataset: { itemCode: line.item_code, outcome: result ? result.outcome : "" } },
    el("td", {}, line.item_code + " " + line.content), outcomeCell, record);
}

async function renderInspection(inspection) {
  for (const line of inspection.checklist) state.itemContents[line.item_code] = line.content;
  await companyNames([inspection.company_id, ...inspection.orders.filter((o) => o.addressee === "company").map((o) => o.addressee_id)]);
  $("inspection").hidden = false;
  $("inspection").dataset.inspectionId = inspection.inspection_id;
  $("inspection-title").textContent = "检查 Inspection：" + compoundName(inspection.compound_id);
  $("inspection-state").textContent = INSPECTION_STATES[inspection.state] + " · 物业企业 company："
    + (inspection.company_id ? state.companies[inspection.company_id] : "无 none");
  $("inspection-state").dataset.state = inspection.state;
  const results = Object.fromEntries(inspection.results.map((r) => [r.item_code, r]));
  $("inspection-lines").replaceChildren(...inspection.checklist.map((line) => inspectionLine(inspection, line, results[line.item_code])));
  // every failed line becomes an order: its addressee and how many working days it has (E4)
  const failed = inspection.checklist.filter((line) => results[line.item_code] && results[line.item_code].outcome === "fail");
  const form = $("completion-form");
  form.hidden = inspection.state !== "open" || !hasRole("department_inspector") || !inspection.results.length;
  let committees = [];
  if (!form.hidden && failed.length) {
    committees = (await api("GET", "/api/v1/compounds/" + encodeURIComponent(inspection.compound_id) + "/committees").catch((error) => {
      if (!(error instanceof Problem)) throw error;
      return [];
    })).filter((c) => c.kind === "owners_committee" && c.status === "active");
  }
  $("completion-orders").replaceChildren(...failed.map((line) => el("div", { class: "team completion-order", dataset: { itemCode: line.item_code } },
    el("span", {}, itemText(line.item_code)),
    el("select", { class: "addressee", "aria-label": "责任方 Addressee" },
      ...(inspection.company_id ? [el("option", { value: "company" }, "物业企业 " + state.companies[inspection.company_id])] : []),
      ...committees.map((c) => el("option", { value: "owners_committee:" + c.id }, "业主委员会 第" + c.term_number + "届 Owners' committee"))),
    el("label", {}, "整改期限（工作日） Working days ", el("input", { type: "number", class: "days", min: "1", max: "250", value: "10" })))));
  $("inspection-orders").replaceChildren(...inspection.orders.map((order) => el("tr", {
    dataset: { orderId: order.order_id, state: order.state }, onclick: () => guarded(() => openOrder(order.order_id)),
  }, el("td", {}, itemText(order.item_code)), el("td", {}, addresseeText(order)), el("td", {}, when(order.deadline)), orderStateCell(order))));
  if (!inspection.orders.length) $("inspection-orders").append(el("tr", {}, el("td", { colspan: "4" }, "无整改通知 No orders")));
  $("inspection").scrollIntoView({ block: "nearest" });
}

async function openInspection(inspectionId) {
  await renderInspection(await api("GET", "/api/v1/enforcement/inspections/" + encodeURIComponent(inspectionId)));
}

async function completeInspection(event) {
  event.preventDefault();
  await guarded(async () => {
    const orders = Array.from(document.querySelectorAll("#completion-orders .completion-order")).map((row) => {
      const [addressee, addresseeId] = row.querySelector(".addressee").value.split(":");
      return { item_code: row.dataset.itemCode, addressee, addressee_id: addresseeId || "",
        deadline_working_days: Number(row.querySelector(".days").value) || 0 };
    });
    const inspection = await api("POST", "/api/v1/enforcement/inspections/" + encodeURIComponent($("inspection").dataset.inspectionId) + "/completion", { orders });
    say("检查已完成 Inspection completed：下发整改通知 " + inspection.orders.length + " 份 orders issued");
    await renderInspection(inspection);
    await loadOrderQueues();
  });
}

function renderOrder(order) {
  state.orderId = order.order_id;
  $("order").hidden = false;
  $("order").dataset.orderId = order.order_id;
  $("order").dataset.state = order.state;
  $("order-title").textContent = itemText(order.item_code);
  const escalation = order.escalation;
  const facts = [
    ["小区 Compound", compoundName(order.compound_id)], ["检查项 Item", itemText(order.item_code)],
    ["严重程度 Severity", SEVERITIES[order.severity] || "—"], ["责任方 Addressee", addresseeText(order)],
    ["下发 Issued", when(order.issued_at)], ["整改期限 Deadline", when(order.deadline)], ["状态 State", ORDER_STATES[order.state]],
    order.rectified_at && ["整改完成 Rectified", when(order.rectified_at)], order.overdue_at && ["逾期 Overdue since", when(order.overdue_at)],
    escalation && ["升级处置 Escalation", ESCALATION_KINDS[escalation.kind] + (escalation.referral_kind ? "：" + REFERRAL_KINDS[escalation.referral_kind] : "")
      + " · " + departmentName(escalation.department) + " · " + when(escalation.at)],
    escalation && escalation.outcome && ["处置结果 Outcome", ESCALATION_OUTCOMES[escalation.kind][escalation.outcome] + " " + when(escalation.concluded_at)],
  ].filter(Boolean);
  $("order-facts").replaceChildren(...facts.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]));
  $("order-rechecks").replaceChildren(...order.rechecks.map((recheck) => el("li", {}, when(recheck.at) + " · "
    + (recheck.passed ? "已整改 Rectified" : "未整改 Not rectified") + (recheck.early_reason ? "（提前复查 early：" + recheck.early_reason + "）" : ""))));
  if (!order.rechecks.length) $("order-rechecks").append(el("li", {}, "尚未复查 Not re-checked yet"));
  const open = order.state === "issued" || order.state === "overdue";
  $("recheck-form").hidden = !open || !hasRole("department_inspector");
  $("recheck-inspection").value = order.inspection_id;
  // a re-check before the deadline says why it comes early; after it, none is asked (E4)
  $("recheck-reason-label").hidden = new Date(order.deadline) <= Date.now();
  $("escalation-form").hidden = order.state !== "overdue" || !hasRole(...ORDER_ROLES);
  $("outcome-form").hidden = order.state !== "escalated" || Boolean(escalation && escalation.outcome) || !hasRole(...ORDER_ROLES);
  if (escalation) {
    $("escalation-outcome").replaceChildren(...Object.entries(ESCALATION_OUTCOMES[escalation.kind]).map(([value, caption]) => el("option", { value }, caption)));
  }
}

async function openOrder(orderId) {
  const order = await api("GET", "/api/v1/enforcement/orders/" + encodeURIComponent(orderId));
  await companyNames(order.addressee === "company" ? [order.addressee_id] : []);
  renderOrder(order);
  $("order").scrollIntoView({ block: "nearest" });
}

async function orderStep(step, body, message) {
  const order = await api("POST", "/api/v1/enforcement/orders/" + encodeURIComponent(state.orderId) + step, body);
  renderOrder(order);
  say(message + "：" + itemText(order.item_code) + " → " + ORDER_STATES[order.state]);
  await loadOrderQueues();
  if (!$("inspection").hidden && $("inspection").dataset.inspectionId === order.inspection_id) await openInspection(order.inspection_id);
}

async function recordRecheck(event) {
  event.preventDefault();
  await guarded(async () => {
    await orderStep("/rechecks", {
      inspection_id: $("recheck-inspection").value, passed: $("recheck-passed").value === "true",
      early_reason: $("recheck-reason-label").hidden ? "" : $("recheck-reason").value,
    }, "已记录复查 Re-check recorded");
    $("recheck-reason").value = "";
  });
}

function escalationChoices() {
  const referral = $("escalation-kind").value === "referral";
  $("escalation-referral-label").hidden = !referral;
  // a procuratorate suggestion and a court hearing go where their kind says; only "other" names one
  $("escalation-department-label").hidden = referral && $("escalation-referral").value !== "other";
}

async function escalate(event) {
  event.preventDefault();
  await guarded(async () => {
    const referral = $("escalation-kind").value === "referral";
    await orderStep("/escalation", {
      kind: $("escalation-kind").value, referral_kind: referral ? $("escalation-referral").value : null,
      department: $("escalation-department-label").hidden ? "" : $("escalation-department").value,
    }, "已升级处置 Escalated");
  });
}

async function recordOutcome(event) {
  event.preventDefault();
  await guarded(() => orderStep("/escalation/outcome", { outcome: $("escalation-outcome").value }, "已记录处置结果 Outcome recorded"));
}

// E1: the city imports the departments' catalogue from their spreadsheet, all or nothing; each refused row
// is listed with the sheet's row number, and a row worded close to an existing item is pointed out (E2)
async function importCatalogue(event) {
  event.preventDefault();
  await guarded(async () => {
    const [file] = $("catalogue-file").files;
    if (!file) throw new Problem(400, { detail: "请选择要上传的工作簿 Choose the workbook to upload", field: "workbook" });
    const answer = await api("POST", "/api/v1/enforcement/catalogue.xlsx", file, { create: true });
    $("catalogue-errors").hidden = !answer.errors.length;
    $("catalogue-error-rows").replaceChildren(...refusedRows(answer.errors));
    $("catalogue-close").replaceChildren(...answer.near_duplicates.map((pair) => el("li", { class: "hint" },
      "第 " + pair.row + " 行 " + pair.item_code + " 与已有事项 " + pair.similar_item_code + " 相似（" + pair.similarity_percent
      + "），请确认是否合并 Close to an existing item: merge or keep")));
    if (answer.errors.length) {
      say("未导入：" + answer.errors.length + " 处有误，请改正后重新上传 Nothing imported: correct the rows listed", true);
      return;
    }
    say("已导入检查事项 Catalogue imported：" + answer.imported + " 项 items");
    $("catalogue-file").value = "";
  });
}

async function createPlan(event) {
  event.preventDefault();
  await guarded(async () => {
    const teams = Array.from(document.querySelectorAll("#plan-departments .team"))
      .filter((team) => team.querySelector("input[type=checkbox]").checked)
      .map((team) => ({
        department: team.dataset.department,
        inspector_ids: team.querySelector(".inspectors").value.split(/[,，\s]+/).filter(Boolean),
      }));
    const plan = await api("POST", "/api/v1/enforcement/plans", {
      kind: $("plan-kind").value, basis: $("plan-basis").value, visit_date: $("plan-date").value,
      compound_ids: [$("plan-compound").value], teams,
    }, { create: true });
    say("已创建检查计划 Plan created: " + plan.visit_date + " · " + plan.checklist.length + " 项 items");
    await loadPlans();
  });
}

// supervision (督办, S1–S4)

async function loadSupervision() {
  const path = state.claims.wuye_scope || "";
  // what falls due from half a year ago to half a year ahead (a period is at most 366 days)
  const period = { start_date: shiftedDay(-180), end_date: shiftedDay(185) };
  $("sup-period").textContent = "到期时间 Due " + period.start_date + " — " + period.end_date;
  const figures = await api("GET", "/api/v1/supervision/figures?" + new URLSearchParams({ jurisdiction_path: path, ...period }));
  $("sup-figures").replaceChildren(
    figure("sup-tasks", "任务 Tasks", figures.tasks),
    figure("sup-on-time", "按时完成 Done on time", figures.tasks_done_on_time),
    figure("sup-late", "逾期完成 Done late", figures.tasks_done_late),
    figure("sup-open", "未完成 Open", figures.tasks_open),
    figure("sup-overdue", "已逾期 Overdue", figures.tasks_overdue),
    figure("sup-rate", "按时完成率 On-time rate", ratio(figures.on_time_rate)),
    figure("sup-items", "整改事项 List items", figures.items),
    figure("sup-closed", "已销号 Closed", figures.items_closed),
    figure("sup-reopened", "回头看反弹 Reopened", figures.items_reopened),
  );
  $("sup-addressees").replaceChildren(...figures.addressees.map((one) => el("tr", {},
    el("td", {}, one.addressee.name), el("td", {}, String(one.tasks)),
    el("td", {}, String(one.tasks_done_on_time + one.tasks_done_late)), el("td", {}, String(one.items)),
    el("td", {}, String(one.items_closed)), el("td", { class: "rate" }, ratio(one.completion_rate)))));
  await loadQueue(path);
  const taskLists = await api("GET", "/api/v1/supervision/task-lists?" + new URLSearchParams({ jurisdiction_path: path, page_size: "200" }));
  $("sup-task-lists").replaceChildren(...taskLists.items.map((one) => el("tr", {
    dataset: { listId: one.list_id }, onclick: () => guarded(() => openTaskList(one.list_id)),
  }, el("td", {}, one.title), el("td", {}, LIST_KINDS[one.kind] + (one.origin ? " · " + ORIGINS[one.origin] : "")),
  el("td", {}, String(one.areas)), el("td", {}, String(one.task_count)), el("td", {}, String(one.tasks_done)))));
  if (!taskLists.items.length) $("sup-task-lists").append(el("tr", {}, el("td", { colspan: "5" }, "暂无清单 No lists")));
  for (const id of ["task-import-form", "task-form", "manual-list-form"]) $(id).hidden = !hasRole(...TASK_FORCE);
  if (hasRole(...TASK_FORCE)) await prepareTypedLists();
  await loadRounds(path);
  const lists = await api("GET", "/api/v1/supervision/rectification-lists?" + new URLSearchParams({ jurisdiction_path: path, page_size: "200" }));
  $("sup-lists").replaceChildren(...lists.items.map((one) => el("tr", {
    dataset: { listId: one.list_id }, onclick: () => guarded(() => openRectificationList(one.list_id)),
  }, el("td", {}, one.title), el("td", {}, String(one.item_count)), el("td", {}, String(one.items_closed)),
  el("td", {}, when(one.issued_at)))));
  if (!lists.items.length) $("sup-lists").append(el("tr", {}, el("td", { colspan: "4" }, "暂无清单 No lists")));
}

// S1: a task list issued from the officer's own Excel workbook, all or nothing; each refused row is listed with
// its sheet row number and column, so the officer corrects the sheet and uploads it again
const TASK_FORCE = ["county_officer", "street_officer"];
const TASK_COLUMNS = {
  area: "领域", title: "任务", required_result: "工作要求", addressee_kind: "责任单位类型", addressee: "责任单位",
  deadline: "完成时限", workbook: "工作簿", row: "整行",
};
const TEMPLATE_PATH = "/api/v1/supervision/task-lists/import-template.xlsx";

async function downloadTaskTemplate() {
  await download(TEMPLATE_PATH, "任务清单模板.xlsx");
  say("已下载模板 Template downloaded");
}

function showImportErrors(errors) {
  $("import-errors").hidden = !errors.length;
  $("import-error-rows").replaceChildren(...refusedRows(errors, TASK_COLUMNS));
}

async function importTaskList(event) {
  event.preventDefault();
  await guarded(async () => {
    showImportErrors([]);
    const [file] = $("import-file").files;
    if (!file) throw new Problem(400, { detail: "请选择要上传的工作簿 Choose the workbook to upload", field: "workbook" });
    const kind = $("import-kind").value;
    const params = new URLSearchParams({ kind, title: $("import-title").value, jurisdiction_path: state.claims.wuye_scope || "",
      ...(kind === "special_action" ? { origin: $("import-origin").value } : {}) });
    const answer = await api("POST", "/api/v1/supervision/task-lists/import.xlsx?" + params, file, { create: true });
    if (answer.errors.length) {
      showImportErrors(answer.errors);
      say("未下发：" + answer.errors.length + " 行有误，请改正后重新上传 Nothing issued: correct the rows listed and upload again", true);
      return;
    }
    say("已下发 Issued：" + answer.task_list.title + "，任务 " + answer.task_list.task_count + " 项 tasks");
    $("import-title").value = "";
    $("import-file").value = "";
    await loadSupervision();
  });
}

// S1 and S3 typed here: a row per task or problem, each addressed to a street or community below, a
// department, a compound or a company of the jurisdiction, by name; the service checks every row and issues
// nothing while one is wrong (its message names the row's field)
async function addresseeOptions() {
  const scope = state.claims.wuye_scope || "";
  const [places, departments, companies] = await Promise.all([knownPlaces(), loadDepartments(), companiesInScope()]);
  const group = (label, options) => el("optgroup", { label }, ...options);
  return [
    group("辖区 Streets and communities", places.filter((place) => place.path !== scope)
      .map((place) => el("option", { value: "jurisdiction|" + place.path }, place.name))),
    group("部门 Departments", Object.entries(departments).map(([code, name]) => el("option", { value: "department|" + code }, name))),
    group("小区 Compounds", (state.compounds || []).map((one) => el("option", { value: "compound|" + one.id }, one.name))),
    group("物业企业 Companies", companies.map((one) => el("option", { value: "company|" + one.id }, one.name))),
  ];
}

const TASK_LINE = [["area", "领域", 100], ["title", "任务", 200], ["required_result", "工作要求", 500]];
const LIST_LINE = [["problem", "问题", 500]];

// read once a session, as the compounds are: the supervision screen reloads after every list it issues
async function prepareTypedLists() {
  const session = String(state.session);
  if (state.addresseesSession === session) return;
  state.addressees = await addresseeOptions();
  state.addresseesSession = session;
  // rows typed in this session stay; another person's start again, with their own addressees
  clearLines("task-lines", TASK_LINE);
  clearLines("manual-list-lines", LIST_LINE);
}

function addLine(body, fields) {
  const row = el("tr", { class: "line" },
    ...fields.map(([name, caption, length]) => el("td", {}, el("input", { class: "line-" + name, required: "", maxlength: String(length), "aria-label": caption }))),
    el("td", {}, el("select", { class: "line-addressee", required: "", "aria-label": "责任单位" },
      ...state.addressees.map((node) => node.cloneNode(true)))),
    el("td", {}, el("input", { class: "line-deadline", type: "date", required: "", value: shiftedDay(15), "aria-label": "时限" })),
    el("td", {}, el("button", { type: "button", class: "line-remove", onclick: () => {
      if ($(body).children.length > 1) row.remove();
    } }, "删除 Remove")));
  $(body).append(row);
}

// the row a refusal names in a list the request sent ("tasks[1].deadline" → 1), counted from 0
function rowOfField(error) {
  const match = /^\w+\[(\d+)\]/.exec((error.body && error.body.field) || "");
  return match ? Number(match[1]) : null;
}

// a typed list sent: the row the service refuses is marked until it is sent again
async function sendLines(body, send) {
  for (const row of $(body).children) row.classList.remove("refused");
  try {
    return await send();
  } catch (error) {
    const row = rowOfField(error);
    if (row != null && $(body).children[row]) {
      $(body).children[row].classList.add("refused");
      error.row = row;
    }
    throw error;
  }
}

function typedLines(body, fields) {
  return [...$(body).children].map((row) => {
    const [kind, id] = row.querySelector(".line-addressee").value.split("|");
    return {
      ...Object.fromEntries(fields.map(([name]) => [name, row.querySelector(".line-" + name).value])),
      addressee: { kind, id }, deadline: row.querySelector(".line-deadline").value,
    };
  });
}

function clearLines(body, fields) {
  $(body).replaceChildren();
  addLine(body, fields);
}

async function issueTypedTaskList(event) {
  event.preventDefault();
  await guarded(async () => {
    const kind = $("task-kind").value;
    const issued = await sendLines("task-lines", () => api("POST", "/api/v1/supervision/task-lists", {
      kind, title: $("task-title").value, jurisdiction_path: state.claims.wuye_scope || "",
      ...(kind === "special_action" ? { origin: $("task-origin").value } : {}), tasks: typedLines("task-lines", TASK_LINE),
    }, { create: true }));
    say("已下发 Issued：" + issued.title + "，任务 " + issued.tasks.length + " 项 tasks");
    $("task-title").value = "";
    clearLines("task-lines", TASK_LINE);
    await loadSupervision();
  });
}

async function issueTypedRectificationList(event) {
  event.preventDefault();
  await guarded(async () => {
    const issued = await sendLines("manual-list-lines", () => api("POST", "/api/v1/supervision/rectification-lists", {
      title: $("manual-list-title").value, jurisdiction_path: state.claims.wuye_scope || "",
      items: typedLines("manual-list-lines", LIST_LINE),
    }, { create: true }));
    say("已下发整改清单 Rectification list issued：" + issued.title + "，问题 " + issued.items.length + " 个 items");
    $("manual-list-title").value = "";
    clearLines("manual-list-lines", LIST_LINE);
    await loadSupervision();
    await openRectificationList(issued.list_id);
  });
}

// S2: the rounds of the officer's jurisdiction and those its street checks in; a round's checks recorded by
// who checks (a spot check by the task force, a cross-check by the checking street); S3: its findings
// issued as one rectification list, each finding an item for the compound or street it was found in
const ROUND_KINDS = { spot_check: "随机抽查 Spot check", cross_check: "交叉互检 Cross-check" };

async function loadRounds(path) {
  const rounds = await api("GET", "/api/v1/supervision/rounds?" + new URLSearchParams({ jurisdiction_path: path, page_size: "100" }));
  $("sup-rounds").replaceChildren(...rounds.items.map((one) => el("tr", {
    dataset: { roundId: one.round_id }, onclick: () => guarded(() => openRound(one.round_id)),
  }, el("td", {}, one.title), el("td", {}, ROUND_KINDS[one.kind] || "—"),
  el("td", {}, one.kind === "spot_check" ? one.checks.length + " / " + one.population + " 个小区" : one.checks.length + " 组 pairs"),
  el("td", {}, one.checks.filter((check) => check.recorded).length + " / " + one.checks.length), el("td", {}, when(one.created_at)))));
  if (!rounds.items.length) $("sup-rounds").append(el("tr", {}, el("td", { colspan: "5" }, "暂无督查 No rounds")));
  $("round-form").hidden = !hasRole(...TASK_FORCE);
}

function covers(path) {
  const scope = state.claims.wuye_scope || "";
  return Boolean(scope) && (path === scope || path.startsWith(scope + "/"));
}

async function openRound(roundId) {
  const found = await api("GET", "/api/v1/supervision/rounds/" + encodeURIComponent(roundId));
  $("round").hidden = false;
  $("round").dataset.roundId = roundId;
  $("round-heading").textContent = found.title + " · " + ROUND_KINDS[found.kind];
  $("round-facts").textContent = found.kind === "spot_check"
    ? "从 " + found.population + " 个小区中按随机种子 " + found.seed + " 抽取 " + found.checks.length + " 个（同一种子可复核抽样） "
      + "Drawn from " + found.population + " compounds with seed " + found.seed + "; the same seed draws the same sample"
    : "各街道按编码顺序交叉互检 Each street checks another";
  const mayRecord = (check) => hasRole(...TASK_FORCE) && covers(check.checker_path || found.jurisdiction_path);
  $("round-checks").replaceChildren(...found.checks.map((check) => {
    const record = (findings, message) => async () => {
      await api("POST", "/api/v1/supervision/rounds/" + encodeURIComponent(roundId) + "/checks/" + encodeURIComponent(check.check_id),
        { findings, note: "" });
      say(message + "：" + check.target_name);
      await openRound(roundId);
      await loadRounds(state.claims.wuye_scope || "");
    };
    return el("tr", { dataset: { checkId: check.check_id, recorded: String(check.recorded) } },
      el("td", {}, check.target_name), el("td", {}, check.checker_path ? placeName(check.checker_path) : "督查组 Task force"),
      el("td", { class: check.findings.length ? "overdue" : "" }, check.recorded
        ? (check.findings.length ? check.findings.join("；") : "未发现问题 Nothing found") : "未检查 Not checked"),
      !check.recorded && mayRecord(check) ? stepCell([
        ["findings", "记录发现 Record findings", (text) => record(text.split(/[;；\n]+/).map((one) => one.trim()).filter(Boolean),
          "已记录检查发现 Findings recorded")()],
        ["clean", "未发现问题 Nothing found", () => record([], "已记录：未发现问题 Recorded clean")()],
      ]) : el("td", {}, "—"));
  }));
  const anything = found.checks.some((check) => check.findings.length);
  $("round-list-form").hidden = !(anything && hasRole(...TASK_FORCE) && covers(found.jurisdiction_path));
  if (!$("round-list-deadline").value) $("round-list-deadline").value = shiftedDay(15);
  state.round = found;
  $("round").scrollIntoView({ block: "nearest" });
}

async function startRound(event) {
  event.preventDefault();
  await guarded(async () => {
    const kind = $("round-kind").value;
    const answer = await api("POST", "/api/v1/supervision/rounds", {
      kind, title: $("round-title").value, jurisdiction_path: state.claims.wuye_scope || "",
      ...(kind === "spot_check" ? { sample_size: Number($("round-size").value) || 0 } : {}),
    }, { create: true });
    say("已开始督查 Round started：" + answer.title + "，" + answer.checks.length + " 项检查 checks");
    $("round-title").value = "";
    await loadRounds(state.claims.wuye_scope || "");
    await openRound(answer.round_id);
  });
}

async function issueRoundList(event) {
  event.preventDefault();
  await guarded(async () => {
    const found = state.round;
    const deadline = $("round-list-deadline").value;
    const items = found.checks.flatMap((check) => check.findings.map((problem) => ({
      problem, deadline, check_id: check.check_id,
      addressee: found.kind === "spot_check" ? { kind: "compound", id: check.target } : { kind: "jurisdiction", id: check.target },
    })));
    const issued = await api("POST", "/api/v1/supervision/rectification-lists", {
      title: $("round-list-title").value, jurisdiction_path: found.jurisdiction_path, round_id: found.round_id, items,
    }, { create: true });
    say("已下发整改清单 Rectification list issued：" + issued.title + "，问题 " + issued.items.length + " 个 items");
    $("round-list-title").value = "";
    await loadSupervision();
    await openRectificationList(issued.list_id);
  });
}

// what waits for an addressee within the caller's jurisdiction (its own work, for an addressee): open tasks and items to handle
async function loadQueue(path) {
  const tasks = await api("GET", "/api/v1/supervision/tasks?" + new URLSearchParams({ jurisdiction_path: path, state: "open", page_size: "200" }));
  const items = await api("GET", "/api/v1/supervision/rectification-items?" + new URLSearchParams({ jurisdiction_path: path, page_size: "200" }));
  const reload = async (message, what) => { say(message + ": " + what); await loadSupervision(); };
  const rows = [
    ...tasks.items.map((task) => el("tr", { dataset: { taskId: task.task_id } }, el("td", {}, task.title),
      el("td", {}, "任务 Task · " + task.area), deadlineCell(task),
      stepCell([["report", "报告完成 Report done", async (text, refs) => {
        await api("POST", "/api/v1/supervision/tasks/" + encodeURIComponent(task.task_id) + "/completion", { result: text, evidence_refs: refs });
        await reload("已报告完成 Reported done", task.title);
      }]], true))),
    ...items.items.filter((item) => item.state === "assigned" || item.state === "reopened").map((item) => el("tr", {
      dataset: { itemId: item.item_id },
    }, el("td", {}, item.problem), el("td", {}, "整改 " + ITEM_STATES[item.state]), deadlineCell(item),
    stepCell([["handle", "处置 Handled", async (text, refs) => {
      await api("POST", "/api/v1/supervision/rectification-items/" + encodeURIComponent(item.item_id) + "/handling", { action_taken: text, evidence_refs: refs });
      await reload("已处置 Handled", item.problem);
    }]], true))),
  ];
  $("sup-queue").replaceChildren(...rows);
  if (!rows.length) $("sup-queue").append(el("tr", {}, el("td", { colspan: "4" }, "暂无待办 Nothing waiting")));
}

function deadlineCell(entry) {
  return el("td", { class: entry.overdue ? "overdue" : "" }, entry.deadline + (entry.overdue ? " 已逾期 overdue" : ""));
}

// one text box (and, for a step that reports work, a photo input) and the buttons that send it: each button
// names its step and builds the body from the text and the evidence refs of the photos it uploaded first
function stepCell(steps, withPhotos) {
  const text = el("input", { class: "step-text", maxlength: "500", "aria-label": "说明 Note" });
  const photos = withPhotos ? el("input", { type: "file", class: "step-photos", accept: "image/jpeg,image/png,image/webp",
    multiple: "", "aria-label": "照片 Photos" }) : null;
  const buttons = steps.map(([name, caption, send]) => el("button", {
    type: "button", class: "step-" + name, onclick: () => guarded(async () => {
      const refs = photos ? (await uploadPhotos(photos, EVIDENCE_UPLOAD)).map((id) => PHOTO_REF + id) : [];
      await send(text.value, refs);
    }),
  }, caption));
  return el("td", { class: "steps" }, text, ...(photos ? [el("label", {}, "照片 Photos ", photos)] : []), ...buttons);
}

function showList(title, head, rows, exportPath) {
  $("sup-list").hidden = false;
  $("sup-list-title").textContent = title;
  $("sup-list-head").replaceChildren(el("tr", {}, ...head.map((caption) => el("th", {}, caption))));
  $("sup-list-rows").replaceChildren(...rows);
  $("sup-export").dataset.path = exportPath;
  $("sup-list").scrollIntoView({ block: "nearest" });
}

async function openTaskList(listId) {
  const taskList = await api("GET", "/api/v1/supervision/task-lists/" + encodeURIComponent(listId));
  const rows = taskList.tasks.map((task) => {
    const path = "/api/v1/supervision/tasks/" + encodeURIComponent(task.task_id);
    const after = async (done, message) => { say(message + ": " + task.title); await openTaskList(listId); };
    const steps = task.state === "open"
      ? [["report", "报告完成 Report done", async (text, refs) => after(await api("POST", path + "/completion", { result: text, evidence_refs: refs }), "已报告完成 Reported done")]]
      : [["return", "退回 Send back", async (text) => after(await api("POST", path + "/return", { reason: text }), "已退回 Sent back")]];
    return el("tr", { dataset: { taskId: task.task_id, state: task.state } }, el("td", {}, String(task.number)),
      el("td", {}, task.area), el("td", {}, task.title), el("td", {}, task.addressee.name), deadlineCell(task),
      el("td", { class: "state" }, TASK_STATES[task.state] + (task.result ? "：" + task.result : ""),
        evidencePhotos(task.evidence_refs || [], path)), stepCell(steps, task.state === "open"));
  });
  showList(taskList.title, ["序号 No.", "领域 Area", "任务 Task", "责任单位 Addressee", "时限 Deadline", "状态 State", "办理 Act"],
    rows, "/api/v1/supervision/task-lists/" + encodeURIComponent(listId) + "/export.xlsx");
}

async function openRectificationList(listId) {
  const found = await api("GET", "/api/v1/supervision/rectification-lists/" + encodeURIComponent(listId));
  const rows = found.items.map((item) => {
    const path = "/api/v1/supervision/rectification-items/" + encodeURIComponent(item.item_id);
    const step = (suffix, body, message) => async () => {
      await api("POST", path + suffix, body);
      say(message + ": " + item.problem);
      await openRectificationList(listId);
    };
    const steps = {
      assigned: [["handle", "处置 Handled", (text, refs) => step("/handling", { action_taken: text, evidence_refs: refs }, "已处置 Handled")()]],
      reopened: [["handle", "处置 Handled", (text, refs) => step("/handling", { action_taken: text, evidence_refs: refs }, "已处置 Handled")()]],
      handled: [
        ["satisfied", "回访满意 Satisfied", (text) => step("/feedback", { satisfied: true, note: text }, "已销号 Closed")()],
        ["unsatisfied", "回访不满意 Unsatisfied", (text) => step("/feedback", { satisfied: false, note: text }, "已重新交办 Handed back")()],
      ],
      closed: [
        ["confirm", "回头看确认 Confirm", (text) => step("/review", { confirmed: true, note: text }, "回头看已确认 Confirmed")()],
        ["reopen", "回头看反弹 Reopen", (text) => step("/review", { confirmed: false, note: text }, "回头看重新交办 Reopened")()],
      ],
    }[item.state];
    return el("tr", { dataset: { itemId: item.item_id, state: item.state } }, el("td", {}, String(item.number)),
      el("td", {}, item.problem), el("td", {}, item.addressee.name), deadlineCell(item),
      el("td", { class: "state" }, ITEM_STATES[item.state], handlingShown(item, path)),
      stepCell(steps, item.state === "assigned" || item.state === "reopened"));
  });
  showList(found.title, ["序号 No.", "问题 Problem", "责任单位 Addressee", "时限 Deadline", "状态 State", "办理 Act"],
    rows, "/api/v1/supervision/rectification-lists/" + encodeURIComponent(listId) + "/export.xlsx");
}

// what the addressee last recorded doing, with its photos
function handlingShown(item, path) {
  const handled = [...item.steps].reverse().find((step) => step.step === "handled");
  if (!handled) return "";
  return el("div", { class: "handling" }, "处置 Handled：" + (handled.note || "—"), evidencePhotos(handled.evidence_refs || [], path));
}

// an Excel download needs the officer's token, so it is fetched and handed to the browser as a file
async function download(path, filename) {
  const answer = await fetch(path, { headers: { Authorization: "Bearer " + state.token } });
  if (!answer.ok) throw new Problem(answer.status, await answer.json().catch(() => null));
  saveFile(await answer.blob(), filename);
}

async function exportList() {
  const path = $("sup-export").dataset.path;
  await download(path, path.split("/").slice(-2, -1)[0] + ".xlsx");
  say("已导出 Exported: " + $("sup-list-title").textContent);
}

function saveFile(blob, filename) {
  const link = el("a", { href: URL.createObjectURL(blob), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
}

// every table on a screen exports as the officer sees it (the gateway formats it; it reads no record)
const ACT_COLUMN = "办理 Act";

async function exportTable(table) {
  let heading = table.previousElementSibling;
  while (heading && !/^H[23]$/.test(heading.tagName)) heading = heading.previousElementSibling;
  const title = (heading ? heading.textContent : document.title).trim().slice(0, 100) || "导出";
  const headers = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
  const keep = headers.map((header) => header !== ACT_COLUMN);
  const rows = Array.from(table.querySelectorAll("tbody tr"))
    .filter((tr) => tr.children.length === headers.length)
    .map((tr) => Array.from(tr.children, (td) => td.textContent.trim()).filter((_, at) => keep[at]));
  const answer = await fetch("/api/v1/exports/workbook", {
    method: "POST", headers: { Authorization: "Bearer " + state.token, "Content-Type": "application/json" },
    body: JSON.stringify({ title, headers: headers.filter((_, at) => keep[at]), rows }),
  });
  if (!answer.ok) throw new Problem(answer.status, await answer.json().catch(() => null));
  saveFile(await answer.blob(), title + ".xlsx");
  say("已导出 Exported: " + title);
}

// the hotline analysis (H1): this year so far beside the same days a year before

function countRows(lines, name) {
  const rows = lines.map((line) => el("tr", {}, el("td", {}, name(line)), el("td", {}, String(line.count)),
    el("td", {}, String(line.last_year)), el("td", { class: "change" }, ratio(line.change))));
  return rows.length ? rows : [el("tr", {}, el("td", { colspan: "4" }, "暂无 None"))];
}

// H1: the top problems as bars, this period beside the same period a year before
function problemsChart(lines) {
  const most = Math.max(1, ...lines.flatMap((line) => [Number(line.count), Number(line.last_year)]));
  const chart = svg("svg", { viewBox: "0 0 320 " + (lines.length * 30 + 6), role: "img",
    "aria-label": "突出问题 Top problems" });
  lines.forEach((line, at) => {
    const y = 6 + at * 30;
    const now = Number(line.count);
    const before = Number(line.last_year);
    chart.append(
      svg("text", { x: 0, y: y + 13, "font-size": 11 }, line.label || line.key),
      svg("rect", { class: "problem-bar", "data-key": line.key, x: 110, y, width: (170 * now / most).toFixed(1),
        height: 11, fill: "#1565c0" }),
      svg("rect", { class: "problem-bar-before", x: 110, y: y + 12, width: (170 * before / most).toFixed(1), height: 6,
        fill: "#90a4ae" }),
      svg("text", { x: 284, y: y + 13, "font-size": 11 }, now + " / " + before));
  });
  return el("figure", { class: "chart", id: "chart-problems" },
    el("figcaption", {}, "突出问题 Top problems：本期（蓝）与去年同期（灰）This period (blue) and a year before (grey)"),
    lines.length ? chart : el("p", {}, "暂无 None"));
}

async function loadHotline() {
  const path = state.claims.wuye_scope || "";
  const period = { start_date: today().slice(0, 4) + "-01-01", end_date: today() };
  $("hotline-period").textContent = period.start_date + " — " + period.end_date;
  const found = await api("GET", "/api/v1/complaints/hotline-analysis?" + new URLSearchParams({ jurisdiction_path: path, ...period }));
  $("hotline-figures").replaceChildren(figure("hotline-total", "投诉总量 Complaints", found.total),
    figure("hotline-last-year", "去年同期 A year before", found.total_last_year),
    figure("hotline-change", "同比 Change", ratio(found.change)));
  $("hotline-problems").replaceChildren(...countRows(found.top_problems, (line) => line.label || line.key));
  $("hotline-charts").replaceChildren(problemsChart(found.top_problems));
  $("hotline-hotspots").replaceChildren(...countRows(found.hotspots, (line) => line.compound_name || line.compound_id));
  $("hotline-channels").replaceChildren(...countRows(found.by_channel, (line) => line.label || line.key));
  await loadServiceList();
}

// H2: one compound's service list over the hotline's period: each top problem, its cases, and who held most
// of them (its property company, or the community)
async function loadServiceList() {
  const compound = $("service-list-compound").value;
  if (!compound) return;
  const found = await api("GET", "/api/v1/complaints/service-lists/" + encodeURIComponent(compound) + "?"
    + new URLSearchParams({ start_date: today().slice(0, 4) + "-01-01", end_date: today() }));
  await servingCompanyNames(found.items.map((item) => [compound, item.responsible_company_id]));
  $("service-list").replaceChildren(...found.items.map((item) => el("tr", { dataset: { category: item.category } },
    el("td", {}, item.category_label || category(item.category)), el("td", {}, String(item.count)),
    el("td", {}, item.responsible_kind === "company" ? state.companies[item.responsible_company_id] || "物业企业" : "社区承办 The community"))));
  if (!found.items.length) $("service-list").append(el("tr", {}, el("td", { colspan: "3" }, "本期无投诉 No complaints this period")));
}

// consultation meetings (M1–M2)

const MEETING_KINDS = { five_party: "五方议事会", bench: "板凳会议", joint: "联席会议", hearing: "听证会" };
const OWNERS = { company: "物业企业", community: "社区", street: "街道" };

async function loadMeetings() {
  const path = state.claims.wuye_scope || "";
  const period = { start_date: shiftedDay(-365), end_date: shiftedDay(0) };
  $("meetings-period").textContent = period.start_date + " — " + period.end_date;
  const figures = await api("GET", "/api/v1/consultations/figures?" + new URLSearchParams({ jurisdiction_path: path, ...period }));
  $("meeting-figures").replaceChildren(
    figure("meetings", "会议 Meetings", figures.meetings), figure("matters", "议事 Matters", figures.matters),
    figure("decisions", "议定 Decided", figures.decisions), figure("solved", "已解决 Solved", figures.solved),
    figure("solved-rate", "解决率 Solved rate", ratio(figures.solved_rate)),
    figure("follow-ups-done", "落实 Follow-ups done", figures.follow_ups_done + " / " + figures.follow_ups));
  const page = await api("GET", "/api/v1/consultations/meetings?" + new URLSearchParams({ jurisdiction_path: path, page_size: "50" }));
  $("meetings").replaceChildren(...page.items.map((meeting) => el("tr", { dataset: { meetingId: meeting.meeting_id } },
    el("td", {}, meeting.held_on), el("td", {}, (MEETING_KINDS[meeting.kind] || meeting.kind) + " · " + meeting.topic),
    el("td", {}, ...meeting.matters.map((matter) => el("div", { class: "matter" },
      matter.subject + "：" + (matter.decision || "未议定 not decided") + (matter.solved ? " ✓ 已解决" : ""),
      ...matter.follow_ups.map((one) => el("div", { class: "follow-up", dataset: { followUpId: one.follow_up_id } },
        "· " + OWNERS[one.owner] + " " + one.action + "（" + one.deadline + "）" + (one.done ? " 已落实 " + one.result : ""),
        one.done ? "" : followUpDone(meeting, one)))))))));
  if (!page.items.length) $("meetings").append(el("tr", {}, el("td", { colspan: "3" }, "暂无会议 No meetings")));
}

// the owner of a follow-up says what was done (A1: the service decides who the owner is)
function followUpDone(meeting, one) {
  const result = el("input", { class: "follow-up-result", maxlength: "500", "aria-label": "落实情况 What was done" });
  const done = el("button", { type: "button", class: "complete-follow-up", onclick: () => guarded(async () => {
    await api("POST", "/api/v1/consultations/meetings/" + encodeURIComponent(meeting.meeting_id)
      + "/follow-ups/" + encodeURIComponent(one.follow_up_id) + "/completion", { result: result.value });
    say("已落实 Follow-up done: " + one.action);
    await loadMeetings();
  }) }, "落实 Done");
  return el("span", {}, result, done);
}

async function recordMeeting(event) {
  event.preventDefault();
  await guarded(async () => {
    const followUp = $("follow-up-action").value
      ? [{ action: $("follow-up-action").value, owner: $("follow-up-owner").value, deadline: $("follow-up-deadline").value }]
      : [];
    const meeting = await api("POST", "/api/v1/consultations/meetings", {
      kind: $("meeting-kind").value, topic: $("meeting-topic").value, compound_id: $("meeting-compound").value,
      held_on: $("meeting-date").value,
      parties: Array.from(document.querySelectorAll("#meeting-parties input:checked")).map((box) => box.value),
      matters: [{ subject: $("matter-subject").value, decision: $("matter-decision").value, follow_ups: followUp }],
    }, { create: true });
    say("已记录会议 Meeting recorded: " + meeting.topic);
    await loadMeetings();
  });
}

// ratings (R1, R4, R7): the ranking, the list policy in force and the lists it publishes

const BANDS = { aaa: "AAA", aa: "AA", a: "A", b: "B", c: "C" };
const RECORD_KINDS = {
  award_national: "国家级表彰 National award", award_provincial: "省级表彰 Provincial award", award_city: "市级表彰 City award",
  award_county: "县级表彰 County award", award_street: "街道表彰 Street award", court_loss_at_fault: "诉讼败诉（有过错） Court loss at fault",
  common_income_not_published: "公共收益未公示 Common income not published", illegal_charging: "违规收费 Illegal charging",
  maintenance_fund_misuse: "违规使用维修资金 Maintenance fund misuse", refused_to_leave: "拒不退出 Refused to leave",
  complaint_unsatisfied: "投诉不满意 Complaint unsatisfied", complaint_overdue: "投诉超时 Complaint overdue",
  finding_minor: "检查发现轻微问题 Minor finding", finding_general: "检查发现一般问题 General finding",
  finding_serious: "检查发现严重问题 Serious finding", rectification_overdue: "整改逾期 Rectification overdue",
  judicial_referral: "移送司法 Judicial referral", supervision_late: "督办事项逾期 Supervision late",
  supervision_reopened: "回头看重新交办 Supervision reopened",
};
// what an officer enters by hand; the others come from the services' events
const MANUAL_KINDS = ["award_national", "award_provincial", "award_city", "award_county", "award_street",
  "court_loss_at_fault", "common_income_not_published", "illegal_charging", "maintenance_fund_misuse", "refused_to_leave"];
const APPEAL_OUTCOMES = { upheld: "申诉成立，记录撤销 Upheld", dismissed: "申诉驳回 Dismissed" };
const REVIEWERS = ["city_admin", "county_officer"];
const RECORDERS = ["city_admin", "county_officer", "street_officer"];

// one company's score card with every record it counts, its records with their appeals: the company's staff
// appeal their own company's records, the county decides (R6)
async function openCompany(companyId) {
  state.companyId = companyId;
  const path = "/api/v1/ratings/companies/" + encodeURIComponent(companyId);
  const [card, records] = await Promise.all([api("GET", path + "/score-card"), api("GET", path + "/records?page_size=200")]);
  await companyNames([companyId]);
  $("company").hidden = false;
  $("company").dataset.companyId = companyId;
  $("company-title").textContent = state.companies[companyId] + " · " + card.as_of;
  $("company-figures").replaceChildren(
    figure("company-score", "信用分 Score", card.score.display), figure("company-band", "等级 Band", BANDS[card.band] || card.band),
    figure("company-base", "基础分 Base", card.base.display), figure("company-good", "加分 Good", card.good.display),
    figure("company-bad", "扣分 Bad", card.bad.display),
    figure("company-counted", "计分记录 Records counted", card.counted_records.length + (card.automatic_c ? " · 直接评C Automatic C" : "")),
  );
  $("credit-records").replaceChildren(...records.items.map((record) => {
    const appeals = record.appeals.map((appeal) => (appeal.outcome ? APPEAL_OUTCOMES[appeal.outcome] + "：" + appeal.decision_reason
      : "申诉中 Appealed") + "（" + appeal.grounds + "）");
    return el("tr", { dataset: { recordId: record.record_id, status: record.status } },
      el("td", {}, (RECORD_KINDS[record.kind] || record.kind) + (record.note ? " · " + record.note : "")
        + (record.source_kind === "event" ? " · 自动 from events" : "")),
      el("td", {}, record.points.display + (record.forces_c ? " · 直接评C" : "")),
      el("td", {}, record.occurred_on + " — " + record.valid_until),
      el("td", { class: "status" }, (record.status === "withdrawn" ? "已撤销 Withdrawn " + record.withdrawn_on : "有效 Active")
        + (appeals.length ? " · " + appeals.join("；") : "")),
      recordSteps(record));
  }));
  if (!records.items.length) $("credit-records").append(el("tr", {}, el("td", { colspan: "5" }, "暂无记录 No records")));
  $("record-form").hidden = !hasRole(...RECORDERS);
  if (!$("record-kind").children.length) {
    $("record-kind").replaceChildren(...MANUAL_KINDS.map((kind) => el("option", { value: kind }, RECORD_KINDS[kind])));
    $("record-date").value = today();
  }
  await loadStars(companyId);
  await quarterlyChoices();
  $("company").scrollIntoView({ block: "nearest" });
}

function recordSteps(record) {
  const pending = record.appeals.find((appeal) => !appeal.outcome);
  const after = async (message) => {
    say(message + "：" + (RECORD_KINDS[record.kind] || record.kind));
    await loadRatings();  // the ranking moves with the card (a company's staff have their card opened by it)
    if (state.claims.wuye_company !== record.company_id) await openCompany(record.company_id);
  };
  if (record.status === "active" && !pending && hasRole("company_staff") && state.claims.wuye_company === record.company_id) {
    return stepCell([["appeal", "申诉 Appeal", async (grounds) => {
      await api("POST", "/api/v1/ratings/appeals", { record_id: record.record_id, grounds }, { create: true });
      await after("已提交申诉 Appeal filed");
    }]]);
  }
  if (pending && hasRole(...REVIEWERS)) {
    const decide = (outcome) => async (reason) => {
      await api("POST", "/api/v1/ratings/appeals/" + encodeURIComponent(pending.appeal_id) + "/decision", { outcome, reason });
      await after("已决定申诉 Appeal decided：" + APPEAL_OUTCOMES[outcome]);
    };
    return stepCell([["uphold", "申诉成立 Uphold", decide("upheld")], ["dismiss", "驳回 Dismiss", decide("dismissed")]]);
  }
  return el("td", {}, "—");
}

async function enterRecord(event) {
  event.preventDefault();
  await guarded(async () => {
    const record = await api("POST", "/api/v1/ratings/companies/" + encodeURIComponent(state.companyId) + "/records", {
      kind: $("record-kind").value, occurred_on: $("record-date").value, note: $("record-note").value,
    }, { create: true });
    say("已录入信用记录 Record entered：" + RECORD_KINDS[record.kind] + " " + record.points.display);
    $("record-note").value = "";
    await openCompany(state.companyId);
    await loadRatings();
  });
}
// R5: a company's stars, its yearly ratings, the county's assessment of a finished year and the city's
// review of a five-star candidate; R3: its quarterly evaluation in a street
const CITY_REVIEWS = {
  not_needed: "无需复核 Not needed", pending: "待市级复核 Awaiting the city", approved: "已通过 Approved", rejected: "未通过 Rejected",
};
const WITHDRAWALS = { contract_ended: "合同终止 Contract ended", serious_violation: "严重违规 Serious violation" };
const STAR_ASSESSORS = ["county_officer", "city_admin"];

function starText(count) {
  return count ? "★".repeat(count) + " " + count + " 星" : "无星 None";
}

async function loadStars(companyId) {
  const path = "/api/v1/ratings/companies/" + encodeURIComponent(companyId);
  const stars = await api("GET", path + "/stars");
  $("company-stars").replaceChildren(figure("company-stars-held", "现有星级 Stars held", starText(stars.stars_held)));
  $("star-ratings").replaceChildren(...stars.ratings.map((rating) => {
    const review = (approved, message) => async () => {
      await api("POST", path + "/city-reviews", { year: rating.year, approved });
      say(message + "：" + state.companies[companyId] + " " + rating.year);
      await loadStars(companyId);
    };
    return el("tr", { dataset: { year: String(rating.year), review: rating.city_review || "" } },
      el("td", {}, String(rating.year)), el("td", {}, rating.score.display), el("td", {}, starText(rating.stars)),
      el("td", {}, (CITY_REVIEWS[rating.city_review] || "—") + (rating.city_reviewed_on ? " " + rating.city_reviewed_on : "")),
      el("td", { class: rating.withdrawn_on ? "overdue" : "" }, rating.withdrawn_on
        ? "已撤销 Withdrawn " + rating.withdrawn_on + "（" + (WITHDRAWALS[rating.withdrawal_reason] || "—") + "）"
        : "有效 Standing，评定于 assessed " + rating.assessed_on),
      rating.city_review === "pending" && hasRole("city_admin") ? stepCell([
        ["approve-five", "通过，评为五星 Approve five stars", review(true, "市级复核通过 Approved")],
        ["reject-five", "不通过 Reject", review(false, "市级复核未通过 Rejected")],
      ]) : el("td", {}, "—"));
  }));
  if (!stars.ratings.length) $("star-ratings").append(el("tr", {}, el("td", { colspan: "6" }, "尚未评定 Not rated yet")));
  $("stars-form").hidden = !hasRole(...STAR_ASSESSORS);
  if (!$("stars-year").value) $("stars-year").value = String(Number(today().slice(0, 4)) - 1);
}

async function assessStars(event) {
  event.preventDefault();
  await guarded(async () => {
    const rating = await api("POST", "/api/v1/ratings/companies/" + encodeURIComponent(state.companyId) + "/star-assessments",
      { year: Number($("stars-year").value) || 0 }, { create: true });
    say("已评定星级 Stars assessed：" + state.companies[state.companyId] + " " + rating.year + " " + rating.score.display + " 分，"
      + starText(rating.stars) + (rating.city_review === "pending" ? "，待市级复核五星 five stars await the city's review" : ""));
    await loadStars(state.companyId);
  });
}

function currentQuarter() {
  const [year, month] = today().split("-").map(Number);
  return year + "Q" + (Math.floor((month - 1) / 3) + 1);
}

async function quarterlyChoices() {
  await knownPlaces();
  const chosen = $("quarterly-street").value;
  $("quarterly-street").replaceChildren(...state.places.filter((place) => place.level === "street")
    .map((place) => el("option", { value: place.path }, place.name)));
  if (chosen) $("quarterly-street").value = chosen;
  if (!$("quarterly-quarter").value) $("quarterly-quarter").value = currentQuarter();
  $("quarterly-figures").replaceChildren();
}

// a quarterly evaluation (R3) as figures: each kind's count and mean, and the weighted quarterly score
function quarterlyFigures(prefix, found) {
  const average = (value) => (value ? value.display : "—");
  return [
    figure(prefix + "-residents", "居民自己评 Residents", found.resident_count + " 份 · " + average(found.resident_average)),
    figure(prefix + "-peers", "物业互相评 Peers", found.peer_count + " 份 · " + average(found.peer_average)),
    figure(prefix + "-departments", "部门综合评 Departments", found.department_count + " 份 · " + average(found.department_average)),
    figure(prefix + "-combined", "季度得分 Quarterly score", average(found.combined_score)),
  ];
}

async function showQuarterly(event) {
  event.preventDefault();
  await guarded(async () => {
    const found = await api("GET", "/api/v1/ratings/companies/" + encodeURIComponent(state.companyId) + "/quarterly-evaluation?"
      + new URLSearchParams({ street_path: $("quarterly-street").value, quarter: $("quarterly-quarter").value }));
    $("quarterly-figures").replaceChildren(...quarterlyFigures("quarterly", found));
  });
}

// R1, R2: the credit rule book, version by version; the city adds a version in force from a later day,
// changing the base score or the points of some record kinds (the rest as in the latest version)
const RULE_READERS = ["street_officer", "county_officer", "city_admin", "company_staff"];

// "-2.5" points as an exact fraction; anything else refused naming the field
function pointsOf(text, field) {
  const match = /^([+-]?)(\d{1,3})(?:\.(\d))?$/.exec(String(text).trim().replace("−", "-"));
  if (!match) throw new Problem(400, { detail: "分值请填整数或一位小数 Points: a whole number or one decimal", field });
  const tenths = Number(match[2]) * 10 + Number(match[3] || 0);
  return { numerator: (match[1] === "-" ? -tenths : tenths), denominator: 10 };
}

async function loadRuleVersions() {
  $("rule-form").hidden = true;
  if (!hasRole(...RULE_READERS)) {
    $("rule-versions").replaceChildren(el("tr", {}, el("td", { colspan: "5" }, "—")));
    return;
  }
  const versions = await api("GET", "/api/v1/ratings/rule-versions");
  $("rule-versions").replaceChildren(...versions.map((one) => el("tr", { dataset: { version: one.version } },
    el("td", {}, one.version), el("td", {}, one.effective_from), el("td", {}, one.base_score.display),
    el("td", {}, "AAA ≥ " + one.floor_aaa.display + " · AA ≥ " + one.floor_aa.display + " · A ≥ " + one.floor_a.display
      + " · B ≥ " + one.floor_b.display),
    el("td", {}, one.validity_years + " 年 years"))));
  const latest = versions[versions.length - 1];
  if (!latest || !hasRole("city_admin")) return;
  $("rule-form").hidden = false;
  $("rule-points").replaceChildren(...latest.points.map((one) => el("tr", { dataset: { kind: one.kind } },
    el("td", {}, RECORD_KINDS[one.kind] || one.kind), el("td", {}, one.points.display),
    el("td", {}, el("input", { class: "rule-points", inputmode: "decimal", "aria-label": "新分值 New points", dataset: { kind: one.kind } })))));
}

async function addRuleVersion(event) {
  event.preventDefault();
  await guarded(async () => {
    const points = [...document.querySelectorAll("input.rule-points")].filter((input) => input.value.trim())
      .map((input, at) => ({ kind: input.dataset.kind, points: pointsOf(input.value, "points[" + at + "]") }));
    const added = await api("POST", "/api/v1/ratings/rule-versions", {
      city_path: scopeParts()[0] || "", version: $("rule-version").value, effective_from: $("rule-from").value, points,
      ...($("rule-base").value ? { base_score: Number($("rule-base").value) } : {}),
    }, { create: true });
    say("已新增规则版本 Rule version added：" + added.version + "，" + added.effective_from + " 起施行 in force");
    $("rule-version").value = "";
    await loadRuleVersions();
  });
}

// R3 (seed 003, 三评机制): each quarter the departments rate every company of a street on 18 aspects and
// the companies of a street rate each other on 12, each aspect 0–10; the residents' 10 are the mobile web's
const EVALUATIONS = {
  department_inspector: { aspects: 18, path: "/api/v1/ratings/department-evaluations", title: "部门综合评 Department evaluation",
    hint: "从支持工作、解决纠纷、减少投诉等18个方面评价辖区物业企业，每项0–10分，每季度每部门一次。 "
      + "18 aspects such as support, dispute resolution and fewer complaints, 0–10 each, once a quarter per department." },
  company_staff: { aspects: 12, path: "/api/v1/ratings/peer-evaluations", title: "物业互相评 Peer evaluation",
    hint: "从公共设施投入、维修等12个方面评价同一街道的其他物业企业，每项0–10分，每季度一次。 "
      + "12 aspects such as investment in and repair of common facilities, 0–10 each, once a quarter." },
};
// the roles that read the rankings and lists (ratings' READERS)
const RANKING_READERS = ["company_staff", "community_worker", "street_officer", "county_officer", "city_admin"];

function evaluationKind() {
  return Object.keys(EVALUATIONS).find((role) => hasRole(role));
}

async function loadEvaluationForm() {
  const kind = evaluationKind();
  $("evaluation-form").hidden = true;  // shown once filled, so what a person sees is the whole form
  if (!kind) return;
  await knownPlaces();
  const companies = await companiesInScope();
  $("evaluation-company").replaceChildren(...companies.filter((company) => company.id !== state.claims.wuye_company)
    .map((company) => el("option", { value: company.id }, company.name)));
  $("evaluation-street").replaceChildren(...state.places.filter((place) => place.level === "street")
    .map((place) => el("option", { value: place.path }, place.name)));
  $("evaluation-quarter").value = currentQuarter();
  $("evaluation-title").textContent = EVALUATIONS[kind].title + " · " + currentQuarter();
  $("evaluation-hint").textContent = EVALUATIONS[kind].hint;
  $("evaluation-aspects").replaceChildren(...Array.from({ length: EVALUATIONS[kind].aspects }, (_, at) => el("label", {},
    "第" + (at + 1) + "项 ", el("input", { type: "number", min: "0", max: "10", required: "", class: "aspect", "aria-label": "第" + (at + 1) + "项 Aspect " + (at + 1) }))));
  $("evaluation-figures").replaceChildren();
  $("evaluation-form").hidden = false;
}

async function submitEvaluation(event) {
  event.preventDefault();
  await guarded(async () => {
    const kind = evaluationKind();
    const company = $("evaluation-company").selectedOptions[0];
    const answer = await api("POST", EVALUATIONS[kind].path, {
      company_id: $("evaluation-company").value, street_path: $("evaluation-street").value, quarter: $("evaluation-quarter").value,
      aspect_scores: [...document.querySelectorAll("#evaluation-aspects input.aspect")].map((input) => Number(input.value)),
    }, { create: true });
    const found = answer.quarterly;
    say("已提交评价 Evaluation submitted：" + (company ? company.textContent : "") + " " + found.quarter);
    $("evaluation-figures").replaceChildren(...quarterlyFigures("evaluation", found));
  });
}

const LISTINGS = { red: "红榜 Red", yellow: "黄榜 Yellow", black: "黑榜 Black", none: "—" };

function lastQuarter() {
  const [year, month] = today().split("-").map(Number);
  const quarter = Math.floor((month - 1) / 3);
  return quarter === 0 ? (year - 1) + "Q4" : year + "Q" + quarter;
}

async function loadRatings() {
  const path = state.claims.wuye_scope || "";
  $("ratings-board").hidden = !hasRole(...RANKING_READERS);
  await loadEvaluationForm();
  if ($("ratings-board").hidden) {
    $("ratings-policy").textContent = "";
    return;
  }
  // a company's staff see their own company's card first
  if (state.claims.wuye_company) {
    await openCompany(state.claims.wuye_company).catch((error) => {
      if (!(error instanceof Problem) || error.status !== 404) throw error;  // not rated yet
    });
  }
  await loadRuleVersions();
  const policy = await api("GET", "/api/v1/ratings/list-policy?" + new URLSearchParams({ jurisdiction_path: path }));
  showPolicy(policy);
  const yearly = policy.scheme === "yearly_red_yellow";
  $("ratings-policy").textContent = yearly
    ? "年度红黄榜 Yearly red/yellow: 前 top " + policy.red_percent + "% · 后 bottom " + policy.yellow_percent + "%"
    : "季度红黑榜 Quarterly red/black" + (policy.black_includes_b ? "（B级入黑榜 B is black too）" : "");
  const ranked = await api("GET", "/api/v1/ratings/rankings?" + new URLSearchParams({ jurisdiction_path: path }));
  $("rankings").replaceChildren(...(ranked.rankings || []).map((one) => el("tr", {
    dataset: { companyId: one.company_id }, onclick: () => guarded(() => openCompany(one.company_id)),
  },
    el("td", {}, String(one.rank)), el("td", {}, one.company_name || one.company_id), el("td", {}, one.score.display),
    el("td", {}, BANDS[one.band] || one.band))));
  state.listsPeriod = yearly ? { year: Number(today().slice(0, 4)) - 1 } : { quarter: lastQuarter() };
  state.listsYearly = yearly;
  $("lists-title").textContent = yearly ? "年度红黄榜 " + state.listsPeriod.year : "季度红黑榜 " + state.listsPeriod.quarter;
  const route = yearly ? "/api/v1/ratings/yearly-lists?" : "/api/v1/ratings/lists?";
  let lists = null;
  try {
    lists = await api("GET", route + new URLSearchParams({ jurisdiction_path: path, ...state.listsPeriod }));
  } catch (error) {
    if (!(error instanceof Problem) || error.status !== 404) throw error;
  }
  $("lists-publish").disabled = Boolean(lists);
  if (!lists) {
    $("lists").replaceChildren(el("tr", {}, el("td", { colspan: "4" }, "未发布 Not published yet")));
    return;
  }
  const listed = (one) => (yearly ? LISTINGS[one.listing] : lists.red_company_ids.includes(one.company_id) ? LISTINGS.red
    : lists.black_company_ids.includes(one.company_id) ? LISTINGS.black : "—");
  $("lists").replaceChildren(...lists.standings.map((one) => el("tr", { dataset: { companyId: one.company_id } },
    el("td", {}, one.company_name || one.company_id), el("td", {}, BANDS[one.band] || one.band),
    el("td", {}, one.score.display), el("td", { class: "listing" }, listed(one) + (one.serious ? " 情节严重 serious" : "")))));
  $("lists-title").textContent += " · " + lists.published_on + (lists.published_in ? " · " + lists.published_in : "");
}

// R4/R7: a county (or the city) chooses its lists: quarterly red/black (B black too, or not), or yearly
// red/yellow by ranking share
const POLICY_SETTERS = ["county_officer", "city_admin"];

function policyChoices() {
  const yearly = $("policy-scheme").value === "yearly_red_yellow";
  $("policy-b-label").hidden = yearly;
  $("policy-red-label").hidden = !yearly;
  $("policy-yellow-label").hidden = !yearly;
}

function showPolicy(policy) {
  $("policy-form").hidden = !hasRole(...POLICY_SETTERS);
  $("policy-scheme").value = policy.scheme || "quarterly_red_black";
  $("policy-black-b").checked = Boolean(policy.black_includes_b);
  if (policy.red_percent) $("policy-red").value = policy.red_percent;
  if (policy.yellow_percent) $("policy-yellow").value = policy.yellow_percent;
  policyChoices();
}

async function setListPolicy(event) {
  event.preventDefault();
  await guarded(async () => {
    const yearly = $("policy-scheme").value === "yearly_red_yellow";
    await api("POST", "/api/v1/ratings/list-policy", {
      jurisdiction_path: state.claims.wuye_scope || "", scheme: $("policy-scheme").value,
      ...(yearly ? { red_percent: Number($("policy-red").value) || 0, yellow_percent: Number($("policy-yellow").value) || 0 }
        : { black_includes_b: $("policy-black-b").checked }),
    }, { create: true });
    say("已保存榜单规则 List policy saved：" + $("policy-scheme").selectedOptions[0].textContent);
    await loadRatings();
  });
}

async function publishLists() {
  const path = state.claims.wuye_scope || "";
  const route = state.listsYearly ? "/api/v1/ratings/yearly-lists" : "/api/v1/ratings/lists";
  await api("POST", route, { jurisdiction_path: path, published_in: $("lists-venue").value, ...state.listsPeriod },
    { create: true });
  say("榜单已发布 Lists published");
  await loadRatings();
}

// --- wiring --------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("dev-login").addEventListener("submit", devLogin);
  $("token-login").addEventListener("submit", (event) => {
    event.preventDefault();
    login($("token").value.trim());
  });
  $("logout").addEventListener("click", () => logout());
  $("lang-switch").addEventListener("click", () => setLanguage(!chineseOnly));
  $("post-choice").addEventListener("change", choosePost);
  if (localStorage.getItem(LANG_KEY) === "zh") setLanguage(true);
  $("case-state").addEventListener("change", () => guarded(loadCases));
  $("cases-refresh").addEventListener("click", () => guarded(loadCases));
  $("cases-more").addEventListener("click", () => guarded(() => loadCases(true)));
  $("case-accept").addEventListener("click", () => guarded(() => caseAction("accept")));
  $("case-dispatch").addEventListener("click", () => guarded(() => caseAction("dispatch", { assignee_kind: $("dispatch-kind").value })));
  const text = () => $("case-text").value;
  const steps = {
    "case-reject": () => ["reject", { reason: $("case-reject-reason").value, duplicate_of: $("case-duplicate-of").value, note: text() }],
    "case-start": () => ["start", {}],
    "case-send-back": () => ["send-back", { reason: text() }],
    "case-resolve": async () => ["resolve", { summary: text(), photo_ids: await uploadPhotos($("case-resolve-photos"), "/api/v1/complaints/photos") }],
    "case-reply": () => ["reply", { message: text() }],
    "case-callback": () => ["callback", {
      valid: $("case-callback-valid").checked, contacted: $("case-callback-contacted").checked,
      solved: $("case-callback-solved").checked, satisfaction: $("case-satisfaction").value, note: text(),
    }],
    "case-close": () => ["close", {}],
    "case-mark-hard": () => ["mark-hard", { note: text() }],
    // C6: the fifth distinct reporter makes the case collective and moves it up a tier
    "case-add-reporter": () => ["reporters", { name: $("case-reporter-name").value, phone: $("case-reporter-phone").value }],
  };
  for (const [id, step] of Object.entries(steps)) {
    $(id).addEventListener("click", () => guarded(async () => {
      const sent = text();
      const [action, body] = await step();
      await caseAction(action, body);
      // what was sent is done with; what was typed meanwhile (for the next step) stays
      if (text() === sent) $("case-text").value = "";
      if (action === "reporters") for (const field of ["case-reporter-name", "case-reporter-phone"]) $(field).value = "";
    }));
  }
  $("vote-compound").addEventListener("change", () => guarded(loadVotes));
  $("votes-refresh").addEventListener("click", () => guarded(loadVotes));
  $("vote-form").addEventListener("submit", openVote);
  $("ballot-form").addEventListener("submit", enterBallot);
  $("committee-form").addEventListener("submit", formCommittee);
  $("compound-register-form").addEventListener("submit", registerCompound);
  $("compound-edit-form").addEventListener("submit", updateCompound);
  $("four-failures-form").addEventListener("submit", saveFourFailures);
  $("building-form").addEventListener("submit", addBuilding);
  $("contract-form").addEventListener("submit", startContract);
  $("company-form").addEventListener("submit", registerCompany);
  $("people-search-form").addEventListener("submit", findPeople);
  $("candidate-form").addEventListener("submit", proposeCandidate);
  $("candidate-add-tie").addEventListener("click", addCandidateTie);
  $("party-form").addEventListener("submit", addPartyOrganisation);
  $("cadre-form").addEventListener("submit", linkCadre);
  $("party-level").addEventListener("change", () => { $("party-building-label").hidden = $("party-level").value !== "building_group"; });
  $("person-form").addEventListener("submit", registerPerson);
  $("place-form").addEventListener("submit", registerPlace);
  $("import-form").addEventListener("submit", importWorkbook);
  $("coverage-refresh").addEventListener("click", () => guarded(loadCoverage));
  $("service-list-show").addEventListener("click", () => guarded(loadServiceList));
  $("post-form").addEventListener("submit", assignPost);
  const choices = (options) => Object.entries(options).map(([value, caption]) => el("option", { value }, caption));
  $("post-kind").replaceChildren(...choices(POST_KINDS));
  $("post-kind").addEventListener("change", () => guarded(postPlaces));
  $("post-start").value = today();
  for (const select of document.querySelectorAll(".compound-type-select")) select.replaceChildren(...choices(COMPOUND_TYPES_ALL));
  for (const select of document.querySelectorAll(".management-mode-select")) select.replaceChildren(...choices(MANAGEMENT_MODES));
  for (const select of document.querySelectorAll(".party-mode-select")) select.replaceChildren(...choices(PARTY_ORG_MODES));
  for (const id of ["committee-kind", "committee-start", "committee-end"]) $(id).addEventListener("change", () => guarded(checkCommittee));
  $("funds-compound").addEventListener("change", () => guarded(async () => { await loadAccount(); await loadMiniFund(); }));
  $("mini-open-form").addEventListener("submit", openMiniFund);
  $("mini-collect-form").addEventListener("submit", collectMiniFund);
  $("mini-repair-form").addEventListener("submit", payMiniFundRepair);
  $("neighbour-open-form").addEventListener("submit", openNeighbourFund);
  $("neighbour-donation-form").addEventListener("submit", donateToNeighbourFund);
  $("neighbour-grant-form").addEventListener("submit", grantNeighbourFund);
  $("neighbour-spend-form").addEventListener("submit", spendNeighbourFund);
  $("neighbour-level").addEventListener("change", neighbourOpenChoices);
  $("grant-fund").addEventListener("change", grantReceivers);
  $("funds-refresh").addEventListener("click", () => guarded(loadFunds));
  $("ledger-verify").addEventListener("click", () => guarded(verifyLedger));
  $("use-state").addEventListener("change", () => guarded(loadUseApplications));
  $("use-form").addEventListener("submit", submitUse);
  $("expense-form").addEventListener("submit", submitExpense);
  $("disclosure-form").addEventListener("submit", publishDisclosure);
  $("account-open-form").addEventListener("submit", openAccount);
  $("interest-form").addEventListener("submit", allocateInterest);
  $("income-form").addEventListener("submit", recordIncome);
  $("audit-form").addEventListener("submit", recordAudit);
  $("plans-refresh").addEventListener("click", () => guarded(loadPlans));
  $("plan-form").addEventListener("submit", createPlan);
  $("catalogue-form").addEventListener("submit", importCatalogue);
  $("completion-form").addEventListener("submit", completeInspection);
  $("recheck-form").addEventListener("submit", recordRecheck);
  $("escalation-form").addEventListener("submit", escalate);
  $("outcome-form").addEventListener("submit", recordOutcome);
  for (const id of ["escalation-kind", "escalation-referral"]) $(id).addEventListener("change", escalationChoices);
  $("sup-export").addEventListener("click", () => guarded(exportList));
  $("task-template").addEventListener("click", () => guarded(downloadTaskTemplate));
  $("round-form").addEventListener("submit", startRound);
  $("round-list-form").addEventListener("submit", issueRoundList);
  $("round-kind").addEventListener("change", () => { $("round-size-label").hidden = $("round-kind").value !== "spot_check"; });
  $("task-import-form").addEventListener("submit", importTaskList);
  $("import-kind").addEventListener("change", () => { $("import-origin-label").hidden = $("import-kind").value !== "special_action"; });
  $("task-kind").addEventListener("change", () => { $("task-origin-label").hidden = $("task-kind").value !== "special_action"; });
  $("task-line-add").addEventListener("click", () => addLine("task-lines", TASK_LINE));
  $("manual-list-line-add").addEventListener("click", () => addLine("manual-list-lines", LIST_LINE));
  $("task-form").addEventListener("submit", issueTypedTaskList);
  $("manual-list-form").addEventListener("submit", issueTypedRectificationList);
  $("lists-publish").addEventListener("click", () => guarded(publishLists));
  $("record-form").addEventListener("submit", enterRecord);
  $("stars-form").addEventListener("submit", assessStars);
  $("evaluation-form").addEventListener("submit", submitEvaluation);
  $("quarterly-form").addEventListener("submit", showQuarterly);
  $("rule-form").addEventListener("submit", addRuleVersion);
  $("policy-form").addEventListener("submit", setListPolicy);
  $("policy-scheme").addEventListener("change", policyChoices);
  $("meeting-form").addEventListener("submit", recordMeeting);
  for (const table of document.querySelectorAll("main table.list:not(.lines)")) {  // a form's rows being typed are no list to export
    if (table.closest("#sup-list")) continue;  // a whole list exports from the service, with every column
    const button = el("button", { type: "button", class: "export-table", onclick: () => guarded(() => exportTable(table)) },
      "导出Excel Export");
    table.before(button);
  }
  $("meeting-date").value = today();
  $("plan-date").value = today();
  window.addEventListener("hashchange", () => show(location.hash.slice(1)));
  // the development issuer exists only in local runs: offer its accounts when it answers
  fetch("/dev/jwks.json").then((answer) => { $("dev-login").hidden = !answer.ok; }).catch(() => {});
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) login(saved);
});
