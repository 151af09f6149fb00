// jobsearch search page: plain JavaScript, no build step, no dependencies.
// Posting text comes from third parties: it reaches the page only as text nodes (textContent,
// append(string)), never through innerHTML, so markup in a posting shows as text and never runs.
"use strict";

const FIELDS = ["team", "location", "language", "level", "workplace"];
const LIMIT = 10; // results per page unless the URL says otherwise
const SHOWN = 8; // facet values shown before "Show all"
const LONG_QUERY = 1500;
const LEVEL_NAMES = { intern: "Internship", entry: "Entry-level", mid: "Mid-level", senior: "Senior", staff: "Staff and principal", manager: "Manager", director: "Director and above" }; // a longer description goes to the API in a POST body, not a URL
const WORKPLACE_JOBS = { remote: "Remote jobs", hybrid: "Hybrid jobs", "on-site": "On-site jobs" };
const $ = (id) => document.getElementById(id);
const ui = { seq: 0, expanded: {}, filtersOpen: null };

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// ---- State: everything a view needs lives in the URL, so it can be shared and the back button works.
function readState() {
  const p = new URLSearchParams(location.search);
  const view = ["posting", "similar"].includes(p.get("view")) && p.get("id") ? p.get("view") : "search";
  return {
    q: p.get("q") || "", view, id: view === "search" ? "" : p.get("id"),
    offset: Math.max(parseInt(p.get("offset"), 10) || 0, 0),
    limit: Math.min(Math.max(parseInt(p.get("limit"), 10) || LIMIT, 1), 100),
    filters: Object.fromEntries(FIELDS.map((f) => [f, p.getAll(f)])),
    exact: p.get("spellcheck") === "false", // search the words as typed, no correction
  };
}

function params(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const f of FIELDS) for (const v of state.filters[f]) p.append(f, v);
  if (state.offset) p.set("offset", state.offset);
  if (state.limit !== LIMIT) p.set("limit", state.limit);
  if (state.exact) p.set("spellcheck", "false");
  if (state.view !== "search") { p.set("view", state.view); p.set("id", state.id); }
  return p;
}

const href = (state) => (params(state).toString() ? `?${params(state)}` : "/");
const noFilters = () => Object.fromEntries(FIELDS.map((f) => [f, []]));
const filterCount = (state) => FIELDS.reduce((n, f) => n + state.filters[f].length, 0);

function go(state) {
  history.replaceState({ ...history.state, scrollY: window.scrollY }, "");
  history.pushState({ from: location.href }, "", href(state));
  render("go");
}

// A link that is a real link (open in a new tab, copy, share) but navigates in place on a plain click.
function link(text, state, props = {}, navigate = () => go(state)) {
  return el("a", { ...props, href: href(state), onclick: (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate();
  } }, ...[text].flat());
}

// "Back" goes back in history when that is where we came from, so the scroll position returns too.
function backLink(text, state) {
  return link(text, state, { class: "back" }, () => {
    if (history.state?.from === new URL(href(state), location.href).href) history.back();
    else go(state);
  });
}

async function api(path, body) {
  const headers = { Accept: "application/json", ...(body && { "Content-Type": "application/json" }) };
  const response = await fetch(path, body ? { method: "POST", headers, body: JSON.stringify(body) } : { headers });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.detail || `The server answered ${response.status}.`), { status: response.status });
  return data;
}

// ---- Pieces of a result.
// highlights are [start, end) offsets in code points (the API is Python); Array.from splits by code point.
function highlighted(text, spans) {
  const chars = Array.from(text);
  const out = el("span", { class: "snippet" });
  let at = 0;
  for (const [start, end] of [...(spans || [])].sort((a, b) => a[0] - b[0])) {
    if (start < at || end <= start || end > chars.length) continue;
    out.append(chars.slice(at, start).join(""), el("mark", { text: chars.slice(start, end).join("") }));
    at = end;
  }
  out.append(chars.slice(at).join(""));
  return out;
}

function logo(company) {
  const name = (company || "?").trim() || "?";
  const hue = Array.from(name).reduce((h, c) => (h * 31 + c.codePointAt(0)) % 997, 7) % 6;
  return el("div", { class: `logo hue${hue}`, "aria-hidden": "true", text: Array.from(name)[0].toUpperCase() });
}

