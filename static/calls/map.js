// Optional map to place a project (Leaflet, tiles from TILE_URL). Without JavaScript or tiles,
// the commune and the latitude/longitude fields do the same job.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("submission-map");
    var lat = document.getElementById("id_latitude"), lng = document.getElementById("id_longitude");
    if (!el || !lat || !lng || typeof window.L === "undefined" || !el.dataset.tiles) { return; }
    var map = window.L.map(el).setView([43.45, 5.3], 10);
    window.L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
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
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
