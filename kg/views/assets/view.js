// Draws one kg view with vis-network, at the positions computed in Python (physics off, so the
// first frame comes at once), and adds what vis-network lacks: names wrapped whole and placed
// where they cover no other name, line label or dot; lines that say their relation and date;
// search that forgives typing; filters, a date range that says what it cannot place, a side
// panel (a drawer on a phone), and state in the URL. Every string from an article reaches the
// page through textContent or the canvas (never innerHTML), so markup in it shows as text.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var WIKIDATA = /^Q[0-9]+$/;
  var FACE = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
  var PX = data.font || 14;          // names on the canvas, in screen pixels at any zoom
  var LX = data.lineFont || 11;      // line labels, in screen pixels
  if (document.getElementById("kg-graph").clientWidth < 700) { PX = Math.min(PX, 13); LX = Math.min(LX, 9.5); }  // a phone
  var MOST = 70;                     // names drawn at once, besides those always named
  var FADED = "#e4e4e4";
  var BIG = data.edges.length > 3000;
  var WHERE = ["below", "above", "right", "left", "below-right", "below-left", "above-right", "above-left"];
  var ALONG = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function field(parent, name, value) {
    if (value === undefined || value === null || value === "" ||
        (Array.isArray(value) && !value.length)) return;
    var row = el("div", "kg-field");
    row.appendChild(el("span", "kg-key", name + ": "));
    row.appendChild(el("span", "kg-value", Array.isArray(value) ? value.join("; ") : value));
    parent.appendChild(row);
  }

  // --- the data, indexed once ---
  var byNode = {}, byEdge = {}, touching = {};
  data.nodes.forEach(function (n) { byNode[n.id] = n; touching[n.id] = []; });
  data.edges.forEach(function (e) {
    byEdge[e.id] = e;
    touching[e.from].push(e);
    if (e.to !== e.from) touching[e.to].push(e);
  });
  var sources = data.sources || [];
  function when(date) {  // "2025-02-07" -> "7 Feb 2025"
    if (!date) return "";
    var p = String(date).split("-");
    if (p.length === 1 || !/^[0-9]+$/.test(p[1])) return p[0];
    return (p.length > 2 ? Number(p[2]) + " " : "") + MONTHS[Number(p[1]) - 1] + " " + p[0];
  }
  // A source as a reader cites it: outlet, date and title, linked to its stored text at the quote.
  function sourceLink(e) {
    var s = sources[e.doc];
    if (!s) return null;
    var box = el("div", "kg-source");
    var head = [s.outlet || "Outlet not given", s.published ? when(s.published) : "undated"].join(", ");
    box.appendChild(el("span", "kg-key", "Source: "));
    box.appendChild(el("span", "kg-outlet", head + " — "));
    if (s.page) {
      var a = el("a", "kg-source-link", s.title);
      a.href = s.page + "#s-" + String(e.statement).replace(/[^A-Za-z0-9_.-]/g, "_");
      a.target = "_blank";
      box.appendChild(a);
    } else {
      box.appendChild(el("span", null, s.title));
    }
    return box;
  }
  function sourceText(e) {
    var s = sources[e.doc];
    if (!s) return null;
    return (s.outlet ? s.outlet + ", " : "") + s.title + (s.published ? " (" + s.published + ")" : "");
  }
  // When a statement held or happened, or, when the sources do not say, when it was reported.
  function timeText(e) {
    if (e.date) return String(e.date).split(" – ").map(function (d) { return d === "…" ? "…" : when(d); }).join(" – ");
    return e.reported ? "not dated; reported " + e.reported : "not dated";
  }

  function nodeCard(n) {
    var card = el("div", "kg-card");
    card.appendChild(el("div", "kg-title", n.name));
    field(card, "Type", n.type);
    field(card, "Roles", roles(n));
    field(card, "Also called", n.aliases);
    field(card, "About", n.description);
    return card;
  }
  // Roles as the statements shown say them (so the panel follows the filters).
  function roles(n) {
    var out = [];
    touching[n.id].forEach(function (e) {
      if (!e.role || e.from !== n.id || !filtersOk(e)) return;
      var text = (e.title || "Role") + " of " + byNode[e.to].name + " (" + timeText(e) + ")";
      if (out.indexOf(text) < 0) out.push(text);
    });
    return out;
  }

  function edgeCard(e) {
    var card = el("div", "kg-card");
    card.appendChild(el("div", "kg-title", e.text || e.relation));
    card.appendChild(el("div", "kg-ends", byNode[e.from].name + " → " + byNode[e.to].name));
    field(card, "When", timeText(e));
    if (e.quote) card.appendChild(el("blockquote", "kg-quote", e.quote));
    var s = sourceLink(e);
    if (s) card.appendChild(s);
    if (e.confidence === "implied") field(card, "Confidence", "implied by the text, not said outright");
    return card;
  }

  // --- the side panel: an entity and its statements, each with its quote and source ---
  var details = document.getElementById("kg-details");
  function panel(n) {
    var card = nodeCard(n);
    if (n.wikidata && WIKIDATA.test(n.wikidata)) {
      var row = el("div", "kg-field");
      row.appendChild(el("span", "kg-key", "Wikidata: "));
      var link = el("a", null, n.wikidata);
      link.href = "https://www.wikidata.org/wiki/" + n.wikidata;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      row.appendChild(link);
      card.appendChild(row);
    }
    if (n.ego && !n.focus) {
      var ego = el("a", "kg-ego", "Open its focus view");
      ego.href = n.ego;
      card.appendChild(ego);
    }
    // Every statement the filters pass, drawn or not (a line between two neighbours, or two
    // cases, waits for its toggle; its statement is listed here all the same).
    var list = touching[n.id].filter(filtersOk);
    card.appendChild(el("h2", null, list.length + " statement" + (list.length === 1 ? "" : "s")));
    var ul = el("ul", "kg-statements");
    list.slice().sort(function (a, b) { return String(a.t0 || "~").localeCompare(String(b.t0 || "~")); })
      .slice(0, 300).forEach(function (e) {
        var li = el("li", "kg-statement");
        var head = el("div", "kg-rel");
        var out = e.from === n.id;
        var other = byNode[out ? e.to : e.from];
        var verb = e.role && e.title ? "holds role: " + e.title + " of" : e.relation;
        head.appendChild(el("span", null, out ? verb + " → " : "← " + verb + " by "));
        var go = el("button", "kg-other", other.name);
        go.type = "button";
        go.addEventListener("click", function () { select(other.id, true); });
        head.appendChild(go);
        li.appendChild(head);
        var t = el("div", "kg-when" + (e.t0 ? "" : " kg-undated"), timeText(e));
        li.appendChild(t);
        if (e.quote) li.appendChild(el("blockquote", "kg-quote", e.quote));
        var s = sourceLink(e);
        if (s) li.appendChild(s);
        if (e.confidence === "implied") field(li, "Confidence", "implied");
        ul.appendChild(li);
      });
    card.appendChild(ul);
    details.replaceChildren(card);
  }

  // --- the time axis: every year from the first to the last (every month within two years) ---
  function finite(t) { return t && t > "0000-01-01" && t < "9999-12-31"; }
  var dated = [];
  data.edges.forEach(function (e) {
    if (finite(e.t0)) dated.push(e.t0);
    if (finite(e.t1)) dated.push(e.t1);
  });
  dated.sort();
  var periods = [];
  if (dated.length) {
    var y0 = Number(dated[0].slice(0, 4)), y1 = Number(dated[dated.length - 1].slice(0, 4));
    if (y1 - y0 > 1) {
      for (var y = y0; y <= y1; y++) periods.push(String(y));
    } else {
      var m0 = y0 * 12 + Number(dated[0].slice(5, 7)) - 1, m1 = y1 * 12 + Number(dated[dated.length - 1].slice(5, 7)) - 1;
      for (var m = m0; m <= m1; m++) {
        var mm = m % 12 + 1;
        periods.push(Math.floor(m / 12) + "-" + (mm < 10 ? "0" : "") + mm);
      }
    }
  }
  function firstDay(p) { return p.length === 4 ? p + "-01-01" : p + "-01"; }
  function lastDay(p) { return p.length === 4 ? p + "-12-31" : p + "-31"; }

  // --- state, kept in the URL hash so a filtered view can be shared ---
  // undated: null follows the range (in while the range is whole, out once one is set).
  var state = {sel: null, fam: {}, type: {}, conf: {}, src: "", from: 0, to: Math.max(periods.length - 1, 0),
               undated: null, possible: false, nb: false, relax: false};
  function ranged() { return periods.length > 0 && (state.from > 0 || state.to < periods.length - 1); }
  function undatedOn() { return state.undated === null ? !ranged() : state.undated; }
  function readHash() {
    var h = new URLSearchParams(location.hash.replace(/^#/, ""));
    function set(name) {
      var out = {};
      (h.get(name) || "").split(",").filter(Boolean).forEach(function (k) { out[k] = true; });
      return out;
    }
    state.sel = h.get("sel") && byNode[h.get("sel")] ? h.get("sel") : null;
    state.fam = set("nofam");
    state.type = set("notype");
    state.conf = set("noconf");
    state.src = h.get("src") || "";
    var from = periods.indexOf(h.get("from")), to = periods.indexOf(h.get("to"));
    state.from = from >= 0 ? from : 0;
    state.to = to >= 0 ? to : Math.max(periods.length - 1, 0);
    state.undated = h.get("undated") === "0" ? false : h.get("undated") === "1" ? true : null;
    state.nb = h.get("nb") === "1";
    state.possible = h.get("possible") === "1";
  }
  function hashText() {
    var h = new URLSearchParams();
    if (state.sel !== null) h.set("sel", state.sel);
    [["nofam", state.fam], ["notype", state.type], ["noconf", state.conf]].forEach(function (p) {
      var keys = Object.keys(p[1]).filter(function (k) { return p[1][k]; });
      if (keys.length) h.set(p[0], keys.join(","));
    });
    if (state.src !== "") h.set("src", state.src);
    if (periods.length && state.from > 0) h.set("from", periods[state.from]);
    if (periods.length && state.to < periods.length - 1) h.set("to", periods[state.to]);
    if (state.undated !== null) h.set("undated", state.undated ? "1" : "0");
    if (state.nb) h.set("nb", "1");
    if (state.possible) h.set("possible", "1");
    return h.toString();
  }
  var lastSel = null;
  function writeHash() {
    var text = hashText();
    if (text === location.hash.replace(/^#/, "")) return;
    var url = text ? "#" + text : location.pathname + location.search;
    // A new selection is a step Back can undo; a filter changes the step in place.
    if (state.sel !== lastSel) history.pushState(null, "", url); else history.replaceState(null, "", url);
    lastSel = state.sel;
  }

  // --- what passes the filters ---
  // kg.validtime's three answers, from the days the page was given: certain (every reading of
  // the statement's dates puts it in the range), possible (some reading does), or not held.
  function standing(e) {
    if (!e.t0) return "undated";
    if (!ranged()) return "certain";
    var first = firstDay(periods[state.from]), last = lastDay(periods[state.to]);
    if (e.t0 > last || e.t1 < first) return "not held";
    var certain = e.act ? e.c0 >= first && e.c1 <= last : e.c0 <= last && e.c1 >= first;
    return certain ? "certain" : "possible";
  }
  function timeOk(e) {
    var s = standing(e);
    return s === "undated" ? undatedOn() : s === "certain" || (s === "possible" && state.possible);
  }
  function nodeOk(n) { return !state.type[n.group]; }
  function filtersOk(e) {
    return !state.fam[e.family] && !state.conf[e.confidence] &&
      (state.src === "" || String(e.doc) === state.src) && timeOk(e) &&
      nodeOk(byNode[e.from]) && nodeOk(byNode[e.to]);
  }
  // What is drawn: what passes the filters and, in a focus view, the focus's own lines unless
  // the lines between its neighbours are asked for.
  function visibleEdge(e) { return filtersOk(e) && (!e.between || state.nb); }

  // --- the network ---
  var container = document.getElementById("kg-graph");
  var NARROW = container.clientWidth < 700;
  // On a narrow, tall screen a focus view's ring stands upright (its layout is wider than tall)
  // and names wrap narrower, so the whole view fits the screen as it opens.
  if (NARROW && data.kind === "focus" && container.clientHeight > container.clientWidth) {
    var ringAspect = (data.arcs && data.arcs.length && data.arcs[0].aspect) || 1.2;
    var squeeze = Math.max(0.3, Math.min(1, container.clientWidth / container.clientHeight / ringAspect));
    data.nodes.forEach(function (n) { n.x = Math.round(n.x * squeeze * 10) / 10; });
    (data.arcs || []).forEach(function (a) { a.aspect = (a.aspect || 1.2) * squeeze; });
  }
  if (NARROW && data.shape !== "box") data.nodes.forEach(function (n) { n.lines = wrap(n.name, 16, 4); });
  function wrap(text, width, most) {  // as kg.views.labels.wrap: whole words, at most `most` lines
    text = String(text).split(/\s+/).filter(Boolean).join(" ");
    if (text.length <= width) return [text];
    width = Math.max(width, Math.ceil(text.length / most));
    for (;;) {
      var out = [], line = "";
      text.split(" ").forEach(function (w) {
        if (line && (line + " " + w).length > width) { out.push(line); line = w; } else line = line ? line + " " + w : w;
      });
      if (line) out.push(line);
      if (out.length <= most) return out;
      width += 2;
    }
  }
  function tint(hex, share) {  // a colour mixed with white, for the case map's boxes
    var n = parseInt(hex.slice(1), 16), out = "#";
    [16, 8, 0].forEach(function (s) {
      var c = Math.round(((n >> s) & 255) * (1 - share) + 255 * share);
      out += (c < 16 ? "0" : "") + c.toString(16);
    });
    return out;
  }
  function nodeLook(n, faded) {
    var box = data.shape === "box";
    var colour = faded ? FADED : n.color;
    return {
      color: {background: box && !faded ? tint(colour, 0.72) : colour, border: faded ? FADED : (n.focus ? "#111" : (box ? colour : "#ffffff")),
              highlight: {background: box ? tint(n.color, 0.6) : n.color, border: "#111"},
              hover: {background: box ? tint(n.color, 0.6) : n.color, border: "#333"}},
      font: {color: faded ? "#b5b5b5" : "#1a1a1a"}
    };
  }
  // What all nodes and edges share goes in the network's options, not on each item: vis-network
  // merges each item's options on creation, which on a large view costs seconds.
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var node = {id: n.id, x: n.x, y: n.y, size: n.size, color: BIG ? n.color : nodeLook(n, false).color};
    // Names of dots are drawn by this script (wrapped, placed round the dot); a box holds its name.
    if (data.shape === "box") node.label = n.name + (n.detail ? "\n" + n.detail.join("\n") : "");
    if (n.focus) { node.borderWidth = 5; }
    return node;
  }));
  function edgeColour(e, fade) {
    if (fade) return FADED;
    return tint(e.color, e.confidence === "implied" || !e.t0 ? 0.55 : 0.2);
  }
  var edgeItems = data.edges.map(function (e) {
    // Colours mixed with white here, not by opacity: vis-network would re-parse a colour with
    // an opacity on every frame.
    var edge = {id: e.id, from: e.from, to: e.to, color: edgeColour(e, false)};
    // Dashes cost much canvas time: a large view tells relations apart by colour only. A fact
    // the sources do not date is drawn dotted, whatever its relation.
    if (!BIG && !e.t0) edge.dashes = [2, 4];
    else if (!BIG && e.dashes) edge.dashes = e.dashes;
    if (e.confidence === "implied") edge.width = 1;
    if (e.curve) edge.smooth = {enabled: true, type: e.curve[0], roundness: e.curve[1]};
    if (e.between && !state.nb) edge.hidden = true;
    return edge;
  });
  // A large view draws its entities and their names first and its lines in the next frame:
  // building 20,000 lines in vis-network takes longer than the reader should wait for a picture.
  var pendingEdges = BIG ? edgeItems : null;
  var edges = new vis.DataSet(BIG ? [] : edgeItems);

  var view = window.kgView = {network: null, nodes: nodes, edges: edges, stable: false, state: state,
                              periods: periods, data: data};
  if (!data.nodes.length) {
    container.appendChild(el("p", "kg-empty", "Nothing to draw: this view has no entities."));
    view.stable = true;
    return;
  }
  var options = {
    autoResize: true,
    physics: {enabled: false, solver: "forceAtlas2Based",
              forceAtlas2Based: {gravitationalConstant: -40, centralGravity: 0.01, springLength: 80,
                                 springConstant: 0.05, damping: 0.6, avoidOverlap: 0.5},
              stabilization: {enabled: false}},
    layout: {improvedLayout: false, randomSeed: 7},
    nodes: {shape: data.shape, scaling: {label: {enabled: false}}, borderWidth: data.shape === "box" ? 2 : 1.5,
            font: {size: PX, face: FACE, color: "#1a1a1a", strokeWidth: 0},
            widthConstraint: data.shape === "box" ? {maximum: 200} : false, margin: 7,
            shapeProperties: {borderRadius: 3}},
    edges: {smooth: {enabled: false}, arrows: {to: {enabled: !BIG, scaleFactor: 0.45}}, hoverWidth: 0.6,
            selectionWidth: 1.5, width: 1.6, color: {inherit: false}},
    interaction: {hover: true, tooltipDelay: 100, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG,
                  navigationButtons: false, keyboard: {enabled: true, bindToWindow: false,
                                                       speed: {x: 10, y: 10, zoom: 0.03}}}
  };
  var network = view.network = window.network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  network.once("afterDrawing", function () { view.firstFrame = performance.now(); });  // ms since navigation
  container.tabIndex = 0;  // the canvas takes arrow keys and +/- when focused
  container.setAttribute("aria-label", "The graph: arrow keys move, + and - zoom");

  // --- names and line labels: placed greedily, none over another, no name over a dot ---
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text, size, weight) {
    measure.font = (weight || "") + " " + size + "px " + FACE;
    return measure.measureText(text).width;
  }
  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }
  // Boxes by grid cell, so a view of thousands of dots asks only its neighbourhood.
  function Grid(cell) { this.cell = cell; this.cells = {}; }
  Grid.prototype.keys = function (b) {
    var out = [], c = this.cell;
    for (var i = Math.floor(b[0] / c); i <= Math.floor(b[2] / c); i++)
      for (var j = Math.floor(b[1] / c); j <= Math.floor(b[3] / c); j++) out.push(i + "," + j);
    return out;
  };
  Grid.prototype.add = function (b, owner, poly) {
    var self = this;
    this.keys(b).forEach(function (k) { (self.cells[k] = self.cells[k] || []).push([b, owner, poly]); });
  };
  Grid.prototype.hits = function (b, poly, ignore) {
    var keys = this.keys(b);
    for (var i = 0; i < keys.length; i++) {
      var list = this.cells[keys[i]] || [];
      for (var j = 0; j < list.length; j++) {
        var o = list[j];
        if (ignore && ignore.indexOf(o[1]) >= 0) continue;
        if (!overlaps(b, o[0])) continue;
        if (!poly && !o[2]) return true;
        if (polygonsMeet(poly || rect(b), o[2] || rect(o[0]))) return true;
      }
    }
    return false;
  };
  function rect(b) { return [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]]; }
  function polygonsMeet(a, b) {  // the separating axis test, for convex polygons
    var polys = [a, b];
    for (var p = 0; p < 2; p++) {
      var poly = polys[p];
      for (var i = 0; i < poly.length; i++) {
        var q = poly[(i + 1) % poly.length], ax = poly[i][1] - q[1], ay = q[0] - poly[i][0];
        var pa = a.map(function (v) { return v[0] * ax + v[1] * ay; });
        var pb = b.map(function (v) { return v[0] * ax + v[1] * ay; });
        if (Math.max.apply(null, pa) <= Math.min.apply(null, pb) || Math.max.apply(null, pb) <= Math.min.apply(null, pa)) return false;
      }
    }
    return true;
  }
  function bounds(poly) {
    var xs = poly.map(function (p) { return p[0]; }), ys = poly.map(function (p) { return p[1]; });
    return [Math.min.apply(null, xs), Math.min.apply(null, ys), Math.max.apply(null, xs), Math.max.apply(null, ys)];
  }
  function nameBox(x, y, r, w, h, where, pad) {
    var gap = r + 3 / pad, d = gap * 0.75, left, top;
    if (where === "below") { left = x - w / 2; top = y + gap; }
    else if (where === "above") { left = x - w / 2; top = y - gap - h; }
    else if (where === "right") { left = x + gap; top = y - h / 2; }
    else if (where === "left") { left = x - gap - w; top = y - h / 2; }
    else {
      var parts = where.split("-");
      top = parts[0] === "below" ? y + d : y - d - h;
      left = parts[1] === "right" ? x + d : x - d - w;
    }
    return [left, top, left + w, top + h];
  }
  // Round a focus, a name goes first on the side away from it, leaving the ring's inside to
  // the labels of the lines.
  var ROUND = ["right", "below-right", "below", "below-left", "left", "above-left", "above", "above-right"];
  function outward(n, b) {
    var f = data.kind === "focus" && data.focus !== null && network.body.nodes[data.focus];
    if (!f || n.focus) return WHERE;
    var k = ((Math.round(Math.atan2(b.y - f.y, b.x - f.x) / (Math.PI / 4)) % 8) + 8) % 8;
    return [0, 1, 7, 2, 6, 3, 5, 4].map(function (d) { return ROUND[(k + d) % 8]; });
  }
  var placed = {names: {}, lines: {}};
  view.placed = placed;
  function lineText(e) { return e.text || e.relation; }
  // Which lines carry their label: every drawn line of a focus view and a case map; elsewhere
  // those of the selected entity.
  function labelledLines() {
    return data.edges.filter(function (e) {
      if (!e._on || pendingEdges) return false;
      if (data.lineLabels === "all") return true;
      return state.sel !== null && (e.from === state.sel || e.to === state.sel);
    });
  }
  function placeLabels() {
    var scale = network.getScale();
    var size = PX / scale, lsize = LX / scale, pad = scale;
    var body = network.body.nodes;
    var hl = highlighted();
    var box = network.getViewPosition(), w = container.clientWidth / scale, h = container.clientHeight / scale;
    var area = [box.x - w / 2, box.y - h / 2, box.x + w / 2, box.y + h / 2 - drawerCover() / scale];
    var dots = new Grid(80 / scale), taken = new Grid(80 / scale);
    data.nodes.forEach(function (n) {
      var b = body[n.id];
      if (!b || hidden[n.id]) return;
      if (data.shape === "box") {
        var bb = b.shape.boundingBox;
        if (bb) taken.add([bb.left, bb.top, bb.right, bb.bottom], n.id);
        return;
      }
      var r = b.options.size;
      // Names always drawn may lie off screen: on all but the largest views every dot counts.
      if (BIG && (b.x + r < area[0] || b.x - r > area[2] || b.y + r < area[1] || b.y - r > area[3])) return;
      dots.add([b.x - r, b.y - r, b.x + r, b.y + r], n.id);
    });
    if (data.ticks && data.ticks.length) {  // the time axis's year and month labels stay readable
      var ty = Math.min.apply(null, data.nodes.map(function (n) { return n.y; })) - 50;
      data.ticks.forEach(function (t) {
        var fsz = (t[2] ? 14 : 11) / scale, x = t[1] + 4 / scale, y = ty + (t[2] ? 4 : 22) / scale;
        taken.add([x, y, x + textWidth(t[0], fsz * scale, t[2] ? "600" : "") / scale, y + fsz * 1.2], "tick");
      });
    }
    var names = {};
    if (data.shape !== "box") {
      var order = data.nodes.filter(function (n) { return !hidden[n.id]; });
      function key(n) {
        return (n.focus || n.id === state.sel) ? 0 : (hl && hl[n.id]) ? 1 : n.must && !hl ? 2 : 3;
      }
      order.sort(function (a, b) { return key(a) - key(b) || a.rank - b.rank; });
      var count = 0;
      for (var i = 0; i < order.length && count < MOST && i < 8 * MOST; i++) {
        var n = order[i], b = body[n.id];
        if (!b) continue;
        var special = key(n) < 2 || (n.must && data.kind !== "timeline");
        if (!special && (b.x < area[0] || b.x > area[2] || b.y < area[1] || b.y > area[3])) continue;
        var bold = n.focus || n.id === state.sel;
        var fs = n.focus ? size * (PX + 3) / PX : size;
        var tw = Math.max.apply(null, n.lines.map(function (t) { return textWidth(t, fs, bold ? "600" : ""); })) + 4 / scale;
        var th = n.lines.length * fs * 1.15;
        var where = outward(n, b);
        // A name cut by the edge of the canvas is not drawn, unless it is always named: then it
        // goes inside the frame if any place round its dot there is free, or else where it fits.
        for (var k = 0; k < (special ? 2 : 1) * where.length; k++) {
          var nb = nameBox(b.x, b.y, b.options.size, tw, th, where[k % where.length], pad);
          var cut = nb[0] < area[0] || nb[2] > area[2] || nb[1] < area[1] || nb[3] > area[3];
          if (k < where.length && cut) continue;
          // Past the frame, a larger view's name goes wholly outside it (seen as the reader pans), never
          // across its edge.
          if (cut && data.lineLabels !== "all" && !(nb[2] < area[0] || nb[0] > area[2] || nb[3] < area[1] || nb[1] > area[3])) continue;
          if (taken.hits(nb) || dots.hits(nb, null, [n.id])) continue;
          taken.add(nb, n.id);
          names[n.id] = {box: nb, size: fs, bold: bold, where: where[k % where.length]};
          if (!special) count++;
          break;
        }
      }
    }
    var lines = {};
    var owners = new Grid(80 / scale);
    labelledLines().forEach(function (e) {
      var edge = network.body.edges[e.id];
      if (!edge || !edge.edgeType || !body[e.from] || !body[e.to]) return;
      var text = lineText(e);
      var fs = lsize, tw, th;
      var a = body[e.from], z = body[e.to];
      var length = Math.hypot(z.x - a.x, z.y - a.y) - a.options.size - z.options.size;
      if (length < textWidth(text, lsize) * 1.05 && data.lineLabels !== "all") return;
      // Clear of every dot (a label's white ground would hide one, its own ends' too); where every
      // line is labelled, then in smaller type.
      var tries = data.lineLabels === "all" ? 2 : 1;
      for (var k = 0; k < tries * ALONG.length; k++) {
        var t = ALONG[k % ALONG.length], ignore = [];
        fs = k < ALONG.length ? lsize : lsize * 0.85;
        tw = textWidth(text, fs) / 2 + 2 / scale; th = fs * 0.65;
        var p = edge.edgeType.getPoint(t), p0 = edge.edgeType.getPoint(Math.max(t - 0.02, 0)),
            p1 = edge.edgeType.getPoint(Math.min(t + 0.02, 1));
        var angle = Math.atan2(p1.y - p0.y, p1.x - p0.x);
        if (angle > Math.PI / 2) angle -= Math.PI; else if (angle < -Math.PI / 2) angle += Math.PI;
        var c = Math.cos(angle), s = Math.sin(angle);
        var poly = [[-tw, -th], [tw, -th], [tw, th], [-tw, th]].map(function (d) {
          return [p.x + d[0] * c - d[1] * s, p.y + d[0] * s + d[1] * c];
        });
        var bb = bounds(poly);
        if (bb[0] < area[0] || bb[2] > area[2] || bb[1] < area[1] || bb[3] > area[3]) continue;  // cut by the frame
        if (taken.hits(bb, poly) || owners.hits(bb, poly) || dots.hits(bb, poly, ignore)) continue;
        owners.add(bb, e.id, poly);
        lines[e.id] = {x: p.x, y: p.y, angle: angle, text: text, size: fs, poly: poly, box: bb};
        break;
      }
    });
    if (NARROW && data.kind === "focus") captions(names, lines, taken, owners, dots, area, lsize, scale);
    placed.names = names;
    placed.lines = lines;
  }
  // How much of the canvas's foot the closed drawer (a phone's panel) covers, in screen pixels.
  function drawerCover() {
    if (!NARROW) return 0;
    var c = container.getBoundingClientRect(), a = document.getElementById("kg-panel").getBoundingClientRect();
    return a.top > c.top && a.left < c.right ? Math.max(0, c.bottom - a.top) : 0;
  }
  // On a phone, a focus's line whose label finds no room along it is named by the name at its far
  // end, as a caption: under (or over) it, stacked with the others there, or beside it; on one line,
  // else on two (the relation over its date), else in smaller type. "holds role: border czar · Feb 2025".
  function captions(names, lines, taken, owners, dots, area, lsize, scale) {
    labelledLines().forEach(function (e) {
      if (lines[e.id] || !network.body.edges[e.id]) return;
      var other = e.from === data.focus ? e.to : e.from;
      var b = network.body.nodes[other], f = network.body.nodes[data.focus];
      if (!b) return;
      // By the far end's name; where that has no room or lies outside the frame, by its dot.
      var by = [names[other], {box: [b.x - b.options.size, b.y - b.options.size, b.x + b.options.size, b.y + b.options.size],
                               where: f && b.y > f.y ? "above" : "below"}].filter(Boolean);
      var text = lineText(e), cut = text.lastIndexOf(" · ");
      var shapes = [[text]].concat(cut > 0 ? [[text.slice(0, cut), text.slice(cut + 3)]] : []);
      for (var t = 0; t < 2 * by.length; t++) {
        var fs = t % 2 ? lsize * 0.85 : lsize;
        for (var r = 0; r < shapes.length; r++) {
          var bb = captionPlace(by[t >> 1], shapes[r], fs, scale, area, function (bx) {
            return taken.hits(bx) || owners.hits(bx) || dots.hits(bx, null, []);
          });
          if (!bb) continue;
          owners.add(bb, e.id);
          lines[e.id] = {x: (bb[0] + bb[2]) / 2, y: (bb[1] + bb[3]) / 2, angle: 0, text: text, size: fs,
                         rows: shapes[r].length > 1 ? shapes[r] : null, caption: true,
                         poly: [[bb[0], bb[1]], [bb[2], bb[1]], [bb[2], bb[3]], [bb[0], bb[3]]], box: bb};
          return;
        }
      }
    });
  }
  // The first free box for a caption of `rows` by a name: under or over it (below what is stacked
  // there already), aligned with the name, then centred, then slid inside the frame; else beside it.
  function captionPlace(name, rows, fs, scale, area, blocked) {
    var nb = name.box, gap = 1 / scale;
    var tw = Math.max.apply(null, rows.map(function (t) { return textWidth(t, fs); })) + 4 / scale;
    var th = rows.length * fs * 1.2 + 2 / scale;
    var align = name.where.indexOf("left") >= 0 ? nb[2] - tw : name.where.indexOf("right") >= 0 ? nb[0] : (nb[0] + nb[2] - tw) / 2;
    var lefts = [align, nb[0], nb[2] - tw, (nb[0] + nb[2] - tw) / 2, Math.max(area[0], Math.min(align, area[2] - tw))];
    var sides = name.where.indexOf("above") === 0 ? [-1, 1] : [1, -1];
    var tries = [];
    for (var k = 0; k < 4; k++) {
      sides.forEach(function (d) {
        var top = d > 0 ? nb[3] + gap + k * (fs * 1.2 + gap) : nb[1] - gap - th - k * (fs * 1.2 + gap);
        lefts.forEach(function (left) { tries.push([left, top]); });
      });
    }
    [nb[1], (nb[1] + nb[3] - th) / 2, nb[3] - th].forEach(function (top) {
      tries.push([nb[2] + 3 * gap, top], [nb[0] - 3 * gap - tw, top]);
    });
    for (var i = 0; i < tries.length; i++) {
      var bb = [tries[i][0], tries[i][1], tries[i][0] + tw, tries[i][1] + th];
      if (bb[0] < area[0] || bb[2] > area[2] || bb[1] < area[1] || bb[3] > area[3]) continue;
      if (!blocked(bb)) return bb;
    }
    return null;
  }
  // The boxes of the names as drawn, in canvas units.
  function labelBoxes() {
    if (data.shape === "box") {
      return data.nodes.filter(function (n) { return !hidden[n.id] && network.body.nodes[n.id]; }).map(function (n) {
        var bb = network.body.nodes[n.id].shape.boundingBox;
        return {id: n.id, rank: n.rank, left: bb.left, top: bb.top, right: bb.right, bottom: bb.bottom,
                text: n.name, font: PX * network.getScale()};
      });
    }
    var scale = network.getScale();
    return Object.keys(placed.names).map(function (id) {
      var p = placed.names[id];
      return {id: byNode[id].id, rank: byNode[id].rank, left: p.box[0], top: p.box[1], right: p.box[2], bottom: p.box[3],
              text: byNode[id].lines.join(" "), font: p.size * scale};
    });
  }
  view.labelBoxes = labelBoxes;
  view.lineLabels = function () {
    return Object.keys(placed.lines).map(function (id) {
      var l = placed.lines[id];
      return {id: id, text: l.text, poly: l.poly, font: l.size * network.getScale()};
    });
  };
  view.dots = function () {
    return data.nodes.filter(function (n) { return !hidden[n.id] && network.body.nodes[n.id]; }).map(function (n) {
      var b = network.body.nodes[n.id];
      return {id: n.id, x: b.x, y: b.y, r: b.options.size};
    });
  };

  // --- applying the state: hidden, faded, labelled ---
  var hidden = {}, faded = {}, matches = null;
  function highlighted() {
    if (matches) return matches;
    if (state.sel === null || hidden[state.sel]) return null;
    var out = {};
    out[state.sel] = true;
    touching[state.sel].forEach(function (e) {
      if (visibleEdge(e)) { out[e.from] = true; out[e.to] = true; }
    });
    return out;
  }
  function apply() {
    var nodeOn = {};
    data.edges.forEach(function (e) {
      var on = visibleEdge(e);
      if (on) { nodeOn[e.from] = true; nodeOn[e.to] = true; }
      e._on = on;
    });
    var newHidden = {};
    data.nodes.forEach(function (n) {
      // An entity stays when a statement of it passes the filters, or it has none on this page.
      var on = nodeOk(n) && (nodeOn[n.id] || n.focus || !touching[n.id].length);
      if (!on) newHidden[n.id] = true;
    });
    hidden = newHidden;
    var hl = highlighted();
    // Only what changed is sent to vis-network: on a large view, updating every item costs
    // seconds.
    var nodeUpdates = [];
    data.nodes.forEach(function (n) {
      var fade = !!(hl && !hl[n.id]), hide = !!hidden[n.id];
      if (fade === !!n._faded && hide === !!n._hidden) return;
      var u = {id: n.id, hidden: hide};
      if (fade !== !!n._faded) {
        var look = nodeLook(n, fade);
        u.color = look.color;
        u.font = {color: look.font.color};
      }
      n._faded = fade; n._hidden = hide;
      if (fade) faded[n.id] = true; else delete faded[n.id];
      nodeUpdates.push(u);
    });
    var edgeUpdates = [];
    data.edges.forEach(function (e) {
      if (pendingEdges) return;  // not in the network yet: applied when they join it
      var fade = !!(hl && !(matches ? hl[e.from] && hl[e.to] : e.from === state.sel || e.to === state.sel));
      var hide = !e._on, maybe = !hide && standing(e) === "possible";
      if (fade === !!e._faded && hide === !!e._hidden && maybe === !!e._maybe) return;
      var u = {id: e.id, hidden: hide};
      if (fade !== !!e._faded) u.color = {color: edgeColour(e, fade), highlight: e.color, hover: e.color};
      // A statement only possibly in the range is drawn hatched (long dashes), whatever its relation.
      if (maybe !== !!e._maybe) u.dashes = maybe ? [8, 4] : (!e.t0 ? [2, 4] : (!BIG && e.dashes) || false);
      e._faded = fade; e._hidden = hide; e._maybe = maybe;
      edgeUpdates.push(u);
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    placeLabels();
    syncControls();
    writeHash();
    if (state.sel !== null && byNode[state.sel]) panel(byNode[state.sel]);
    view.shown = {nodes: data.nodes.filter(function (n) { return !hidden[n.id]; }).length,
                  edges: data.edges.filter(function (e) { return e._on; }).length};
    network.redraw();
  }
  view.apply = apply;

  function select(id, centre) {
    if (id !== null && !byNode[id]) return;
    state.sel = id;
    if (id === null) {
      details.replaceChildren(el("p", "kg-hint", "Find a name above, or click an entity for its statements and their quotes."));
      network.unselectAll();
    } else {
      network.selectNodes([id], false);
      if (centre) network.moveTo({position: network.getPositions([id])[id], scale: Math.max(network.getScale(), 1),
                                  animation: false});
      document.body.classList.add("kg-drawer-open");
    }
    apply();
  }
  view.select = select;

  // --- search: as the reader types, forgiving typos ("Homna"), nicknames and missing letters ---
  var search = document.getElementById("kg-search");
  var hints = document.getElementById("kg-hits");
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9 ]+/g, " ").replace(/\s+/g, " ").trim();
  }
  function distance(a, b) {  // edits, a swap of two letters counting one (Damerau, restricted)
    var d = [], i, j;
    for (i = 0; i <= a.length; i++) { d.push([i]); }
    for (j = 1; j <= b.length; j++) d[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }
  function tokenCost(q, words) {  // how far a typed word is from the nearest word of a name
    var best = Infinity;
    words.forEach(function (w) {
      var c;
      if (w.indexOf(q) === 0) c = 0;
      else if (q.length >= 3 && w[0] === q[0] && subsequence(q, w)) c = 0.5;  // "tom" in "thomas"
      else c = Math.min(distance(q, w), distance(q, w.slice(0, q.length)) + 0.25);
      if (c < best) best = c;
    });
    return best;
  }
  function subsequence(q, w) {
    var i = 0;
    for (var j = 0; j < w.length && i < q.length; j++) if (w[j] === q[i]) i++;
    return i === q.length;
  }
  var index = [];
  data.nodes.forEach(function (n) {
    [n.name].concat(n.aliases || []).forEach(function (text) {
      var f = fold(text);
      if (f) index.push({node: n, text: String(text), folded: f, words: f.split(" ")});
    });
  });
  // The entities whose name or alias matches `text`, best first: [{node, text, cost}].
  function matchesFor(text) {
    var key = fold(text);
    if (!key) return [];
    var typed = key.split(" ");
    var best = {};
    index.forEach(function (entry) {
      var cost;
      if (entry.folded === key) cost = -2;
      else if (entry.folded.indexOf(key) >= 0) cost = entry.folded.indexOf(key) === 0 ? -1.5 : -1;
      else {
        cost = 0;
        for (var i = 0; i < typed.length && cost < Infinity; i++) {
          var c = tokenCost(typed[i], entry.words);
          // A typo: one edit in a short word, two in a long one.
          if (c > (typed[i].length >= 7 ? 2 : 1)) cost = Infinity; else cost += c;
        }
      }
      if (cost === Infinity) return;
      var id = entry.node.id;
      if (!best[id] || cost < best[id].cost) best[id] = {node: entry.node, text: entry.text, cost: cost};
    });
    return Object.keys(best).map(function (k) { return best[k]; })
      .sort(function (a, b) { return a.cost - b.cost || a.node.rank - b.node.rank; });
  }
  view.matches = function (text) { return matchesFor(text).map(function (m) { return m.node.name; }); };
  function find(text) {
    var found = matchesFor(text);
    return found.length ? found[0].node.id : null;
  }
  view.find = find;
  var active = -1;
  function showHits() {
    var found = matchesFor(search.value).slice(0, 8);
    hints.replaceChildren();
    active = -1;
    search.classList.toggle("kg-miss", !found.length && search.value.trim() !== "");
    if (!found.length) {
      hints.hidden = search.value.trim() === "";
      if (!hints.hidden) hints.appendChild(el("li", "kg-hit-none", "No name or alias like that"));
      matches = null;
      apply();
      return;
    }
    if (found[0].cost > 0) hints.appendChild(el("li", "kg-hit-head", "Did you mean"));
    found.forEach(function (m) {
      var li = el("li", "kg-hit");
      li.setAttribute("role", "option");
      li.appendChild(el("span", "kg-hit-name", m.node.name));
      if (m.text !== m.node.name) li.appendChild(el("span", "kg-hit-alias", " (" + m.text + ")"));
      li.appendChild(el("span", "kg-hit-type", m.node.type));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(m.node.id); });
      hints.appendChild(li);
    });
    hints.hidden = false;
    // The matches stand out on the canvas while the reader types.
    matches = {};
    found.forEach(function (m) { matches[m.node.id] = true; });
    apply();
  }
  function choose(id) {
    hints.hidden = true;
    matches = null;
    search.value = byNode[id].name;
    search.classList.remove("kg-miss");
    select(id, true);
  }
  search.addEventListener("input", showHits);
  search.addEventListener("keydown", function (ev) {
    var items = hints.querySelectorAll(".kg-hit");
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!items.length) return;
      active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (li, i) { li.classList.toggle("kg-hit-active", i === active); });
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      var found = matchesFor(search.value);
      if (!found.length) { search.classList.add("kg-miss"); return; }
      var pick = active >= 0 && active < items.length ? found[active] : found[0];
      choose(pick.node.id);
    } else if (ev.key === "Escape") {
      hints.hidden = true; matches = null; apply();
    }
  });
  search.addEventListener("blur", function () { setTimeout(function () { hints.hidden = true; }, 150); });

  function clearFilters() {
    state.fam = {}; state.type = {}; state.conf = {}; state.src = "";
    state.from = 0; state.to = Math.max(periods.length - 1, 0); state.undated = null; state.nb = false;
    state.possible = false;
    apply();
  }
  document.getElementById("kg-clear").addEventListener("click", clearFilters);
  function resetView() {
    search.value = ""; matches = null;
    select(null);
    opening();
    placeLabels();
    network.redraw();
  }
  document.getElementById("kg-reset").addEventListener("click", resetView);
  function zoomBy(f) {
    network.moveTo({scale: network.getScale() * f, animation: false});
    afterMove();
  }
  document.getElementById("kg-zoom-in").addEventListener("click", function () { zoomBy(1.3); });
  document.getElementById("kg-zoom-out").addEventListener("click", function () { zoomBy(1 / 1.3); });
  container.addEventListener("keydown", function (ev) {
    var step = 60 / network.getScale(), p = network.getViewPosition();
    var moves = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]};
    if (moves[ev.key]) {
      network.moveTo({position: {x: p.x + moves[ev.key][0], y: p.y + moves[ev.key][1]}, animation: false});
      afterMove();
    } else if (ev.key === "+" || ev.key === "=") zoomBy(1.25);
    else if (ev.key === "-" || ev.key === "_") zoomBy(1 / 1.25);
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  }, true);

  function lineSample(colour, dashes) {
    var c = el("canvas", "kg-sample");
    c.width = 30; c.height = 10;
    var ctx = c.getContext("2d");
    ctx.strokeStyle = colour; ctx.lineWidth = 2.5;
    if (dashes) ctx.setLineDash(dashes);
    ctx.beginPath(); ctx.moveTo(1, 5); ctx.lineTo(29, 5); ctx.stroke();
    return c;
  }
  function checkbox(cls, value, checked, onChange) {
    var box = el("input", cls);
    box.type = "checkbox"; box.value = value; box.checked = checked;
    box.addEventListener("change", onChange);
    return box;
  }
  var typeList = document.getElementById("kg-types");
  if (data.groups) {
    document.getElementById("kg-colour-title").textContent = "Groups";
    data.groups.forEach(function (g) {
      var li = el("li");
      var dot = el("span", "kg-dot"); dot.style.background = g.colour;
      li.appendChild(dot); li.appendChild(el("span", null, g.name)); li.appendChild(el("span", "kg-count", g.count));
      typeList.appendChild(li);
    });
    typeList.appendChild(el("li", "kg-sub", "Show types:"));
  }
  data.types.forEach(function (t) {
    var li = el("li"), label = el("label");
    label.appendChild(checkbox("kg-type", t.key, true, function (ev) {
      if (ev.target.checked) delete state.type[t.key]; else state.type[t.key] = true;
      apply();
    }));
    if (!data.groups) { var dot = el("span", "kg-dot"); dot.style.background = t.colour; label.appendChild(dot); }
    label.appendChild(el("span", null, t.name));
    li.appendChild(label); li.appendChild(el("span", "kg-count", t.count));
    typeList.appendChild(li);
  });
  var famBox = document.getElementById("kg-families");
  if (data.arcs && data.arcs.length)
    famBox.parentNode.insertBefore(el("p", "kg-hint", "Round the ring, a band in a relation's colour " +
      "groups the entities tied to the focus by that kind of relation."), famBox);
  data.families.forEach(function (f) {
    var group = el("details", "kg-family");
    if (data.families.length === 1) group.open = true;  // one family: show its relations' key
    var summary = el("summary"), label = el("label");
    label.appendChild(checkbox("kg-fam", f.key, true, function (ev) {
      if (ev.target.checked) delete state.fam[f.key]; else state.fam[f.key] = true;
      apply();
    }));
    label.appendChild(lineSample(f.colour, null));
    label.appendChild(el("span", null, f.name));
    summary.appendChild(label); summary.appendChild(el("span", "kg-count", f.count));
    group.appendChild(summary);
    var ul = el("ul", "kg-legend kg-relations");
    f.relations.forEach(function (r) {
      var li = el("li");
      li.appendChild(lineSample(r.colour, r.dashes));
      li.appendChild(el("span", null, r.name));
      li.appendChild(el("span", "kg-count", r.count));
      ul.appendChild(li);
    });
    group.appendChild(ul);
    famBox.appendChild(group);
  });
  var undatedKey = el("li");
  undatedKey.appendChild(lineSample("#999999", [2, 4]));
  undatedKey.appendChild(el("span", null, "not dated by the sources (label: when reported)"));
  famBox.appendChild(el("ul", "kg-legend", null)).appendChild(undatedKey);
  var sourceSelect = document.getElementById("kg-source");
  sources.forEach(function (s, i) {
    var option = el("option", null, (s.outlet ? s.outlet + ": " : "") + s.title + (s.published ? " (" + s.published + ")" : ""));
    option.value = String(i);
    sourceSelect.appendChild(option);
  });
  sourceSelect.addEventListener("change", function () { state.src = sourceSelect.value; apply(); });
  document.querySelectorAll(".kg-conf").forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) delete state.conf[box.value]; else state.conf[box.value] = true;
      apply();
    });
  });
  var neighbours = document.getElementById("kg-nb");
  if (data.edges.some(function (e) { return e.between; })) {
    neighbours.hidden = false;
    if (data.betweenLabel) neighbours.lastChild.textContent = " " + data.betweenLabel;
    neighbours.querySelector("input").addEventListener("change", function (ev) { state.nb = ev.target.checked; apply(); });
  }
  var from = document.getElementById("kg-from"), to = document.getElementById("kg-to");
  var undated = document.getElementById("kg-undated");
  // A view with no dates, or all in one month, has no range to choose; it says what is dated.
  if (periods.length < 2) {
    document.querySelector(".kg-time").hidden = true;
    var datedCount = data.edges.filter(function (e) { return e.t0; }).length;
    var note = document.getElementById("kg-time-note");
    note.textContent = datedCount ? datedCount + " of " + data.edges.length + " statements dated (" +
      when(periods[0]) + "); the rest marked with when they were reported" :
      (data.edges.length ? "No statement here is dated by its source; each is marked with when it was reported" : "");
    note.hidden = !note.textContent;
  }
  from.max = to.max = String(Math.max(periods.length - 1, 0));
  from.addEventListener("input", function () {
    state.from = Math.min(Number(from.value), state.to); apply();
  });
  to.addEventListener("input", function () {
    state.to = Math.max(Number(to.value), state.from); apply();
  });
  undated.addEventListener("change", function () { state.undated = undated.checked; apply(); });
  var possible = document.getElementById("kg-possible");
  possible.addEventListener("change", function () { state.possible = possible.checked; apply(); });
  document.getElementById("kg-relax").addEventListener("change", function (ev) {
    network.setOptions({physics: {enabled: ev.target.checked}});
  });
  function syncControls() {
    from.value = String(state.from); to.value = String(state.to);
    document.getElementById("kg-from-label").textContent = periods[state.from] || "";
    document.getElementById("kg-to-label").textContent = periods[state.to] || "";
    undated.checked = undatedOn();
    possible.checked = state.possible;
    sourceSelect.value = state.src;
    neighbours.querySelector("input").checked = state.nb;
    document.querySelectorAll(".kg-fam").forEach(function (b) { b.checked = !state.fam[b.value]; });
    document.querySelectorAll(".kg-type").forEach(function (b) { b.checked = !state.type[b.value]; });
    document.querySelectorAll(".kg-conf").forEach(function (b) { b.checked = !state.conf[b.value]; });
  }
  document.getElementById("kg-drawer").addEventListener("click", function () {
    document.body.classList.toggle("kg-drawer-open");
  });
  var aside = document.getElementById("kg-panel");
  aside.addEventListener("click", function (ev) {  // the drawer's handle, on a phone
    if (ev.target === aside && ev.offsetY < 34) document.body.classList.toggle("kg-drawer-open");
  });

  // --- hover cards ---
  var tip = document.getElementById("kg-tip");
  function showTip(card, pointer) {
    tip.replaceChildren(card);
    tip.hidden = false;
    var box = container.getBoundingClientRect();
    var x = box.left + pointer.x + 14, y = box.top + pointer.y + 14;
    tip.style.left = Math.max(0, Math.min(x, window.innerWidth - tip.offsetWidth - 4)) + "px";
    tip.style.top = Math.max(0, Math.min(y, window.innerHeight - tip.offsetHeight - 4)) + "px";
  }
  network.on("hoverNode", function (p) { showTip(nodeCard(byNode[p.node]), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(edgeCard(byEdge[p.edge]), p.pointer.DOM); });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("blurEdge", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("click", function (p) {
    if (p.nodes.length) select(p.nodes[0], false);
    else if (p.edges.length) details.replaceChildren(edgeCard(byEdge[p.edges[0]]));
  });
  var zoomTimer = null;
  function afterMove() {
    clearTimeout(zoomTimer);
    zoomTimer = setTimeout(function () { placeLabels(); network.redraw(); }, 60);
  }
  network.on("zoom", afterMove);
  network.on("dragEnd", function () { placeLabels(); network.redraw(); });
  window.addEventListener("hashchange", function () { readHash(); lastSel = state.sel; apply(); });
  window.addEventListener("popstate", function () { readHash(); lastSel = state.sel; apply(); });
  window.addEventListener("resize", afterMove);

  // --- marks drawn under the network: the focus, the selection, the time axis ---
  network.on("beforeDrawing", function (ctx) {
    var scale = network.getScale();
    if (data.ticks && data.ticks.length) {
      var ys = data.nodes.map(function (n) { return n.y; });
      var top = Math.min.apply(null, ys) - 50, bottom = Math.max.apply(null, ys) + 40;
      ctx.save();
      ctx.textAlign = "left"; ctx.textBaseline = "top";
      var free = -Infinity;  // a tick's name is skipped where the one before it still runs
      data.ticks.forEach(function (t) {
        ctx.strokeStyle = t[2] ? "#d6d6d6" : "#eeeeee"; ctx.lineWidth = 1 / scale;
        ctx.beginPath(); ctx.moveTo(t[1], top); ctx.lineTo(t[1], bottom); ctx.stroke();
        ctx.font = (t[2] ? "600 " + (14 / scale) : (11 / scale)) + "px " + FACE;
        ctx.fillStyle = t[2] ? "#444" : "#888";
        if (t[1] < free) return;
        ctx.fillText(t[0], t[1] + 4 / scale, top + (t[2] ? 4 : 22) / scale);
        if (t[2]) free = t[1] + 10 / scale + ctx.measureText(t[0]).width;
      });
      (data.breaks || []).forEach(function (b) {  // a cut in the axis: years left out
        ctx.fillStyle = "rgba(0, 0, 0, 0.04)";
        ctx.fillRect(b[0], top, b[1] - b[0], bottom - top);
        ctx.strokeStyle = "#bbbbbb"; ctx.lineWidth = 1.5 / scale;
        [b[0] + 8 / scale, b[1] - 8 / scale].forEach(function (x) {
          ctx.beginPath();
          for (var yy = top, k = 0; yy <= bottom; yy += 10 / scale, k++) ctx.lineTo(x + (k % 2 ? 4 : -4) / scale, yy);
          ctx.stroke();
        });
      });
      ctx.restore();
    }
    if (data.arcs && data.arcs.length) {  // a focus view's ring: each family's arc, in its colour
      ctx.save();
      data.arcs.forEach(function (a) {
        var from = a.angles[0], to = a.angles[a.angles.length - 1], pad = 0.12;
        ctx.beginPath();
        ctx.ellipse(0, 0, a.radius * (a.aspect || 1.2), a.radius, 0, from - pad, to + pad);
        ctx.strokeStyle = a.colour; ctx.globalAlpha = 0.18; ctx.lineWidth = 16 / scale; ctx.lineCap = "round";
        ctx.stroke();
      });
      ctx.restore();
    }
    if (data.cards && data.cards.length) {  // a case map: one card per case, its band of the map
      var xs1 = data.columns.map(function (c) { return c[1]; });
      var l1 = Math.min.apply(null, xs1) - 120, r1 = Math.max.apply(null, xs1) + 120;
      ctx.save();
      data.cards.forEach(function (c, i) {
        ctx.beginPath();
        if (ctx.roundRect) ctx.roundRect(l1, c[1], r1 - l1, c[2] - c[1], 10 / scale); else ctx.rect(l1, c[1], r1 - l1, c[2] - c[1]);
        ctx.fillStyle = i % 2 ? "#f6f8fb" : "#fbfaf6"; ctx.fill();
        ctx.lineWidth = 1 / scale; ctx.strokeStyle = "#d5d5d5"; ctx.stroke();
        ctx.fillStyle = "#888"; ctx.font = "600 " + (11 / scale) + "px " + FACE; ctx.textAlign = "left"; ctx.textBaseline = "top";
        ctx.fillText("CASE " + (i + 1) + " OF " + data.cards.length, l1 + 8 / scale, c[1] + 6 / scale);
      });
      ctx.restore();
    }
    if (data.columns && data.columns.length) {  // a case map's column heads, above its first band
      // Above the first card, so they never run into its "CASE 1 OF N".
      var y0 = (data.cards && data.cards.length ? data.cards[0][1] : Math.min.apply(null, data.nodes.map(function (n) { return n.y; })) - 40) - 22;
      ctx.save();
      ctx.fillStyle = "#555"; ctx.textAlign = "center"; ctx.textBaseline = "top";
      ctx.font = "600 " + (13 / scale) + "px " + FACE;
      data.columns.forEach(function (c) { ctx.fillText(c[0].toUpperCase(), c[1], y0); });
      var xs = data.columns.map(function (c) { return c[1]; });
      var left = Math.min.apply(null, xs) - 110, right = Math.max.apply(null, xs) + 110;
      ctx.textAlign = "left"; ctx.fillStyle = "#777"; ctx.strokeStyle = "#dddddd"; ctx.lineWidth = 1 / scale;
      ctx.font = "600 " + (12 / scale) + "px " + FACE;
      (data.captions || []).forEach(function (c) {
        ctx.beginPath(); ctx.moveTo(left, c[1]); ctx.lineTo(right, c[1]); ctx.stroke();
        ctx.fillText(c[0].toUpperCase(), left, c[1] + 6);
      });
      ctx.restore();
    }
    [[data.focus, "rgba(255, 190, 0, 0.35)", "#d99a00"], [state.sel, "rgba(30, 120, 220, 0.18)", "#1e78dc"]]
      .forEach(function (mark) {
        if (mark[0] === null || mark[0] === undefined || hidden[mark[0]] || data.shape === "box") return;
        var b = network.body.nodes[mark[0]];
        if (!b) return;
        ctx.save();
        ctx.beginPath(); ctx.arc(b.x, b.y, b.options.size + 10, 0, 2 * Math.PI);
        ctx.fillStyle = mark[1]; ctx.fill();
        ctx.lineWidth = 2 / scale; ctx.strokeStyle = mark[2]; ctx.stroke();
        ctx.restore();
      });
  });

  // Line labels, then names, over everything: each once, where the placer put it.
  network.on("afterDrawing", function (ctx) {
    ctx.save();
    ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    Object.keys(placed.lines).forEach(function (id) {
      var l = placed.lines[id], e = byEdge[id];
      if (!e || !e._on) return;
      ctx.save();
      ctx.translate(l.x, l.y); ctx.rotate(l.angle);
      ctx.font = l.size + "px " + FACE;
      // On a white ground, so the line (dotted or not) does not run through the words.
      var lw = Math.max.apply(null, (l.rows || [l.text]).map(function (t) { return ctx.measureText(t).width; })) + l.size * 0.5;
      var lh = l.size * 1.2 * (l.rows ? l.rows.length : 1);
      ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
      ctx.fillRect(-lw / 2, -lh / 2, lw, lh);
      ctx.lineWidth = l.size / 3; ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = e._faded ? "#b5b5b5" : tint(e.color, 0) === "#000000" ? "#333" : shade(e.color);
      (l.rows || [l.text]).forEach(function (row, i, rows) {
        var y = (i - (rows.length - 1) / 2) * l.size * 1.2;
        ctx.strokeText(row, 0, y);
        ctx.fillText(row, 0, y);
      });
      ctx.restore();
    });
    ctx.textAlign = "left"; ctx.textBaseline = "top";
    Object.keys(placed.names).forEach(function (id) {
      var p = placed.names[id], n = byNode[id];
      if (hidden[id]) return;
      ctx.font = (p.bold ? "600 " : "") + p.size + "px " + FACE;
      ctx.lineWidth = p.size / 3.5; ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = faded[id] ? "#b5b5b5" : "#1a1a1a";
      var w = p.box[2] - p.box[0];
      ctx.textAlign = p.where.indexOf("left") >= 0 ? "right" : p.where.indexOf("right") >= 0 ? "left" : "center";
      var x = ctx.textAlign === "right" ? p.box[2] - 2 / network.getScale() : ctx.textAlign === "left" ? p.box[0] + 2 / network.getScale() : p.box[0] + w / 2;
      n.lines.forEach(function (line, i) {
        ctx.strokeText(line, x, p.box[1] + i * p.size * 1.15);
        ctx.fillText(line, x, p.box[1] + i * p.size * 1.15);
      });
    });
    ctx.restore();
  });
  // A story's annotations: a numbered pin by the entity or on the line each is about.
  function pinAt(note) {
    var s = network.getScale(), tries = [];
    if (note.node !== undefined) {
      var b = network.body.nodes[note.node];
      if (!b || hidden[note.node]) return null;
      [0.8, 1.1, 1.5].forEach(function (k) {
        var r = b.options.size * k + 8 / s;
        [[1, -1], [-1, -1], [1, 1], [-1, 1], [1.4, 0], [-1.4, 0], [0, -1.4], [0, 1.4]].forEach(function (d) {
          tries.push({x: b.x + d[0] * r, y: b.y + d[1] * r});
        });
      });
    } else {
      var edge = network.body.edges[note.edge];
      if (!edge || !byEdge[note.edge]._on) return null;
      // Beside the line, next to its label when the label runs along it, so neither covers the other.
      var l = placed.lines[note.edge];
      if (l && !l.caption) tries.push({x: l.x - Math.sin(l.angle) * 18 / s, y: l.y + Math.cos(l.angle) * 18 / s},
                                      {x: l.x + Math.sin(l.angle) * 18 / s, y: l.y - Math.cos(l.angle) * 18 / s});
      [14, 26].forEach(function (off) {
        [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].forEach(function (t) {
          var p = edge.edgeType.getPoint(t), q = edge.edgeType.getPoint(Math.min(t + 0.02, 1));
          var a = Math.atan2(q.y - p.y, q.x - p.x);
          tries.push({x: p.x - Math.sin(a) * off / s, y: p.y + Math.cos(a) * off / s},
                     {x: p.x + Math.sin(a) * off / s, y: p.y - Math.cos(a) * off / s});
        });
      });
    }
    // The first place whose disc covers no name, line label or dot; else the first.
    return tries.find(function (p) { return !pinCovers(p, s); }) || tries[0];
  }
  function pinCovers(p, s) {
    var box = [p.x - 11 / s, p.y - 11 / s, p.x + 11 / s, p.y + 11 / s];
    return Object.keys(placed.names).some(function (id) { return overlaps(box, placed.names[id].box); }) ||
      Object.keys(placed.lines).some(function (id) { return polygonsMeet(rect(box), placed.lines[id].poly); }) ||
      view.dots().some(function (d) { return Math.hypot(Math.max(box[0] - d.x, 0, d.x - box[2]), Math.max(box[1] - d.y, 0, d.y - box[3])) < d.r; });
  }
  view.pinCovers = function (n) {
    var note = (data.notes || []).find(function (x) { return x.n === n; }), p = note && pinAt(note);
    return p ? pinCovers(p, network.getScale()) : null;
  };

  function pinBoxes() {  // each pin's disc, in canvas units
    var s = network.getScale();
    return (data.notes || []).map(pinAt).filter(Boolean).map(function (p) {
      return [p.x - 11 / s, p.y - 11 / s, p.x + 11 / s, p.y + 11 / s];
    });
  }
  view.pins = function () {
    return (data.notes || []).map(function (note) { var p = pinAt(note); return p && {n: note.n, x: p.x, y: p.y}; });
  };
  network.on("afterDrawing", function (ctx) {
    if (!data.notes) return;
    var s = network.getScale();
    ctx.save();
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    data.notes.forEach(function (note) {
      var p = pinAt(note);
      if (!p) return;
      ctx.beginPath(); ctx.arc(p.x, p.y, 10 / s, 0, 2 * Math.PI);
      ctx.fillStyle = "#b8002e"; ctx.fill();
      ctx.lineWidth = 2 / s; ctx.strokeStyle = "#fff"; ctx.stroke();
      ctx.fillStyle = "#fff"; ctx.font = "700 " + (12 / s) + "px " + FACE;
      ctx.fillText(String(note.n), p.x, p.y + 0.5 / s);
    });
    ctx.restore();
  });
  function shade(hex) {  // a line's colour, darker, for its label's text
    var n = parseInt(hex.slice(1), 16), out = "#";
    [16, 8, 0].forEach(function (s) {
      var c = Math.round(((n >> s) & 255) * 0.7);
      out += (c < 16 ? "0" : "") + c.toString(16);
    });
    return out;
  }

  // --- the first frame: fit, then names at the opening zoom; the page is ready after it ---
  function opening() {
    network.fit({animation: false});
    if (data.shape === "box") {
      // A case map opens at a size to read (names at 12 px or more), its first case at the top.
      var xs = data.nodes.map(function (n) { return n.x; }), ys = data.nodes.map(function (n) { return n.y; });
      // The cards' edges (as drawn under the map) and the column heads above the first are in the frame.
      var cx = (data.columns || []).map(function (c) { return c[1]; });
      var left = Math.min.apply(null, cx.length ? cx : xs) - 128, right = Math.max.apply(null, cx.length ? cx : xs) + 128;
      var first = data.cards && data.cards.length ? data.cards[0][1] - 34 : Math.min.apply(null, ys) - 80;
      var scale = Math.max(Math.min(1, container.clientWidth / (right - left)), 12 / PX);
      network.moveTo({position: {x: (left + right) / 2, y: first + container.clientHeight / scale / 2},
                      scale: scale, animation: false});
    } else if (data.kind === "timeline" && network.getScale() < 0.6) {
      // A long time axis opens at a size to read, where most happened; the reader moves along it
      // (its names are those inside the frame, placed again as it moves).
      var xs0 = data.nodes.map(function (n) { return n.x; }).sort(function (a, b) { return a - b; });
      var ys0 = data.nodes.map(function (n) { return n.y; });
      network.moveTo({scale: 0.6, animation: false, position: {
        x: xs0[Math.floor(xs0.length / 2)],
        y: (Math.min.apply(null, ys0) + Math.max.apply(null, ys0)) / 2 - 20}});
    } else if (BIG) {
      network.moveTo({scale: network.getScale() * 0.94, animation: false});  // placing names costs seconds here
    } else {
      scan();
    }
  }
  // The opening zoom of a view of dots: the one at which the most of what must be said is said
  // (the names always drawn and, where every line is labelled, the lines' labels) with all of it
  // inside the frame. Tried from a little smaller than the fitted graph to several times larger;
  // each try is centred on what it draws. Ties go to the larger zoom in a focus view (more room
  // between its lines) and to the smaller elsewhere (more of the graph in sight).
  function scan() {
    var all = data.lineLabels === "all";
    var fit = network.getScale(), best = null;
    var steps = all ? 60 : 40;
    for (var i = 0; i < steps; i++) {
      var scale = fit * 0.6 * Math.pow(1.06, i);
      var at = centreAt(scale);
      var missing = missingLabels(), names = missingNames(), outside = outsideFrame();
      // A name left out or cut by the frame is worse than a line not labelled.
      var score = missing + 2 * names + 3 * outside;
      // On a phone, where a focus view's names may not all fit, its lines are said first: the reader
      // pans to a name the frame cuts, but has no way to a label not drawn.
      var unsaid = NARROW && data.kind === "focus" ? missing - names : 0;
      if (best === null || unsaid < best[3] || (unsaid === best[3] && (score < best[0] || (score === best[0] && all))))
        best = [score, scale, at, unsaid];
    }
    network.moveTo({scale: best[1], position: best[2], animation: false});
    placeLabels();
  }
  // Place at a zoom, centred on what is then drawn (twice: the placing moves with the centre).
  function centreAt(scale) {
    var at = NARROW && data.focus !== null && data.focus !== undefined && byNode[data.focus] && data.kind === "focus" ?
      network.getPositions([data.focus])[data.focus] : null;
    for (var k = 0; k < 2; k++) {
      network.moveTo({scale: scale, position: at || network.getViewPosition(), animation: false});
      placeLabels();
      var bb = extent(true);
      at = {x: (bb[0] + bb[2]) / 2, y: (bb[1] + bb[3]) / 2};
    }
    network.moveTo({scale: scale, position: at, animation: false});
    placeLabels();
    return at;
  }
  // How many of the dots, names always drawn and line labels lie outside the frame.
  function outsideFrame() {
    var s = network.getScale(), p = network.getViewPosition();
    var w = container.clientWidth / s / 2, h = container.clientHeight / s / 2;
    var area = [p.x - w + 2 / s, p.y - h + 2 / s, p.x + w - 2 / s, p.y + h - (2 + drawerCover()) / s];
    function out(b) { return b[0] < area[0] || b[1] < area[1] || b[2] > area[2] || b[3] > area[3]; }
    var count = 0;
    // A focus view or story fits whole; a larger view may run past the frame (the reader pans),
    // so long as what must be named is named inside it.
    if (data.lineLabels === "all")
      view.dots().forEach(function (d) { if (out([d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r])) count++; });
    function away(b) { return b[2] < area[0] || b[0] > area[2] || b[3] < area[1] || b[1] > area[3]; }
    Object.keys(placed.names).forEach(function (id) {
      var b = placed.names[id].box;
      if (out(b) && (data.lineLabels === "all" || !away(b))) count++;
    });
    Object.keys(placed.lines).forEach(function (id) { if (out(placed.lines[id].box)) count++; });
    pinBoxes().forEach(function (b) { if (out(b)) count++; });  // a story's numbered pins
    return count;
  }
  function missingNames() {
    return data.nodes.filter(function (n) { return (n.must || n.focus) && !hidden[n.id] && !placed.names[n.id]; }).length;
  }
  function missingLabels() {
    var lines = labelledLines().filter(function (e) { return !placed.lines[e.id]; }).length;
    var names = data.nodes.filter(function (n) { return (n.must || n.focus) && !hidden[n.id] && !placed.names[n.id]; }).length;
    return data.lineLabels === "all" ? lines + names : names;
  }
  view.missingLabels = missingLabels;
  function extent(everything) {
    var bb = [Infinity, Infinity, -Infinity, -Infinity];
    function grow(b) { bb = [Math.min(bb[0], b[0]), Math.min(bb[1], b[1]), Math.max(bb[2], b[2]), Math.max(bb[3], b[3])]; }
    view.dots().forEach(function (d) { grow([d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r]); });
    Object.keys(placed.names).forEach(function (id) {
      if (everything || byNode[id].must || byNode[id].focus) grow(placed.names[id].box);
    });
    if (everything) Object.keys(placed.lines).forEach(function (id) { grow(placed.lines[id].box); });
    if (everything) pinBoxes().forEach(grow);
    return bb;
  }
  view.resetView = resetView;
  view.clearFilters = clearFilters;
  readHash();
  lastSel = state.sel;
  network.fit({animation: false});
  apply();
  opening();
  placeLabels();
  if (state.sel !== null) network.moveTo({position: network.getPositions([state.sel])[state.sel], animation: false});
  network.once("afterDrawing", function () {
    if (pendingEdges) {
      setTimeout(function () {
        edges.add(pendingEdges);
        pendingEdges = null;
        apply();
        network.once("afterDrawing", function () { view.linesFrame = performance.now(); view.stable = true; });
      }, 0);
      return;
    }
    placeLabels();
    network.once("afterDrawing", function () { view.linesFrame = view.firstFrame; view.stable = true; });
    network.redraw();
  });
})();
