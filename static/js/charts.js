// Draws every chart on the page from its JSON data (no inline script): a
// <script type="application/json"> element named by data-figure, or, in an
// htmx fragment (whose script elements htmx drops), the data-figure-json
// attribute.
(function () {
  "use strict";
  function figureOf(el) {
    if (el.dataset.figureJson !== undefined) { return el.dataset.figureJson; }
    var source = document.getElementById(el.dataset.figure);
    return source ? source.textContent : null;
  }
  function draw(root) {
    root.querySelectorAll("[data-figure], [data-figure-json]").forEach(function (el) {
      if (el.dataset.drawn || typeof Plotly === "undefined") { return; }
      var json = figureOf(el);
      if (!json) { return; }
      var figure = JSON.parse(json);
      var lang = document.documentElement.lang || "nb";
      // A figure may add to the config (a map: where its world outline is).
      var config = Object.assign({
        responsive: true,
        displaylogo: false,
        locale: lang === "nb" ? "no" : "en",
        modeBarButtonsToRemove: ["select2d", "lasso2d"]
      }, figure.config || {});
      Plotly.newPlot(el, figure.data, figure.layout, config);
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // Widgets loaded later (htmx fragments) are drawn when they arrive.
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
