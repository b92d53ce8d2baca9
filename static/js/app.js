// Behaviour the pages share. Loaded on every page from our own static files: the
// Content-Security-Policy allows no inline script or event handler attribute.
(function () {
  "use strict";

  // A select marked data-autosubmit submits its form when it changes (the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // A form or button with data-confirm asks before it goes on.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  // Review form: the running total of the scores entered so far.
  var out = document.getElementById("running-total");
  if (out) {
    var inputs = document.querySelectorAll(".score-input");
    var sum = function () {
      var total = 0;
      inputs.forEach(function (input) {
        var v = parseInt(input.value, 10), max = parseInt(input.dataset.max, 10);
        input.classList.toggle("is-invalid", input.value !== "" && (isNaN(v) || v < 0 || v > max));
        if (!isNaN(v) && v >= 0 && v <= max) total += v;
      });
      out.textContent = total;
    };
    inputs.forEach(function (input) { input.addEventListener("input", sum); });
    sum();
  }

  // Visit form: the fields of a ticket to raise show only while the box is ticked.
  var box = document.getElementById("id_raise_ticket"), fields = document.getElementById("raise-ticket-fields");
  if (box && fields) {
    var sync = function () { fields.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  }
})();
