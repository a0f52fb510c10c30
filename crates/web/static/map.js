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

    var address = document.getElementById(picker.dataset.addressInput);
    // The address text this script wrote, so a resident's own typing is never replaced.
    var named = null;

    function nameAddress(latlng) {
      if (!picker.dataset.nearest || !address || (address.value && address.value !== named)) {
        return;
      }
      var query = '?lat=' + latlng.lat.toFixed(6) + '&lon=' + latlng.lng.toFixed(6);
      fetch(picker.dataset.nearest + query, { credentials: 'same-origin' })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && data.place && (!address.value || address.value === named)) {
            named = data.place.label;
            address.value = named;
          }
        })
        .catch(function () {});
    }

    function place(latlng, fromSearch) {
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
      if (!fromSearch) {
        nameAddress(latlng);
      }
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
    if (picker.dataset.search) {
      initSearch(picker, map, place, address, function (label) {
        named = label;
      });
    }
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

  // Address search: the typed text goes to the platform's geocoder; each address found is a
  // button that moves the map and the pin there and fills the address field.
  function initSearch(picker, map, place, address, remember) {
    var input = picker.querySelector('#place-q');
    var find = picker.querySelector('[data-place-find]');
    var out = picker.querySelector('[data-place-results]');

    function say(text) {
      out.textContent = '';
      var p = document.createElement('p');
      p.className = 'hint';
      p.textContent = text;
      out.appendChild(p);
    }

    function choose(result) {
      var here = L.latLng(result.lat, result.lon);
      map.setView(here, result.precision === 'street' ? 16 : 18);
      place(here, true);
      if (address) {
        address.value = result.label;
        remember(result.label);
      }
      out.textContent = '';
      input.value = result.label;
    }

    function run() {
      var text = input.value.trim();
      if (text.length < 3) {
        return;
      }
      fetch(picker.dataset.search + '?q=' + encodeURIComponent(text), { credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) {
            throw new Error('search');
          }
          return response.json();
        })
        .then(function (data) {
          var results = data.results.filter(function (r) {
            return r.in_city;
          });
          if (!results.length) {
            say(picker.dataset.noneLabel);
            return;
          }
          say(picker.dataset.resultsLabel);
          var list = document.createElement('ul');
          list.className = 'place-results';
          results.forEach(function (result) {
            var item = document.createElement('li');
            var button = document.createElement('button');
            button.type = 'button';
            button.className = 'link-button';
            button.textContent = result.label;
            button.addEventListener('click', function () {
              choose(result);
            });
            item.appendChild(button);
            list.appendChild(item);
          });
          out.appendChild(list);
          list.querySelector('button').focus();
        })
        .catch(function () {
          say(picker.dataset.failedLabel);
        });
    }

    find.addEventListener('click', run);
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        event.preventDefault();
        run();
      }
    });
  }

  // The public list: the same filtered reports at their approximate places, gathered into
  // numbered clusters where they crowd (a click zooms in), coloured by whether they are open,
  // the map fitted to what the filters found; "near me" moves it to the resident's position.
  function initReportsMap(el) {
    el.hidden = false;
    var centre = L.latLng(parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon));
    var map = L.map(el.querySelector('.map'), { keyboard: true }).setView(centre, 11);
    tiles(el).addTo(map);
    var layer = L.layerGroup().addTo(map);
    var features = [];
    var CELL = 56;

    function popup(p) {
      var link = document.createElement('a');
      link.href = p.path;
      link.textContent = p.number;
      var box = document.createElement('div');
      box.appendChild(link);
      box.appendChild(document.createTextNode(' – ' + p.category + ', ' + p.status));
      return box;
    }

    function draw() {
      layer.clearLayers();
      var cells = {};
      features.forEach(function (f) {
        var c = f.geometry.coordinates;
        var latlng = L.latLng(c[1], c[0]);
        var pt = map.project(latlng, map.getZoom());
        var key = Math.floor(pt.x / CELL) + ':' + Math.floor(pt.y / CELL);
        (cells[key] = cells[key] || []).push({ latlng: latlng, p: f.properties });
      });
      Object.keys(cells).forEach(function (key) {
        var group = cells[key];
        if (group.length === 1 || map.getZoom() >= 18) {
          group.forEach(function (item) {
            L.circleMarker(item.latlng, {
              radius: 8,
              weight: 2,
              color: '#fff',
              fillOpacity: 1,
              fillColor: item.p.open ? '#b10e1e' : '#00703c'
            }).bindPopup(popup(item.p)).addTo(layer);
          });
          return;
        }
        var lat = 0;
        var lng = 0;
        var open = 0;
        group.forEach(function (item) {
          lat += item.latlng.lat;
          lng += item.latlng.lng;
          if (item.p.open) {
            open += 1;
          }
        });
        var here = L.latLng(lat / group.length, lng / group.length);
        var label = String(group.length);
        var cluster = L.marker(here, {
          icon: L.divIcon({
            className: 'map-cluster' + (open > 0 ? ' map-cluster-open' : ''),
            html: '<span>' + label + '</span>',
            iconSize: [36, 36]
          }),
          title: el.dataset.clusterLabel.replace('{count}', label),
          alt: el.dataset.clusterLabel.replace('{count}', label),
          keyboard: true
        });
        cluster.on('click', function () {
          map.setView(here, Math.min(map.getZoom() + 2, 18));
        });
        cluster.addTo(layer);
      });
    }

    map.on('zoomend', draw);
    fetch(el.dataset.source, { credentials: 'same-origin' })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        features = data.features;
        if (features.length > 0 && el.dataset.filtered === 'true') {
          var bounds = L.latLngBounds(features.map(function (f) {
            return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          }));
          map.fitBounds(bounds.pad(0.1), { maxZoom: 16 });
        }
        draw();
      })
      .catch(function () {});

    var near = el.querySelector('[data-near-me]');
    if (near && navigator.geolocation) {
      near.hidden = false;
      near.addEventListener('click', function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          map.setView(L.latLng(position.coords.latitude, position.coords.longitude), 16);
        }, function () {}, { timeout: 15000 });
      });
    }
  }

  // A place shown on a page: a pin (staff) or a ~100 m circle (public pages, whose positions
  // are rounded). The words and the link beside the map say the same without JavaScript.
  function initMapView(el) {
    el.hidden = false;
    var here = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
    var map = L.map(el, { scrollWheelZoom: false }).setView(here, 'approximate' in el.dataset ? 16 : 17);
    tiles(el).addTo(map);
    if ('approximate' in el.dataset) {
      L.circle(here, { radius: 100 }).addTo(map);
    } else {
      L.marker(here, { keyboard: false, title: el.dataset.markerLabel, alt: el.dataset.markerLabel }).addTo(map);
    }
  }

  // The consultations' areas: each district shaded by how many open or coming consultations
  // concern it (city-wide ones count everywhere); a click lists them with their links. The
  // list on the page says the same in words.
  function initConsultationsMap(el) {
    el.hidden = false;
    var centre = L.latLng(parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon));
    var map = L.map(el.querySelector('.map'), { keyboard: true, scrollWheelZoom: false }).setView(centre, 10);
    tiles(el).addTo(map);

    function popup(p) {
      var box = document.createElement('div');
      var title = document.createElement('strong');
      title.textContent = p.district;
      box.appendChild(title);
      if (!p.consultations.length) {
        var none = document.createElement('p');
        none.textContent = el.dataset.noneLabel;
        box.appendChild(none);
        return box;
      }
      var list = document.createElement('ul');
      p.consultations.forEach(function (c) {
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = c.path;
        link.textContent = c.title;
        item.appendChild(link);
        item.appendChild(document.createTextNode(' – ' + c.phase + (c.city_wide ? ', ' + el.dataset.cityWideLabel : '')));
        list.appendChild(item);
      });
      box.appendChild(list);
      return box;
    }

    fetch(el.dataset.source, { credentials: 'same-origin' })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        var districts = {
          type: 'FeatureCollection',
          features: data.features.filter(function (f) { return !f.properties.outline; })
        };
        var drawn = data.features.filter(function (f) { return f.properties.outline; });
        var layer = L.geoJSON(districts, {
          style: function (f) {
            var p = f.properties;
            var open = p.consultations.some(function (c) { return c.open; });
            return {
              color: '#1d3557',
              weight: 1,
              fillColor: open ? '#b10e1e' : '#1d70b8',
              fillOpacity: p.count ? Math.min(0.15 + 0.15 * p.count, 0.6) : 0.03
            };
          },
          onEachFeature: function (f, shape) {
            shape.bindPopup(popup(f.properties));
            shape.bindTooltip(f.properties.district + ': ' + f.properties.count);
          }
        }).addTo(map);
        // Areas drawn on the map, dashed over the districts, each linking to its consultation.
        L.geoJSON({ type: 'FeatureCollection', features: drawn }, {
          style: function (f) {
            return { color: f.properties.open ? '#b10e1e' : '#1d70b8', weight: 3, dashArray: '6 4', fillOpacity: 0.1 };
          },
          onEachFeature: function (f, shape) {
            var link = document.createElement('a');
            link.href = f.properties.path;
            link.textContent = f.properties.title;
            var box = document.createElement('div');
            box.appendChild(link);
            box.appendChild(document.createTextNode(' – ' + f.properties.phase));
            shape.bindPopup(box);
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds);
        }
      })
      .catch(function () {});
  }

  // The plan form: an area drawn corner by corner (a click, or Enter for the map's centre);
  // the corners are written into the text field, which works without JavaScript too, and
  // typing there redraws the area.
  function initOutlineDrawer(el) {
    var input = document.getElementById(el.dataset.input);
    var status = el.querySelector('[data-outline-status]');
    el.hidden = false;
    var centre = L.latLng(parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon));
    var map = L.map(el.querySelector('.map'), { keyboard: true }).setView(centre, 11);
    tiles(el).addTo(map);
    var shape = null;

    function corners() {
      return input.value.split(/[\n;]/).map(function (line) {
        var n = line.trim().split(/[\s,]+/).filter(Boolean).map(parseFloat);
        return n.length === 2 && !isNaN(n[0]) && !isNaN(n[1]) ? L.latLng(n[0], n[1]) : null;
      }).filter(Boolean);
    }

    function draw(fit) {
      var points = corners();
      if (shape) {
        map.removeLayer(shape);
        shape = null;
      }
      if (points.length > 0) {
        shape = (points.length > 2 ? L.polygon(points) : L.polyline(points)).addTo(map);
        if (fit) {
          map.fitBounds(shape.getBounds().pad(0.2), { maxZoom: 16 });
        }
      }
      status.textContent = el.dataset.cornersLabel.replace('{count}', String(points.length));
    }

    function write(points) {
      input.value = points.map(function (p) {
        return p.lat.toFixed(6) + ', ' + p.lng.toFixed(6);
      }).join('\n');
      draw(false);
    }

    map.on('click', function (event) {
      write(corners().concat([event.latlng]));
    });
    el.querySelector('.map').addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        event.preventDefault();
        write(corners().concat([map.getCenter()]));
      }
    });
    el.querySelector('[data-outline-undo]').addEventListener('click', function () {
      write(corners().slice(0, -1));
    });
    el.querySelector('[data-outline-clear]').addEventListener('click', function () {
      write([]);
    });
    input.addEventListener('input', function () {
      draw(false);
    });
    draw(true);
  }

  // A consultation's drawn area on its page (its districts are named beside it).
  function initOutlineView(el) {
    var points = JSON.parse(el.dataset.outline || '[]');
    if (points.length < 3) {
      return;
    }
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false });
    tiles(el).addTo(map);
    var shape = L.polygon(points).addTo(map);
    map.fitBounds(shape.getBounds().pad(0.2), { maxZoom: 16 });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-outline-drawer]'), initOutlineDrawer);
  Array.prototype.forEach.call(document.querySelectorAll('[data-outline-view]'), initOutlineView);
  Array.prototype.forEach.call(document.querySelectorAll('[data-map-view]'), initMapView);
  var consultationsMap = document.querySelector('[data-consultations-map]');
  if (consultationsMap) {
    initConsultationsMap(consultationsMap);
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
