// Approval queue: a "choose all" checkbox and a count of the chosen values,
// announced in a live region. Without JS the tools stay hidden and each value
// is ticked on its own; the form posts the same way either way.
(function () {
  "use strict";
  var tools = document.querySelector("[data-select-all]");
  if (!tools) return;
  var form = tools.closest("form");
  var all = tools.querySelector("#select-all");
  var count = tools.querySelector("#selection-count");

  // Values entered by the approver themself are disabled and never chosen.
  function boxes() {
    return Array.prototype.filter.call(
      form.querySelectorAll("input[type=checkbox][name=values]"),
      function (box) { return !box.disabled; }
    );
  }

  function update() {
    var list = boxes();
    var chosen = list.filter(function (box) { return box.checked; }).length;
    all.checked = chosen > 0 && chosen === list.length;
    all.indeterminate = chosen > 0 && chosen < list.length;
    all.disabled = list.length === 0;
    count.textContent = chosen === 1
      ? tools.dataset.one
      : tools.dataset.many.replace("{n}", String(chosen));
  }

  all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
    update();
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "values") update();
  });
  update();
  tools.hidden = false;
})();
