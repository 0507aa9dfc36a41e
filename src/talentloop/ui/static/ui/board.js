// Pipeline board: drag a card to another column to move it through the server's move action,
// announce moves to screen readers, and open the reject dialog. The "Move" menu on each card
// does the same without a mouse (plain htmx form), so nothing here is required to use the board.
(function () {
  "use strict";

  var dragged = null;

  function board() { return document.getElementById("board"); }

  function announce(message) {
    var region = document.querySelector("[data-board-status]");
    if (!region) return;
    // Clearing first makes screen readers repeat an identical message.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function columnOf(node) {
    return node instanceof Element ? node.closest(".board-column[data-stage-id]") : null;
  }

  function clearTargets() {
    document.querySelectorAll(".board-column.is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
  }

  function move(card, column) {
    var url = card.getAttribute("data-move-url");
    if (!url || !window.htmx) return;
    card.classList.add("is-moving");
    announce("Moving " + card.getAttribute("data-name") + " to " + column.getAttribute("data-stage-name") + "…");
    window.htmx.ajax("POST", url, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: { stage_id: column.getAttribute("data-stage-id") }
    }).then(function () {
      card.classList.remove("is-moving");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element ? event.target.closest("[data-card][draggable='true']") : null;
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-candidacy-id"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("is-drop-target")) {
      clearTargets();
      column.classList.add("is-drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    var card = dragged;
    clearTargets();
    if (column.getAttribute("data-stage-id") === card.getAttribute("data-stage-id")) return;
    // Show the card in its new column at once; the server's board replaces it in a moment.
    var list = column.querySelector(".board-cards");
    if (list) list.appendChild(card);
    move(card, column);
  });

  // The server answers a move with HX-Trigger: {"boardMoved": {"message", "candidacy_id"}}.
  document.body.addEventListener("boardMoved", function (event) {
    var detail = event.detail || {};
    announce(detail.message || "Moved");
    window.setTimeout(function () {
      var card = document.getElementById("card-" + detail.candidacy_id);
      var focusable = card && card.querySelector("select, a");
      // Keyboard users keep their place: focus follows the card they moved.
      if (focusable && board() && board().contains(document.activeElement) === false) focusable.focus();
    }, 0);
  });

  // A failed move (409, 403…) leaves the board unswapped; reload it so no card lies.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && elt instanceof Element && elt.closest("[data-board]")) {
      window.setTimeout(function () { window.location.reload(); }, 1500);
    }
  });

  // Reject: open the dialog instead of following the link (which is the no-script fallback).
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var trigger = target.closest("[data-reject]");
    var dialog = document.getElementById("reject-dialog");
    if (trigger && dialog && typeof dialog.showModal === "function") {
      event.preventDefault();
      dialog.querySelector("[data-reject-form]").setAttribute("action", trigger.getAttribute("href"));
      dialog.querySelector("[data-reject-name]").textContent = trigger.getAttribute("data-name");
      dialog.returnFocusTo = trigger;
      dialog.showModal();
      var first = dialog.querySelector("select");
      if (first) first.focus();
      return;
    }
    if (target.closest("[data-dialog-close]")) {
      var open = target.closest("dialog");
      if (open) open.close();
    }
  });

  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog instanceof HTMLDialogElement && dialog.returnFocusTo) {
      dialog.returnFocusTo.focus();
    }
  }, true);
})();
