// "Copy" buttons of the Cite panel (server/templates/_cite.html): each copies the text of the
// element its data-copy selector names, inside the same panel.
(function () {
  "use strict";

  function copyText(text, button) {
    function done() {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1200);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    area.remove();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) return;
    var panel = button.closest(".cite");
    var target = panel && panel.querySelector(button.getAttribute("data-copy"));
    if (!target) return;
    copyText(target.value !== undefined && target.tagName === "INPUT" ? target.value : target.textContent, button);
  });
})();
