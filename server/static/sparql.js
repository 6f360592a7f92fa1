// The query editor: YASGUI (served by this app) on this server's /sparql endpoint.
// Its configuration comes from the page's <script type="application/json" id="sparql-config">:
// {endpoint, defaultQuery, query (to open, or null), run (run it on load), examples: [{name, text}],
//  idBase/idPath/ontologyIri/ontologyNs (result IRIs that have a page here), version (the data
//  version served), citeUrl, resultsUrls: {csv, tsv, json, xlsx}}.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  var notice = document.getElementById("truncation-notice");
  var container = document.getElementById("yasgui");

  // The class/property/prefix autocompleters call LOV and prefix.cc at run time; the page
  // must make no outside request, so they are off. Set before the first Yasgui is made.
  Yasgui.Yasqe.defaults.autocompleters = [];
  // Errors are drawn by renderError (below). Each tab reads the renderers from YASR's defaults
  // (after YASGUI's own, which handles only unreachable endpoints), not from this config.
  Yasgui.Yasr.defaults.errorRenderers = [renderError];

  var yasgui = new Yasgui(container, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // This page decides what opens (?query=, #query=, ui=1 links); YASGUI's own URL parsing
    // stays off.
    populateFromUrl: false,
    // Tabs kept in localStorage per endpoint, so another deployment's tabs never point here.
    persistenceId: "tnmt-kg:" + config.endpoint,
    // Only this endpoint is offered (the default list names outside services).
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
    },
    yasqe: { value: config.defaultQuery },
  });

  function currentYasqe() {
    var tab = yasgui.getTab();
    return tab && tab.getYasqe ? tab.getYasqe() : null;
  }

  function currentQuery() {
    var yasqe = currentYasqe();
    return yasqe ? yasqe.getValue() : "";
  }

  function run() {
    var yasqe = currentYasqe();
    if (yasqe) yasqe.query().catch(function () { /* shown by the error renderer */ });
  }

  function openTab(name, text, andRun) {
    // A tab with the same text is reused, so reloading a link does not pile up tabs.
    yasgui.addTab(true, {
      name: name,
      yasqe: { value: text },
      requestConfig: Object.assign({}, yasgui.config.requestConfig, { endpoint: config.endpoint }),
    }, { avoidDuplicateTabs: true });
    if (andRun) setTimeout(run, 0);
  }

  // ------------------------------------------------------------------ errors, readable

  // The endpoint answers an error as "Title: message\n(at line L, column C)" (text/plain), the
  // JSON API as {"error", "message", "where"}: either becomes a heading, the place in the query
  // (the line quoted, a caret under the column, the line marked in the editor) and the message.
  function parseError(error) {
    var text = (error.text || "").trim();
    var parsed = { title: error.statusText || "Error", message: text, where: null,
                   status: error.status || null, recognised: false };
    try {
      var data = JSON.parse(text);
      if (data && typeof data === "object" && data.message) {
        parsed.title = data.error || parsed.title;
        parsed.message = data.message;
        parsed.where = data.where || null;
        parsed.status = parsed.status || data.status || null;
        parsed.recognised = true;
        return parsed;
      }
    } catch (e) { /* not JSON */ }
    var match = text.match(/^([^:\n]{1,60}):\s*([\s\S]*?)(?:\s*\(at ([^)]*)\))?\s*$/);
    if (match) {
      parsed.title = match[1];
      parsed.message = match[2];
      parsed.where = match[3] || null;
      parsed.recognised = true;
    }
    return parsed;
  }

  var markedLine = null;
  function markLine(yasqe, line, column) {
    if (markedLine !== null) yasqe.removeLineClass(markedLine, "background", "query-error-line");
    markedLine = line - 1;
    yasqe.addLineClass(markedLine, "background", "query-error-line");
    yasqe.setCursor({ line: line - 1, ch: Math.max(0, column - 1) });
  }

  function renderError(error) {
    // YASGUI passes the body (and not always the status); what is not one of this server's
    // errors (an unreachable endpoint) is left to YASR's own text.
    var parsed = parseError(error || {});
    if (!parsed.recognised) return Promise.resolve(undefined);
    var box = document.createElement("div");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    var heading = document.createElement("p");
    heading.className = "query-error-title";
    var strong = document.createElement("strong");
    strong.textContent = parsed.title;
    heading.appendChild(strong);
    if (parsed.status) heading.appendChild(document.createTextNode(" (HTTP " + parsed.status + ")"));
    box.appendChild(heading);
    var place = (parsed.where || parsed.message || "").match(/line (\d+),? column (\d+)/i);
    if (place) {
      var line = Number(place[1]), column = Number(place[2]);
      var where = document.createElement("p");
      where.className = "query-error-where";
      where.textContent = "Line " + line + ", column " + column;
      box.appendChild(where);
      var yasqe = currentYasqe();
      var source = yasqe ? yasqe.getValue().split("\n")[line - 1] : undefined;
      if (source !== undefined) {
        var snippet = document.createElement("pre");
        snippet.className = "query-error-snippet";
        snippet.textContent = line + " | " + source + "\n" +
          " ".repeat(String(line).length + 3 + Math.max(0, column - 1)) + "^";
        box.appendChild(snippet);
        markLine(yasqe, line, column);
      }
    } else if (parsed.where) {
      var at = document.createElement("p");
      at.className = "query-error-where";
      at.textContent = "At " + parsed.where;
      box.appendChild(at);
    }
    var message = document.createElement("p");
    message.className = "query-error-message";
    message.textContent = parsed.message;
    box.appendChild(message);
    return Promise.resolve(box);
  }

  // ------------------------------------------------------------------ result IRIs → local pages

  var SAFE_REST = /^[\p{L}\p{N}\-._~/]+$/u;
  function localPath(iri) {
    if (iri === config.ontologyIri) return "/ontology";
    if (iri.indexOf(config.ontologyNs) === 0) return "/ontology#" + iri.slice(config.ontologyNs.length);
    if (iri.indexOf(config.idBase) === 0) {
      var rest = iri.slice(config.idBase.length);
      if (rest && SAFE_REST.test(rest) && rest.indexOf("//") < 0 && rest.indexOf("..") < 0) {
        return config.idPath + rest;
      }
    }
    return null;
  }

  function localiseLinks() {
    container.querySelectorAll(".yasr a.iri:not([data-iri])").forEach(function (link) {
      var iri = link.getAttribute("href") || "";
      var path = localPath(iri);
      link.setAttribute("data-iri", iri);
      if (path) {
        link.setAttribute("href", path);
        link.setAttribute("title", iri);
        link.classList.add("local-iri");
      }
    });
  }
  // The table redraws on paging and sorting: links are rewritten whenever rows appear.
  new MutationObserver(localiseLinks).observe(container, { childList: true, subtree: true });

  // ------------------------------------------------------------------ the row cap

  // The server says so in X-Result-Truncated ("true; limit=N").
  var watched = new WeakSet();
  function showTruncation(_yasqe, response) {
    var header = response && response.headers && response.headers.get
      ? response.headers.get("X-Result-Truncated") : null;
    if (header && header.indexOf("true") === 0) {
      var limit = (header.match(/limit=(\d+)/) || [])[1];
      notice.textContent = "Result truncated: only the first " + (limit || "") +
        " rows are shown (the server's row cap). Use LIMIT and OFFSET to page through the rest.";
      notice.hidden = false;
    } else {
      notice.hidden = true;
    }
  }
  function watch(tab) {
    var yasqe = tab && tab.getYasqe && tab.getYasqe();
    if (yasqe && !watched.has(yasqe)) {
      watched.add(yasqe);
      yasqe.on("queryResponse", showTruncation);
      yasqe.on("change", function () {
        if (markedLine !== null) {
          yasqe.removeLineClass(markedLine, "background", "query-error-line");
          markedLine = null;
        }
      });
    }
  }
  // "query" fires before the request is sent, so the listener is in place for its answer.
  yasgui.on("query", function (_yasgui, tab) { watch(tab); });

  // ------------------------------------------------------------------ downloads and Cite

  var downloads = document.querySelector(".result-downloads");
  if (downloads) {
    downloads.hidden = false;
    downloads.querySelectorAll("a.result-download").forEach(function (link) {
      function point() {
        var url = config.resultsUrls[link.getAttribute("data-format")];
        link.setAttribute("href", url + "?query=" + encodeURIComponent(currentQuery()));
      }
      ["mouseenter", "focus", "click"].forEach(function (name) { link.addEventListener(name, point); });
    });
  }

  var cite = document.getElementById("cite");
  function fillCitation() {
    var panel = cite.querySelector(".cite-panel");
    var body = new URLSearchParams();
    body.set("query", currentQuery());
    panel.classList.add("loading");
    fetch(config.citeUrl, { method: "POST", body: body, headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.text().then(function (text) {
          if (!response.ok) throw new Error(parseError({ text: text, statusText: response.statusText }).message);
          return JSON.parse(text);
        });
      })
      .then(function (data) {
        cite.querySelector(".cite-link").value = data.permalink;
        cite.querySelector(".cite-version").textContent = data.short_version;
        cite.querySelector(".cite-bibtex").textContent = data.bibtex;
        cite.querySelector(".cite-csl").textContent = data.csl_json;
        cite.querySelector(".cite-dump").setAttribute("href", data.dump);
        panel.classList.remove("cite-failed");
      })
      .catch(function (problem) {
        cite.querySelector(".cite-bibtex").textContent = "Cannot cite this query: " + problem.message;
        cite.querySelector(".cite-csl").textContent = "";
        panel.classList.add("cite-failed");
      })
      .finally(function () { panel.classList.remove("loading"); });
  }
  if (cite) {
    cite.addEventListener("toggle", function () { if (cite.open) fillCitation(); });
  }

  // ------------------------------------------------------------------ keyboard

  // Ctrl+Enter (⌘+Enter) runs the query: YASQE binds it inside the editor; this binds it on the
  // rest of the page too, so it works wherever the focus is.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (event.target.closest && event.target.closest(".CodeMirror")) return; // YASQE's own
    event.preventDefault();
    run();
  });

  // ------------------------------------------------------------------ what opens

  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var example = config.examples[Number(link.getAttribute("data-example"))];
      if (!example) return;
      event.preventDefault();
      openTab(example.name, example.text, false);
    });
  });

  // A share link: "#query=…" (YASGUI's own share links carry more; only the query is taken).
  var shared = new URLSearchParams(window.location.hash.slice(1));
  if (config.query) {
    openTab("Query", config.query, config.run);
  } else if (shared.get("query")) {
    openTab(shared.get("tabTitle") || "Shared query", shared.get("query"), true);
  }
  window.tnmtYasgui = yasgui; // for the browser tests and the curious
})();
