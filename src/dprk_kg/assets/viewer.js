// dprk-kg graph viewer: a small canvas viewer for one exported view. A view of a few hundred
// nodes is laid out in layers by dagre (vendored from npm, MIT: assets/vendor/), the party's
// organs and posts in one box and the state's in another, each label inside its node's box
// so that none collides; bigger views fall back to a force layout, grouped by kind.
// Data comes from the JSON block #graph-data; every text reaches the page through
// textContent or canvas fillText, never as HTML, so a label cannot run as code.
(function () {
  "use strict";
  const P = JSON.parse(document.getElementById("graph-data").textContent);
  const canvas = document.getElementById("canvas");
  const ctx = canvas.getContext("2d");
  const $ = (id) => document.getElementById(id);
  const HIDDEN_KEYS = new Set(["id", "label", "kind", "iri", "type", "value", "name", "side"]);
  const KEY_NAMES = { type_label: "type", label_en: "English", label_ko: "Korean", alt_labels: "other names" };
  // Past this many nodes shown, the layered layout gives way to the force layout.
  const LAYERED_MAX = 400;

  // ---- data -------------------------------------------------------------------------
  const nodes = P.graph.elements.nodes.map((n) => n.data);
  const edges = P.graph.elements.edges.map((e) => e.data);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const groupOf = (n) => n.kind + " · " + (n.level || "no level");
  const groupSize = new Map();
  for (const n of nodes) groupSize.set(groupOf(n), (groupSize.get(groupOf(n)) || 0) + 1);
  const hiddenKinds = new Set();
  const expanded = new Set();
  let collapsed = !!P.collapsed;
  let selected = null;
  let matches = new Set();
  const pos = new Map(); // display id -> {x, y}
  let view = { x: 0, y: 0, k: 1 };
  let display = { nodes: [], edges: [] };
  let shownById = new Map();

  const fold = (s) => String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  const searchText = new Map(nodes.map((n) =>
    [n.id, [n.label, n.label_en, n.label_ko, n.alt_labels, n.id].map(fold).join("\u0000")]));

  function hashUnit(s, salt) { // deterministic start positions
    let h = 2166136261 ^ salt;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
    return ((h >>> 0) % 10000) / 10000 - 0.5;
  }

  // ---- what is shown: nodes, or groups of nodes by kind and level ---------------------
  let asOf = P.asOf || "";
  // A fact that had not begun, or had ended, on the "as of" date is not shown.
  function outOfDate(d) {
    if (!asOf) return false;
    return (d.start && String(d.start) > asOf) || (d.end && String(d.end) < asOf) || false;
  }
  function representative(n) {
    if (hiddenKinds.has(n.kind) || outOfDate(n)) return null;
    if (collapsed && !expanded.has(groupOf(n))) return "group:" + groupOf(n);
    return n.id;
  }

  function computeDisplay() {
    const shown = new Map();
    for (const n of nodes) {
      const r = representative(n);
      if (r === null) continue;
      if (!shown.has(r)) {
        shown.set(r, r === n.id ? { id: r, node: n, kind: n.kind, label: n.label, count: 1 }
          : { id: r, group: groupOf(n), kind: n.kind, label: groupOf(n), count: 0 });
      }
      if (r !== n.id) shown.get(r).count += 1;
    }
    for (const d of shown.values()) if (d.group) d.label = d.group + " (" + d.count + ")";
    const seen = new Map();
    for (const e of edges) {
      const a = byId.get(e.source), b = byId.get(e.target);
      if (!a || !b) continue;
      const ra = representative(a), rb = representative(b);
      if (ra === null || rb === null || ra === rb || outOfDate(e)) continue;
      const key = ra + "\u0000" + rb + "\u0000" + (ra.startsWith("group:") || rb.startsWith("group:") ? "" : e.id);
      if (!seen.has(key)) seen.set(key, { source: ra, target: rb, data: e, count: 0 });
      seen.get(key).count += 1;
    }
    display = { nodes: [...shown.values()], edges: [...seen.values()] };
    shownById = shown;
    for (const d of display.nodes) {
      if (!pos.has(d.id)) {
        // A node out of a group starts around where the group was, spread by the group's size.
        const home = d.node && pos.get("group:" + groupOf(d.node));
        const spread = home ? Math.sqrt(groupSize.get(groupOf(d.node))) * 60 : Math.sqrt(display.nodes.length) * 60;
        pos.set(d.id, { x: (home ? home.x : 0) + hashUnit(d.id, 1) * spread,
                        y: (home ? home.y : 0) + hashUnit(d.id, 2) * spread });
      }
    }
    $("status").textContent = display.nodes.length + " shown of " + nodes.length + " nodes, " + edges.length + " edges"
      + (collapsed ? " (grouped by type and level: click a group to open it)" : "");
    $("expand-all").hidden = !collapsed;
  }

  // ---- layout: Fruchterman-Reingold for a fixed number of steps as the temperature falls,
  // then the physics stops (a large graph must not keep the page busy) -------------------
  // A quadtree of points: each cell knows its mass (count) and centre of mass.
  function quadtree(ns, members, depth) {
    let cx = 0, cy = 0, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const i of members) {
      const p = ns[i]; cx += p.x; cy += p.y;
      x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
    }
    const cell = { mass: members.length, cx: cx / members.length, cy: cy / members.length,
                   size: Math.max(x1 - x0, y1 - y0), members, children: null };
    if (members.length > 8 && depth < 24 && cell.size > 1) {
      const mx = (x0 + x1) / 2, my = (y0 + y1) / 2, parts = [[], [], [], []];
      for (const i of members) parts[(ns[i].x > mx ? 1 : 0) + (ns[i].y > my ? 2 : 0)].push(i);
      cell.children = parts.filter((q) => q.length).map((q) => quadtree(ns, q, depth + 1));
    }
    return cell;
  }

  function layout(steps) {
    const ns = display.nodes.map((d) => pos.get(d.id));
    const index = new Map(display.nodes.map((d, i) => [d.id, i]));
    const links = display.edges.map((e) => [index.get(e.source), index.get(e.target)]);
    const k = 70, n = ns.length;
    const dx = new Float64Array(n), dy = new Float64Array(n);
    // Past a few hundred nodes, far-away nodes repel as groups (a Barnes-Hut quadtree), so a
    // step costs about n log n rather than n².
    const approximate = n > 300;
    const t0 = Math.max(40, Math.sqrt(n) * 25), gravity = 0.05 + 0.015 * Math.min(n, 300);
    const push = (i, x, y, mass) => {
      let d2 = x * x + y * y;
      if (d2 < 0.01) { x = hashUnit(String(i), n) + 0.1; y = hashUnit(String(n), i) + 0.1; d2 = x * x + y * y; }
      const f = mass * (k * k) / d2; // repulsion k²/d along the unit vector, per unit of mass
      dx[i] += x * f; dy[i] += y * f;
    };
    const repelFrom = (cell, i) => {
      const x = ns[i].x - cell.cx, y = ns[i].y - cell.cy;
      if (!cell.children) {
        for (const j of cell.members) if (j !== i) push(i, ns[i].x - ns[j].x, ns[i].y - ns[j].y, 1);
      } else if (cell.size * cell.size < 0.8 * (x * x + y * y)) {
        push(i, x, y, cell.mass); // far enough: the whole cell as one mass
      } else {
        for (const c of cell.children) repelFrom(c, i);
      }
    };
    for (let step = 0; step < steps; step++) {
      dx.fill(0); dy.fill(0);
      if (approximate) {
        const tree = quadtree(ns, [...ns.keys()], 0);
        for (let i = 0; i < n; i++) repelFrom(tree, i);
      } else {
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) push(i, ns[i].x - ns[j].x, ns[i].y - ns[j].y, 1);
      }
      for (const [i, j] of links) {
        const x = ns[j].x - ns[i].x, y = ns[j].y - ns[i].y;
        const f = Math.sqrt(x * x + y * y) / k; // attraction d²/k along the unit vector
        dx[i] += x * f; dy[i] += y * f; dx[j] -= x * f; dy[j] -= y * f;
      }
      const t = t0 * (1 - step / steps) + 1;
      for (let i = 0; i < n; i++) {
        const gx = dx[i] - ns[i].x * gravity, gy = dy[i] - ns[i].y * gravity; // keeps parts together
        const len = Math.sqrt(gx * gx + gy * gy) || 1;
        const move = Math.min(len, t);
        ns[i].x += gx / len * move; ns[i].y += gy / len * move;
      }
    }
  }

  // ---- the layered layout: dagre, party and state each in a box of its own ------------------
  let layered = false;
  const boxes = new Map(); // display id -> {x, y, w, h, lines}  (layered layout only)
  let clusters = [];
  let routes = new Map(); // edge index -> points
  const measure = document.createElement("canvas").getContext("2d");
  const FONT = "12px 'Noto Sans CJK KR', 'Noto Sans', sans-serif";

  function wrapLabel(text) { // at most 3 lines of about 26 characters, the rest cut with "…"
    const words = String(text).split(/\s+/), lines = [];
    let line = "";
    for (const w of words) {
      if ((line + " " + w).trim().length > 26 && line) { lines.push(line); line = w; } else line = (line + " " + w).trim();
    }
    if (line) lines.push(line);
    if (lines.length > 3) { lines.length = 3; lines[2] = lines[2].slice(0, 25) + "…"; }
    return lines.length ? lines : [""];
  }

  function layoutLayered() {
    const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
    g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 46, edgesep: 12, marginx: 20, marginy: 20 });
    g.setDefaultEdgeLabel(() => ({}));
    measure.font = FONT;
    const sides = new Set();
    boxes.clear();
    for (const d of display.nodes) {
      const lines = wrapLabel(d.label);
      const w = Math.max(...lines.map((l) => measure.measureText(l).width)) + 16, h = lines.length * 15 + 10;
      boxes.set(d.id, { w, h, lines, x: 0, y: 0 });
      g.setNode(d.id, { width: w, height: h });
      const side = d.node && d.node.side;
      if (side === "party" || side === "state") {
        sides.add(side);
        g.setNode("side:" + side, { label: side === "party" ? "party (de facto)" : "state (de jure)" });
        g.setParent(d.id, "side:" + side);
      }
    }
    display.edges.forEach((e, i) => g.setEdge(e.source, e.target, {}, "e" + i));
    dagre.layout(g);
    for (const [id, b] of boxes) { const n = g.node(id); b.x = n.x; b.y = n.y; pos.set(id, { x: n.x, y: n.y }); }
    clusters = [...sides].map((s) => ({ side: s, ...g.node("side:" + s) }));
    routes = new Map(display.edges.map((e, i) => [i, (g.edge(e.source, e.target, "e" + i) || {}).points || []]));
  }

  // ---- drawing ----------------------------------------------------------------------
  function resize() {
    const r = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, r.width * ratio); canvas.height = Math.max(1, r.height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    draw();
  }

  // Radii shrink less than the drawing when zooming out, so nodes stay visible.
  function radius(d) { return (d.group ? 10 + Math.min(24, Math.sqrt(d.count) * 3) : 8) / Math.sqrt(view.k); }
  function fill(kind) { return (P.nodeKinds[kind] || { fill: "#ffffff" }).fill; }

  function draw() {
    const w = canvas.clientWidth, h = canvas.clientHeight;
    ctx.save();
    ctx.clearRect(0, 0, w, h);
    ctx.translate(w / 2 + view.x, h / 2 + view.y);
    ctx.scale(view.k, view.k);
    if (layered) drawLayered(); else drawForce();
    ctx.restore();
  }

  function lineStyle(e) {
    const style = P.edgeKinds[e.data.kind] || P.edgeKinds.relation;
    ctx.strokeStyle = style.color; ctx.fillStyle = style.color;
    ctx.lineWidth = style.width;
    ctx.setLineDash(style.style === "dashed" ? [8, 5] : style.style === "dotted" ? [2, 4] : []);
  }

  function arrowHead(from, to) {
    const ang = Math.atan2(to.y - from.y, to.x - from.x);
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(to.x, to.y);
    ctx.lineTo(to.x - Math.cos(ang - 0.35) * 9, to.y - Math.sin(ang - 0.35) * 9);
    ctx.lineTo(to.x - Math.cos(ang + 0.35) * 9, to.y - Math.sin(ang + 0.35) * 9);
    ctx.fill();
  }

  function drawLayered() {
    for (const c of clusters) {
      ctx.fillStyle = c.side === "party" ? "#fef2f2" : "#eff6ff";
      ctx.strokeStyle = c.side === "party" ? "#f87171" : "#60a5fa";
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.roundRect(c.x - c.width / 2, c.y - c.height / 2, c.width, c.height, 8); ctx.fill(); ctx.stroke();
      ctx.fillStyle = "#374151"; ctx.font = "bold " + FONT; ctx.textAlign = "left"; ctx.textBaseline = "top";
      ctx.fillText(c.label, c.x - c.width / 2 + 6, c.y - c.height / 2 + 3);
    }
    display.edges.forEach((e, i) => {
      const pts = routes.get(i) || [];
      if (pts.length < 2) return;
      lineStyle(e);
      ctx.beginPath(); ctx.moveTo(pts[0].x, pts[0].y);
      for (const p of pts.slice(1)) ctx.lineTo(p.x, p.y);
      ctx.stroke();
      arrowHead(pts[pts.length - 2], pts[pts.length - 1]);
    });
    ctx.font = FONT; ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const d of display.nodes) {
      const b = boxes.get(d.id), hot = d.id === selected || matches.has(d.id);
      ctx.fillStyle = fill(d.kind);
      ctx.strokeStyle = hot ? "#111827" : "#6b7280"; ctx.lineWidth = hot ? 3 : 1;
      ctx.setLineDash(d.kind === "not on record" ? [4, 3] : []);
      ctx.beginPath(); ctx.roundRect(b.x - b.w / 2, b.y - b.h / 2, b.w, b.h, 6); ctx.fill(); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#111827";
      b.lines.forEach((line, k) => ctx.fillText(line, b.x, b.y - b.h / 2 + 5 + k * 15));
    }
  }

  function drawForce() {
    for (const e of display.edges) {
      const a = pos.get(e.source), b = pos.get(e.target);
      const style = P.edgeKinds[e.data.kind] || P.edgeKinds.relation;
      ctx.strokeStyle = style.color;
      ctx.lineWidth = style.width / Math.sqrt(view.k);
      ctx.setLineDash(style.style === "dashed" ? [8, 5] : style.style === "dotted" ? [2, 4] : []);
      ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
      const ang = Math.atan2(b.y - a.y, b.x - a.x), r = radius(shownById.get(e.target)) + 1;
      const head = 9 / Math.sqrt(view.k);
      ctx.setLineDash([]);
      ctx.fillStyle = style.color;
      ctx.beginPath();
      ctx.moveTo(b.x - Math.cos(ang) * r, b.y - Math.sin(ang) * r);
      ctx.lineTo(b.x - Math.cos(ang - 0.35) * (r + head), b.y - Math.sin(ang - 0.35) * (r + head));
      ctx.lineTo(b.x - Math.cos(ang + 0.35) * (r + head), b.y - Math.sin(ang + 0.35) * (r + head));
      ctx.fill();
    }
    const showAll = view.k > 0.8 || display.nodes.length < 40;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ctx.font = (12 / view.k) + "px 'Noto Sans CJK KR', 'Noto Sans', sans-serif"; // 12 px on screen
    const taken = []; // label rectangles drawn so far: a label that would overlap one is left out
    const order = [...display.nodes].sort((a, b) => labelRank(a) - labelRank(b));
    for (const d of display.nodes) {
      const p = pos.get(d.id), r = radius(d);
      ctx.beginPath(); ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.fillStyle = fill(d.kind); ctx.fill();
      const hot = d.id === selected || matches.has(d.id);
      ctx.lineWidth = hot ? 3 : 1; ctx.strokeStyle = hot ? "#111827" : "#6b7280";
      ctx.setLineDash(d.group ? [3, 2] : []); ctx.stroke(); ctx.setLineDash([]);
    }
    for (const d of order) {
      const p = pos.get(d.id), r = radius(d), hot = d.id === selected || matches.has(d.id);
      if (!(showAll || hot || d.group || hubs.has(d.id))) continue;
      const text = d.label.length > 48 ? d.label.slice(0, 46) + "…" : d.label;
      const w = ctx.measureText(text).width, h = 14 / view.k;
      const rect = { x0: p.x - w / 2, x1: p.x + w / 2, y0: p.y + r + 2, y1: p.y + r + 2 + h };
      if (!hot && taken.some((t) => rect.x0 < t.x1 && t.x0 < rect.x1 && rect.y0 < t.y1 && t.y0 < rect.y1)) continue;
      taken.push(rect);
      ctx.fillStyle = "#111827";
      ctx.fillText(text, p.x, rect.y0);
    }
  }

  // Which labels win a place first: the selected and found, groups, hubs, then the rest.
  function labelRank(d) {
    return d.id === selected || matches.has(d.id) ? 0 : d.group ? 1 : hubs.has(d.id) ? 2 : 3;
  }

  function fit() {
    if (!display.nodes.length) return draw();
    const xs = display.nodes.flatMap((d) => layered ? [boxes.get(d.id).x - boxes.get(d.id).w / 2, boxes.get(d.id).x + boxes.get(d.id).w / 2] : [pos.get(d.id).x]);
    const ys = display.nodes.flatMap((d) => layered ? [boxes.get(d.id).y - boxes.get(d.id).h / 2, boxes.get(d.id).y + boxes.get(d.id).h / 2] : [pos.get(d.id).y]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const w = canvas.clientWidth || 800, h = canvas.clientHeight || 600;
    view.k = Math.min(2, 0.9 * Math.min(w / (x1 - x0 + 160), h / (y1 - y0 + 80)));
    view.x = -((x0 + x1) / 2) * view.k; view.y = -((y0 + y1) / 2) * view.k;
    draw();
  }

  // Fewer steps for more nodes: each step costs n² / 2 pairs, and the page must stay responsive.
  function stepsFor(n) { return n > 300 ? 80 : Math.round(Math.max(80, Math.min(300, 60000 / Math.max(1, n)))); }
  function arrange() {
    layered = !collapsed && display.nodes.length <= LAYERED_MAX && typeof dagre !== "undefined";
    if (layered) layoutLayered(); else layout(stepsFor(display.nodes.length));
  }
  function refresh() { computeDisplay(); arrange(); fit(); }

  // The best-connected nodes keep their labels when zoomed out, as landmarks.
  const degree = new Map();
  for (const e of edges) for (const id of [e.source, e.target]) degree.set(id, (degree.get(id) || 0) + 1);
  const hubs = new Set([...degree.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map((e) => e[0]));

  // ---- the info panel: facts and sources of one node ----------------------------------
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  // A citation as views.py writes it ('Publisher, "Title", 2019-07-22, https://...') shown as
  // "Publisher, Title, 2019-07-22", the words linking to the URL (http and https only).
  function citation(text) {
    const li = el("li");
    const m = String(text).match(/^(.*?)(?:,\s*(https?:\/\/\S+))?$/);
    const words = m[1].replace(/"([^"]*)"/, "$1");
    if (m[2]) {
      const a = el("a", words); a.href = m[2]; a.rel = "noopener noreferrer"; a.target = "_blank";
      a.title = m[2];
      li.appendChild(a);
    } else li.appendChild(document.createTextNode(words));
    return li;
  }

  // A prefixed name ("dprk:EndUnknown") in words ("end unknown"); other text as it is.
  function human(value) {
    const v = String(value);
    const m = v.match(/^\^?[a-z][a-z0-9]*:([A-Za-z][A-Za-z0-9_]*)$/);
    return m ? m[1].replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : v;
  }

  function showInfo(n) {
    const info = $("info");
    info.replaceChildren();
    info.appendChild(el("h2", n.label));
    const table = el("table");
    for (const [k, v] of Object.entries(n)) {
      if (HIDDEN_KEYS.has(k) || k === "sources" || v === "" || v === null) continue;
      const tr = el("tr"); tr.appendChild(el("td", KEY_NAMES[k] || k.replace(/_/g, " "))); tr.appendChild(el("td", human(v)));
      table.appendChild(tr);
    }
    if (n.iri) { const tr = el("tr"); tr.appendChild(el("td", "IRI")); tr.appendChild(el("td", n.iri)); table.appendChild(tr); }
    info.appendChild(table);
    if (n.sources) {
      info.appendChild(el("h3", "Sources"));
      const ul = el("ul");
      for (const s of String(n.sources).split(" | ")) ul.appendChild(citation(s));
      info.appendChild(ul);
    }
    const rel = edges.filter((e) => e.source === n.id || e.target === n.id);
    if (rel.length) {
      info.appendChild(el("h3", "Relations"));
      const ul = el("ul");
      for (const e of rel) {
        const out = e.source === n.id, other = byId.get(out ? e.target : e.source);
        const li = el("li", (out ? "→ " : "← ") + human(e.label) + ": ");
        const b = el("button", other.label, "link"); b.type = "button";
        b.addEventListener("click", () => select(other.id));
        li.appendChild(b);
        if (e.sources) {
          const cited = el("ul", undefined, "hint");
          for (const s of String(e.sources).split(" | ")) cited.appendChild(citation(s));
          li.appendChild(cited);
        }
        if (e.quote) li.appendChild(el("div", "“" + e.quote + "”", "hint"));
        ul.appendChild(li);
      }
      info.appendChild(ul);
    }
  }

  function select(id) {
    const n = byId.get(id);
    if (!n) return;
    hiddenKinds.delete(n.kind);
    syncFilters();
    if (collapsed && !expanded.has(groupOf(n))) { expanded.add(groupOf(n)); refresh(); }
    selected = id;
    const p = pos.get(id);
    if (p) { view.x = -p.x * view.k; view.y = -p.y * view.k; }
    showInfo(n);
    draw();
  }

  // ---- search and filters -------------------------------------------------------------
  function search(q) {
    const key = fold(q);
    const results = $("results");
    results.replaceChildren();
    matches = new Set();
    if (!key) return draw();
    const found = nodes.filter((n) => searchText.get(n.id).includes(key));
    const rank = (n) => { // whole names first, then names that start with the query
      const names = searchText.get(n.id).split("\u0000");
      return names.includes(key) ? 0 : names.some((x) => x.startsWith(key)) ? 1 : 2;
    };
    found.sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
    for (const n of found.slice(0, 30)) {
      matches.add(n.id);
      const li = el("li"), b = el("button", n.label); b.type = "button";
      b.addEventListener("click", () => select(n.id));
      li.appendChild(b); results.appendChild(li);
    }
    if (found.length > 30) results.appendChild(el("li", "… " + (found.length - 30) + " more", "hint"));
    if (!found.length) results.appendChild(el("li", "no match", "hint"));
    draw();
    return found;
  }

  const kindCounts = new Map();
  for (const n of nodes) kindCounts.set(n.kind, (kindCounts.get(n.kind) || 0) + 1);
  const checkboxes = new Map();
  for (const kind of [...kindCounts.keys()].sort()) {
    const label = el("label"), box = el("input"), sw = el("span", undefined, "swatch");
    box.type = "checkbox"; box.checked = true; box.value = kind;
    sw.style.background = fill(kind);
    box.addEventListener("change", () => {
      if (box.checked) hiddenKinds.delete(kind); else hiddenKinds.add(kind);
      refresh();
    });
    label.append(box, sw, document.createTextNode(kind + " (" + kindCounts.get(kind) + ")"));
    $("filters").appendChild(label);
    checkboxes.set(kind, box);
  }
  function syncFilters() { for (const [kind, box] of checkboxes) box.checked = !hiddenKinds.has(kind); }

  // ---- pan, zoom, drag, click ---------------------------------------------------------
  function toWorld(ev) {
    const r = canvas.getBoundingClientRect();
    return { x: (ev.clientX - r.left - r.width / 2 - view.x) / view.k, y: (ev.clientY - r.top - r.height / 2 - view.y) / view.k };
  }
  function hit(ev) {
    const w = toWorld(ev);
    let best = null, bestD = Infinity;
    for (const d of display.nodes) {
      const p = pos.get(d.id), dd = Math.hypot(p.x - w.x, p.y - w.y), b = boxes.get(d.id);
      const inside = layered ? Math.abs(w.x - b.x) <= b.w / 2 && Math.abs(w.y - b.y) <= b.h / 2
        : dd <= radius(d) + 4 / view.k;
      if (inside && dd < bestD) { best = d; bestD = dd; }
    }
    return best;
  }
  let drag = null;
  canvas.addEventListener("mousedown", (ev) => {
    const d = hit(ev);
    drag = { d, x: ev.clientX, y: ev.clientY, moved: false, vx: view.x, vy: view.y };
  });
  window.addEventListener("mousemove", (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.d && layered) { view.x = drag.vx + dx; view.y = drag.vy + dy; } // boxes stay in their layers
    else if (drag.d) { const w = toWorld(ev), p = pos.get(drag.d.id); p.x = w.x; p.y = w.y; }
    else { view.x = drag.vx + dx; view.y = drag.vy + dy; }
    draw();
  });
  window.addEventListener("mouseup", () => {
    if (drag && !drag.moved && drag.d) {
      if (drag.d.group) { expanded.add(drag.d.group); refresh(); }
      else select(drag.d.id);
    }
    drag = null;
  });
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    const cx = ev.clientX - r.left - r.width / 2, cy = ev.clientY - r.top - r.height / 2;
    const f = Math.exp(-ev.deltaY * 0.0015), k = Math.min(8, Math.max(0.05, view.k * f));
    view.x = cx - (cx - view.x) * (k / view.k); view.y = cy - (cy - view.y) * (k / view.k); view.k = k;
    draw();
  }, { passive: false });

  $("search").addEventListener("input", (ev) => search(ev.target.value));
  $("search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { const f = search(ev.target.value); if (f && f.length) select(f[0].id); }
  });
  $("expand-all").addEventListener("click", () => { collapsed = false; refresh(); });
  function setAsOf(date) {
    asOf = date || "";
    $("as-of").value = asOf;
    refresh();
  }
  $("as-of").value = asOf;
  $("as-of").addEventListener("change", (ev) => setAsOf(ev.target.value));
  $("all-dates").addEventListener("click", () => setAsOf(""));
  $("fit").addEventListener("click", fit);
  window.addEventListener("resize", resize);

  $("title").textContent = P.title;
  document.title = P.title;
  computeDisplay();
  arrange();
  resize();
  fit();
  // A small, read-only handle for scripts and tests.
  window.dprkViewer = {
    shown: () => display.nodes.map((d) => d.id),
    selected: () => selected,
    search: (q) => (search(q) || []).map((n) => n.id),
    select,
    setAsOf,
    layered: () => layered,
    // Each shown node's box on the drawing (layered layout) and the side it belongs to.
    boxes: () => Object.fromEntries([...boxes].filter(([id]) => shownById.has(id)).map(([id, b]) =>
      [id, { x: b.x, y: b.y, w: b.w, h: b.h, side: (byId.get(id) || {}).side || "" }])),
  };
})();
