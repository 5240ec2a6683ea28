// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  // On a phone, filters and the report outline start folded: the first hit is on the first screen.
  if (window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
    document.querySelectorAll("details.filters, details.outline-box").forEach(function (box) { box.open = false; });
  }

  // After a facet checkbox reloads the page, focus returns to that checkbox (keyboard users).
  try {
    var toggled = sessionStorage.getItem("toggled-facet");
    sessionStorage.removeItem("toggled-facet");
    if (toggled) {
      var again = document.querySelector('#facet-form input[type=checkbox][data-key="' + CSS.escape(toggled) + '"]');
      if (again) {
        var box = again.closest("details");
        if (box) { box.open = true; }  // the user is working in the filters: keep them open
        again.focus();
      }
    }
  } catch (e) { /* storage may be unavailable */ }

  // Facet checkboxes apply at once.
  var facetForm = document.getElementById("facet-form");
  if (facetForm) {
    facetForm.addEventListener("change", function (event) {
      try { sessionStorage.setItem("toggled-facet", event.target.getAttribute("data-key") || ""); } catch (e) { /* ignore */ }
      facetForm.submit();
    });
    var apply = facetForm.querySelector(".apply");
    if (apply) { apply.style.display = "none"; }
  }

  // A filter box over long facet lists: only the values containing what is typed stay visible.
  document.querySelectorAll("input.facet-filter").forEach(function (box) {
    var scope = box.closest("fieldset") || box.closest("form");
    box.addEventListener("input", function () {
      var wanted = box.value.trim();
      scope.querySelectorAll("label.facet-value").forEach(function (label) {
        var item = label.closest("li") || label;
        item.style.display = !wanted || label.textContent.indexOf(wanted) >= 0 ? "" : "none";
      });
    });
  });

  // Sort select applies at once.
  document.querySelectorAll("form.sort select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Report page: previous / next match, also with the n and p keys.
  var matches = Array.prototype.slice.call(document.querySelectorAll(".paragraph.matched"));
  var linked = document.querySelector(".paragraph.target");
  // n / p continue from the paragraph the search linked to, not from the first match.
  var current = linked ? matches.indexOf(linked) : -1;
  var position = document.getElementById("match-position");
  function go(step) {
    if (!matches.length) { return; }
    if (current >= 0) { matches[current].classList.remove("current-match"); }
    current = current < 0 && step < 0 ? matches.length - 1 : (current + step + matches.length) % matches.length;
    matches[current].classList.add("current-match");
    matches[current].scrollIntoView({ block: "center" });
    if (position) { position.textContent = "第 " + (current + 1) + "/" + matches.length + " 处"; }
  }
  var next = document.getElementById("next-match");
  var prev = document.getElementById("prev-match");
  if (next) { next.addEventListener("click", function () { go(1); }); }
  if (prev) { prev.addEventListener("click", function () { go(-1); }); }
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "n") { go(1); } else if (event.key === "p") { go(-1); }
  });

  // The outline marks the section being read.
  var outlineLinks = Array.prototype.slice.call(document.querySelectorAll(".outline a[data-first]"));
  if (outlineLinks.length && "IntersectionObserver" in window) {
    var byParagraph = {};
    outlineLinks.forEach(function (link) { byParagraph[link.getAttribute("data-first")] = link; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var link = byParagraph[entry.target.id];
        if (entry.isIntersecting && link) {
          outlineLinks.forEach(function (other) { other.classList.remove("current-section"); });
          link.classList.add("current-section");
        }
      });
    }, { rootMargin: "0px 0px -60% 0px" });
    Object.keys(byParagraph).forEach(function (id) {
      var paragraph = document.getElementById(id);
      if (paragraph) { observer.observe(paragraph); }
    });
  }

  // Scroll the linked paragraph into the middle of the screen.
  var target = document.querySelector(".paragraph.target");
  if (target) { target.scrollIntoView({ block: "center" }); }
})();
