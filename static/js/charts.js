// Draws every chart on the page from its JSON data element (no inline script).
(function () {
  "use strict";
  function draw(root) {
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var source = document.getElementById(el.dataset.figure);
      if (!source || typeof Plotly === "undefined") { return; }
      var figure = JSON.parse(source.textContent);
      var lang = document.documentElement.lang || "nb";
      Plotly.newPlot(el, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        locale: lang === "nb" ? "no" : "en",
        modeBarButtonsToRemove: ["select2d", "lasso2d"]
      });
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // Widgets loaded later (htmx fragments) are drawn when they arrive.
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
