// Residents' mobile web (居民服务): plain JavaScript over the gateway's /api/v1 REST, no build step.
// A resident signs in, files a complaint for a compound they own in, follows their own cases (A5), answers
// the callback of a case the handler replied to, and casts their own ballots (A2) — every refusal is the
// service's, shown as it names the field.
"use strict";

const TOKEN_KEY = "wuye-resident-token";
const $ = (id) => document.getElementById(id);
const state = { token: "", session: 0, me: null, categories: {}, compoundNames: {} };

const STATES = {
  submitted: "已提交 待受理", accepted: "已受理", rejected: "已退回", dispatched: "已派单", in_progress: "处理中",
  resolved: "已办结 待回访", callback: "已回访", closed: "已关闭",
};
const ACTIONS = {
  submit: "提交", accept: "受理", reject: "退回", dispatch: "派单", send_back: "退单", start_handling: "开始处理",
  resolve: "办结", reply: "答复", record_callback: "回访", close: "关闭", reopen: "重新办理", escalate: "升级处理",
  add_reporter: "追加反映人",
};
const CHOICES = { yes: "同意", no: "反对", abstain: "弃权" };

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
  $("message").textContent = text;
  $("message").className = error ? "error" : "";
  $("message").hidden = !text;
}

class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || "HTTP " + status);
    this.body = body;
  }
}
class Stale extends Error {}

async function api(method, path, body, options) {
  const session = state.session;
  const headers = { Accept: "application/json" };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  // a file (a photo) is sent as itself, typed as the browser knows it; anything else as JSON
  const file = body instanceof Blob;
  if (body !== undefined) headers["Content-Type"] = file ? body.type || "application/octet-stream" : "application/json";
  if (options && options.create) headers["Idempotency-Key"] = crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
  const answer = await fetch(path, { method, headers, body: body === undefined || file ? body : JSON.stringify(body) });
  if (session !== state.session) throw new Stale();
  const text = await answer.text();
  const data = text ? JSON.parse(text) : null;
  if (!answer.ok) {
    // a loader of a session that has ended asks on without a token: its 401 ends nothing
    if (answer.status === 401 && !headers.Authorization) throw new Stale();
    if (answer.status === 401) logout("登录已失效，请重新登录");
    throw new Problem(answer.status, data);
  }
  return data;
}

async function guarded(work) {
  try {
    await work();
  } catch (error) {
    if (error instanceof Stale) return;
    const body = error.body || {};
    say("未成功：" + (body.detail_zh ? body.detail_zh + "。" + error.message : error.message
      + (body.field ? "（" + body.field + "）" : "")), true);
  }
}

const SHANGHAI = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
});
// a case's photo is served only with the reader's token, so it is fetched and shown from memory
async function photoImage(caseId, photo) {
  const answer = await fetch("/api/v1/complaints/" + encodeURIComponent(caseId) + "/photos/" + encodeURIComponent(photo.photo_id),
    { headers: { Authorization: "Bearer " + state.token } });
  const image = el("img", { class: "photo", alt: "投诉照片", width: String(photo.width), height: String(photo.height) });
  if (answer.ok) image.src = URL.createObjectURL(await answer.blob());
  else image.alt = "照片无法显示";
  return image;
}

const MAX_PHOTOS = 9;
const MAX_PHOTO_MB = 10;

// what is wrong with the chosen photos before any is sent (the service checks them again), or ""
function photoTrouble(files) {
  const tooBig = files.filter((file) => file.size > MAX_PHOTO_MB * 1024 * 1024).map((file) => file.name);
  if (files.length > MAX_PHOTOS) return "照片最多 " + MAX_PHOTOS + " 张，您选了 " + files.length + " 张";
  return tooBig.length ? "每张照片不超过 " + MAX_PHOTO_MB + " MB：" + tooBig.join("、") : "";
}

function choosePhotos() {
  const files = [...$("file-photos").files];
  $("file-photo-previews").replaceChildren(...files.map((file) =>
    el("img", { class: "photo", alt: file.name, src: URL.createObjectURL(file) })));
  const trouble = photoTrouble(files);
  say(trouble, Boolean(trouble));
}

const when = (value) => (value ? SHANGHAI.format(new Date(value)) : "—");
// areas are kept in dm² (integers); people read m² with two decimals
const squareMetres = (dm2) => (Number(dm2) / 100).toFixed(2) + " m²";

