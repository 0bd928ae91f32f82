// Polls an import's progress and reloads the page when the job has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box || box.dataset.running !== "1") return;
  var url = box.dataset.progressUrl;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var bar = document.getElementById("import-progress");
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + " %"; }
        var count = document.getElementById("import-count");
        if (count) count.textContent = data.processed;
        var total = document.getElementById("import-total");
        if (total) total.textContent = data.total;
        document.getElementById("import-status-label").textContent = data.status_label;
        if (data.running) { window.setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
