// Wspólne Miasto – small form enhancements. Every form works without this file.
(function () {
  'use strict';

  // Photos: phones take 8–12 MB pictures; before upload, pictures larger than the longest
  // side or the size given are redrawn at that side as JPEG (which also drops their
  // location data). Without JavaScript the server's limit applies, with its message.
  function initDownscale(input) {
    var side = parseInt(input.dataset.downscale, 10) || 2560;
    var above = parseInt(input.dataset.downscaleAbove, 10) || 2000000;
    var status = document.getElementById(input.dataset.status);
    if (!window.DataTransfer || !window.createImageBitmap || !HTMLCanvasElement.prototype.toBlob) {
      return;
    }

    function shrink(file) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type)) {
        return Promise.resolve(file);
      }
      return createImageBitmap(file, { imageOrientation: 'from-image' })
        .then(function (bitmap) {
          var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
          if (scale === 1 && file.size <= above) {
            return file;
          }
          var canvas = document.createElement('canvas');
          canvas.width = Math.round(bitmap.width * scale);
          canvas.height = Math.round(bitmap.height * scale);
          canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
          return new Promise(function (resolve) {
            canvas.toBlob(
              function (blob) {
                if (!blob || blob.size >= file.size) {
                  resolve(file);
                  return;
                }
                var name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
                resolve(new File([blob], name, { type: 'image/jpeg', lastModified: file.lastModified }));
              },
              'image/jpeg',
              0.85
            );
          });
        })
        .catch(function () {
          return file;
        });
    }

    input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) {
        return;
      }
      input.dataset.busy = '1';
      if (status) {
        status.textContent = input.dataset.preparingLabel || '';
      }
      Promise.all(files.map(shrink)).then(function (out) {
        if (out.some(function (f, i) { return f !== files[i]; })) {
          var transfer = new DataTransfer();
          out.forEach(function (f) {
            transfer.items.add(f);
          });
          input.files = transfer.files;
        }
        delete input.dataset.busy;
        if (status) {
          status.textContent = input.dataset.readyLabel || '';
        }
      });
    });
    // Sending while photos are still being prepared would send the large ones.
    if (input.form) {
      input.form.addEventListener('submit', function (event) {
        if (input.dataset.busy) {
          event.preventDefault();
        }
      });
    }
  }

  // A "continue" button that shows more of the form (the hotline's category questions):
  // pressed for the operator when the field it depends on changes.
  function initContinue(button) {
    var field = document.getElementById(button.dataset.continueOnChange);
    if (field) {
      field.addEventListener('change', function () {
        button.click();
      });
    }
  }

  // A reply template chosen on a report's page: its filled-in text goes into the message
  // (and its status into the status field) at once; without JavaScript the button does it.
  function initFill(select) {
    var target = document.getElementById(select.dataset.fills);
    if (!target) {
      return;
    }
    select.addEventListener('change', function () {
      var option = select.options[select.selectedIndex];
      if (!option || !option.value) {
        return;
      }
      target.value = option.dataset.text || '';
      var status = document.getElementById('status');
      if (status && option.dataset.status) {
        status.value = option.dataset.status;
      }
      target.focus();
    });
  }

  // "Near me" on the report list: the browser's location, then the list sorted by distance.
  function initLocate(button) {
    if (!navigator.geolocation || !button.form) {
      return;
    }
    var form = button.form;
    button.hidden = false;
    function field(name) {
      var input = form.querySelector('input[name=' + name + ']');
      if (!input) {
        input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        form.appendChild(input);
      }
      return input;
    }
    button.addEventListener('click', function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        field('lat').value = position.coords.latitude.toFixed(5);
        field('lon').value = position.coords.longitude.toFixed(5);
        var near = form.querySelector('#near');
        if (near) {
          near.value = '';
        }
        var sort = form.querySelector('#sort');
        if (sort) {
          sort.value = 'near';
        }
        form.submit();
      }, function () {
        var hint = document.getElementById('near-hint');
        if (hint) {
          hint.textContent = button.dataset.failed || '';
          hint.setAttribute('role', 'status');
        }
      }, { timeout: 10000, maximumAge: 60000 });
    });
  }

  // Filters folded away on phones open by themselves on wider screens.
  if (window.matchMedia && window.matchMedia('(min-width: 48rem)').matches) {
    Array.prototype.forEach.call(document.querySelectorAll('details[data-open-wide]'), function (details) {
      details.open = true;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-locate]'), initLocate);
  Array.prototype.forEach.call(document.querySelectorAll('select[data-fills]'), initFill);
  Array.prototype.forEach.call(document.querySelectorAll('input[type=file][data-downscale]'), initDownscale);
  Array.prototype.forEach.call(document.querySelectorAll('[data-continue-on-change]'), initContinue);
})();

// Survey questions shown only after a given answer: hidden until it is chosen (without
// JavaScript every question shows, with its condition said in words, and the server leaves
// out the answers to questions not shown).
(function () {
  var dependent = document.querySelectorAll('[data-shown-if]');
  if (!dependent.length) return;
  function update() {
    dependent.forEach(function (el) {
      var parts = el.getAttribute('data-shown-if').split(':');
      var chosen = document.querySelector('input[name="' + parts[0] + '"][value="' + parts[1] + '"]:checked');
      var parent = document.querySelector('[data-question="' + parts[0] + '"]');
      el.hidden = !chosen || (parent !== null && parent.hidden);
    });
  }
  document.addEventListener('change', update);
  update();
})();
