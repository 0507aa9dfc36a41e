// Search behaviour: the people page's query box <-> filter builder sync, the facet panel on
// small screens, and the top bar's quick lookup dropdown. Needs htmx (django-htmx's copy).
(function () {
  "use strict";

  // Typing in the query box asks the server to redraw the builder chips from the text too.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var trigger = event.detail.triggeringEvent;
    var source = trigger && trigger.target;
    if (source && source.id === "people-q" && trigger.type !== "qb-search") {
      event.detail.parameters.sync = "text";
    }
    if (event.detail.elt && event.detail.elt.hasAttribute("data-qb-sync")) {
      event.detail.parameters.sync = "all";
    }
  });

  // The person's latest action decides what the results show. Why: the query box searches
  // 350 ms after the last keystroke, so its answer can arrive after a facet was clicked; it
  // would then replace the results the facet's request is about to swap, and that answer
  // would land in the replaced element, unseen.
  var latestAsked = -1;
  function askedAt(config) {
    var trigger = config.triggeringEvent;
    return trigger && typeof trigger.timeStamp === "number" ? trigger.timeStamp : performance.now();
  }
  document.body.addEventListener("htmx:configRequest", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "people-results") return;
    var stamp = askedAt(event.detail);
    if (stamp < latestAsked) {
      event.preventDefault(); // the person has done something since
      return;
    }
    latestAsked = stamp;
    event.detail.askedAt = stamp;
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    if (config && typeof config.askedAt === "number" && config.askedAt < latestAsked) {
      event.detail.shouldSwap = false; // a later action's answer is on its way
    }
  });

  // Facets start folded on narrow screens, where they would push the results down.
  var facets = document.querySelector("[data-facets-details]");
  if (facets && window.matchMedia("(max-width: 900px)").matches) facets.removeAttribute("open");

  // Quick lookup: arrow keys walk the dropdown, Escape or a click elsewhere closes it.
  function lookupParts() {
    var box = document.getElementById("lookup");
    return { box: box, list: document.getElementById("lookup-results") };
  }
  function closeLookup() {
    var parts = lookupParts();
    if (!parts.list) return;
    parts.list.innerHTML = "";
    if (parts.box) parts.box.setAttribute("aria-expanded", "false");
  }
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var parts = lookupParts();
    if (parts.box && event.detail.target === parts.list) {
      parts.box.setAttribute("aria-expanded", String(parts.list.children.length > 0));
    }
  });
  document.addEventListener("keydown", function (event) {
    var parts = lookupParts();
    if (!parts.box || !parts.list) return;
    var inside = event.target === parts.box || parts.list.contains(event.target);
    if (!inside) return;
    var links = Array.prototype.slice.call(parts.list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && links.length) {
      links[Math.min(at + 1, links.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && links.length) {
      if (at <= 0) parts.box.focus(); else links[at - 1].focus();
      event.preventDefault();
    } else if (event.key === "Escape") {
      closeLookup();
      parts.box.focus();
    }
  });
  document.addEventListener("click", function (event) {
    var parts = lookupParts();
    if (!parts.box || !(event.target instanceof Element)) return;
    if (!event.target.closest(".lookup")) closeLookup();
  });
})();
