// Progressive enhancements; every form also works without this script.
(function () {
  // Drag and drop a file onto an upload form's zone: the file goes into the form's own file input.
  document.querySelectorAll("[data-drop-zone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var label = zone.querySelector("[data-file-name]");
    function show() { if (label && input.files.length) { label.textContent = input.files[0].name; } }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; show(); }
    });
    input.addEventListener("change", show);
  });
  // A page waiting for work to finish (a consolidation) reloads itself until it is done.
  var waiting = document.querySelector("[data-refresh-seconds]");
  if (waiting) {
    setTimeout(function () { window.location.reload(); }, 1000 * Number(waiting.getAttribute("data-refresh-seconds")));
  }
  // Ask before an action that cannot be undone from the page.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
