// Optional map: enhances a list whose items carry data-lat / data-lng / data-title / data-url.
// Without JavaScript, without Leaflet or without a tile URL, the list alone is shown.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("map");
    if (!el || typeof window.L === "undefined" || !el.dataset.tiles) { return; }
    var list = document.querySelector(el.dataset.list || "#results");
    var items = list ? list.querySelectorAll("[data-lat][data-lng]") : [];
    var map = window.L.map(el, { scrollWheelZoom: false }).setView([43.45, 5.3], 9);
    window.L.tileLayer(el.dataset.tiles, {
      maxZoom: 18,
      attribution: "&copy; OpenStreetMap"
    }).addTo(map);
    var bounds = [];
    items.forEach(function (item) {
      var lat = parseFloat(item.dataset.lat), lng = parseFloat(item.dataset.lng);
      if (isNaN(lat) || isNaN(lng)) { return; }
      var link = document.createElement("a");
      link.href = item.dataset.url;
      link.textContent = item.dataset.title;
      window.L.marker([lat, lng], { title: item.dataset.title, alt: item.dataset.title })
        .addTo(map).bindPopup(link);
      bounds.push([lat, lng]);
    });
    if (bounds.length) { map.fitBounds(bounds, { maxZoom: 13, padding: [20, 20] }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
