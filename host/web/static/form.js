// The connection form's small helpers; without this script the form works
// the same, only less smoothly:
//
//   - It shows and hides the fields by the conditions the connector's
//     schema declares: a field's wrapper names the field its condition is
//     on (data-when-field) and the values for which it applies
//     (data-when-values, JSON). A hidden field's inputs are disabled, so
//     they are not sent. Without it every field shows; the server applies
//     the same conditions either way.
//   - "Add a row" of a key/value list adds the row in the page, so that
//     nothing typed is lost (without it the form is posted and shown
//     again with one more row, and secrets must be typed again).
//   - A list entry's value is masked once it is marked secret.
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

  // addRow copies a list's last row, empty, with the next index.
  function addRow(button) {
    var key = button.value.slice("add:".length);
    var list = button.closest(".kvlist");
    var count = list.querySelector('input[type="hidden"][name="kv.' + key + '.rows"]');
    var rows = list.querySelectorAll(".kv");
    var last = rows[rows.length - 1];
    var from = rows.length - 1;
    var n = parseInt(count.value, 10);
    var row = last.cloneNode(true);
    row.querySelectorAll("input, label").forEach(function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) {
          el.setAttribute(attr, v.replace("kv-" + key + "-" + from + "-", "kv-" + key + "-" + n + "-")
            .replace("kv." + key + "." + from + ".", "kv." + key + "." + n + "."));
        }
      });
      if (el.tagName === "INPUT" && el.type === "checkbox") {
        el.checked = false;
      } else if (el.tagName === "INPUT") {
        el.value = "";
        el.type = "text";
      }
    });
    var valueLabel = row.querySelector('label[for$="-value"]');
    if (valueLabel) {
      valueLabel.textContent = "Value";
    }
    last.after(row);
    count.value = String(n + 1);
    row.querySelector("input").focus();
  }

  form.addEventListener("click", function (ev) {
    var button = ev.target.closest('button[value^="add:"]');
    if (button) {
      ev.preventDefault();
      addRow(button);
    }
  });
  form.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.matches('.kv input[type="checkbox"]')) {
      var value = t.closest(".kv").querySelector('input[name$=".value"]');
      value.type = t.checked ? "password" : "text";
    }
    update();
  });
  update();
})();
