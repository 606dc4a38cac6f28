/* The steward's dataset and resource forms (progressive: without JavaScript
   every field is shown and nothing here is needed).

   1. Fields per data type: an element with data-opdc-kpi-data-types="a|b" is
      shown only while the dataset's data type is one of those values (the
      dataset form's data_type select, or the resource form's
      #opdc-kpi-dataset-data-type). Hidden inputs stay in the form, so what
      was typed in them is saved.
   2. KPI completeness beside the dataset form (#opdc-kpi-completeness): the
      form's values are sent to the side-effect-free action
      opdc_kpi_dataset_completeness, which scores them with the scoring core;
      each missing item links to its field; on a phone a bar fixed at the
      bottom of the screen (#opdc-kpi-completeness-bar) says "5/14" and
      leads to the panel.
   3. The URL name of a new dataset with a Thai title: CKAN's own preview
      drops Thai letters, so the name is asked from the side-effect-free action
      opdc_kpi_dataset_name_propose (the name the server makes when none is
      sent), until the steward types a name of their own. */
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

  function siteRoot() {
    return (document.body.getAttribute("data-site-root") || "/").replace(/\/?$/, "/");
  }

  function post(form, action, body) {
    return fetch(siteRoot() + "api/3/action/" + action, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(form)},
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }

  var ANCHORS = {name: "field-name", owner_org: "field-organizations"};

  function anchorOf(field) {
    return ANCHORS[field] || "opdc-kpi-field-" + field;
  }

  function wireCompleteness(form, panel) {
    var lang = (document.documentElement.lang || "th").toLowerCase().indexOf("th") === 0 ? "th" : "en";
    var text = function (name) { return panel.getAttribute("data-text-" + name) || ""; };
    var count = panel.querySelector(".opdc-kpi-completeness-count");
    var missing = panel.querySelector(".opdc-kpi-completeness-missing");
    var basket = panel.querySelector(".opdc-kpi-completeness-basket");
    var bar = document.getElementById("opdc-kpi-completeness-bar");
    var pkgId = (form.querySelector("input[name='pkg_name']") || {}).value || "";
    var sequence = 0;
    var timer = null;

    function counted(template, result) {
      return template.replace("{complete}", result.complete).replace(/\{total\}/g, result.total);
    }

    function item(m) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + anchorOf(m.field);
      link.textContent = m.item + ". " + m.label;
      li.appendChild(link);
      if (m.invalid) {
        var why = document.createElement("span");
        why.className = "opdc-kpi-invalid";
        why.textContent = " — " + text("invalid") + (m.example ?
          " (" + text("example").replace("{example}", m.example) + ")" : ": " + m.message);
        li.appendChild(why);
      }
      return li;
    }

    function show(result) {
      count.textContent = counted(text("count"), result);
      panel.classList.toggle("opdc-kpi-complete", result.is_complete);
      missing.textContent = "";
      if (result.missing.length) {
        var heading = document.createElement("p");
        heading.className = "mb-1";
        heading.textContent = text("missing");
        var list = document.createElement("ul");
        list.className = "opdc-kpi-missing-list";
        result.missing.forEach(function (m) { list.appendChild(item(m)); });
        missing.appendChild(heading);
        missing.appendChild(list);
      }
      basket.textContent = result.basket_reason.message;
      basket.classList.toggle("opdc-kpi-in-basket", result.in_basket);
      if (bar) {
        bar.textContent = counted(text(result.is_complete ? "bar-complete" : "bar"), result);
        bar.classList.toggle("opdc-kpi-complete", result.is_complete);
        bar.hidden = false;
        document.body.classList.add("opdc-kpi-has-bar");
      }
    }

    function check() {
      var mine = ++sequence;
      var body = {dataset: formValues(form), lang: lang};
      if (pkgId) { body.id = pkgId; }
      post(form, "opdc_kpi_dataset_completeness", body).then(function (answer) {
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
    // beside the form; on a phone (one column: the sidebar above the form) after
    // it, so that the form's error summary comes first (the bottom bar links here)
    var secondary = document.querySelector("aside.secondary, .secondary");
    if (window.matchMedia && window.matchMedia("(max-width: 767.98px)").matches) {
      form.parentNode.insertBefore(panel, form.nextSibling);
    } else if (secondary) {
      secondary.insertBefore(panel, secondary.firstChild);
    }
    panel.hidden = false;
    check();
  }

  function wireName(form) {
    var marker = document.getElementById("opdc-kpi-name-proposal");
    var title = form.querySelector("#field-title");
    var name = form.querySelector("#field-name");
    if (!marker || !title || !name || marker.getAttribute("data-propose") !== "True") { return; }
    var org = form.querySelector("[name='owner_org']");
    var pkgId = (form.querySelector("input[name='pkg_name']") || {}).value || "";
    var own = false;
    var sequence = 0;
    var timer = null;
    name.addEventListener("input", function (event) { if (event.isTrusted) { own = true; } });

    function set(value) {
      name.value = value;
      if (window.jQuery) { window.jQuery(name).trigger("change"); }
      name.setAttribute("data-opdc-kpi-proposed", value);
    }

    function propose() {
      var text = title.value;
      // a Latin title keeps CKAN's own preview; a blank one gets its name on save
      if (own || !text.trim() || !/[\u0e00-\u0e7f]/.test(text)) { return; }
      var mine = ++sequence;
      var body = {title: text, owner_org: org ? org.value : ""};
      if (pkgId) { body.id = pkgId; }
      post(form, "opdc_kpi_dataset_name_propose", body).then(function (answer) {
        if (mine === sequence && !own && answer && answer.success) { set(answer.result.name); }
      }).catch(function () { /* the server makes the name on save */ });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(propose, 300);
    }
    title.addEventListener("input", later);
    title.addEventListener("keyup", later);
    if (org) { org.addEventListener("change", later); }
    if (title.value && !name.value) { later(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form#dataset-edit, form#resource-edit, form.dataset-form, form.resource-form").forEach(function (form) {
      wireTypes(form);
      wireName(form);
      var panel = document.getElementById("opdc-kpi-completeness");
      if (panel && form.querySelector("select[name='data_type']")) {
        wireCompleteness(form, panel);
      }
    });
  });
})();
