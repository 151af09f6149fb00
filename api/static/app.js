// jobsearch search page: plain JavaScript, no build step. Posting text comes from third
// parties, so it only ever reaches the page through textContent (never innerHTML).
"use strict";

const FIELDS = ["team", "location", "language"];
const PAGE = 10;
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "", offset: Number(p.get("offset")) || 0, view: p.get("view") || "search",
    id: p.get("id") || "", filters: Object.fromEntries(FIELDS.map((f) => [f, p.getAll(f)])),
  };
}

function stateQuery(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const f of FIELDS) for (const v of state.filters[f]) p.append(f, v);
  if (state.offset) p.set("offset", state.offset);
  if (state.view !== "search") { p.set("view", state.view); p.set("id", state.id); }
  return p;
}

function go(state) {
  history.pushState(null, "", "?" + stateQuery(state).toString());
  render();
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || response.statusText);
  return body;
}

function highlighted(text, spans) {
  const p = el("span");
  let at = 0;
  for (const [start, end] of spans || []) {
    if (start < at) continue;
    p.append(text.slice(at, start), el("mark", { text: text.slice(start, end) }));
    at = end;
  }
  p.append(text.slice(at));
  return p;
}

function meta(hit) {
  const line = el("div", { class: "meta" }, el("span", { text: hit.company }));
  if (hit.team) line.append(el("span", { text: hit.team }));
  if (hit.location) line.append(el("span", { text: hit.location }));
  if (hit.remote) line.append(el("span", { class: "badge", text: "Remote" }));
  return line;
}

function resultCard(hit, state) {
  const open = (view) => () => go({ ...state, view, id: hit.id, offset: view === "similar" ? 0 : state.offset });
  const card = el("article", { class: "card" },
    el("h2", {}, el("a", { href: "?" + stateQuery({ ...state, view: "posting", id: hit.id }), text: hit.title,
      onclick: (e) => { e.preventDefault(); open("posting")(); } })),
    meta(hit));
  if (hit.languages.length) card.append(el("ul", { class: "chips", "aria-label": "Languages" }, ...hit.languages.map((l) => el("li", { text: l }))));
  if (hit.snippet) {
    card.append(el("p", { class: "match" },
      hit.section ? el("span", { class: "section", text: `Matched in “${hit.section}”: ` }) : null,
      highlighted(hit.snippet, hit.highlights)));
  }
  card.append(el("div", { class: "actions" },
    el("button", { class: "link", type: "button", text: "View posting", onclick: open("posting") }),
    el("button", { class: "link", type: "button", text: "Similar jobs", onclick: open("similar") })));
  return card;
}

function renderFacets(facets, state) {
  const box = $("facets");
  box.replaceChildren();
  if (!facets) return;
  const names = { team: "Team", location: "Location", language: "Language" };
  for (const field of FIELDS) {
    const values = facets[field] || [];
    if (!values.length && !state.filters[field].length) continue;
    const group = el("details", {}, el("summary", { text: names[field] }));
    // Open on wide screens; on a phone the results come first and the facets fold away.
    group.open = window.matchMedia("(min-width: 761px)").matches || state.filters[field].length > 0;
    for (const facet of values) {
      const checked = state.filters[field].includes(facet.value);
      const input = el("input", { type: "checkbox", name: field, value: facet.value });
      input.checked = checked;
      input.addEventListener("change", () => {
        const chosen = state.filters[field].filter((v) => v !== facet.value);
        if (input.checked) chosen.push(facet.value);
        go({ ...state, offset: 0, view: "search", filters: { ...state.filters, [field]: chosen } });
      });
      group.append(el("label", {}, input, el("span", { text: facet.label }), el("span", { class: "count", text: String(facet.count) })));
    }
    box.append(group);
  }
}

