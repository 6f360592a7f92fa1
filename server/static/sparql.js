// The query editor: YASGUI (served by this app) on this server's /sparql endpoint.
// Its configuration comes from the page's <script type="application/json" id="sparql-config">:
// {endpoint, defaultQuery, query (to open, or null), examples: [{name, text}]}.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  var notice = document.getElementById("truncation-notice");

  // The class/property/prefix autocompleters call LOV and prefix.cc at run time; the page
  // must make no outside request, so they are off. Set before the first Yasgui is made.
  Yasgui.Yasqe.defaults.autocompleters = [];

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // This page decides what opens (ui=1 links); YASGUI's own URL parsing stays off.
    populateFromUrl: false,
    // Tabs kept in localStorage per endpoint, so another deployment's tabs never point here.
    persistenceId: "tnmt-kg:" + config.endpoint,
    // Only this endpoint is offered (the default list names outside services).
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
    },
    yasqe: { value: config.defaultQuery },
  });

  function openTab(name, text) {
    yasgui.addTab(true, {
      name: name,
      yasqe: { value: text },
      requestConfig: Object.assign({}, yasgui.config.requestConfig, { endpoint: config.endpoint }),
    });
  }

  // The row cap: the server says so in X-Result-Truncated ("true; limit=N").
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
    }
  }
  // "query" fires before the request is sent, so the listener is in place for its answer.
  yasgui.on("query", function (_yasgui, tab) { watch(tab); });

  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var example = config.examples[Number(link.getAttribute("data-example"))];
      if (!example) return;
      event.preventDefault();
      openTab(example.name, example.text);
    });
  });

  if (config.query) {
    openTab("Query", config.query);
  }
  window.tnmtYasgui = yasgui; // for the browser tests and the curious
})();
