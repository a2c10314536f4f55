"""What the view tests ask of a page: where things are drawn, and what the pointer shows."""

from __future__ import annotations

import json

# Where an entity or the middle of an edge is on the page, in CSS pixels.
NODE_AT = """(function (id) {
  var p = network.canvasToDOM(network.getPositions([id])[id]);
  var box = document.getElementById('kg-graph').getBoundingClientRect();
  return [p.x + box.left, p.y + box.top];
})(%s)"""
# The point nearest the middle of an edge that no entity covers (a dot may sit on its middle).
EDGE_AT = """(function (id) {
  var box = document.getElementById('kg-graph').getBoundingClientRect();
  var p = null;
  [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].some(function (t) {
    var q = network.canvasToDOM(network.body.edges[id].edgeType.getPoint(t));
    if (network.getNodeAt(q) === undefined && network.getEdgeAt(q) === id) { p = q; return true; }
  });
  p = p || network.canvasToDOM(network.body.edges[id].edgeType.getPoint(0.5));
  return [p.x + box.left, p.y + box.top];
})(%s)"""
# The first of these edges that nothing else covers at its middle.
CLEAR_EDGE = """(function (ids) {
  return ids.find(function (id) {
    var p = network.canvasToDOM(network.body.edges[id].edgeType.getPoint(0.5));
    return network.getEdgeAt(p) === id && network.getNodeAt(p) === undefined;
  });
})(%s)"""
TOOLTIP = """(function () {
  var t = document.getElementById('kg-tip');
  return t && !t.hidden ? t.innerText : null;
})()"""


def open_view(chromium, path):
    page = chromium.page()
    page.goto(path.as_uri())
    page.wait_for("window.kgView && window.kgView.stable")
    return page


def hover_edge(page, key, starts: str):
    """Zoom in on an edge's middle (so the names of the dots along it, drawn at a constant
    screen size, no longer cover it), then point at it and return its card."""
    page.evaluate(f"network.moveTo({{position: network.body.edges[{json.dumps(key)}].edgeType.getPoint(0.5), "
                  f"scale: 3}}); network.emit('zoom', {{}}); 0")
    page.browser.pump(0.4)
    return hover(page, EDGE_AT % json.dumps(key), starts)


def hover(page, expression, starts: str):
    """Point at a place and return the tooltip that starts with `starts` (a tooltip of what the
    pointer crossed on its way may show first)."""
    x, y = page.evaluate(expression)
    page.mouse_move(x - 40, y - 40)
    page.mouse_move(x, y)
    return page.wait_for(f"(function (t) {{ return t && t.startsWith({json.dumps(starts)}) ? t : null; }})"
                         f"({TOOLTIP})", timeout=10)