async function login(token) {
  state.session += 1;
  state.token = token;
  sessionStorage.setItem(TOKEN_KEY, token);
  $("login").hidden = true;
  $("tabs").hidden = false;
  $("who").hidden = false;
  await guarded(async () => {
    state.me = await api("GET", "/api/v1/me");
    $("who-text").textContent = state.me.name || state.me.person_id;
    const categories = await api("GET", "/api/v1/complaints/categories");
    state.categories = Object.fromEntries(categories.map((c) => [c.code, c.label_zh]));
    $("file-category").replaceChildren(...categories.map((c) => el("option", { value: c.code }, c.label_zh)));
    const compounds = [...new Set(state.me.units.map((unit) => unit.compound_id))];
    const names = await Promise.all(compounds.map(async (id) => {
      const page = await api("GET", "/api/v1/public/compounds/" + encodeURIComponent(id) + "/transparency");
      return [id, page.compound_name || "小区"];
    }));
    state.compoundNames = Object.fromEntries(names);
    $("file-compound").replaceChildren(...names.map(([id, name]) => el("option", { value: id }, name)));
    // each of their compounds' public page (一码统览): its accounts, votes and company, as the QR poster shows
    $("compound-pages").replaceChildren("小区公示 Public page: ", ...names.flatMap(([id, name], at) => [
      at ? " · " : "", el("a", { href: "/c/" + encodeURIComponent(id), class: "compound-page" }, name)]));
    show(location.hash.slice(1) || "cases");
  });
}

function logout(reason) {
  state.session += 1;
  state.token = "";
  state.me = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $("login").hidden = false;
  $("tabs").hidden = true;
  $("who").hidden = true;
  for (const view of document.querySelectorAll(".view")) view.hidden = true;
  say(reason || "", Boolean(reason));
}

const LOADERS = { cases: loadCases, file: async () => {}, votes: loadVotes, survey: loadSurvey };

function show(name) {
  if (!state.token || !state.me) return;
  if (!LOADERS[name]) name = "cases";
  for (const link of document.querySelectorAll("#tabs a")) link.classList.toggle("active", link.dataset.tab === name);
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== "view-" + name;
  guarded(LOADERS[name]);
}

// my complaints: the cases this resident filed (A5), with their deadline and history

async function loadCases() {
  const unit = state.me.units[0];
  const list = $("cases");
  list.replaceChildren();
  if (!unit) {
    list.append(el("li", {}, "登记为业主后即可投诉 Register as an owner to file complaints"));
    return;
  }
  const page = await api("GET", "/api/v1/complaints?" + new URLSearchParams({ jurisdiction_path: unit.jurisdiction_path }));
  for (const item of page.items) {
    list.append(el("li", { dataset: { caseId: item.case_id }, onclick: () => guarded(() => openCase(item.case_id)) },
      el("b", {}, state.categories[item.category] || item.category), " · ", STATES[item.state] || item.state,
      el("div", { class: "meta" }, item.ticket_no + " · " + when(item.submitted_at))));
  }
  if (!page.items.length) list.append(el("li", {}, "暂无投诉 No complaints yet"));
}

async function openCase(caseId) {
  const item = await api("GET", "/api/v1/complaints/" + encodeURIComponent(caseId));
  $("case").hidden = false;
  $("case").dataset.state = item.state;
  $("case-ticket").textContent = item.ticket_no;
  $("case-state").textContent = STATES[item.state] || item.state;
  $("case-category").textContent = state.categories[item.category] || item.category;
  $("case-description").textContent = item.description;
  $("case-photos").replaceChildren(...await Promise.all((item.photos || []).map((photo) => photoImage(item.case_id, photo))));
  const due = item.resolve_due_at || item.accept_due_at;
  const late = due && new Date(due) < new Date() && !["resolved", "callback", "closed", "rejected"].includes(item.state);
  $("case-due").textContent = when(due) + (late ? " 已超时" : "");
  $("case-due").className = late ? "overdue" : "";
  $("case-history").replaceChildren(...item.history.map((h) =>
    el("li", {}, when(h.at) + " " + (ACTIONS[h.action] || h.action) + (h.reason ? "：" + h.reason : ""))));
  $("case-reply-line").hidden = !item.reply;
  $("case-reply").textContent = item.reply || "";
  // the handler replied: the reporter answers the callback here instead of waiting for a telephone call (C5)
  $("callback-form").hidden = !(item.state === "resolved" && item.reply);
  $("callback-form").reset();
  $("callback-form").dataset.caseId = item.case_id;
  $("case").scrollIntoView({ block: "nearest" });
}

async function answerCallback(event) {
  event.preventDefault();
  const form = $("callback-form");
  await guarded(async () => {
    const caseId = form.dataset.caseId;
    await api("POST", "/api/v1/complaints/" + encodeURIComponent(caseId) + "/callback", {
      valid: true, contacted: true, solved: form.elements.solved.value === "true",
      satisfaction: form.elements.satisfaction.value, note: $("callback-note").value,
    });
    say("已提交回访，感谢您的评价");
    await openCase(caseId);
    await loadCases();
  });
}

async function fileComplaint(event) {
  event.preventDefault();
  await guarded(async () => {
    const files = [...$("file-photos").files];
    const trouble = photoTrouble(files);
    if (trouble) return say(trouble, true);
    const photoIds = [];
    for (const [at, file] of files.entries()) {
      say("正在上传照片 " + (at + 1) + "/" + files.length + "……");
      photoIds.push((await api("POST", "/api/v1/complaints/photos", file, { create: true })).photo_id);
    }
    const answer = await api("POST", "/api/v1/complaints", {
      compound_id: $("file-compound").value, category: $("file-category").value, channel: "mobile",
      description: $("file-description").value,
      reporter: { name: $("file-name").value, phone: $("file-phone").value }, photo_ids: photoIds,
    }, { create: true });
    say("已提交，工单号 " + answer.case.ticket_no + (photoIds.length ? "（附照片 " + photoIds.length + " 张）" : "")
      + "，受理后将按时限办理");
    $("file-description").value = "";
    $("file-photos").value = "";
    $("file-photo-previews").replaceChildren();
    location.hash = "cases";
  });
}

