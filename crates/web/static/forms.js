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

  Array.prototype.forEach.call(document.querySelectorAll('input[type=file][data-downscale]'), initDownscale);
  Array.prototype.forEach.call(document.querySelectorAll('[data-continue-on-change]'), initContinue);
})();