function facts(job) {
  const line = el("p", { class: "facts" }, el("span", { class: "company", text: job.company }));
  if (job.team) line.append(el("span", { text: job.team }));
  const place = job.locations?.label || job.location;
  if (place) line.append(el("span", { text: place, title: place === job.location ? null : job.location }));
  const workplace = job.locations?.workplace;
  if (job.remote) line.append(el("span", { class: "badge remote", text: "Remote" }));
  else if (workplace === "hybrid" || workplace === "on-site") line.append(el("span", { class: "badge", text: workplace === "hybrid" ? "Hybrid" : "On-site" }));
  return line;
}

function tags(job) {
  const row = el("div", { class: "tags" });
  if (job.languages.length) row.append(el("ul", { class: "chips", "aria-label": "Languages" }, ...job.languages.map((l) => el("li", { text: l }))));
  const when = job.updated_at ? new Date(job.updated_at) : null;
  if (when && !isNaN(when)) {
    const day = when.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
    row.append(el("time", { datetime: job.updated_at, text: `Updated ${day}` }));
  }
  return row;
}

function external(url, text, cls = "") {
  if (!/^https?:\/\//i.test(url || "")) return null; // never a javascript: or data: URL
  return el("a", { class: `external ${cls}`, href: url, target: "_blank", rel: "noopener noreferrer nofollow" },
    text, el("span", { class: "sr", text: " (opens in a new tab)" }));
}

function card(hit, state) {
  const posting = { ...state, view: "posting", id: hit.id };
  return el("article", { class: "card" }, logo(hit.company), el("div", { class: "body" },
    el("h2", {}, link(hit.title, posting)),
    facts(hit),
    hit.snippet ? el("p", { class: "match" },
      hit.section ? el("span", { class: "section", text: hit.section }) : null,
      highlighted(hit.snippet, hit.highlights)) : null,
    tags(hit),
    el("div", { class: "actions" },
      link(["Similar jobs", el("span", { class: "sr", text: ` like ${hit.title}` })], { ...state, view: "similar", id: hit.id, offset: 0 }),
      external(hit.url, "Original posting"))));
}

// ---- Filters: real checkboxes, with counts; OR within a field, AND across fields.
function checkbox(field, facet, state) {
  const input = el("input", { type: "checkbox", name: field, value: facet.value, "data-key": `${field}:${facet.value}` });
  input.checked = state.filters[field].includes(facet.value);
  input.addEventListener("change", () => {
    const now = readState(); // not the render's copy: two quick clicks both count
    const rest = now.filters[field].filter((v) => v !== facet.value);
    go({ ...now, offset: 0, filters: { ...now.filters, [field]: input.checked ? [...rest, facet.value] : rest } });
  });
  return el("label", { class: "facet" }, input, el("span", { text: facet.label }), el("span", { class: "count", text: facet.count }));
}

function drawFilters(facets, state) {
  const aside = $("filters");
  const key = aside.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  aside.replaceChildren();
  if (!facets) return;
  const chosen = filterCount(state);
  const box = el("details", { class: "filters" }, el("summary", { text: chosen ? `Filters (${chosen})` : "Filters" }));
  box.open = ui.filtersOpen ?? window.matchMedia("(min-width: 800px)").matches; // folded on a phone
  box.addEventListener("toggle", () => { ui.filtersOpen = box.open; });
  const workplaces = new Set((facets.workplace || []).map((f) => f.value));
  for (const field of FIELDS) {
    // the API lists remote/hybrid/on-site under location too (older clients filter there); here they have their own group
    const values = (facets[field] || []).filter((f) => field !== "location" || !workplaces.has(f.value));
    for (const v of state.filters[field]) if (!values.some((f) => f.value === v)) values.push({ value: v, label: v, count: 0 });
    if (!values.length) continue;
    const all = ui.expanded[field] || values.length <= SHOWN + 2;
    const shown = all ? values : values.filter((f, i) => i < SHOWN || state.filters[field].includes(f.value));
    const group = el("fieldset", {}, el("legend", { text: field[0].toUpperCase() + field.slice(1) }), ...shown.map((f) => checkbox(field, f, state)));
    if (!all) group.append(el("button", { type: "button", class: "more", text: `Show all ${values.length}`, onclick: () => {
      ui.expanded[field] = true;
      drawFilters(facets, state);
      aside.querySelectorAll(`input[name=${field}]`)[SHOWN]?.focus();
    } }));
    box.append(group);
  }
  if (chosen) box.append(link("Clear all filters", { ...state, offset: 0, filters: noFilters() }, { class: "clear" }));
  aside.append(box);
  if (key) [...aside.querySelectorAll("[data-key]")].find((n) => n.dataset.key === key)?.focus();
}

// ---- Views.
function status(text) { $("status").textContent = text; }

function pager(state, body) {
  const step = (text, offset, rel) => (offset === null
    ? el("span", { class: "off", "aria-disabled": "true", text })
    : link(text, { ...state, offset }, { rel }));
  return el("nav", { class: "pager", "aria-label": "Pages" },
    step("← Previous", body.offset > 0 ? Math.max(0, body.offset - body.limit) : null, "prev"),
    el("span", { text: `${body.offset + 1}–${body.offset + body.results.length} of ${body.total}` }),
    step("Next →", body.offset + body.limit < body.total ? body.offset + body.limit : null, "next"));
}

function noMatch(state, body) {
  const box = el("div", { class: "empty" }, el("h2", { text: "No good match" }));
  if (body.total > 0) {
    box.append(el("p", {}, "This page is past the last result. ", link("Go to the first page", { ...state, offset: 0 })));
  } else {
    box.append(el("p", { text: "None of our postings fits that description well enough to show. Try describing the work, the skills or the place in other words." }));
    if (filterCount(state)) box.append(el("p", {}, link("Search again without filters", { ...state, offset: 0, filters: noFilters() })));
  }
  return box;
}

async function loadResults(state) {
  const p = new URLSearchParams({ offset: state.offset, limit: state.limit });
  if (state.view === "similar") {
    const id = encodeURIComponent(state.id);
    const [body, source] = await Promise.all([api(`/v1/postings/${id}/similar?${p}`), api(`/v1/postings/${id}`)]);
    return () => drawResults(state, body, source);
  }
  if (state.q) p.set("q", state.q);
  if (state.exact) p.set("spellcheck", "false");
  for (const f of FIELDS) for (const v of state.filters[f]) p.append(f, v);
  const body = state.q.length > LONG_QUERY
    ? await api("/v1/search", { ...state.filters, q: state.q, offset: state.offset, limit: state.limit, spellcheck: !state.exact })
    : await api(`/v1/search?${p}`);
  body.facets ??= await api("/v1/facets"); // the newest-first listing comes without counts
  return () => drawResults(state, body, null);
}

function drawResults(state, body, source) {
  drawFilters(source ? null : body.facets, state);
  const title = source ? `Jobs similar to ${source.title}` : state.q ? "Jobs matching your description" : "Newest jobs";
  $("head").replaceChildren(el("h1", { tabindex: "-1", text: title }));
  if (source) $("head").prepend(backLink("← Back to the posting", { ...state, view: "posting", offset: 0 }));
  if (body.corrected_query) { // "did you mean": what was searched, and a way back to the words typed
    $("head").append(el("p", { class: "corrected" }, "Showing results for ", el("strong", { text: body.corrected_query }), ". ",
      link(`Search instead for ${state.q}`, { ...state, offset: 0, exact: true }, { class: "original" })));
  }
  if (body.query_level) { // the seniority the description named: first in the ranking, not a filter
    const level = LEVEL_NAMES[body.query_level] || body.query_level;
    $("head").append(el("p", { class: "understood-level", text: `${level} roles come first, as your description asks.` }));
  }
  const langs = body.query_languages || [];
  if (langs.length) $("head").append(el("p", { class: "understood-languages", text: `Jobs in ${langs.join(" or ")} come first, as your description asks.` }));
  const workplace = body.query_workplace; // remote, hybrid or on-site; query_location repeats it
  const places = (body.query_location || []).filter((w) => w !== workplace);
  if (workplace || places.length) { // where the description asked for: preferred in the ranking, not a filter
    const kind = WORKPLACE_JOBS[workplace] || "Jobs";
    const jobs = `${kind}${places.length ? ` in ${places.join(" or ")}` : ""}`;
    $("head").append(el("p", { class: "understood", text: `${jobs} come first, as your description asks.` }));
  }
  const n = body.total;
  const pages = Math.ceil(n / body.limit);
  const page = Math.floor(body.offset / body.limit) + 1;
  if (!body.results.length) {
    status(n > 0 ? "No results on this page" : "No jobs match");
    $("content").replaceChildren(noMatch(state, body));
  } else {
    const jobs = n === 1 ? "job" : "jobs";
    const what = source ? `similar ${jobs}` : state.q ? `${jobs} match${n === 1 ? "es" : ""} your description` : `${jobs}, newest first`;
    status(`${n} ${what}${pages > 1 ? `, page ${page} of ${pages}` : ""}`);
    $("content").replaceChildren(el("ol", { class: "results" }, ...body.results.map((hit) => el("li", {}, card(hit, state)))),
      pages > 1 || body.offset ? pager(state, body) : "");
  }
  document.title = `${source ? title : state.q ? state.q.slice(0, 60) : "Newest jobs"} · jobsearch`;
}

// Section text: paragraphs split by blank lines; lines starting "- " are list items.
function sectionBody(text) {
  const out = [];
  for (const block of text.split(/\n\s*\n/)) {
    let list = null;
    for (const line of block.split("\n").map((l) => l.trim()).filter(Boolean)) {
      if (!line.startsWith("- ")) { list = null; out.push(el("p", { text: line })); continue; }
      if (!list) out.push((list = el("ul")));
      list.append(el("li", { text: line.slice(2) }));
    }
  }
  return out;
}

async function loadPosting(state) {
  const job = await api(`/v1/postings/${encodeURIComponent(state.id)}`);
  return () => {
    drawFilters(null, state);
    status("");
    const article = el("article", { class: "posting" },
      backLink("← Back to results", { ...state, view: "search", id: "" }),
      el("div", { class: "title" }, logo(job.company), el("div", {}, el("h1", { tabindex: "-1", text: job.title }), facts(job))),
      tags(job),
      el("div", { class: "actions" },
        external(job.url, "Apply on the company's site", "button"),
        link("Similar jobs", { ...state, view: "similar", offset: 0 }, { class: "button secondary" })),
      ...job.sections.map((s) => el("section", {}, s.heading ? el("h2", { text: s.heading }) : null, ...sectionBody(s.text))));
    $("head").replaceChildren();
    $("content").replaceChildren(article);
    document.title = `${job.title}, ${job.company} · jobsearch`;
  };
}

function drawError(error, state) {
  drawFilters(null, state);
  const gone = error.status === 404;
  status(gone ? "Posting not found" : "Something went wrong");
  $("head").replaceChildren();
  $("content").replaceChildren(el("div", { class: "empty", role: "alert" },
    el("h1", { tabindex: "-1", text: gone ? "This posting is no longer listed" : "Something went wrong" }),
    el("p", { text: error.message }),
    el("p", {}, link("Back to search", { ...state, view: "search", id: "" }))));
}

async function render(how, scrollY) {
  const state = readState();
  const seq = ++ui.seq;
  $("q").value = state.q;
  $("main").setAttribute("aria-busy", "true");
  const draw = await (state.view === "posting" ? loadPosting(state) : loadResults(state))
    .catch((error) => () => drawError(error, state));
  if (seq !== ui.seq) return; // a newer navigation started meanwhile: it draws
  const inFilters = $("filters").contains(document.activeElement);
  draw();
  $("main").removeAttribute("aria-busy");
  if (how === "load" || inFilters) return; // a ticked box keeps focus and scroll
  window.scrollTo(0, how === "pop" ? scrollY || 0 : 0);
  $("main").querySelector("h1")?.focus({ preventScroll: true });
}

document.addEventListener("DOMContentLoaded", () => {
  history.scrollRestoration = "manual";
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    go({ ...readState(), q: $("q").value.trim(), offset: 0, view: "search", id: "", exact: false });
  });
  $("q").addEventListener("keydown", (event) => { // Enter searches, Shift+Enter adds a line
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); $("search").requestSubmit(); }
  });
  window.addEventListener("popstate", (event) => render("pop", event.state?.scrollY));
  render("load");
});
