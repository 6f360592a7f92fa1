// The /suggest review page: post the text, show the suggested facts in a table and highlighted in
// the text, let the reader untick and correct them, and download the reviewed facts.yaml.
// Every piece of text is written with textContent / value, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("suggest-form");
  var state = { text: "", title: "", date: null, facts: [] };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function status(message) { document.getElementById("suggest-status").textContent = message; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    });
  }

  function error(response) {
    return response.json().then(function (e) { throw new Error(e.message || response.statusText); },
                                function () { throw new Error(response.statusText); });
  }

  // The text as segments between every boundary of a sentence or a name, each marked accordingly.
  function renderArticle() {
    var box = document.getElementById("suggest-article");
    box.textContent = "";
    var text = state.text, cuts = [0, text.length], spans = [];
    state.facts.forEach(function (f, i) {
      spans.push({ a: f.start, b: f.end, kind: "evidence", fact: i });
      if (f.person_end > f.person_start) spans.push({ a: f.person_start, b: f.person_end, kind: "name", fact: i });
    });
    spans.forEach(function (s) { cuts.push(s.a, s.b); });
    cuts = cuts.filter(function (c, i, all) { return c >= 0 && c <= text.length && all.indexOf(c) === i; })
               .sort(function (x, y) { return x - y; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1], piece = text.slice(a, b);
      var inside = spans.filter(function (s) { return s.a <= a && b <= s.b; });
      if (!inside.length) { box.appendChild(document.createTextNode(piece)); continue; }
      var isName = inside.some(function (s) { return s.kind === "name"; });
      var mark = el("mark", { "class": isName ? "name" : "evidence" }, piece);
      mark.dataset.facts = inside.map(function (s) { return s.fact; }).join(" ");
      mark.dataset.sentence = String(inside[0].a);
      box.appendChild(mark);
    }
  }

  function focusFact(i) {
    var f = state.facts[i];
    document.querySelectorAll("#suggest-article mark").forEach(function (m) {
      m.classList.toggle("active", (" " + m.dataset.facts + " ").indexOf(" " + i + " ") >= 0);
    });
    var first = document.querySelector("#suggest-article mark.active");
    if (first && f) first.scrollIntoView({ block: "nearest" });
  }

  function input(value, name, i) {
    var node = el("input", { type: "text", name: name, "aria-label": name });
    node.value = value || "";
    node.addEventListener("input", function () { state.facts[i][name] = node.value; });
    return node;
  }

  function renderFacts() {
    var body = document.querySelector("#suggest-facts tbody");
    body.textContent = "";
    state.facts.forEach(function (f, i) {
      var row = el("tr", { "data-index": String(i) });
      var keep = el("input", { type: "checkbox", "aria-label": "keep" });
      keep.checked = f.keep !== false;
      keep.addEventListener("change", function () { f.keep = keep.checked; row.classList.toggle("dropped", !keep.checked); });
      var cell = el("td"); cell.appendChild(keep); row.appendChild(cell);
      ["person", "title", "organisation", "date"].forEach(function (name) {
        var td = el("td"); td.appendChild(input(f[name], name, i)); row.appendChild(td);
      });
      row.appendChild(el("td", {}, Number(f.confidence).toFixed(2)));
      var why = el("td", { "class": "why" }, f.reason);
      why.appendChild(el("br"));
      why.appendChild(el("q", { lang: "vi" }, f.sentence));
      row.appendChild(why);
      row.addEventListener("click", function () { focusFact(i); });
      body.appendChild(row);
    });
    document.getElementById("suggest-count").textContent = "(" + state.facts.length + ")";
  }

  function renderList(id, items, line) {
    var list = document.getElementById(id);
    list.textContent = "";
    if (!items.length) list.appendChild(el("li", { "class": "muted" }, "none"));
    items.forEach(function (item) { list.appendChild(el("li", {}, line(item))); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("suggest-text").value;
    status("reading…");
    post("/suggest", { text: text, date: document.getElementById("suggest-date").value || null })
      .then(function (r) { return r.ok ? r.json() : error(r); })
      .then(function (data) {
        state = { text: data.text, title: data.title, date: data.date, facts: data.facts };
        if (data.date && !document.getElementById("suggest-date").value) {
          document.getElementById("suggest-date").value = data.date;
        }
        renderFacts();
        renderArticle();
        renderList("suggest-org-roles", data.organisation_roles, function (o) {
          return o.organisation + " — " + o.title + " " + (o.of || "") + " (" + (o.date || "?") + ")";
        });
        renderList("suggest-warnings", data.warnings, function (w) {
          return "[" + w.kind + "] " + w.person + " — " + w.title + " " + (w.organisation || "") + ": " + w.message;
        });
        document.getElementById("suggest-results").hidden = false;
        status(data.facts.length + " fact(s) suggested");
      })
      .catch(function (e) { status("error: " + e.message); });
  });

  document.getElementById("suggest-download").addEventListener("click", function () {
    var kept = state.facts.filter(function (f) { return f.keep !== false; });
    post("/suggest/facts.yaml", {
      text: state.text, title: state.title, facts: kept,
      date: document.getElementById("suggest-date").value || state.date,
      source_id: document.getElementById("suggest-source").value
    }).then(function (r) { return r.ok ? r.text() : error(r); })
      .then(function (yaml) {
        var link = document.getElementById("suggest-link");
        link.href = URL.createObjectURL(new Blob([yaml], { type: "application/yaml" }));
        link.download = (document.getElementById("suggest-source").value || "new-source") + ".facts.yaml";
        link.textContent = link.download;
        link.hidden = false;
        link.click();
        status(kept.length + " fact(s) in the draft");
      })
      .catch(function (e) { status("error: " + e.message); });
  });
})();
