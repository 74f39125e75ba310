/* The one search-as-you-type field of the platform, as an ARIA 1.2 combobox: the public search box,
   the contact form's commune, the catalogue's territory and commune. Suggestions come from the public
   search API (/api/v1/recherche). Everything is set by data attributes on a wrapper element:

     data-combobox="URL"             the search API, queried with ?q=
     data-combobox-types="commune"   keep only these result types (comma-separated); the API mixes
                                     every kind, so up to 50 results are then asked for
     data-combobox-choose="open"     what choosing a suggestion does:
                                       open: go to its page (the public search; default)
                                       fill: write « Libellé (code) » in the field
                                       code: write the label in the field and the code in a hidden
                                             input of the field's name (the URL keeps the code)
     data-combobox-code="REGEXP"     for fill and code: the code, group 1 of this expression on the
                                     result's URL (/communes/77284/ -> 77284)
     data-combobox-value="CODE"      for code: the code the page was opened with
     data-combobox-noun="commune"    the live region's noun (plural: an s is added)
     data-combobox-none="…"          its message when nothing matches (« Aucune commune trouvée. »)

   Inside the wrapper: the text input (input[data-combobox-input], else the first text or search
   input), a ul[role=listbox] and a [role=status] live region. Keyboard: ↓/↑ move, Entrée chooses,
   Échap closes. Without JavaScript the field is a plain text field that the server resolves. */
(function () {
  "use strict";
  var DELAY_MS = 150;
  var MIN_LENGTH = 2;

  function plural(count, word) { return count + " " + word + (count > 1 ? "s" : ""); }

  function setup(wrapper) {
    var input = wrapper.querySelector("input[data-combobox-input]") ||
      wrapper.querySelector("input[type=search], input[type=text]");
    var list = wrapper.querySelector("[role=listbox]");
    var status = wrapper.querySelector("[role=status]");
    if (!input || !list || !status) { return; }
    var url = wrapper.getAttribute("data-combobox");
    var types = (wrapper.getAttribute("data-combobox-types") || "").split(",").filter(Boolean);
    var mode = wrapper.getAttribute("data-combobox-choose") || "open";
    var pattern = wrapper.getAttribute("data-combobox-code");
    var codeIn = pattern ? new RegExp(pattern) : null;
    var noun = wrapper.getAttribute("data-combobox-noun") || "suggestion";
    var none = wrapper.getAttribute("data-combobox-none") || "Aucune suggestion.";
    var verb = mode === "open" ? "ouvrir" : "choisir";
    var results = [], active = -1, timer = null, pending = null, lastQuery = "";

    // code: the form sends the hidden input (the code once a suggestion is chosen, else what was
    // typed, which the server resolves); the visible field shows the name.
    var hidden = null;
    if (mode === "code") {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = input.name;
      hidden.value = wrapper.getAttribute("data-combobox-value") || input.value;
      input.removeAttribute("name");
      wrapper.appendChild(hidden);
    }

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(result) {
      if (mode === "open") { window.location.assign(result.url); return; }
      input.value = mode === "fill" ? result.libelle + " (" + result.code + ")" : result.libelle;
      if (hidden) { hidden.value = result.code; }
      results = [];
      close();
      status.textContent = "Choisi : " + result.libelle;
      // A filter form refreshed on change (htmx) hears the choice at once.
      input.dispatchEvent(new Event("change", { bubbles: true }));
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
        var label = document.createElement("span");
        label.textContent = mode === "fill" ? result.libelle + " (" + result.code + ")" : result.libelle;
        var detail = document.createElement("span");
        detail.className = "ti-suggestion__detail";
        // Of one kind only (types), the kind goes without saying.
        detail.textContent = types.length ? result.detail : result.type_libelle + " · " + result.detail;
        item.appendChild(label);
        item.appendChild(detail);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(result); });
        list.appendChild(item);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      if (open) {
        status.textContent = plural(results.length, noun) + " : flèches haut et bas pour parcourir, Entrée pour " + verb + ".";
      } else {
        status.textContent = lastQuery.length >= MIN_LENGTH ? none : "";
      }
    }

    function keep(result) {
      if (types.length && types.indexOf(result.type) < 0) { return false; }
      if (!codeIn) { return true; }
      var found = codeIn.exec(result.url);
      if (!found) { return false; }
      result.code = found[1];
      return true;
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      lastQuery = query;
      if (query.length < MIN_LENGTH) { results = []; render(); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var address = url + "?q=" + encodeURIComponent(query) + (types.length ? "&limite=50" : "");
      fetch(address, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { resultats: [] }; })
        .then(function (data) {
          if (input.value.trim() !== query) { return; }
          results = (data.resultats || []).filter(keep).slice(0, 10);
          render();
        })
        .catch(function () { /* aborted by a newer keystroke, or offline: the server resolves what was typed */ });
    }

    input.addEventListener("input", function () {
      if (hidden) { hidden.value = input.value; }
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
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        choose(results[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("focus", function () { if (results.length) { render(); } });
  }

  document.querySelectorAll("[data-combobox]").forEach(setup);
})();
