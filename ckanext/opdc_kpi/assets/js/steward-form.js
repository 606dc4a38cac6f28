/* The steward's dataset and resource forms (progressive: without JavaScript
   every field is shown and nothing here is needed).

   1. Fields per data type: an element with data-opdc-kpi-data-types="a|b" is
      shown only while the dataset's data type is one of those values (the
      dataset form's data_type select, or the resource form's
      #opdc-kpi-dataset-data-type). Hidden inputs stay in the form, so what
      was typed in them is saved.
   2. KPI completeness beside the dataset form (#opdc-kpi-completeness): the
      form's values are sent to the side-effect-free action
      opdc_kpi_dataset_completeness, which scores them with the scoring core. */
(function () {
  "use strict";
  var SKIP = ["_csrf_token", "save", "pkg_name", "_ckan_phase"];

  function byType(form, dataType) {
    form.querySelectorAll("[data-opdc-kpi-data-types]").forEach(function (el) {
      var types = el.getAttribute("data-opdc-kpi-data-types").split("|");
      var show = types.indexOf(dataType) !== -1;
      el.hidden = !show;
      el.classList.toggle("opdc-kpi-hidden-by-type", !show);
    });
  }

  function wireTypes(form) {
    var select = form.querySelector("select[name='data_type']");
    var marker = document.getElementById("opdc-kpi-dataset-data-type");
    if (select) {
      var update = function () { byType(form, select.value); };
      select.addEventListener("change", update);
      update();
    } else if (marker && form.querySelector("[data-opdc-kpi-data-types]")) {
      byType(form, marker.getAttribute("data-value") || "");
    }
  }

  function formValues(form) {
    var values = {};
    var multi = {};
    form.querySelectorAll("input[type='checkbox'][name]").forEach(function (el) {
      multi[el.name] = true;
    });
    new FormData(form).forEach(function (value, name) {
      if (SKIP.indexOf(name) !== -1 || typeof value !== "string") { return; }
      if (multi[name]) {
        (values[name] = values[name] || []).push(value);
      } else if (name in values) {
        values[name] = [].concat(values[name], [value]);
      } else {
        values[name] = value;
      }
    });
    return values;
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name='_csrf_token']");
    if (input) { return input.value; }
    var nameMeta = document.querySelector("meta[name='csrf_field_name']");
    var meta = nameMeta && document.querySelector("meta[name='" + nameMeta.content + "']");
    return meta ? meta.content : "";
  }

  function wireCompleteness(form, panel) {
    var root = (document.body.getAttribute("data-site-root") || "/").replace(/\/?$/, "/");
    var lang = (document.documentElement.lang || "th").toLowerCase().indexOf("th") === 0 ? "th" : "en";
    var text = function (name) { return panel.getAttribute("data-text-" + name) || ""; };
    var count = panel.querySelector(".opdc-kpi-completeness-count");
    var missing = panel.querySelector(".opdc-kpi-completeness-missing");
    var basket = panel.querySelector(".opdc-kpi-completeness-basket");
    var pkgId = (form.querySelector("input[name='pkg_name']") || {}).value || "";
    var sequence = 0;
    var timer = null;

    function show(result) {
      count.textContent = text("count").replace("{complete}", result.complete)
        .replace("{total}", result.total);
      panel.classList.toggle("opdc-kpi-complete", result.is_complete);
      missing.textContent = result.missing.length ?
        text("missing") + " " + result.missing.map(function (m) {
          return m.item + ". " + m.label;
        }).join(", ") : "";
      basket.textContent = result.basket_reason.message;
      basket.classList.toggle("opdc-kpi-in-basket", result.in_basket);
    }

    function check() {
      var mine = ++sequence;
      var body = {dataset: formValues(form), lang: lang};
      if (pkgId) { body.id = pkgId; }
      fetch(root + "api/3/action/opdc_kpi_dataset_completeness", {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(form)},
        body: JSON.stringify(body)
      }).then(function (response) { return response.json(); }).then(function (answer) {
        if (mine !== sequence) { return; }
        if (answer && answer.success) {
          show(answer.result);
          panel.setAttribute("data-state", "ready");
        } else {
          count.textContent = text("error");
          panel.setAttribute("data-state", "error");
        }
      }).catch(function () {
        if (mine === sequence) {
          count.textContent = text("error");
          panel.setAttribute("data-state", "error");
        }
      });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    var secondary = document.querySelector("aside.secondary, .secondary");
    if (secondary) { secondary.insertBefore(panel, secondary.firstChild); }
    panel.hidden = false;
    check();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form#dataset-edit, form#resource-edit, form.dataset-form, form.resource-form").forEach(function (form) {
      wireTypes(form);
      var panel = document.getElementById("opdc-kpi-completeness");
      if (panel && form.querySelector("select[name='data_type']")) {
        wireCompleteness(form, panel);
      }
    });
  });
})();
