/* Name fields: an <input data-suggest="org|person|role" data-suggest-url="/api/suggest"> becomes a
 * combobox that suggests names as you type, without diacritics ("khanh" → Nguyễn Quốc Khánh).
 *
 * Suggestions come from the server's search index (JSON) and are written as text (textContent).
 * Choosing one puts its name in the field; when the form is sent, the chosen entity's slug is sent
 * instead, so two people with one name are told apart. A name typed without choosing is sent as it
 * is: the server looks it up, and answers a name it does not know with a page of close names.
 * Without script the field is a plain input with a <datalist>, and names work all the same.
 */
(function () {
  "use strict";

  var counter = 0;

  function setup(input) {
    var url = input.getAttribute("data-suggest-url");
    var kind = input.getAttribute("data-suggest");
    if (!url || !window.fetch) { return; }
    counter += 1;
    var list = document.createElement("ul");
    list.id = "name-suggestions-" + counter;
    list.className = "name-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var wrap = document.createElement("span");
    wrap.className = "name-field";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
    input.removeAttribute("list");  // our list replaces the browser's (which does not fold diacritics)
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var chosen = null;  // {label, value} of the suggestion chosen, while the field still shows it

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      Array.prototype.forEach.call(options, function (o, i) {
        o.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      input.value = item.label;
      chosen = { label: item.label, value: item.value };
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function render(found) {
      items = found;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("data-value", item.value);
        option.appendChild(document.createTextNode(item.label));
        if (item.detail) {
          var detail = document.createElement("span");
          detail.className = "muted small";
          detail.textContent = " · " + item.detail;
          option.appendChild(detail);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the field
          choose(i);
        });
        list.appendChild(option);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      active = -1;
    }

    function ask() {
      var text = input.value.trim();
      if (text === "") { render([]); return; }
      asked += 1;
      var mine = asked;
      var query = "?q=" + encodeURIComponent(text) + "&kind=" + encodeURIComponent(kind) + "&limit=10";
      fetch(url + query, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === asked) { render(data.suggestions || []); } })
        .catch(function () { render([]); });
    }

    input.addEventListener("input", function () {
      chosen = null;
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown") { ask(); }
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        if (chosen && input.value === chosen.label) { input.value = chosen.value; }
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setup);
})();
