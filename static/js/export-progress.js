// Reload an export's page while its file is being written; the page says how often (data-refresh-seconds).
(function () {
  "use strict";
  var progress = document.querySelector("[data-refresh-seconds]");
  if (progress) {
    var seconds = Number(progress.getAttribute("data-refresh-seconds")) || 3;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
