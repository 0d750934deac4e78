// Optional maps (Leaflet, tiles from the TILE_URL setting). Without JavaScript or tiles the
// list and the latitude/longitude fields do the same job.
(function () {
  "use strict";
  var CENTRE = [43.45, 5.3];
  function tiles(map, url) {
    window.L.tileLayer(url, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  function listMap(el) {
    var list = document.querySelector(el.dataset.list || "#results");
    var map = window.L.map(el, { scrollWheelZoom: false }).setView(CENTRE, 9);
    tiles(map, el.dataset.tiles);
    var bounds = [];
    (list ? list.querySelectorAll("[data-lat][data-lng]") : []).forEach(function (item) {
      var lat = parseFloat(item.dataset.lat), lng = parseFloat(item.dataset.lng);
      if (isNaN(lat) || isNaN(lng)) { return; }
      var link = document.createElement("a");
      link.href = item.dataset.url;
      link.textContent = item.dataset.title;
      window.L.marker([lat, lng], { title: item.dataset.title, alt: item.dataset.title }).addTo(map).bindPopup(link);
      bounds.push([lat, lng]);
    });
    if (bounds.length) { map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] }); }
  }
  function pickerMap(el) {
    var lat = document.getElementById("id_latitude"), lng = document.getElementById("id_longitude");
    if (!lat || !lng) { return; }
    var map = window.L.map(el).setView(CENTRE, 10);
    tiles(map, el.dataset.tiles);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = window.L.marker(latlng).addTo(map); }
    }
    if (lat.value && lng.value) { place([parseFloat(lat.value), parseFloat(lng.value)]); }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lng.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
    });
  }
  function init() {
    if (typeof window.L === "undefined") { return; }
    var list = document.getElementById("map");
    if (list && list.dataset.tiles) { listMap(list); }
    var picker = document.getElementById("location-map");
    if (picker && picker.dataset.tiles) { pickerMap(picker); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
