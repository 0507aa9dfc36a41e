// The workflow builder: after an edit (htmx swaps the whole builder) bring the step just added
// or moved into view, or the first error after a refused save. No dependencies besides htmx.
(function () {
  "use strict";

  function reveal(target) {
    if (!target) return;
    target.scrollIntoView({ block: "center", behavior: "smooth" });
    var input = target.querySelector("input:not([type=hidden]), select, textarea");
    if (input) input.focus({ preventScroll: true });
  }

  // Why htmx:load: the builder is swapped outerHTML, so the old element never settles; the
  // new one is announced by htmx:load.
  document.body.addEventListener("htmx:load", function (event) {
    var fresh = event.detail.elt;
    if (!fresh || fresh.id !== "wf-builder") return;
    reveal(fresh.querySelector(".field.has-error, .wf-node.has-error") || fresh.querySelector("[data-wf-focus]"));
  });
})();
