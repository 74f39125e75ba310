/* Search box as an ARIA 1.2 combobox: suggestions from /api/v1/recherche as you type.
   Keyboard: ↓/↑ move through suggestions, Entrée opens the selected one (or submits the search),
   Échap closes the list. Without JavaScript the form submits to the search page. */
(function () {
  "use strict";
  var DELAY_MS = 120;

  function setup(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[role=status]");
    var url = form.getAttribute("data-autocomplete-url");
    var results = [], active = -1, timer = null, pending = null, lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render() {
      list.textContent = "";
      results.forEach(function (result, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-url", result.url);
        var label = document.createElement("span");
        label.textContent = result.libelle;
        var detail = document.createElement("span");
        detail.className = "ti-suggestion__detail";
        detail.textContent = result.type_libelle + " · " + result.detail;
        item.appendChild(label);
        item.appendChild(detail);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { window.location.assign(result.url); });
        list.appendChild(item);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      status.textContent = open ? results.length + " suggestion" + (results.length > 1 ? "s" : "") + " ; flèches pour parcourir, Entrée pour ouvrir"
                                : (lastQuery.length >= 2 ? "Aucune suggestion" : "");
      active = -1;
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      lastQuery = query;
      if (query.length < 2) { results = []; render(); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { resultats: [] }; })
        .then(function (data) {
          if (input.value.trim() !== query) { return; }
          results = data.resultats || [];
          render();
        })
        .catch(function () { /* aborted by a newer keystroke, or offline: the form still submits */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight((active + 1) % count);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault();
        highlight(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.assign(results[active].url);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("focus", function () { if (results.length) { render(); } });
  }

  document.querySelectorAll("form[data-autocomplete-url]").forEach(setup);
})();
