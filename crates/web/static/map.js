// Wspólne Miasto – maps, as progressive enhancement. Without JavaScript (or if anything here
// fails) every form works through its address and district fields. All visible text comes
// from data- attributes rendered from the translation files.
(function () {
  'use strict';
  if (!window.L) {
    return;
  }

  function tiles(el) {
    return L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution });
  }

  // The report form: click, drag, keyboard (Enter places the marker at the map's centre) or
  // "use my location" fill the hidden latitude and longitude fields.
  function initPicker(picker) {
    var lat = document.getElementById(picker.dataset.latInput);
    var lon = document.getElementById(picker.dataset.lonInput);
    var status = picker.querySelector('[data-map-status]');
    var mapEl = picker.querySelector('.map');
    var button = picker.querySelector('[data-use-position]');
    picker.hidden = false;
    var centre = L.latLng(parseFloat(picker.dataset.centerLat), parseFloat(picker.dataset.centerLon));
    var map = L.map(mapEl, { keyboard: true }).setView(centre, 12);
    tiles(picker).addTo(map);
    var marker = null;

    function place(latlng) {
      if (!marker) {
        marker = L.marker(latlng, {
          draggable: true,
          keyboard: true,
          title: picker.dataset.markerLabel,
          alt: picker.dataset.markerLabel
        }).addTo(map);
        marker.on('dragend', function () {
          place(marker.getLatLng());
        });
      } else {
        marker.setLatLng(latlng);
      }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      status.textContent = picker.dataset.pickedLabel + ' ' + lat.value + ', ' + lon.value;
    }

    if (lat.value && lon.value) {
      var known = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
      map.setView(known, 16);
      place(known);
    }
    map.on('click', function (event) {
      place(event.latlng);
    });
    mapEl.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        place(map.getCenter());
      }
    });
    if (!navigator.geolocation) {
      button.hidden = true;
      return;
    }
    button.addEventListener('click', function () {
      status.textContent = picker.dataset.locatingLabel;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var here = L.latLng(position.coords.latitude, position.coords.longitude);
          map.setView(here, 17);
          place(here);
        },
        function () {
          status.textContent = picker.dataset.locateFailedLabel;
        },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }

  // The public list: the same filtered reports as markers at their approximate places.
  function initReportsMap(el) {
    el.hidden = false;
    var centre = L.latLng(parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon));
    var map = L.map(el.querySelector('.map'), { keyboard: true }).setView(centre, 11);
    tiles(el).addTo(map);
    fetch(el.dataset.source, { credentials: 'same-origin' })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        L.geoJSON(data, {
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            var link = document.createElement('a');
            link.href = p.path;
            link.textContent = p.number;
            var box = document.createElement('div');
            box.appendChild(link);
            box.appendChild(document.createTextNode(' – ' + p.category + ', ' + p.status));
            layer.bindPopup(box);
          }
        }).addTo(map);
      })
      .catch(function () {});
  }

  var picker = document.querySelector('[data-map-picker]');
  if (picker) {
    initPicker(picker);
  }
  var reportsMap = document.querySelector('[data-reports-map]');
  if (reportsMap) {
    initReportsMap(reportsMap);
  }
})();
