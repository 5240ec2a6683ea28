// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  // Facet checkboxes apply at once.
  var facetForm = document.getElementById("facet-form");
  if (facetForm) {
    facetForm.addEventListener("change", function () { facetForm.submit(); });
    var apply = facetForm.querySelector(".apply");
    if (apply) { apply.style.display = "none"; }
  }

  // Sort select applies at once.
  document.querySelectorAll("form.sort select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Report page: previous / next match, also with the n and p keys.
  var matches = Array.prototype.slice.call(document.querySelectorAll(".paragraph.matched"));
  var current = -1;
  function go(step) {
    if (!matches.length) { return; }
    if (current >= 0) { matches[current].classList.remove("current-match"); }
    current = (current + step + matches.length) % matches.length;
    matches[current].classList.add("current-match");
    matches[current].scrollIntoView({ block: "center" });
  }
  var next = document.getElementById("next-match");
  var prev = document.getElementById("prev-match");
  if (next) { next.addEventListener("click", function () { go(1); }); }
  if (prev) { prev.addEventListener("click", function () { go(-1); }); }
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "n") { go(1); } else if (event.key === "p") { go(-1); }
  });

  // Scroll the linked paragraph into the middle of the screen.
  var target = document.querySelector(".paragraph.target");
  if (target) { target.scrollIntoView({ block: "center" }); }
})();
