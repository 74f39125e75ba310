/* The contact form's commune field as an ARIA 1.2 combobox: communes from the public search API as you
   type (its URL in data-autocomplete-url). Choosing one writes « Nom (code INSEE) » in the field, which the
   server reads back exactly. Without JavaScript the field takes a name or a code, resolved on the
   server (a name shared by several communes gets a French error listing them). */
(function () {
  "use strict";
  var DELAY_MS = 150;
  var CODE_IN_URL = /\/communes\/([0-9][0-9AB][0-9]{3})\//i;

  function setup(wrapper) {
    var input = wrapper.querySelector("input[type=text]");
    var list = wrapper.querySelector("[role=listbox]");
    var status = wrapper.querySelector("[role=status]");
    var url = wrapper.getAttribute("data-autocomplete-url");
    var results = [], active = -1, timer = null, pending = null;
    if (!input || !list) { return; }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function choose(result) { input.value = result.value; close(); }
    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (items[index]) { input.setAttribute("aria-activedescendant", items[index].id); }
    }
    function render() {
      list.textContent = "";
      results.forEach(function (result, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = result.value + " · " + result.detail;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(result); });
        list.appendChild(item);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      status.textContent = open ? results.length + " commune" + (results.length > 1 ? "s" : "") + " proposée" + (results.length > 1 ? "s" : "") : "";
      active = -1;
    }
    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < 2) { results = []; render(); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { resultats: [] }; })
        .then(function (data) {
          if (input.value.trim() !== query) { return; }
          results = (data.resultats || []).filter(function (r) { return r.type === "commune" && CODE_IN_URL.test(r.url); })
            .map(function (r) { return { value: r.libelle + " (" + CODE_IN_URL.exec(r.url)[1] + ")", detail: r.detail }; });
          render();
        })
        .catch(function () { /* aborted or offline: the server still resolves what was typed */ });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, DELAY_MS); });
    input.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown" && count) { event.preventDefault(); list.hidden = false; input.setAttribute("aria-expanded", "true"); highlight((active + 1) % count); }
      else if (event.key === "ArrowUp" && count) { event.preventDefault(); highlight(active <= 0 ? count - 1 : active - 1); }
      else if (event.key === "Enter" && active >= 0 && !list.hidden) { event.preventDefault(); choose(results[active]); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("[data-autocomplete-url].ti-commune-field").forEach(setup);
})();
