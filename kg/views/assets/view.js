// Draws one kg view with vis-network. Every string from an article reaches the page through
// textContent (never innerHTML), so a label or quote holding markup shows as text.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var WIKIDATA = /^Q[0-9]+$/;

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

  function nodeCard(n, withLinks) {
    var card = el("div", "kg-card");
    card.appendChild(el("div", "kg-title", n.name));
    field(card, "Type", n.type);
    field(card, "Roles", n.roles);
    field(card, "Also called", n.aliases);
    field(card, "About", n.description);
    field(card, "Centrality", n.score);
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
    if (withLinks && n.ego) {
      var ego = el("a", "kg-ego", "Open its neighbourhood view");
      ego.href = n.ego;
      card.appendChild(ego);
    }
    return card;
  }

  function edgeCard(e) {
    var card = el("div", "kg-card");
    card.appendChild(el("div", "kg-title", e.relation));
    card.appendChild(el("div", "kg-ends", e.ends));
    field(card, "Date", e.date);
    if (e.quote) card.appendChild(el("blockquote", "kg-quote", e.quote));
    field(card, "Source", e.source);
    field(card, "Confidence", e.confidence);
    field(card, "Statement", e.statement);
    return card;
  }

  var details = document.getElementById("kg-details");
  function show(card) {
    details.replaceChildren(card);
  }

  var container = document.getElementById("kg-graph");
  var info = data.info || {};
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var node = {id: n.id, value: n.value, color: n.color, shape: "dot",
                borderWidth: n.focus ? 4 : 1, title: nodeCard(n, false)};
    if (n.short) node.label = n.short;
    return node;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var edge = {id: e.id, from: e.from, to: e.to, color: {color: e.color, highlight: e.color, hover: e.color},
                dashes: e.confidence === "implied", arrows: "to", title: edgeCard(e)};
    if (e.curve) edge.smooth = {enabled: true, type: e.curve[0], roundness: e.curve[1]};
    return edge;
  }));
  var byNode = {}, byEdge = {};
  data.nodes.forEach(function (n) { byNode[n.id] = n; });
  data.edges.forEach(function (e) { byEdge[e.id] = e; });

  var view = window.kgView = {network: null, nodes: nodes, edges: edges, stable: false, period: null};
  if (!data.nodes.length) {
    container.appendChild(el("p", "kg-empty", "Nothing to draw: this view has no entities."));
    view.stable = true;
    return;
  }
  var network = view.network = window.network = new vis.Network(
    container, {nodes: nodes, edges: edges}, data.options);

  network.on("click", function (params) {
    if (params.nodes.length) show(nodeCard(byNode[params.nodes[0]], true));
    else if (params.edges.length) show(edgeCard(byEdge[params.edges[0]]));
  });

  // The timeline: every edge knows the first period it belongs to and, for a state whose valid
  // time ends, the last; a period shows the edges that hold in it and the entities they touch,
  // on the layout of the whole sequence.
  var periods = data.periods || [];
  var slider = document.getElementById("kg-period");
  function showPeriod(index) {
    var visible = {};
    edges.update(data.edges.map(function (e) {
      var on = e.since !== null && e.since <= index && (e.until === null || index <= e.until);
      if (on) { visible[e.from] = true; visible[e.to] = true; }
      return {id: e.id, hidden: !on};
    }));
    nodes.update(data.nodes.map(function (n) { return {id: n.id, hidden: !visible[n.id]}; }));
    document.getElementById("kg-period-label").textContent = periods[index];
    slider.value = index;
    view.period = periods[index];
  }
  if (periods.length && slider) {
    slider.addEventListener("input", function () { showPeriod(Number(slider.value)); });
    var timer = null;
    var play = document.getElementById("kg-play");
    play.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "Play"; return; }
      var index = 0;
      showPeriod(index);
      play.textContent = "Stop";
      timer = setInterval(function () {
        index += 1;
        if (index >= periods.length) { clearInterval(timer); timer = null; play.textContent = "Play"; return; }
        showPeriod(index);
      }, 1200);
    });
  }

  function settle() {
    if (view.stable) return;
    network.setOptions({physics: {enabled: false}});
    if (periods.length && slider) showPeriod(periods.length - 1);
    view.stable = true;
  }
  // Physics lays the graph out once, then stops, so that the page goes quiet.
  network.once("stabilizationIterationsDone", settle);
  network.once("stabilized", settle);
})();
