// The GPU console: plain DOM, no framework, every figure from /api/v1/. Data is only ever put in the page as text
// (textContent, never innerHTML), so a pod or node name cannot inject markup.
(function () {
  "use strict";

  const API = "api/v1/";
  const main = document.getElementById("main");
  let refreshTimer = null;
  let charts = [];

  // ---- helpers ---------------------------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.substring(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function token() {
    return sessionStorage.getItem("kubegpu-console-token");
  }

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.error ? body.error : "HTTP " + status);
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(path, params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) {
      if (Array.isArray(value)) value.forEach(v => query.append(key, v));
      else if (value !== null && value !== undefined && value !== "") query.append(key, value);
    }
    const headers = { "Accept": "application/json" };
    if (token()) headers["Authorization"] = "Bearer " + token();
    const url = API + path + (query.toString() ? "?" + query : "");
    const response = await fetch(url, { headers: headers });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  function pct(ratio) {
    return ratio === null || ratio === undefined ? "–" : (ratio * 100).toFixed(ratio < 0.1 && ratio > 0 ? 1 : 0) + " %";
  }

  function num(value, digits) {
    if (value === null || value === undefined) return "–";
    return Number(value).toFixed(digits === undefined ? 0 : digits).replace(/\.0+$/, "");
  }

  function mem(mib) {
    if (!mib) return "–";
    return mib % 1024 === 0 ? mib / 1024 + " GiB" : (mib / 1024).toFixed(1) + " GiB";
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + m + "m";
    if (m > 0) return m + "m " + s + "s";
    return s + "s";
  }

  function time(iso) {
    return iso ? new Date(iso).toLocaleString() : "–";
  }

  function hashParams() {
    const hash = location.hash || "#/cluster";
    const q = hash.indexOf("?");
    return new URLSearchParams(q < 0 ? "" : hash.substring(q + 1));
  }

  function go(path, params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== "") query.set(key, value);
    }
    location.hash = "#/" + path + (query.toString() ? "?" + query : "");
  }

  function stat(id, label, value, sub, href) {
    const box = el("div", { class: "stat", id: id },
      el("div", { class: "label", text: label }),
      el("div", { class: "value", "data-value": value, text: String(value) }),
      sub ? el("div", { class: "sub", text: sub }) : null);
    return href ? el("a", { href: href, class: "stat-link" }, box) : box;
  }

  function loaded(page) {
    main.setAttribute("data-loaded", page);
    const now = new Date();
    document.getElementById("refreshed").textContent = "updated " + now.toLocaleTimeString();
  }

  function showError(error, where) {
    if (error instanceof ApiError && error.status === 401) {
      askToken(error.body.error);
      return;
    }
    (where || main).replaceChildren(el("div", { class: "error", id: "error" },
      el("strong", { text: error.message }),
      error.body && error.body.fix ? el("div", { text: "Fix: " + error.body.fix }) : null));
    main.setAttribute("data-loaded", "error");
  }

  function askToken(message) {
    const input = el("input", { type: "password", id: "token", size: 40, autocomplete: "off" });
    main.replaceChildren(el("div", { class: "panel", id: "login" },
      el("h1", { text: "This console needs a token" }),
      el("p", { class: "muted", text: message || "" }),
      el("form", { onsubmit: e => { e.preventDefault(); sessionStorage.setItem("kubegpu-console-token", input.value.trim()); route(); } },
        input, " ", el("button", { type: "submit", text: "Open" }))));
    main.setAttribute("data-loaded", "login");
  }

  function reasonList(groups, id) {
    if (!groups || groups.length === 0) return el("p", { class: "muted", text: "No node refused it." });
    return el("div", { id: id, class: "reasons" }, groups.map(g => el("div", { class: "reason " + g.outcome },
      el("details", {},
        el("summary", {}, el("span", { class: "count", text: g.count + (g.count === 1 ? " node" : " nodes") }), ": " + g.reason,
          g.outcome === "unresolvable" ? el("span", { class: "muted", text: " (never, as asked)" }) : null),
        el("div", { class: "pods" }, g.nodes.map(n => el("div", {}, el("code", { text: n.node }), n.detail ? " " + n.detail : "")),
          g.count > g.nodes.length ? el("div", { class: "muted", text: "… and " + (g.count - g.nodes.length) + " more" }) : null)))));
  }

  function counterfactualList(list) {
    if (!list || list.length === 0) return null;
    return el("div", { class: "panel", id: "counterfactuals" }, el("h2", { text: "What would let it fit" }),
      el("ul", {}, list.map(c => el("li", { class: "counterfactual", text: c.text }))));
  }

  function schedule(fn) {
    clearInterval(refreshTimer);
    refreshTimer = setInterval(() => {
      if (!document.hidden && !document.activeElement.matches("input, select, textarea")) fn(true);
    }, 30000);
  }

  // ---- Cluster ---------------------------------------------------------------------------------------------------

  function cardBox(card, unavailable) {
    const states = [card.state];
    if (unavailable && card.state === "free") states.push("unavailable");
    if (card.status === "idle" || card.status === "low") states.push(card.status);
    const who = card.holders.map(h => h.pod + (h.gpus ? " (" + h.gpus + " GPUs)" : "") + (h.memoryMiB ? " " + mem(h.memoryMiB) : "")
      + (h.milli ? " " + h.milli / 1000 + " compute" : "") + (h.reserved ? " reserved" : "")).join("\n");
    const title = (card.index === undefined || card.index === null ? "GPU (held whole)" : "GPU " + card.index) + ": " + card.state
      + (unavailable && card.state === "free" ? " (node not schedulable)" : "")
      + (who ? "\n" + who : "")
      + (card.utilization !== undefined && card.utilization !== null ? "\nutilization " + card.utilization + " %" : "")
      + (card.temperature !== undefined && card.temperature !== null ? "\ntemperature " + card.temperature + " °C" : "")
      + (card.status ? "\nscorer: " + card.status : "");
    const box = el("span", { class: "card " + states.join(" "), title: title, "data-state": card.state });
    if (card.state === "shared") {
      const fill = el("span", { class: "fill" });
      const used = Math.max(card.milliUsed ? card.milliUsed / 1000 : 0, card.memoryUsedMiB && card.memory ? card.memoryUsedMiB / card.memory : 0);
      fill.style.height = Math.round(Math.min(1, used || 0.5) * 100) + "%";
      box.appendChild(fill);
    }
    return box;
  }

  function legend() {
    return el("div", { class: "legend" },
      el("span", {}, el("span", { class: "card whole" }), "held whole"),
      el("span", {}, el("span", { class: "card shared" }, el("span", { class: "fill half" })), "shared"),
      el("span", {}, el("span", { class: "card" }), "free"),
      el("span", {}, el("span", { class: "card unavailable" }), "free, node not schedulable"),
      el("span", {}, el("span", { class: "card unhealthy" }), "unhealthy"),
      el("span", {}, el("span", { class: "card idle" }), "idle or low by the scorer"));
  }

  function select(id, label, options, value, onchange) {
    const s = el("select", { id: id, onchange: onchange }, el("option", { value: "", text: "any" }),
      options.map(o => el("option", { value: o, text: o, selected: o === value })));
    return el("label", {}, label, s);
  }

  async function clusterPage(refresh) {
    const p = hashParams();
    const page = Math.max(1, parseInt(p.get("page") || "1", 10));
    const limit = 50;
    const filters = { model: p.get("model"), team: p.get("team"), state: p.get("state"), node: p.get("node") };
    const [status, nodes] = await Promise.all([api("cluster/status"),
      api("cluster/nodes", Object.assign({ offset: (page - 1) * limit, limit: limit }, filters))]);
    const u = status.utilization;
    const stats = el("div", { class: "stats", id: "stats" },
      stat("stat-nodes", "GPU nodes", status.gpuNodes, status.nodes + " nodes in all"),
      stat("stat-gpus", "GPUs", status.gpus, status.byModel.length + " models"),
      stat("stat-allocated", "Allocated", status.allocated, pct(status.allocation) + " · " + status.whole + " whole, " + status.shared + " shared"),
      stat("stat-available", "Free to schedule", status.available, status.free - status.available > 0
        ? (status.free - status.available) + " more on unschedulable nodes" : "on Ready, uncordoned nodes"),
      stat("stat-utilization", "Utilization", u && u.average !== undefined ? num(u.average, 1) + " %" : "–",
        u ? u.gpus + " GPUs scored · " + u.idle + " idle, " + u.low + " low" + (u.stale ? " · stale" : "") : "scorer not running here"),
      stat("stat-pending", "Pending GPU pods", status.pendingPods, "see Pending", "#/pending"),
      stat("stat-attention", "Not Ready / cordoned", status.notReadyNodes + " / " + status.cordonedNodes, status.taintedNodes + " tainted"));

    const change = () => go("cluster", {
      model: document.getElementById("f-model").value, team: document.getElementById("f-team").value,
      state: document.getElementById("f-state").value, node: document.getElementById("f-node").value });
    const nodeInput = el("input", { id: "f-node", value: filters.node || "", placeholder: "part of a name", onchange: change });
    const filterBar = el("div", { class: "filters" },
      select("f-model", "Model", nodes.models, filters.model, change),
      select("f-team", "Team", nodes.teams, filters.team, change),
      select("f-state", "State", nodes.states, filters.state, change),
      el("label", {}, "Node", nodeInput),
      el("button", { class: "secondary", type: "button", onclick: () => go("cluster"), text: "Clear" }));

    const totals = el("table", { id: "totals" },
      el("thead", {}, el("tr", {}, ["Model", "Nodes", "GPUs", "Whole", "Shared", "Free", "Free, unschedulable", "Unhealthy", "Allocated"]
        .map((h, i) => el("th", { class: i ? "num" : null, text: h })))),
      el("tbody", {}, nodes.byModel.map(m => el("tr", { "data-model": m.model },
        el("td", {}, el("a", { href: "#/cluster?model=" + encodeURIComponent(m.model), text: m.model })),
        el("td", { class: "num", text: m.nodes }), el("td", { class: "num", text: m.gpus }), el("td", { class: "num", text: m.whole }),
        el("td", { class: "num", text: m.shared }), el("td", { class: "num", text: m.free }), el("td", { class: "num", text: m.unavailable }),
        el("td", { class: "num", text: m.unhealthy }), el("td", { class: "num", text: pct(m.allocation) })))));

    const rows = nodes.nodes.map(n => {
      const unavailable = n.states.includes("notready") || n.states.includes("cordoned");
      return el("tr", { "data-node": n.name },
        el("td", {}, el("strong", { text: n.name })),
        el("td", {}, n.model, n.modelLabel && n.modelLabel !== n.model ? el("div", { class: "muted", text: n.modelLabel }) : null),
        el("td", { class: "num", text: mem(n.memoryMiB) }),
        el("td", {}, n.states.map(s => el("span", { class: "badge " + s, text: s })),
          n.taints.map(t => el("div", { class: "muted", text: t }))),
        el("td", { class: "cards-cell" }, el("div", { class: "cards" }, n.cards.map(c => cardBox(Object.assign({ memory: n.usableMemoryMiB }, c), unavailable)))),
        el("td", { class: "num", text: n.whole + " / " + n.shared + " / " + n.free }),
        el("td", { class: "num", text: n.utilization !== undefined ? num(n.utilization, 1) + " %" : "–" }),
        el("td", { class: "num", text: n.temperature !== undefined ? num(n.temperature) + " °C" : "–" }),
        el("td", { class: "pods" }, n.pods.map(pod => el("div", {}, pod.pod, el("span", { class: "muted", text: " " + pod.holds })))));
    });
    const first = nodes.total === 0 ? 0 : (page - 1) * limit + 1;
    const last = Math.min(nodes.total, page * limit);
    const pager = el("div", { class: "pager", id: "pager" },
      el("button", { class: "secondary", type: "button", disabled: page <= 1, onclick: () => go("cluster", Object.assign({}, filters, { page: page - 1 })), text: "‹ Previous" }),
      el("span", { id: "page-range", text: first + "–" + last + " of " + nodes.total + " nodes" }),
      el("button", { class: "secondary", type: "button", disabled: last >= nodes.total, onclick: () => go("cluster", Object.assign({}, filters, { page: page + 1 })), text: "Next ›" }));
    const table = el("table", { id: "nodes" },
      el("thead", {}, el("tr", {}, ["Node", "Model", "Memory/GPU", "State", "Cards", "Whole / shared / free", "Util.", "Temp.", "Pods"]
        .map(h => el("th", { text: h })))),
      el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: 9, class: "empty", text: "No node matches these filters." }))));
    main.replaceChildren(el("h1", { text: "Cluster" }), stats, filterBar, el("h2", { text: "Totals by model" }), totals,
      el("h2", { text: "Nodes and cards" }), legend(), pager, table);
    loaded("cluster");
    if (!refresh) schedule(clusterPage);
  }

  // ---- Teams -----------------------------------------------------------------------------------------------------

  function teamTable(id, teams, page) {
    const heads = ["Team", "GPUs", "By model", "Whole", "Shared pods", "Pods", "Pending", "Util.", "Idle", "Low"];
    if (page.quotaConfigured) heads.push("Quota");
    return el("table", { id: id },
      el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", { class: i && i !== 2 && i < 10 ? "num" : null, text: h })))),
      el("tbody", {}, teams.length ? teams.map(t => el("tr", { "data-team": t.team },
        el("td", {}, el("strong", { text: t.team }), t.kind === "group" ? el("div", { class: "muted", text: t.namespaces.join(", ") }) : null),
        el("td", { class: "num", text: num(t.gpus, 2) }),
        el("td", {}, Object.entries(t.byModel).map(([m, v]) => el("span", { class: "badge", text: m + " " + num(v, 2) }))),
        el("td", { class: "num", text: t.wholeGpus }), el("td", { class: "num", text: t.sharedPods }), el("td", { class: "num", text: t.pods }),
        el("td", { class: "num" }, t.pending ? el("a", { href: "#/pending?team=" + t.team, text: t.pending }) : "0"),
        el("td", { class: "num", text: t.utilization !== undefined ? num(t.utilization, 1) + " %" : "–" }),
        el("td", { class: "num", text: page.utilizationAvailable ? t.idle : "–" }),
        el("td", { class: "num", text: page.utilizationAvailable ? t.low : "–" }),
        page.quotaConfigured ? el("td", { text: t.quota ? Object.entries(t.quota.limit).map(([m, v]) => m + ": " + num((t.quota.used || {})[m], 2) + " of " + num(v, 2)).join(", ") : "none" }) : null))
        : el("tr", {}, el("td", { colspan: heads.length, class: "empty", text: "No team holds or waits for GPUs." }))));
  }

  async function teamsPage(refresh) {
    const page = await api("teams");
    const parts = [el("h1", { text: "Teams" }),
      el("p", { class: "muted", text: "GPUs each namespace's pods hold (a share counts as the part of its card it holds), how busy they are by the scorer ("
        + (page.utilizationAvailable ? "idle and low are the scorer's statuses" : "not running in this process") + "), and pods waiting. "
        + (page.quotaConfigured ? "" : "No quota source is configured.") }),
      teamTable("teams", page.namespaces, page)];
    if (page.groupsConfigured) parts.push(el("h2", { text: "Team groups" }), teamTable("groups", page.groups, page));
    main.replaceChildren(...parts);
    loaded("teams");
    if (!refresh) schedule(teamsPage);
  }

  // ---- Pending ---------------------------------------------------------------------------------------------------

  async function pendingPage(refresh) {
    const p = hashParams();
    const list = await api("pending", { team: p.get("team") });
    const rows = list.pods.map(pod => el("tr", { "data-pod": pod.pod },
      el("td", {}, el("a", { href: "#/pending/" + pod.namespace + "/" + pod.name, text: pod.pod })),
      el("td", { text: pod.team }), el("td", {}, el("code", { text: pod.request })),
      el("td", { class: "num", text: duration(pod.waitedSeconds) }),
      el("td", { class: "summary", text: pod.summary }),
      el("td", { class: "muted", text: pod.source === "filter" ? "extender, " + time(pod.decidedAt) : "judged now" })));
    main.replaceChildren(el("h1", { text: "Pending GPU pods" }),
      el("p", { class: "muted", text: list.total + " GPU pods wait for a node" + (p.get("team") ? " in " + p.get("team") : "") + ", oldest first. "
        + "Reasons are the extender's last filter decision where it made one, else the same fit judged now." }),
      el("table", { id: "pending" }, el("thead", {}, el("tr", {}, ["Pod", "Team", "Request", "Waiting", "Why", "Reasons from"].map(h => el("th", { text: h })))),
        el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: 6, class: "empty", text: "No GPU pod is waiting." })))));
    loaded("pending");
    if (!refresh) schedule(pendingPage);
  }

  async function pendingDetail(namespace, name) {
    const d = await api("pending/" + encodeURIComponent(namespace) + "/" + encodeURIComponent(name));
    const pod = d.pod;
    const parts = [el("p", {}, el("a", { href: "#/pending", text: "‹ all pending pods" })),
      el("h1", { text: pod.pod }),
      el("p", {}, "asks for ", el("code", { text: pod.request }), ", waiting " + duration(pod.waitedSeconds) + " (since " + time(pod.since) + "), scheduler "
        + pod.scheduler + ", team " + pod.team),
      el("div", { class: "explain", id: "explanation", text: d.explanation })];
    if (d.lastDecision) {
      parts.push(el("div", { class: "panel", id: "last-decision" },
        el("h2", { text: "The extender's last decision, " + time(d.lastDecision.at) }),
        d.lastDecision.chosen ? el("p", { text: "It chose " + d.lastDecision.chosen + "." }) : null,
        reasonList(d.lastDecision.groups, "decision-reasons")));
    }
    parts.push(el("div", { class: "panel", id: "now" },
      el("h2", { text: "Judged now on the current state (" + d.now.nodes + " nodes)" }),
      d.now.fits.length ? el("div", {}, el("p", { text: "Fits by GPU on:" }),
        el("ul", {}, d.now.fits.map(f => el("li", {}, el("code", { text: f.node }), f.note ? " — " + f.note : "")))) : null,
      reasonList(d.now.groups, "reasons")));
    const cf = counterfactualList(d.counterfactuals);
    if (cf) parts.push(cf);
    main.replaceChildren(...parts);
    loaded("pending-detail");
    clearInterval(refreshTimer);
  }

  // ---- What-if ---------------------------------------------------------------------------------------------------

  function whatIfPage() {
    const p = hashParams();
    const request = el("input", { id: "w-request", value: p.get("request") || "", placeholder: "2(V100), 0.5, 8G,0.5(T4)", autocomplete: "off" });
    const namespace = el("input", { id: "w-namespace", value: p.get("namespace") || "", placeholder: "default" });
    const annotations = el("textarea", { id: "w-annotations", placeholder: "kubegpu.io/min-gpu-memory=40G" });
    annotations.value = (p.getAll("annotation") || []).join("\n");
    const result = el("div", { id: "w-result" });
    const form = el("form", { class: "whatif-form panel", id: "whatif-form", onsubmit: e => {
      e.preventDefault();
      const query = new URLSearchParams();
      query.set("request", request.value);
      if (namespace.value) query.set("namespace", namespace.value);
      annotations.value.split("\n").map(s => s.trim()).filter(s => s).forEach(a => query.append("annotation", a));
      const target = "#/whatif?" + query;
      if (location.hash === target) ask(request.value, namespace.value, annotations.value, result);
      else location.hash = target;
    } },
      el("label", {}, "Request (kubegpu.io/gpu)", request),
      el("label", {}, "Namespace", namespace),
      el("label", {}, "Annotations, one KEY=VALUE a line", annotations),
      el("button", { type: "submit", id: "w-submit", text: "Where would it go?" }));
    main.replaceChildren(el("h1", { text: "What-if" }),
      el("p", { class: "muted", text: "Where a request would land right now, decided by the extender's own fit and placement code on the current state. Nothing is reserved." }),
      form, result);
    loaded("whatif");
    clearInterval(refreshTimer);
    if (request.value) ask(request.value, namespace.value, annotations.value, result);
  }

  async function ask(request, namespace, annotationText, result) {
    const annotations = annotationText.split("\n").map(s => s.trim()).filter(s => s);
    result.replaceChildren(el("p", { class: "muted", text: "Asking…" }));
    main.removeAttribute("data-answered");
    try {
      const a = await api("whatif", { request: request, namespace: namespace, annotation: annotations });
      const parts = [];
      if (a.placement) {
        const n = a.placement.node;
        parts.push(el("div", { class: "panel chosen", id: "w-chosen" },
          el("div", {}, el("code", { text: a.canonical }), " would go to ", el("strong", { id: "w-node", text: n.node }), " (" + n.model + ")"),
          el("div", { text: "Cards: " + a.placement.cards }),
          el("div", { class: "muted", text: "score " + num(n.score, 2) + " of 10 by " + a.policy + " · " + a.fitting + " of " + a.nodes
            + " nodes fit · GPU allocation after " + pct(n.allocatedAfter) })));
      } else {
        parts.push(el("div", { class: "panel", id: "w-nowhere" }, el("strong", { text: a.canonical + " fits no node right now." })));
      }
      if (a.runnersUp.length) {
        parts.push(el("h2", { text: "Runners-up" }), el("table", { id: "w-runners" },
          el("thead", {}, el("tr", {}, ["Node", "Model", "Score", "Free GPUs", "Allocation after"].map((h, i) => el("th", { class: i > 1 ? "num" : null, text: h })))),
          el("tbody", {}, a.runnersUp.map(r => el("tr", {}, el("td", { text: r.node }), el("td", { text: r.model }),
            el("td", { class: "num", text: num(r.score, 2) }), el("td", { class: "num", text: r.freeGpus }), el("td", { class: "num", text: pct(r.allocatedAfter) }))))));
      }
      parts.push(el("h2", { text: "The other nodes" }), reasonList(a.rejected, "w-reasons"));
      const cf = counterfactualList(a.counterfactuals);
      if (cf) parts.push(cf);
      result.replaceChildren(...parts);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) { askToken(error.body.error); return; }
      const b = error.body || {};
      const box = el("div", { class: "error", id: "w-error" },
        el("strong", { text: error.message }),
        b.code ? el("span", { class: "muted", text: " [" + b.code + "]" }) : null,
        b.column ? el("pre", { id: "w-column", text: b.value + "\n" + " ".repeat(Math.max(0, b.column - 1)) + "^ column " + b.column }) : null,
        b.fix ? el("div", { text: "Fix: " + b.fix }) : null);
      result.replaceChildren(box);
    }
    main.setAttribute("data-answered", "true");
  }

  // ---- Trends ----------------------------------------------------------------------------------------------------

  function chart(title, points, field, scale, unit, range) {
    const holder = el("div", { class: "chart", "data-series": field }, el("h3", { text: title }));
    const xs = points.map(p => Date.parse(p.at) / 1000);
    const ys = points.map(p => p[field] === undefined || p[field] === null ? null : p[field] * scale);
    if (xs.length === 0 || ys.every(v => v === null)) {
      holder.appendChild(el("div", { class: "empty", text: "No data for this window yet." }));
      return holder;
    }
    const width = Math.max(320, Math.min(1400, main.clientWidth - 70));
    charts.push(new uPlot({
      width: width, height: 200, legend: { show: true },
      scales: { x: { time: true, range: () => range }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
      series: [{}, { label: title, stroke: "#2b6cb0", fill: "rgba(43,108,176,0.12)", width: 2, spanGaps: false, points: { show: xs.length < 120 },
        value: (u, v) => v === null || v === undefined ? "–" : v.toFixed(1) + unit }],
      axes: [{}, { values: (u, vals) => vals.map(v => v + unit) }]
    }, [xs, ys], holder));
    return holder;
  }

  async function trendsPage(refresh) {
    const p = hashParams();
    const team = p.get("team") || "";
    const t = await api("trends", { hours: p.get("hours"), team: team });
    const hours = String(t.hours);
    charts.forEach(c => c.destroy());
    charts = [];
    const end = Date.parse(t.at) / 1000;
    // A history shorter than the window (a console that started minutes ago) is drawn over the time it covers.
    const first = t.points.length ? Date.parse(t.points[0].at) / 1000 : end - t.hours * 3600;
    const range = [Math.max(end - t.hours * 3600, Math.min(first, end - 60)), end];
    const change = () => go("trends", { hours: document.getElementById("t-hours").value, team: document.getElementById("t-team").value });
    const controls = el("div", { class: "filters" },
      el("label", {}, "Window", el("select", { id: "t-hours", onchange: change },
        [...new Set(["1", "6", "24", "48", "168", "720", hours])].filter(h => Number(h) <= t.maxHours).sort((a, b) => a - b)
          .map(h => el("option", { value: h, selected: h === hours, text: Number(h) <= 48 ? h + " h" : Number(h) / 24 + " days" })))),
      el("label", {}, "Team", el("select", { id: "t-team", onchange: change }, el("option", { value: "", text: "whole cluster" }),
        t.teams.map(name => el("option", { value: name, selected: name === team, text: name })))));
    main.replaceChildren(el("h1", { text: "Trends" }), controls,
      el("p", { class: "muted", id: "t-note", text: t.points.length + " points, " + t.source + ": " + (t.note || "")
        + (t.points.length && range[0] > end - t.hours * 3600 ? "; drawn since the first sample, " + time(t.points[0].at) : "") }));
    if (!team) main.appendChild(chart("GPU allocation", t.points, "allocation", 100, " %", range));
    main.appendChild(chart("GPUs allocated", t.points, "allocatedGpus", 1, "", range));
    main.appendChild(chart("Average GPU utilization", t.points, "utilization", 1, " %", range));
    main.appendChild(chart("Pending GPU pods", t.points, "pending", 1, "", range));
    loaded("trends");
    if (!refresh) schedule(trendsPage);
  }

  // ---- routing ---------------------------------------------------------------------------------------------------

  async function route() {
    const hash = (location.hash || "#/cluster").substring(2);
    const path = hash.split("?")[0].split("/");
    document.querySelectorAll("header nav a").forEach(a => a.classList.toggle("active", a.dataset.page === path[0]));
    main.removeAttribute("data-loaded");
    try {
      switch (path[0]) {
        case "teams": await teamsPage(); break;
        case "pending":
          if (path.length >= 3) await pendingDetail(decodeURIComponent(path[1]), decodeURIComponent(path[2]));
          else await pendingPage();
          break;
        case "whatif": whatIfPage(); break;
        case "trends": await trendsPage(); break;
        default: await clusterPage();
      }
    } catch (error) {
      showError(error);
    }
  }

  window.addEventListener("hashchange", route);
  route();
})();
