// Draws one kg view with vis-network, at the positions computed in Python (physics off, so the
// first frame comes at once), and adds search, filters, a date range, a side panel and state in
// the URL. Every string from an article reaches the page through textContent (never innerHTML),
// so a label or quote holding markup shows as text.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var WIKIDATA = /^Q[0-9]+$/;
  var FACE = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
  var PX = data.font || 14;          // names on the canvas, in screen pixels at any zoom
  var MOST = 70;                     // names drawn at once, at most
  var FADED = "#e4e4e4";
  var BIG = data.edges.length > 3000;

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
  function sourceText(e) {
    var s = sources[e.doc];
    if (!s) return null;
    return s.published ? s.title + " (" + s.published + ")" : s.title;
  }

  function nodeCard(n) {
    var card = el("div", "kg-card");
    card.appendChild(el("div", "kg-title", n.name));
    field(card, "Type", n.type);
    field(card, "Roles", n.roles);
    field(card, "Also called", n.aliases);
    field(card, "About", n.description);
    field(card, "Centrality", n.score);
    return card;
  }

  function edgeCard(e) {
    var card = el("div", "kg-card");
    card.appendChild(el("div", "kg-title", e.relation));
    card.appendChild(el("div", "kg-ends", byNode[e.from].name + " → " + byNode[e.to].name));
    field(card, "Date", e.date);
    if (e.quote) card.appendChild(el("blockquote", "kg-quote", e.quote));
    field(card, "Source", sourceText(e));
    field(card, "Confidence", e.confidence);
    field(card, "Statement", e.statement);
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
    var list = touching[n.id].filter(visibleEdge);
    card.appendChild(el("h2", null, list.length + " statement" + (list.length === 1 ? "" : "s")));
    var ul = el("ul", "kg-statements");
    list.slice().sort(function (a, b) { return String(a.t0 || "~").localeCompare(String(b.t0 || "~")); })
      .slice(0, 300).forEach(function (e) {
        var li = el("li", "kg-statement");
        var head = el("div", "kg-rel");
        var out = e.from === n.id;
        var other = byNode[out ? e.to : e.from];
        head.appendChild(el("span", null, out ? e.relation + " → " : "← " + e.relation + " by "));
        var go = el("button", "kg-other", other.name);
        go.type = "button";
        go.addEventListener("click", function () { select(other.id, true); });
        head.appendChild(go);
        li.appendChild(head);
        field(li, "Date", e.date);
        if (e.quote) li.appendChild(el("blockquote", "kg-quote", e.quote));
        field(li, "Source", sourceText(e));
        if (e.confidence === "implied") field(li, "Confidence", "implied");
        ul.appendChild(li);
      });
    card.appendChild(ul);
    details.replaceChildren(card);
  }

  // --- the time axis: years (months when the statements span two years or less) ---
  function finite(t) { return t && t > "0000-01-01" && t < "9999-12-31"; }
  var dated = [];
  data.edges.forEach(function (e) {
    if (finite(e.t0)) dated.push(e.t0);
    if (finite(e.t1)) dated.push(e.t1);
  });
  dated.sort();
  var years = dated.length ? Number(dated[dated.length - 1].slice(0, 4)) - Number(dated[0].slice(0, 4)) : 0;
  var width = years > 2 ? 4 : 7;
  var periods = [];
  dated.forEach(function (t) {
    var p = t.slice(0, width);
    if (periods[periods.length - 1] !== p) periods.push(p);
  });
  function firstDay(p) { return p.length === 4 ? p + "-01-01" : p + "-01"; }
  function lastDay(p) { return p.length === 4 ? p + "-12-31" : p + "-31"; }

  // --- state, kept in the URL hash so a filtered view can be shared ---
  var state = {sel: null, fam: {}, type: {}, conf: {}, src: "", from: 0, to: Math.max(periods.length - 1, 0),
               undated: true, relax: false};
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
    state.undated = h.get("undated") !== "0";
  }
  function writeHash() {
    var h = new URLSearchParams();
    if (state.sel !== null) h.set("sel", state.sel);
    [["nofam", state.fam], ["notype", state.type], ["noconf", state.conf]].forEach(function (p) {
      var keys = Object.keys(p[1]).filter(function (k) { return p[1][k]; });
      if (keys.length) h.set(p[0], keys.join(","));
    });
    if (state.src !== "") h.set("src", state.src);
    if (periods.length && state.from > 0) h.set("from", periods[state.from]);
    if (periods.length && state.to < periods.length - 1) h.set("to", periods[state.to]);
    if (!state.undated) h.set("undated", "0");
    var text = h.toString();
    if (text !== location.hash.replace(/^#/, "")) history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  // --- what passes the filters ---
  function timeOk(e) {
    if (!e.t0) return state.undated;
    if (!periods.length) return true;
    return e.t0 <= lastDay(periods[state.to]) && e.t1 >= firstDay(periods[state.from]);
  }
  function nodeOk(n) { return !state.type[n.group]; }
  function visibleEdge(e) {
    return !state.fam[e.family] && !state.conf[e.confidence] &&
      (state.src === "" || String(e.doc) === state.src) && timeOk(e) &&
      nodeOk(byNode[e.from]) && nodeOk(byNode[e.to]);
  }

  // --- the network ---
  var container = document.getElementById("kg-graph");
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
  var shownLabel = {};  // id -> true when its name is drawn
  // What all nodes and edges share goes in the network's options, not on each item: vis-network
  // merges each item's options on creation, which on a large view costs seconds.
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    // A large view gives each dot its colour as a string (vis-network derives the rest),
    // cheaper to build than a colour object per node.
    var node = {id: n.id, x: n.x, y: n.y, size: n.size, color: BIG ? n.color : nodeLook(n, false).color};
    if (data.shape === "box" || n.label) node.label = n.short;
    if (data.shape !== "box" && n.label) shownLabel[n.id] = true;
    if (n.focus) { node.borderWidth = 5; node.font = {size: PX + 3}; }
    return node;
  }));
  var edgeItems = data.edges.map(function (e) {
    // Colours mixed with white here, not by opacity: vis-network would re-parse a colour with
    // an opacity on every frame.
    var edge = {id: e.id, from: e.from, to: e.to, color: tint(e.color, 0.2)};
    // Dashes cost much canvas time: a large view tells relations apart by colour only.
    if (!BIG && e.dashes) edge.dashes = e.dashes;
    if (e.confidence === "implied") { edge.width = 1; edge.color = tint(e.color, 0.55); }
    if (e.curve) edge.smooth = {enabled: true, type: e.curve[0], roundness: e.curve[1]};
    // On a case map, columns and colours say who sued whom over what; lines name the rulings.
    if (data.shape === "box" && /^ruled/.test(e.relation))
      edge.label = e.relation + (e.date ? " · " + e.date : "");
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
            font: {size: PX, face: FACE, color: "#1a1a1a", strokeWidth: data.shape === "box" ? 0 : 4, strokeColor: "#ffffff"},
            widthConstraint: data.shape === "box" ? {maximum: 200} : false, margin: 7,
            shapeProperties: {borderRadius: 3}},
    edges: {smooth: {enabled: false}, arrows: {to: {enabled: !BIG, scaleFactor: 0.45}}, hoverWidth: 0.6,
            selectionWidth: 1.5, width: 1.6, color: {inherit: false},
            font: {size: 12, face: FACE, color: "#555", strokeWidth: 4, strokeColor: "#fff", align: "middle"}},
    interaction: {hover: true, tooltipDelay: 100, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG,
                  navigationButtons: false, keyboard: false}
  };
  var network = view.network = window.network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  network.once("afterDrawing", function () { view.firstFrame = performance.now(); });  // ms since navigation

  // --- names: the most important that fit, none over another, at a constant screen size ---
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text, size) {
    measure.font = size + "px " + FACE;
    return measure.measureText(text).width;
  }
  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }
  function placeLabels() {
    if (data.shape === "box") return;
    var scale = network.getScale();
    var size = PX / scale, pad = 2 / scale;
    var body = network.body.nodes;
    var hl = highlighted();
    var order = data.nodes.filter(function (n) { return !hidden[n.id]; });
    order.sort(function (a, b) {
      var ka = (a.focus || a.id === state.sel) ? 0 : hl && hl[a.id] ? 1 : 2;
      var kb = (b.focus || b.id === state.sel) ? 0 : hl && hl[b.id] ? 1 : 2;
      return ka - kb || a.rank - b.rank;
    });
    var box = network.getViewPosition(), w = container.clientWidth / scale, h = container.clientHeight / scale;
    var area = [box.x - w / 2, box.y - h / 2, box.x + w / 2, box.y + h / 2];
    var taken = [], chosen = {};
    // The most important few hundred are tried; on a large view the rest would not fit anyway.
    for (var i = 0; i < order.length && taken.length < MOST && i < 8 * MOST; i++) {
      var n = order[i], b = body[n.id];
      if (!b) continue;
      var special = n.focus || n.id === state.sel;
      if (!special && (b.x < area[0] || b.x > area[2] || b.y < area[1] || b.y > area[3])) continue;
      var fs = n.focus ? size * (PX + 3) / PX : size;
      var tw = textWidth(n.short, fs) / 2 + pad, th = fs * 1.15 + pad;
      var r = b.options.size;
      var below = [b.x - tw, b.y + r + 3 - pad, b.x + tw, b.y + r + 3 + th];
      // A name cut by the edge of the canvas is not drawn (unless it is the focus's).
      if (!special && (below[0] < area[0] || below[2] > area[2] || below[3] > area[3])) continue;
      if (!taken.some(function (t) { return overlaps(below, t); })) { taken.push(below); chosen[n.id] = fs; }
    }
    var updates = [];
    data.nodes.forEach(function (n) {
      var c = chosen[n.id], was = shownLabel[n.id];
      if (c) {
        updates.push({id: n.id, label: n.short, font: {size: c}});
        shownLabel[n.id] = true;
      } else if (was) {
        updates.push({id: n.id, label: ""});
        delete shownLabel[n.id];
      }
    });
    nodes.update(updates);
  }
  // The boxes of the names as drawn, from the network's own label geometry (after a frame).
  function labelBoxes() {
    var out = [];
    var a = network.DOMtoCanvas({x: 0, y: 0}), z = network.DOMtoCanvas({x: container.clientWidth, y: container.clientHeight});
    data.nodes.forEach(function (n) {
      var b = network.body.nodes[n.id];
      if (!b || hidden[n.id] || !b.options.label) return;
      // Only what is on screen is drawn (and has its label measured).
      var bb = b.shape.boundingBox;
      if (bb.right < a.x || bb.left > z.x || bb.bottom < a.y || bb.top > z.y) return;
      var s = b.labelModule.size;
      out.push({id: n.id, rank: n.rank, left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height});
    });
    return out;
  }
  // A last check with the drawn geometry: a name the estimate let through that meets a more
  // important one is dropped.
  function declutter() {
    if (data.shape === "box") return 0;  // a case map places its boxes apart
    var boxes = labelBoxes().sort(function (a, b) { return a.rank - b.rank; });
    var kept = [], drop = [];
    boxes.forEach(function (b) {
      var r = [b.left, b.top, b.right, b.bottom];
      if (kept.some(function (k) { return overlaps(r, k); })) { drop.push({id: b.id, label: ""}); delete shownLabel[b.id]; }
      else kept.push(r);
    });
    if (drop.length) nodes.update(drop);
    return drop.length;
  }
  view.labelBoxes = labelBoxes;

  // --- applying the state: hidden, faded, labelled ---
  var hidden = {}, faded = {};
  function highlighted() {
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
    var edgeUpdates = [];
    data.edges.forEach(function (e) {
      var on = visibleEdge(e);
      if (on) { nodeOn[e.from] = true; nodeOn[e.to] = true; }
      e._on = on;
    });
    var newHidden = {};
    data.nodes.forEach(function (n) {
      // An entity stays when a statement of it is shown, or it has none on this page.
      var on = nodeOk(n) && (nodeOn[n.id] || n.focus || (!touching[n.id].length));
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
    data.edges.forEach(function (e) {
      if (pendingEdges) return;  // not in the network yet: applied when they join it
      var fade = !!(hl && !(e.from === state.sel || e.to === state.sel)), hide = !e._on;
      if (fade === !!e._faded && hide === !!e._hidden) return;
      var u = {id: e.id, hidden: hide};
      if (fade !== !!e._faded)
        u.color = {color: fade ? FADED : tint(e.color, e.confidence === "implied" ? 0.55 : 0.2),
                   highlight: e.color, hover: e.color};
      e._faded = fade; e._hidden = hide;
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
    network.once("afterDrawing", declutter);
  }
  view.apply = apply;

  function select(id, centre) {
    state.sel = id;
    if (id === null) {
      details.replaceChildren(el("p", "kg-hint", "Find a name above, or click an entity for its statements and their quotes."));
      network.unselectAll();
    } else {
      network.selectNodes([id], false);
      if (centre) network.moveTo({position: network.getPositions([id])[id], scale: Math.max(network.getScale(), 1),
                                  animation: false});
    }
    apply();
  }
  view.select = select;

  // --- the controls ---
  var search = document.getElementById("kg-search");
  var names = document.getElementById("kg-names");
  var lookup = {};
  var options_ = document.createDocumentFragment();
  data.nodes.slice().sort(function (a, b) { return a.rank - b.rank; }).forEach(function (n) {
    [n.name].concat(n.aliases || []).forEach(function (text, i) {
      var key = String(text).toLowerCase();
      if (!(key in lookup)) lookup[key] = n.id;
      var option = el("option");
      option.value = text;
      if (i) option.label = text + " — " + n.name;
      options_.appendChild(option);
    });
  });
  // The type-ahead list joins the page after the first frame: on a large view it is thousands
  // of elements.
  setTimeout(function () { names.appendChild(options_); }, 0);
  function find(text) {
    var key = text.trim().toLowerCase();
    if (!key) return null;
    if (key in lookup) return lookup[key];
    var best = null;
    data.nodes.forEach(function (n) {
      var hit = [n.name].concat(n.aliases || []).some(function (t) { return String(t).toLowerCase().indexOf(key) >= 0; });
      if (hit && (best === null || n.rank < best.rank)) best = n;
    });
    return best ? best.id : null;
  }
  view.find = find;
  function searchNow() {
    var id = find(search.value);
    search.classList.toggle("kg-miss", id === null && search.value.trim() !== "");
    if (id !== null) select(id, true);
  }
  search.addEventListener("change", searchNow);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") searchNow(); });
  document.getElementById("kg-clear").addEventListener("click", function () {
    search.value = "";
    state.fam = {}; state.type = {}; state.conf = {}; state.src = "";
    state.from = 0; state.to = Math.max(periods.length - 1, 0); state.undated = true;
    select(null);
    network.fit({animation: false});
  });

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
  var sourceSelect = document.getElementById("kg-source");
  sources.forEach(function (s, i) {
    var option = el("option", null, s.published ? s.title + " (" + s.published + ")" : s.title);
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
  var from = document.getElementById("kg-from"), to = document.getElementById("kg-to");
  var undated = document.getElementById("kg-undated");
  if (!periods.length) document.querySelector(".kg-time").hidden = true;
  from.max = to.max = String(Math.max(periods.length - 1, 0));
  from.addEventListener("input", function () {
    state.from = Math.min(Number(from.value), state.to); apply();
  });
  to.addEventListener("input", function () {
    state.to = Math.max(Number(to.value), state.from); apply();
  });
  undated.addEventListener("change", function () { state.undated = undated.checked; apply(); });
  document.getElementById("kg-relax").addEventListener("change", function (ev) {
    network.setOptions({physics: {enabled: ev.target.checked}});
  });
  function syncControls() {
    from.value = String(state.from); to.value = String(state.to);
    document.getElementById("kg-from-label").textContent = periods[state.from] || "";
    document.getElementById("kg-to-label").textContent = periods[state.to] || "";
    undated.checked = state.undated;
    sourceSelect.value = state.src;
    document.querySelectorAll(".kg-fam").forEach(function (b) { b.checked = !state.fam[b.value]; });
    document.querySelectorAll(".kg-type").forEach(function (b) { b.checked = !state.type[b.value]; });
    document.querySelectorAll(".kg-conf").forEach(function (b) { b.checked = !state.conf[b.value]; });
  }

  // --- hover cards ---
  var tip = document.getElementById("kg-tip");
  function showTip(card, pointer) {
    tip.replaceChildren(card);
    tip.hidden = false;
    var box = container.getBoundingClientRect();
    var x = box.left + pointer.x + 14, y = box.top + pointer.y + 14;
    tip.style.left = Math.min(x, window.innerWidth - 440) + "px";
    tip.style.top = Math.min(y, window.innerHeight - 200) + "px";
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
  network.on("zoom", function () {
    clearTimeout(zoomTimer);
    zoomTimer = setTimeout(function () { placeLabels(); network.once("afterDrawing", declutter); }, 120);
  });
  network.on("dragEnd", function () { placeLabels(); network.once("afterDrawing", declutter); });
  window.addEventListener("hashchange", function () { readHash(); apply(); });

  // --- marks drawn under the network: the focus, the selection, the time axis ---
  network.on("beforeDrawing", function (ctx) {
    var scale = network.getScale();
    if (data.ticks && data.ticks.length) {
      var ys = data.nodes.map(function (n) { return n.y; });
      var top = Math.min.apply(null, ys) - 50, bottom = Math.max.apply(null, ys) + 40;
      ctx.save();
      ctx.strokeStyle = "#e3e3e3"; ctx.lineWidth = 1 / scale;
      ctx.fillStyle = "#555"; ctx.textAlign = "left"; ctx.textBaseline = "top";
      ctx.font = "600 " + (14 / scale) + "px " + FACE;
      var free = -Infinity;  // a year's name is skipped where the one before it still runs
      data.ticks.forEach(function (t) {
        ctx.beginPath(); ctx.moveTo(t[1], top); ctx.lineTo(t[1], bottom); ctx.stroke();
        if (t[1] < free) return;
        ctx.fillText(t[0], t[1] + 5 / scale, top + 4 / scale);
        free = t[1] + 10 / scale + ctx.measureText(t[0]).width;
      });
      ctx.restore();
    }
    if (data.arcs && data.arcs.length) {  // a focus view's ring: each family's arc, in its colour
      ctx.save();
      data.arcs.forEach(function (a) {
        var from = a.angles[0], to = a.angles[a.angles.length - 1], pad = 0.12;
        ctx.beginPath();
        ctx.ellipse(0, 0, a.radius * 1.2, a.radius, 0, from - pad, to + pad);
        ctx.strokeStyle = a.colour; ctx.globalAlpha = 0.18; ctx.lineWidth = 16 / scale; ctx.lineCap = "round";
        ctx.stroke();
      });
      ctx.restore();
    }
    if (data.columns && data.columns.length) {  // a case map's column heads, above its first band
      var y0 = Math.min.apply(null, data.nodes.map(function (n) { return n.y; })) - 60;
      ctx.save();
      ctx.fillStyle = "#555"; ctx.textAlign = "center"; ctx.textBaseline = "top";
      ctx.font = "600 " + (13 / scale) + "px " + FACE;
      data.columns.forEach(function (c) { ctx.fillText(c[0].toUpperCase(), c[1], y0); });
      // The rows that run across the columns (claims, provisions) are named where they start,
      // under a rule, so that no column head seems to speak for them.
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

  // Names go over everything: vis-network draws each name with its dot, so a later dot could
  // cover an earlier name; each drawn name is drawn again, in the same place, on top.
  network.on("afterDrawing", function (ctx) {
    if (data.shape === "box") return;
    ctx.save();
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    data.nodes.forEach(function (n) {
      var b = network.body.nodes[n.id];
      if (!shownLabel[n.id] || hidden[n.id] || !b || !b.options.label) return;
      var s = b.labelModule.size, fs = b.options.font.size;
      ctx.font = fs + "px " + FACE;
      ctx.lineWidth = fs / 3.5; ctx.strokeStyle = "#ffffff"; ctx.lineJoin = "round";
      ctx.fillStyle = faded[n.id] ? "#b5b5b5" : "#1a1a1a";
      ctx.strokeText(b.options.label, s.left + s.width / 2, s.top);
      ctx.fillText(b.options.label, s.left + s.width / 2, s.top);
    });
    ctx.restore();
  });

  // --- the first frame: fit, then names at the opening zoom; the page is ready after it ---
  readHash();
  network.fit({animation: false});
  if (data.shape === "box") {
    // A case map opens at a size to read (names at 12 px or more), its first case at the top.
    var xs = data.nodes.map(function (n) { return n.x; }), ys = data.nodes.map(function (n) { return n.y; });
    var left = Math.min.apply(null, xs) - 110, right = Math.max.apply(null, xs) + 110;
    var scale = Math.max(Math.min(1, container.clientWidth / (right - left)), 12 / PX);
    network.moveTo({position: {x: (left + right) / 2, y: Math.min.apply(null, ys) - 80 + container.clientHeight / scale / 2},
                    scale: scale, animation: false});
  } else {
    network.moveTo({scale: network.getScale() * 0.94, animation: false});
  }
  apply();
  if (state.sel !== null) network.moveTo({position: network.getPositions([state.sel])[state.sel], animation: false});
  network.once("afterDrawing", function () {
    declutter();
    if (pendingEdges) {
      setTimeout(function () {
        edges.add(pendingEdges);
        pendingEdges = null;
        apply();
        network.once("afterDrawing", function () { view.linesFrame = performance.now(); view.stable = true; });
      }, 0);
      return;
    }
    network.once("afterDrawing", function () { view.linesFrame = view.firstFrame; view.stable = true; });
    network.redraw();
  });
})();
