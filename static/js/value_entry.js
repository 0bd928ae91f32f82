// Value entry on the indicator page with JS on: htmx posts the forms of
// templates/indicators/_value_table.html and swaps the region in place; this
// keeps focus where the user needs it. Without JS the forms post and redirect.
(function () {
  "use strict";
  var REGION = "[data-values-region]";

  function regionOf(elt) {
    return elt && elt.closest ? elt.closest(REGION) : null;
  }

  // After a swap: the first error (summary or invalid field), else the message.
  function focusAfterSwap(region) {
    var target = region.querySelector(".form-errors, [aria-invalid='true']");
    if (!target && region.querySelector("#value-status p")) {
      target = region.querySelector("#value-status");
    }
    if (!target) return;
    if (!target.matches("input, select, textarea")) target.tabIndex = -1;
    target.focus();
  }

  // A refused or lost request swaps nothing: say so instead of staying silent.
  function showFailure(event) {
    var region = regionOf(event.target);
    if (!region) return;
    var status = region.querySelector("#value-status");
    var line = document.createElement("p");
    line.className = "message message-error";
    line.textContent = region.dataset.failedMessage;
    status.replaceChildren(line);
    status.focus();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.matches && event.target.matches(REGION)) {
      focusAfterSwap(event.target);
    }
  });

  // An expired session is sent to the login page by the server (an HX-Redirect
  // header, core.middleware.HtmxLoginRedirectMiddleware), never swapped in.
  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);

  // "Enter"/"Correct" in the table fills the form's period without a reload.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-period]");
    var region = regionOf(link);
    var period = region && region.querySelector("#id_period");
    var value = region && region.querySelector("#id_value");
    if (!period || !value || event.button !== 0 || event.ctrlKey || event.metaKey) {
      return;
    }
    event.preventDefault();
    period.value = link.dataset.period;
    value.focus();
  });
})();
