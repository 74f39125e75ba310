/* Leaflet maps of the public site. Each map container says what it shows with data-map:
   "phase" (home page), "explorer" (map page: filters, list, point lookup), "territory", "area".
   Data come from the JSON API (URLs in data-* attributes); no base layer unless data-tiles-url is set,
   so the maps work offline on a plain background. */
(function () {
  "use strict";
  var STATUS_COLOURS = {
    nouveau: "#1f8d49", reconduit: "#2f6fd6", etendu: "#8b4fbf", reduit: "#e4794a", recompose: "#a5483c", "": "#7a7a9c"
  };
  var STATUS_LABELS = { nouveau: "nouveau", reconduit: "reconduit", etendu: "étendu", reduit: "réduit", recompose: "recomposé" };
  var REGION_PALETTE = ["#2f6fd6", "#e4794a", "#1f8d49", "#a5483c", "#8b4fbf", "#c3992a", "#009099", "#ce614a",
                        "#5e2a2b", "#417dc4", "#66673d", "#a558a0", "#3558a2", "#b7a73f", "#4f8a7c", "#8d533e", "#6a6af4", "#d1335b"];
  /* National maps of France: mainland by default, each overseas région one click away (the
     territories span ~150° of longitude: framing them all made mainland France a speck). */
  var ZONES = [
    { code: "", label: "Métropole", name: "France métropolitaine", bounds: [[41.3, -5.2], [51.1, 9.6]] },
    { code: "01", label: "Guadeloupe", name: "Guadeloupe", bounds: [[15.83, -61.81], [16.52, -61.0]] },
    { code: "02", label: "Martinique", name: "Martinique", bounds: [[14.39, -61.23], [14.88, -60.81]] },
    { code: "03", label: "Guyane", name: "Guyane", bounds: [[2.1, -54.6], [5.8, -51.6]] },
    { code: "04", label: "La Réunion", name: "La Réunion", bounds: [[-21.39, 55.21], [-20.87, 55.84]] },
    { code: "06", label: "Mayotte", name: "Mayotte", bounds: [[-13.0, 45.03], [-12.63, 45.3]] }
  ];
  var FRANCE_BOUNDS = ZONES[0].bounds;

  function zoneOf(properties) {
    var code = properties.region || "";
    return ZONES.some(function (zone) { return zone.code === code; }) ? code : "";
  }

  /* Text for Leaflet's HTML tooltips: a name is data, even from an official file. */
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function createMap(element) {
    // Canvas: drawing the ~180 detailed polygons and the outlines takes a third of the time SVG takes.
    var map = L.map(element, { zoomSnap: 0.25, preferCanvas: true, zoomControl: false }).fitBounds(FRANCE_BOUNDS);
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 18 }).addTo(map);
    }
    map.attributionControl.addAttribution("Territoires : ANCT");
    window.territoiresCartes = window.territoiresCartes || {};  // read by the browser tests
    window.territoiresCartes[element.id] = map;
    return map;
  }

  /* Buttons that frame mainland France or one overseas région (national maps only). */
  function zoneControl(map, element) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "leaflet-bar ti-zones");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Cadrer la carte sur");
      ZONES.forEach(function (zone) {
        var button = L.DomUtil.create("button", "ti-zones__button", box);
        button.type = "button";
        button.textContent = zone.label;
        button.title = "Cadrer la carte sur : " + zone.name;
        button.setAttribute("data-zone", zone.code || "metropole");
        L.DomEvent.on(button, "click", function (event) {
          L.DomEvent.stop(event);
          map.fitBounds(zone.bounds, { animate: false });
          element.setAttribute("data-zone", zone.code || "metropole");
        });
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  /* Frame what is shown: the mainland part if there is one, else the overseas région holding the
     most territories (the other régions stay one click away in the zone control). */
  function frameFeatures(map, layer, element) {
    var counts = {};
    layer.eachLayer(function (item) {
      var zone = zoneOf(item.feature.properties);
      counts[zone] = (counts[zone] || 0) + 1;
    });
    var zones = Object.keys(counts);
    if (!zones.length) { return; }
    var chosen = counts[""] ? "" : zones.sort(function (a, b) { return counts[b] - counts[a]; })[0];
    var bounds = L.latLngBounds([]);
    layer.eachLayer(function (item) {
      if (zoneOf(item.feature.properties) === chosen) { bounds.extend(item.getBounds()); }
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], animate: false }); }
    element.setAttribute("data-zone", chosen || "metropole");
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status + " sur " + url); }
      return response.json();
    });
  }

  function regionColour(code) {
    var number = parseInt(code, 10) || 0;
    return REGION_PALETTE[number % REGION_PALETTE.length];
  }

  function territoryStyle(colourBy) {
    return function (feature) {
      var p = feature.properties;
      var colour = colourBy === "region" ? regionColour(p.region) : STATUS_COLOURS[p.statut || ""];
      return { color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.7 };
    };
  }

  /* Tooltip with the name on hover, the territory's page on click. */
  function territoryLayer(map, colourBy) {
    var layer = L.geoJSON(null, {
      style: territoryStyle(colourBy),
      onEachFeature: function (feature, item) {
        var p = feature.properties;
        item.bindTooltip(escapeHtml(p.nom + (p.statut ? " (" + STATUS_LABELS[p.statut] + ")" : "")), { sticky: true });
        item.on("click", function (event) {
          L.DomEvent.stop(event);
          window.location.assign(p.url);
        });
        item.on("mouseover", function () { item.setStyle({ weight: 3, color: "#161616" }); });
        item.on("mouseout", function () { layer.resetStyle(item); });
      }
    }).addTo(map);
    return layer;
  }

  function markReady(element, count) {
    element.setAttribute("data-territories-drawn", String(count));
    element.setAttribute("data-ready", "true");
  }

  function fitTo(map, layer) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], animate: false }); }
  }

  function showError(element, error) {
    var message = document.createElement("p");
    message.className = "fr-error-text";
    message.textContent = "La carte n'a pas pu être chargée (" + error.message + ").";
    element.insertAdjacentElement("afterend", message);
  }

  /* Home page and area pages: the territories of one phase (possibly already filtered by the server). */
  function phaseMap(element) {
    var map = createMap(element);
    var layer = territoryLayer(map, "statut");
    var outline = document.getElementById("contour-zone");
    var outlineData = outline ? JSON.parse(outline.textContent) : null;
    if (!outlineData) { zoneControl(map, element); }
    if (outlineData) {
      L.geoJSON(outlineData, { interactive: false, style: { color: "#161616", weight: 2, fill: false, dashArray: "4 4" } }).addTo(map);
    }
    getJSON(element.getAttribute("data-geojson-url")).then(function (data) {
      layer.addData(data);
      if (outlineData) { fitTo(map, L.geoJSON(outlineData)); } else { frameFeatures(map, layer, element); }
      markReady(element, data.features.length);
    }).catch(function (error) { showError(element, error); });
  }

  /* Territory page: the territory and what it gained or lost against the previous phase. */
  function territoryMap(element) {
    var map = createMap(element);
    var styles = {
      territoire: { color: "#1d3f8f", weight: 2, fillColor: "#2f6fd6", fillOpacity: 0.35 },
      ajout: { color: "#1f8d49", weight: 1, fillColor: "#1f8d49", fillOpacity: 0.6 },
      retrait: { color: "#ce0500", weight: 1, fillColor: "#ce0500", fillOpacity: 0.25, dashArray: "3 3" }
    };
    getJSON(element.getAttribute("data-geojson-url")).then(function (data) {
      var layer = L.geoJSON(data, {
        interactive: false,
        style: function (feature) { return styles[feature.properties.role]; }
      }).addTo(map);
      fitTo(map, layer);
      markReady(element, data.features.length);
    }).catch(function (error) { showError(element, error); });
  }

  /* Map page: filters that redraw the map, the list and the download links; the state in the URL. */
  function explorerMap(element) {
    var form = document.getElementById("filtres");
    var selects = {
      phase: form.elements.phase, region: form.elements.region, departement: form.elements.departement,
      statut: form.elements.statut, couleur: form.elements.couleur
    };
    var initialPhase = selects.phase.value;
    var map = createMap(element);
    map.createPane("limites");
    map.getPane("limites").style.zIndex = 450;
    map.getPane("limites").style.pointerEvents = "none";
    var colourBy = selects.couleur.value;
    var layer = territoryLayer(map, colourBy);
    var features = [];
    window.territoiresCarte = { map: map, layer: layer };

    var outlines = {};
    [["departements", "Limites des départements", 0.8], ["regions", "Limites des régions", 2]].forEach(function (spec) {
      var outlineLayer = L.geoJSON(null, { pane: "limites", interactive: false, style: { color: "#3a3a3a", weight: spec[2], opacity: 0.8 } });
      outlines[spec[1]] = outlineLayer;
      getJSON(element.getAttribute("data-outlines-" + spec[0] + "-url")).then(function (data) { outlineLayer.addData(data); });
      outlineLayer.addTo(map);
    });
    L.control.layers(null, outlines, { collapsed: false }).addTo(map);
    zoneControl(map, element);

    function currentFilters() {
      return { region: selects.region.value, departement: selects.departement.value, statut: selects.statut.value };
    }
    function matches(p, filters) {
      return (!filters.region || p.regions.indexOf(filters.region) >= 0) &&
             (!filters.departement || p.departements.indexOf(filters.departement) >= 0) &&
             (!filters.statut || p.statut === filters.statut);
    }
    function queryString(extra) {
      var params = new URLSearchParams();
      params.set("phase", selects.phase.value);
      var filters = currentFilters();
      Object.keys(filters).forEach(function (key) { if (filters[key]) { params.set(key, filters[key]); } });
      Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
      return params.toString();
    }
    function updateList(shown) {
      var list = document.getElementById("liste-territoires");
      list.textContent = "";
      shown.slice().sort(function (a, b) { return a.properties.nom.localeCompare(b.properties.nom, "fr"); }).forEach(function (feature) {
        var p = feature.properties;
        var item = document.createElement("li");
        item.setAttribute("data-id", p.id);
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.nom;
        item.appendChild(link);
        if (p.statut) {
          var status = document.createElement("span");
          status.className = "fr-text--xs";
          status.textContent = " (" + STATUS_LABELS[p.statut] + ")";
          item.appendChild(status);
        }
        list.appendChild(item);
      });
      var count = shown.length;
      document.getElementById("liste-titre").textContent = count + " territoire" + (count > 1 ? "s" : "") + " affiché" + (count > 1 ? "s" : "");
    }
    function updateLegend() {
      var legend = document.querySelector("[data-legend]");
      if (!legend) { return; }
      if (!legend.dataset.statusHtml) { legend.dataset.statusHtml = legend.innerHTML; }
      if (colourBy !== "region") { legend.innerHTML = legend.dataset.statusHtml; return; }
      var title = document.createElement("p");
      title.className = "fr-text--bold fr-mb-1w";
      title.id = "legende-titre";
      title.textContent = "Légende : région principale";
      var list = document.createElement("ul");
      list.className = "ti-legend__list";
      list.setAttribute("aria-labelledby", "legende-titre");
      Array.prototype.forEach.call(selects.region.options, function (option) {
        if (!option.value) { return; }
        var item = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "ti-swatch";
        swatch.style.background = regionColour(option.value);
        swatch.setAttribute("aria-hidden", "true");
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(option.textContent));
        list.appendChild(item);
      });
      legend.textContent = "";
      legend.appendChild(title);
      legend.appendChild(list);
    }
    function apply(fit) {
      var filters = currentFilters();
      var shown = features.filter(function (f) { return matches(f.properties, filters); });
      layer.clearLayers();
      layer.options.style = territoryStyle(colourBy);
      layer.addData(shown);
      if (fit === "if-hidden") {  // a status keeps the frame unless none of its territories is in view
        var view = map.getBounds();
        fit = !layer.getLayers().some(function (item) { return view.intersects(item.getBounds()); });
      }
      if (fit && shown.length) { frameFeatures(map, layer, element); }
      updateList(shown);
      updateLegend();
      ["geojson", "csv"].forEach(function (kind) {
        var link = document.getElementById("telecharger-" + kind);
        link.href = link.getAttribute("data-base") + "?" + queryString();
      });
      history.replaceState(null, "", "?" + queryString(colourBy === "region" ? { couleur: "region" } : {}));
      markReady(element, shown.length);
    }

    form.addEventListener("change", function (event) {
      if (event.target === selects.phase) { return; }
      if (event.target === selects.couleur) { colourBy = selects.couleur.value; }
      apply(event.target === selects.couleur ? false : event.target === selects.statut ? "if-hidden" : true);
    });
    form.addEventListener("submit", function (event) {
      if (selects.phase.value !== initialPhase) { return; }  // another phase: the server sends its data
      event.preventDefault();
      apply(true);
    });
    selects.phase.addEventListener("change", function () { form.submit(); });

    map.on("click", function (event) {
      var url = element.getAttribute("data-point-url") + "?" + new URLSearchParams({
        lon: event.latlng.lng.toFixed(5), lat: event.latlng.lat.toFixed(5), phase: selects.phase.value
      }).toString();
      getJSON(url).then(function (data) {
        var box = document.createElement("div");
        box.className = "ti-map-popup";
        function line(text, territory) {
          var paragraph = document.createElement("p");
          paragraph.appendChild(document.createTextNode(text));
          if (territory) {
            var link = document.createElement("a");
            link.href = territory.url;
            link.textContent = territory.nom;
            paragraph.appendChild(link);
            if (territory.distance_km !== undefined) { paragraph.appendChild(document.createTextNode(", à " + territory.distance_km.toLocaleString("fr") + " km")); }
          }
          box.appendChild(paragraph);
        }
        if (data.territoires.length) {
          data.territoires.forEach(function (t) { line("Ici : ", t); });
        } else {
          line("Aucun Territoire d'industrie ici.");
          if (data.plus_proche) { line("Le plus proche : ", data.plus_proche); }
        }
        L.popup().setLatLng(event.latlng).setContent(box).openOn(map);
      }).catch(function (error) { L.popup().setLatLng(event.latlng).setContent("Recherche impossible : " + error.message).openOn(map); });
    });

    getJSON(element.getAttribute("data-geojson-url")).then(function (data) {
      features = data.features;
      var filters = currentFilters();
      apply(true);
    }).catch(function (error) { showError(element, error); });
  }

  var builders = { phase: phaseMap, area: phaseMap, territory: territoryMap, explorer: explorerMap };
  document.querySelectorAll("[data-map]").forEach(function (element) {
    var build = builders[element.getAttribute("data-map")];
    if (build && window.L) { build(element); }
  });
})();
