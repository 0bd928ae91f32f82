// A long multi-select (select[data-filter-list]) becomes Designsystemet's
// suggestion pattern in small: a search field above a list of checkboxes
// that the typed words narrow. The native select stays in the form, hidden,
// and each checkbox sets its option, so the form posts the same either way;
// without JavaScript the select is used as it is.
//
// Keyboard: the field's label names the search field; arrow down (or Enter)
// moves from it into the list, arrows move within the list, Space ticks,
// Escape empties the search. Ticked items stay in view whatever is typed.
(function () {
  "use strict";

  function words(text) {
    return text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  }

  function matches(haystack, needles) {
    return needles.every(function (word) { return haystack.indexOf(word) !== -1; });
  }

  function enhance(select) {
    var id = select.id;
    var label = document.querySelector("label[for='" + id + "']");
    var box = document.createElement("div");
    box.className = "filter-list";

    var search = document.createElement("input");
    search.type = "search";
    search.className = "ds-input";
    search.id = id + "-search";
    search.autocomplete = "off";
    search.setAttribute("aria-controls", id + "-options");
    search.setAttribute("aria-describedby", id + "-hint " + id + "-status");

    var hint = document.createElement("p");
    hint.className = "filter-list-hint";
    hint.id = id + "-hint";
    hint.textContent = select.dataset.filterHint;

    var status = document.createElement("p");
    status.className = "filter-list-status";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");

    var list = document.createElement("div");
    list.className = "filter-list-options";
    list.id = id + "-options";
    list.setAttribute("role", "group");

    // The field's own label now names the search field and the list.
    if (label) {
      label.id = label.id || id + "-label";
      label.htmlFor = search.id;
      list.setAttribute("aria-labelledby", label.id);
    } else {
      search.setAttribute("aria-label", select.dataset.filterLabel);
    }

    var rows = Array.prototype.map.call(select.options, function (option, i) {
      var row = document.createElement("div");
      row.className = "ds-field filter-list-row";
      var check = document.createElement("input");
      check.type = "checkbox";
      check.className = "ds-input";
      check.id = id + "-option-" + i;
      check.checked = option.selected;
      var text = document.createElement("label");
      text.htmlFor = check.id;
      text.textContent = option.textContent;
      if (option.lang) { text.lang = option.lang; }
      check.addEventListener("change", function () {
        option.selected = check.checked;
        update();
      });
      row.appendChild(check);
      row.appendChild(text);
      list.appendChild(row);
      return { row: row, check: check, text: option.textContent.toLocaleLowerCase() };
    });

    function visible() {
      return rows.filter(function (r) { return !r.row.hidden; });
    }

    function update() {
      var needles = words(search.value);
      rows.forEach(function (r) {
        r.row.hidden = !(r.check.checked || matches(r.text, needles));
      });
      var chosen = rows.filter(function (r) { return r.check.checked; }).length;
      status.textContent = select.dataset.filterStatus
        .replace("{chosen}", String(chosen))
        .replace("{shown}", String(visible().length))
        .replace("{total}", String(rows.length));
    }

    function focusRow(from, step) {
      var shown = visible();
      var at = shown.findIndex(function (r) { return r.check === from; });
      var next = shown[at + step];
      if (next) { next.check.focus(); } else if (step < 0) { search.focus(); }
    }

    search.addEventListener("input", update);
    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        // Enter in the search must not post the form half filled in.
        event.preventDefault();
        var first = visible()[0];
        if (first) { first.check.focus(); }
      } else if (event.key === "Escape" && search.value) {
        event.preventDefault();
        search.value = "";
        update();
      }
    });
    list.addEventListener("keydown", function (event) {
      if (event.target.type !== "checkbox") { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        focusRow(event.target, event.key === "ArrowDown" ? 1 : -1);
      }
    });

    box.appendChild(search);
    box.appendChild(hint);
    box.appendChild(status);
    box.appendChild(list);
    select.hidden = true;
    select.parentNode.insertBefore(box, select.nextSibling);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-filter-list]").forEach(enhance);
  });
})();
