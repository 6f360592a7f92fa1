/* The graph view: draws the nodes and edges given in <script id="graph-data"> with vis-network.
 *
 * Data are read with JSON.parse, never evaluated. Tooltips are plain text turned into DOM text nodes
 * (textContent), so a label such as "<img src=x onerror=...>" shows as text and runs nothing.
 * The vis Network object stays reachable as window.network (as pyvis does) for tests and power users.
 */
(function () {
  "use strict";

  var dataElement = document.getElementById("graph-data");
  var container = document.getElementById("graph");
  if (!dataElement || !container || typeof vis === "undefined") {
    return;
  }
  var payload = JSON.parse(dataElement.textContent);

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

  function settled() {
    // Stop the simulation once the layout has settled, so the drawing stays still and readable.
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
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

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length === 1) {
      var node = nodes.get(params.nodes[0]);
      if (node && node.url) {
        window.location.assign(node.url);
      }
    }
  });
  network.on("hoverNode", function () { container.style.cursor = "pointer"; });
  network.on("blurNode", function () { container.style.cursor = ""; });

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
