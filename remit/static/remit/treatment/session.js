// Session page: a running clock (elapsed since check-in / dosing), the "vitals due" prompt turning red
// when overdue, and the keyboard focus on the next step after each save. Cosmetic only: every time that
// is charted comes from the server. Sections save in place (htmx swaps the page body), so elements are
// looked up again on each tick rather than once.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function offset() {
    // Follow the server's clock (the page says what time the server thought it was when it was sent).
    var el = document.querySelector("[data-server-now]");
    if (!el) { return 0; }
    if (!el.hasAttribute("data-offset")) {
      var value = Date.parse(el.getAttribute("data-server-now")) - Date.now();
      el.setAttribute("data-offset", isNaN(value) ? "0" : String(value));
    }
    return Number(el.getAttribute("data-offset"));
  }
  function tick() {
    var now = Date.now() + offset();
    document.querySelectorAll("[data-clock-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-clock-since"));
      var untilAttr = el.getAttribute("data-clock-until");
      var end = untilAttr ? Date.parse(untilAttr) : now;
      if (isNaN(since)) { return; }
      var s = Math.max(0, Math.floor((end - since) / 1000));
      el.textContent = Math.floor(s / 3600) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    });
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (!isNaN(due) && now > due) { el.classList.add("overdue"); }
    });
  }
  // After a refused step the first field in error has the focus; otherwise the next step's first field
  // (or its button), so the nurse types the next entry and presses Enter.
  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, button";
  function focusNext() {
    var target = document.querySelector("[aria-invalid=true], .field-error input, .field-error select");
    if (!target) {
      var steps = document.querySelector("[data-next-step]");
      var id = steps ? steps.getAttribute("data-next-step") : "";
      var section = id ? document.getElementById(id) : null;
      target = section ? section.querySelector("form " + FIELDS.split(", ").join(", form ")) : null;
    }
    if (target) { target.focus({ preventScroll: false }); }
  }
  function start() {
    tick();
    focusNext();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("htmx:afterSettle", focusNext);
  // While a section saves, the last save's message and error summary go: what shows next is this save's.
  // Only the charting forms save in place: a link leaves for its own page (with its own scripts).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.tagName === "A") {
      event.preventDefault();
      window.location.href = elt.href;
      return;
    }
    document.querySelectorAll(".messages, .error-summary").forEach(function (el) { el.remove(); });
  });
  setInterval(tick, 1000);
})();
