// Searchable pickers: every select the server marked with data-autocomplete-url becomes a select2
// search that asks that address for twenty rows at a time (see config/widgets.py). The select itself
// holds only what is chosen, so it still posts the choice, and still shows it, without this script.
(function ($) {
  "use strict";
  if (!$ || !$.fn || !$.fn.select2) return;

  var language = /^zh/i.test(document.documentElement.lang || "") ? "zh-CN" : "en";

  function fieldOf(form, name) {
    return form ? form.elements.namedItem(name) : null;
  }

  $("select[data-autocomplete-url]").each(function () {
    var select = this;
    var $select = $(select);
    // Other fields of the form whose values go with each request: {"team": "assign-team"}.
    var forward = JSON.parse(select.getAttribute("data-autocomplete-forward") || "{}");

    $select.select2({
      width: "100%",
      language: language,
      placeholder: select.getAttribute("data-placeholder") || "",
      allowClear: select.getAttribute("data-allow-clear") === "true",
      minimumInputLength: 0,
      ajax: {
        url: select.getAttribute("data-autocomplete-url"),
        dataType: "json",
        delay: 250,
        data: function (params) {
          var query = { term: params.term || "", page: params.page || 1 };
          Object.keys(forward).forEach(function (param) {
            var field = fieldOf(select.form, forward[param]);
            if (field && field.value) query[param] = field.value;
          });
          return query;
        }
      }
    });

    // A choice made for another team or enterprise no longer holds once that field changes.
    Object.keys(forward).forEach(function (param) {
      var field = fieldOf(select.form, forward[param]);
      if (field) {
        $(field).on("change", function () {
          if ($select.val() && $select.val().length) $select.val(null).trigger("change");
        });
      }
    });

    // Bootstrap marks a field with an error on the select, which select2 hides: mark what shows instead.
    if (select.classList.contains("is-invalid")) {
      $select.next(".select2-container").addClass("is-invalid");
    }
  });
})(window.jQuery);