// my ballots: the open votes of my compounds, the thresholds and my own weight; I cast my own ballot (A2)

async function loadVotes() {
  const page = await api("GET", "/api/v1/me/votes");
  const list = $("votes");
  list.replaceChildren();
  for (const mine of page.items || page) {
    const vote = mine.vote;
    const cast = (choice) => guarded(async () => {
      await api("POST", "/api/v1/votes/" + encodeURIComponent(vote.vote_id) + "/ballots",
        { owner_key: mine.owner_key, choice }, { create: true });
      say("已投票：" + vote.title + " → " + CHOICES[choice]);
      await loadVotes();
    });
    const buttons = vote.state === "open"
      ? Object.entries(CHOICES).map(([choice, caption]) => el("button", { type: "button", class: "cast-" + choice, onclick: () => cast(choice) }, caption))
      : [];
    list.append(el("li", { dataset: { voteId: vote.vote_id } },
      el("b", {}, vote.title), el("div", { class: "meta" }, mine.matter_label),
      el("div", {}, "参与门槛 To count: " + (mine.quorum_share ? mine.quorum_share.percent : "—")
        + " · 通过门槛 To pass: " + (mine.approval_share ? mine.approval_share.percent : "—")
        + (mine.approval_share_inclusive ? "（含本数）" : "（须超过）")),
      el("div", {}, "我的专有面积 My area: " + squareMetres(mine.area_dm2)),
      el("div", { class: "choice" }, "我的选择 My choice: " + (CHOICES[mine.choice] || "未投 Not cast")), ...buttons));
  }
  if (!list.children.length) list.append(el("li", {}, "暂无表决 No votes"));
}

// my survey of my home's company this quarter (居民自己评, R3): ten aspects, 0–10 each, once per home
const SURVEY_ASPECTS = 10;

function thisQuarter() {
  const [year, month] = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" })
    .format(new Date()).split("-").map(Number);
  return year + "Q" + (Math.floor((month - 1) / 3) + 1);
}

async function loadSurvey() {
  const homes = state.me.units;
  $("survey-form").hidden = !homes.length;
  if (!homes.length) {
    say("登记为业主后即可评价 Register as an owner to rate your company");
    return;
  }
  $("survey-home").replaceChildren(...homes.map((unit, at) => el("option", { value: unit.household_id, dataset: { compoundId: unit.compound_id } },
    (state.compoundNames[unit.compound_id] || "小区") + (homes.length > 1 ? " · 第" + (at + 1) + "套" : ""))));
  $("survey-quarter").textContent = thisQuarter();
  $("survey-submit").disabled = false;
  const scores = Array.from({ length: 11 }, (_, score) => el("option", { value: String(10 - score) }, String(10 - score)));
  $("survey-aspects").replaceChildren(...Array.from({ length: SURVEY_ASPECTS }, (_, at) => el("label", {},
    "第" + (at + 1) + "项", el("select", { class: "aspect", required: "", "aria-label": "第" + (at + 1) + "项" },
      el("option", { value: "" }, "—"), ...scores.map((option) => option.cloneNode(true))))));
}

async function submitSurvey(event) {
  event.preventDefault();
  await guarded(async () => {
    const home = $("survey-home").selectedOptions[0];
    await api("POST", "/api/v1/ratings/resident-surveys", {
      household_id: home.value, compound_id: home.dataset.compoundId, quarter: thisQuarter(),
      aspect_scores: [...document.querySelectorAll("#survey-aspects select.aspect")].map((select) => Number(select.value)),
    }, { create: true });
    say("已提交评价，谢谢！ Thank you: " + home.textContent + " " + thisQuarter());
    $("survey-submit").disabled = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("phone-login").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      const answer = await api("POST", "/dev/token", { phone: $("phone").value });
      $("file-phone").value = $("phone").value;
      await login(answer.access_token);
    });
  });
  $("token-login").addEventListener("submit", (event) => {
    event.preventDefault();
    login($("token").value.trim());
  });
  $("logout").addEventListener("click", () => logout());
  $("file-form").addEventListener("submit", fileComplaint);
  $("file-photos").addEventListener("change", choosePhotos);
  $("callback-form").addEventListener("submit", answerCallback);
  $("survey-form").addEventListener("submit", submitSurvey);
  window.addEventListener("hashchange", () => show(location.hash.slice(1)));
  // the development issuer exists only in local runs: offer its phone sign-in when it answers
  fetch("/dev/jwks.json").then((answer) => { $("phone-login").hidden = !answer.ok; }).catch(() => {});
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) login(saved);
});
