// citygraph query page: small conveniences; the page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("stored");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  var editor = document.getElementById("editor");
  if (editor) {
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { editor.form.submit(); }
    });
  }
});
