/* The graph view: draws the nodes and edges given in <script id="graph-data"> with vis-network.
 *
 * Data are read with JSON.parse, never evaluated. Tooltips are plain text turned into DOM text nodes
 * (textContent), so a label such as "<img src=x onerror=...>" shows as text and runs nothing; the SVG
 * export writes names with textContent too. The vis Network object stays reachable as window.network
 * (as pyvis does) for tests and power users; window.graphView has focus() and the exports.
 *
 * Clicking a node focuses its neighbourhood (the rest is dimmed); double-clicking opens its page.
 */
(function () {
  "use strict";

  var dataElement = document.getElementById("graph-data");
  var container = document.getElementById("graph");
  if (!dataElement || !container || typeof vis === "undefined") {
    return;
  }
  var payload = JSON.parse(dataElement.textContent);
  var DIM_NODE = "rgba(200, 205, 210, 0.35)";
  var DIM_EDGE = "rgba(200, 205, 210, 0.25)";
  var DIM_FONT = "rgba(150, 155, 160, 0.45)";

  function tooltip(text) {
    var element = document.createElement("div");
    element.className = "graph-tooltip";
    element.textContent = text;
    return element;
  }

  function withTooltip(item) {
    var copy = Object.assign({}, item);
    if (typeof item.title === "string" && item.title !== "") {
      copy.titleText = item.title;
      copy.title = tooltip(item.title);
    }
    return copy;
  }

  var nodes = new vis.DataSet(payload.nodes.map(withTooltip));
  var edges = new vis.DataSet(payload.edges.map(withTooltip));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, payload.options || {});
  window.network = network;

  // Labels keep a readable size on the screen whatever the zoom: fitting a view of 17 nodes into the
  // page scales the canvas to about 0.6, which drew 12 px labels at 7 px. Font sizes (and the width a
  // label wraps at) are set in canvas units, so they are divided by the scale, up to a bound.
  var baseOptions = payload.options || {};
  var EDGE_PX = (baseOptions.edges && baseOptions.edges.font && baseOptions.edges.font.size) || 12;
  var NODE_PX = (baseOptions.nodes && baseOptions.nodes.font && baseOptions.nodes.font.size) || 14;
  var NODE_WRAP = (baseOptions.nodes && baseOptions.nodes.widthConstraint && baseOptions.nodes.widthConstraint.maximum) || 170;
  var EDGE_WRAP = (baseOptions.edges && baseOptions.edges.widthConstraint && baseOptions.edges.widthConstraint.maximum) || 150;
  var lastFactor = 1;
  function readableLabels() {
    var factor = Math.min(Math.max(1 / network.getScale(), 1), 2.2);
    if (Math.abs(factor - lastFactor) < 0.05) { return; }
    lastFactor = factor;
    network.setOptions({
      nodes: { font: { size: Math.round(NODE_PX * factor) }, widthConstraint: { maximum: Math.round(NODE_WRAP * factor) } },
      edges: { font: { size: Math.round(EDGE_PX * factor) }, widthConstraint: { maximum: Math.round(EDGE_WRAP * factor) } }
    });
  }
  var pending = false;
  network.on("zoom", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; readableLabels(); });
  });

  function settled() {
    // Stop the simulation once the layout has settled, so the drawing stays still and readable.
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    readableLabels();
    container.setAttribute("data-stable", "true");
  }
  if (payload.nodes.length === 0) {
    container.setAttribute("data-stable", "true");
    container.appendChild(document.createTextNode("Nothing to show for these filters."));
  } else {
    network.once("stabilizationIterationsDone", settled);
    network.once("stabilized", function () {
      if (container.getAttribute("data-stable") !== "true") { settled(); }
    });
  }

  // --- focus on a node's neighbourhood ------------------------------------------------------------
  function byId(id) { return document.getElementById(id); }
  var panel = byId("graph-focus-panel");
  var focusSelect = byId("graph-focus-select");
  var clearButton = byId("graph-focus-clear");

  function setLink(id, url) {
    var link = byId(id);
    if (!link) { return; }
    var wrap = link.parentNode;
    if (url) { link.setAttribute("href", url); wrap.hidden = false; } else if (wrap !== panel) { wrap.hidden = true; }
  }

  function restore() {
    nodes.update(payload.nodes.map(function (n) {
      return { id: n.id, color: n.color, font: { color: "#1d2430" } };
    }));
    edges.update(payload.edges.map(function (e) {
      return { id: e.id, color: e.color, font: { color: "#1d2430" } };
    }));
  }

  function clearFocus() {
    restore();
    container.removeAttribute("data-focus");
    if (panel) { panel.hidden = true; }
    if (clearButton) { clearButton.hidden = true; }
    if (focusSelect) { focusSelect.value = ""; }
    network.unselectAll();
    network.fit({ animation: false });
    readableLabels();
  }

  function focus(id, fit) {
    var node = nodes.get(id);
    if (!node) { return; }
    var near = {};
    near[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { near[n] = true; });
    var touching = {};
    network.getConnectedEdges(id).forEach(function (e) { touching[e] = true; });
    nodes.update(payload.nodes.map(function (n) {
      return near[n.id] ? { id: n.id, color: n.color, font: { color: "#1d2430" } }
        : { id: n.id, color: DIM_NODE, font: { color: DIM_FONT } };
    }));
    edges.update(payload.edges.map(function (e) {
      return touching[e.id] ? { id: e.id, color: e.color, font: { color: "#1d2430" } }
        : { id: e.id, color: DIM_EDGE, font: { color: DIM_FONT } };
    }));
    network.selectNodes([id], true);
    // Chosen by name: bring the neighbourhood into view. Clicked: the node stays under the pointer
    // (a second click, a double-click, must find it there).
    if (fit !== false) { network.fit({ nodes: Object.keys(near), animation: false }); readableLabels(); }
    container.setAttribute("data-focus", id);
    if (focusSelect) { focusSelect.value = id; }
    if (clearButton) { clearButton.hidden = false; }
    if (panel) {
      byId("graph-focus-name").textContent = node.label_full || node.label;
      byId("graph-focus-kind").textContent = "· " + Object.keys(near).length + " nodes in its neighbourhood";
      byId("graph-focus-page").setAttribute("href", node.url || "#");
      setLink("graph-focus-graph", node.graph_url);
      setLink("graph-focus-career", node.career_url);
      panel.hidden = false;
    }
  }

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length === 1) {
      focus(params.nodes[0], false);
    } else if (container.hasAttribute("data-focus")) {
      clearFocus();
    }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes && params.nodes.length === 1) {
      var node = nodes.get(params.nodes[0]);
      if (node && node.url) {
        window.location.assign(node.url);
      }
    }
  });
  network.on("hoverNode", function () { container.style.cursor = "pointer"; });
  network.on("blurNode", function () { container.style.cursor = ""; });
  if (focusSelect) {
    focusSelect.addEventListener("change", function () {
      if (focusSelect.value) { focus(focusSelect.value); } else { clearFocus(); }
    });
  }
  if (clearButton) { clearButton.addEventListener("click", clearFocus); }

  // --- the view as an image ---------------------------------------------------------------------------
  function pngDataURL() {
    // The canvas is transparent: draw it on white so the image reads in any viewer.
    var source = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = source.width;
    out.height = source.height;
    var context = out.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, out.width, out.height);
    context.drawImage(source, 0, 0);
    return out.toDataURL("image/png");
  }

  var SVG = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { element.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { element.textContent = text; }
    return element;
  }
  function colourOf(item, fallback) {
    var c = item.color;
    if (c && typeof c === "object") { c = c.background || c.color; }
    return typeof c === "string" ? c : fallback;
  }
  function shape(kind, x, y, r, fill) {
    var points = {
      square: [[-1, -1], [1, -1], [1, 1], [-1, 1]],
      diamond: [[0, -1.3], [1.3, 0], [0, 1.3], [-1.3, 0]],
      triangle: [[0, -1.2], [1.1, 0.8], [-1.1, 0.8]],
      triangleDown: [[-1.1, -0.8], [1.1, -0.8], [0, 1.2]],
      hexagon: [[-0.5, -1], [0.5, -1], [1, 0], [0.5, 1], [-0.5, 1], [-1, 0]],
      star: [[0, -1.3], [0.3, -0.4], [1.2, -0.4], [0.5, 0.2], [0.8, 1.1], [0, 0.6], [-0.8, 1.1], [-0.5, 0.2], [-1.2, -0.4], [-0.3, -0.4]]
    }[kind];
    if (!points) { return el("circle", { cx: x, cy: y, r: r, fill: fill }); }
    return el("polygon", { fill: fill, points: points.map(function (p) {
      return (x + p[0] * r).toFixed(1) + "," + (y + p[1] * r).toFixed(1); }).join(" ") });
  }

  function svgText() {
    // Built from the drawn positions (nodes, and the curve's control point of a curved edge).
    var positions = network.getPositions();
    var ids = Object.keys(positions);
    var xs = ids.map(function (i) { return positions[i].x; });
    var ys = ids.map(function (i) { return positions[i].y; });
    var pad = 120;
    var minX = Math.min.apply(null, xs) - pad, minY = Math.min.apply(null, ys) - pad;
    var width = Math.max.apply(null, xs) - minX + pad, height = Math.max.apply(null, ys) - minY + pad;
    var svg = el("svg", { xmlns: SVG, viewBox: [minX, minY, width, height].map(function (v) { return v.toFixed(1); }).join(" "),
      width: Math.round(width), height: Math.round(height), "font-family": "system-ui, sans-serif" });
    svg.appendChild(el("rect", { x: minX, y: minY, width: width, height: height, fill: "#ffffff" }));
    edges.get().forEach(function (e) {
      var a = positions[e.from], b = positions[e.to];
      if (!a || !b) { return; }
      var edge = network.body.edges[e.id];
      var via = null;
      try { via = edge && edge.edgeType && edge.edgeType.via ? edge.edgeType.via : (edge && edge.edgeType && edge.edgeType._getViaCoordinates ? edge.edgeType._getViaCoordinates() : null); } catch (err) { via = null; }
      var d = via && isFinite(via.x) ? "M" + a.x + " " + a.y + " Q" + via.x + " " + via.y + " " + b.x + " " + b.y
        : "M" + a.x + " " + a.y + " L" + b.x + " " + b.y;
      var attrs = { d: d, fill: "none", stroke: colourOf(e, "#888"), "stroke-width": e.width || 1.5 };
      if (Array.isArray(e.dashes)) { attrs["stroke-dasharray"] = e.dashes.join(" "); }
      svg.appendChild(el("path", attrs));
      if (e.label) {
        var mx = via && isFinite(via.x) ? (a.x + 2 * via.x + b.x) / 4 : (a.x + b.x) / 2;
        var my = via && isFinite(via.y) ? (a.y + 2 * via.y + b.y) / 4 : (a.y + b.y) / 2;
        var label = el("text", { x: mx.toFixed(1), y: my.toFixed(1), "font-size": 12, "text-anchor": "middle",
          stroke: "#ffffff", "stroke-width": 4, "paint-order": "stroke", fill: "#1d2430" }, e.label);
        label.appendChild(el("title", {}, e.label_full || e.label));
        svg.appendChild(label);
      }
    });
    nodes.get().forEach(function (n) {
      var p = positions[n.id];
      if (!p) { return; }
      var body = network.body.nodes[n.id];
      var r = body && body.options && body.options.size ? body.options.size : 12;
      var group = el("g", {});
      group.appendChild(shape(n.shape, p.x, p.y, r, colourOf(n, "#9aa5b1")));
      group.appendChild(el("text", { x: p.x.toFixed(1), y: (p.y + r + 15).toFixed(1), "font-size": 14, "text-anchor": "middle",
        stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke", fill: "#1d2430" }, n.label));
      group.appendChild(el("title", {}, n.label_full || n.label));
      svg.appendChild(group);
    });
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  }

  function save(url, filename) {
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  }

  var pngButton = byId("graph-export-png");
  if (pngButton) {
    pngButton.addEventListener("click", function () {
      save(pngDataURL(), pngButton.getAttribute("data-filename") || "graph.png");
    });
  }
  var svgButton = byId("graph-export-svg");
  if (svgButton) {
    svgButton.addEventListener("click", function () {
      var url = URL.createObjectURL(new Blob([svgText()], { type: "image/svg+xml" }));
      save(url, svgButton.getAttribute("data-filename") || "graph.svg");
      setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
    });
  }
  window.graphView = { focus: focus, clearFocus: clearFocus, png: pngDataURL, svg: svgText };

  // The filter form: a plain GET form, so every view has a shareable URL. Empty fields are left out
  // of the URL, and choosing from a select applies it at once.
  var form = document.getElementById("graph-filters");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.value === "") { field.disabled = true; }
      });
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-autosubmit]"), function (field) {
      field.addEventListener("change", function () {
        if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
      });
    });
  }
})();
