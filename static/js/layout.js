// A table wider than the screen scrolls inside its box (.table-scroll): make
// that box reachable by keyboard and name it after the table, only when it
// does scroll (WCAG 2.1.1; axe's scrollable-region-focusable).
(function () {
  "use strict";
  function mark(root) {
    root.querySelectorAll(".table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (caption && caption.textContent.trim()) {
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (!scrolls && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  // The main menu is open in the HTML (usable without JavaScript); on a
  // narrow screen it folds into its "Menu" button.
  var wide = window.matchMedia("(min-width: 64rem)");
  function fold() {
    var menu = document.getElementById("site-menu");
    if (menu) { menu.open = wide.matches; }
  }
  wide.addEventListener("change", fold);
  document.addEventListener("DOMContentLoaded", function () { fold(); mark(document); });
  document.addEventListener("htmx:afterSettle", function () { mark(document); });
  window.addEventListener("resize", function () { mark(document); });
})();