function pager(body, state) {
  const bar = el("nav", { class: "pager", "aria-label": "Pages" });
  const prev = el("button", { class: "secondary", type: "button", text: "Previous", onclick: () => go({ ...state, offset: Math.max(0, state.offset - PAGE) }) });
  const next = el("button", { class: "secondary", type: "button", text: "Next", onclick: () => go({ ...state, offset: state.offset + PAGE }) });
  prev.disabled = state.offset === 0;
  next.disabled = state.offset + PAGE >= body.total;
  bar.append(prev, el("span", { text: `${state.offset + 1}–${Math.min(state.offset + PAGE, body.total)} of ${body.total}` }), next);
  return bar;
}

async function renderResults(state, similarTo) {
  const p = stateQuery({ ...state, view: "search" });
  p.set("limit", PAGE);
  const body = similarTo ? await api(`/v1/postings/${encodeURIComponent(similarTo)}/similar?${p}`) : await api(`/v1/search?${p}`);
  renderFacets(similarTo ? null : body.facets, state);
  const content = $("content");
  content.replaceChildren();
  if (similarTo) content.append(el("button", { class: "link", type: "button", text: "← Back", onclick: () => history.back() }));
  if (!body.results.length) {
    $("status").textContent = "No good match.";
    content.append(el("div", { class: "empty" }, el("h2", { text: "No good match" }),
      el("p", { text: "Nothing we have fits that description well enough to show. Try describing the role or the skills differently, or remove a filter." })));
    return;
  }
  const what = similarTo ? "similar jobs" : state.q ? "matching jobs" : "jobs, newest first";
  $("status").textContent = `${body.total} ${what}`;
  content.append(...body.results.map((hit) => resultCard(hit, state)));
  if (body.total > PAGE) content.append(pager(body, state));
}

function sectionBody(text) {
  const parts = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim());
    if (lines.length && lines.every((l) => l.startsWith("- "))) parts.push(el("ul", {}, ...lines.map((l) => el("li", { text: l.slice(2) }))));
    else for (const line of lines) parts.push(line.startsWith("- ") ? el("ul", {}, el("li", { text: line.slice(2) })) : el("p", { text: line }));
  }
  return parts;
}

async function renderPosting(state) {
  const posting = await api(`/v1/postings/${encodeURIComponent(state.id)}`);
  renderFacets(null, state);
  $("status").textContent = "";
  const article = el("article", { class: "card posting" },
    el("button", { class: "link", type: "button", text: "← Back to results", onclick: () => history.back() }),
    el("h1", { text: posting.title }), meta(posting));
  if (posting.languages.length) article.append(el("ul", { class: "chips" }, ...posting.languages.map((l) => el("li", { text: l }))));
  for (const section of posting.sections) {
    if (section.heading) article.append(el("h2", { text: section.heading }));
    article.append(...sectionBody(section.text));
  }
  const actions = el("div", { class: "actions" }, el("button", { type: "button", text: "Similar jobs", onclick: () => go({ ...state, view: "similar", offset: 0 }) }));
  if (/^https?:\/\//.test(posting.url || "")) actions.append(el("a", { href: posting.url, rel: "noopener noreferrer", target: "_blank", text: "Apply on the employer's site" }));
  article.append(actions);
  $("content").replaceChildren(article);
  document.title = `${posting.title}: jobsearch`;
}

async function render() {
  const state = readState();
  $("q").value = state.q;
  document.title = state.q ? `${state.q.slice(0, 60)}: jobsearch` : "jobsearch";
  try {
    if (state.view === "posting") await renderPosting(state);
    else await renderResults(state, state.view === "similar" ? state.id : null);
  } catch (error) {
    $("status").textContent = `Something went wrong: ${error.message}`;
    $("content").replaceChildren();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    const state = readState();
    go({ ...state, q: $("q").value.trim(), offset: 0, view: "search", id: "" });
    $("main").focus();
  });
  $("q").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("search").requestSubmit(); }
  });
  window.addEventListener("popstate", render);
  render();
});
