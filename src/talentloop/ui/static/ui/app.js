// Talentloop page behaviour: toasts, copy buttons, confirm dialogs, the mobile menu,
// bulk selection. No dependencies besides htmx (loaded from django-htmx's static files).
(function () {
  "use strict";

  var TOAST_MS = 5000;

  function dismiss(toast) {
    if (toast && toast.parentNode) toast.parentNode.removeChild(toast);
  }

  function arm(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    // Errors stay until dismissed: people must get a chance to read them.
    if (!toast.classList.contains("toast-error")) {
      setTimeout(function () { dismiss(toast); }, TOAST_MS);
    }
  }

  function showToast(message, level) {
    var region = document.getElementById("toasts");
    var template = document.getElementById("toast-template");
    if (!region || !template || !message) return;
    var toast = template.content.firstElementChild.cloneNode(true);
    toast.classList.add("toast-" + (level || "info"));
    toast.querySelector("span").textContent = message; // text, never HTML
    region.appendChild(toast);
    arm(toast);
  }
  window.talentloopToast = showToast;

  // Server-sent toasts: HX-Trigger: {"toast": {"message": "...", "level": "success"}}
  document.body.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    var items = Array.isArray(detail.value) ? detail.value : (detail.items || [detail]);
    items.forEach(function (item) { showToast(item.message, item.level); });
  });

  // Network failures and 5xx answers would otherwise fail silently.
  document.body.addEventListener("htmx:sendError", function () {
    showToast("Could not reach the server. Check your connection and try again.", "error");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && !xhr.getResponseHeader("HX-Trigger") && xhr.status >= 500) {
      showToast("Something went wrong on our side. Please try again.", "error");
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;

    // A dropdown menu ([data-menu] details) closes when one clicks anywhere else.
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(target)) menu.removeAttribute("open");
    });

    var close = target.closest("[data-toast-close]");
    if (close) { dismiss(close.closest("[data-toast]")); return; }

    var copy = target.closest("[data-copy]");
    if (copy) {
      event.preventDefault();
      var text = copy.getAttribute("data-copy");
      var done = function () { showToast("Copied to clipboard", "success"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
      } else {
        fallbackCopy(text); done();
      }
      return;
    }

    var tab = target.closest("[data-tab]");
    if (tab) {
      var list = tab.closest("[role=tablist]");
      list.querySelectorAll("[data-tab]").forEach(function (other) {
        var selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        var pane = document.getElementById(other.getAttribute("aria-controls"));
        if (pane) pane.hidden = !selected;
      });
      return;
    }

    var toggle = target.closest("[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      if (nav) nav.classList.toggle("is-open", open);
      return;
    }

    // Plain (non-htmx) buttons and links asking for confirmation.
    var confirmable = target.closest("[data-confirm]");
    if (confirmable && !confirmable.hasAttribute("hx-confirm")) {
      if (!window.confirm(confirmable.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }
  }, true);

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    document.body.removeChild(area);
  }

  // Arrow keys move between tabs of a tablist (WAI-ARIA tabs pattern).
  document.addEventListener("keydown", function (event) {
    var tab = event.target instanceof Element ? event.target.closest("[data-tab]") : null;
    if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[data-tab]"));
    var next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
    event.preventDefault();
  });

  // Escape closes open menus and the mobile nav.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open]").forEach(function (d) { d.removeAttribute("open"); });
    var toggle = document.querySelector("[data-nav-toggle][aria-expanded='true']");
    if (toggle) toggle.click();
  });

  // Bulk selection: a [data-select-all] checkbox drives the [data-select-row] ones inside the
  // same [data-bulk] container, and the [data-bulk-bar] shows how many are picked.
  function refreshBulk(container) {
    var rows = container.querySelectorAll("[data-select-row]");
    var picked = container.querySelectorAll("[data-select-row]:checked").length;
    var bar = container.querySelector("[data-bulk-bar]");
    var count = container.querySelector("[data-bulk-count]");
    var all = container.querySelector("[data-select-all]");
    if (bar) bar.hidden = picked === 0;
    if (count) count.textContent = picked + " selected";
    if (all) {
      all.checked = rows.length > 0 && picked === rows.length;
      all.indeterminate = picked > 0 && picked < rows.length;
    }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    var container = target.closest("[data-bulk]");
    if (!container) return;
    if (target.hasAttribute("data-select-all")) {
      container.querySelectorAll("[data-select-row]").forEach(function (box) { box.checked = target.checked; });
    }
    refreshBulk(container);
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-bulk]").forEach(refreshBulk);
    document.querySelectorAll("[data-toast]").forEach(arm);
  });

  document.querySelectorAll("[data-toast]").forEach(arm);
  document.querySelectorAll("[data-bulk]").forEach(refreshBulk);
})();
