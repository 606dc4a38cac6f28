/* The "other" text boxes (<field>_other) of the dataset and resource forms:
   shown only while the "other" choice (อื่นๆ, ข้อมูลประเภทอื่นๆ) is chosen in
   <field>. Without JavaScript every box stays visible (its label says what it
   is for), so nothing depends on this script. */
(function () {
  "use strict";
  var OTHER = ["อื่นๆ", "ข้อมูลประเภทอื่นๆ"];

  function chosen(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values.push(el.value); }
      } else if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push(o.value); });
      } else {
        values.push(el.value);
      }
    });
    return values.some(function (v) { return OTHER.indexOf(v) !== -1; });
  }

  function wire(form) {
    form.querySelectorAll("input[name$='_other'], textarea[name$='_other']").forEach(function (box) {
      var base = box.name.slice(0, -"_other".length);
      if (!form.querySelector("[name='" + base + "']")) { return; }
      var group = box.closest(".form-group") || box.parentNode;
      var update = function () {
        var show = chosen(form, base) || box.value.trim() !== "";
        group.style.display = show ? "" : "none";
      };
      form.querySelectorAll("[name='" + base + "']").forEach(function (el) {
        el.addEventListener("change", update);
      });
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form#dataset-edit, form#resource-edit, form.dataset-form, form.resource-form").forEach(wire);
  });
})();
