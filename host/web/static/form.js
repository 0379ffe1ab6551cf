// Shows and hides the fields of a connection form by the conditions the
// connector's schema declares: a field's wrapper names the field its
// condition is on (data-when-field) and the values for which it applies
// (data-when-values, JSON). A hidden field's inputs are disabled, so they
// are not sent. Without this script every field shows; the server applies
// the same conditions either way.
"use strict";
(function () {
  var form = document.querySelector("form.connection-form");
  if (!form) {
    return;
  }
  var wrappers = form.querySelectorAll(".field[data-when-field]");

  // value is what a field on which a condition rests holds: what is
  // chosen, else its default; null when the field itself does not apply.
  function value(id) {
    var el = document.getElementById(id);
    if (!el) {
      return null;
    }
    var wrap = el.closest(".field");
    if (wrap && wrap.hidden) {
      return null;
    }
    return el.value !== "" ? el.value : (el.getAttribute("data-default") || "");
  }

  function update() {
    // A condition may rest on a field that has one of its own: repeat
    // until nothing changes.
    for (var pass = 0; pass <= wrappers.length; pass++) {
      var changed = false;
      wrappers.forEach(function (w) {
        var values = JSON.parse(w.getAttribute("data-when-values") || "[]");
        var v = value(w.getAttribute("data-when-field"));
        var show = v !== null && values.indexOf(v) >= 0;
        if (w.hidden !== !show) {
          w.hidden = !show;
          w.querySelectorAll("input, select, textarea, button").forEach(function (el) {
            el.disabled = !show;
          });
          changed = true;
        }
      });
      if (!changed) {
        break;
      }
    }
  }

  form.addEventListener("change", update);
  update();
})();
