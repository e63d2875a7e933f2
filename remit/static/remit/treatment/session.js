// Session page: a running clock (elapsed since check-in / dosing) and the "vitals due" prompt turning red
// when overdue. Cosmetic only: every time that is charted comes from the server.
(function () {
  "use strict";
  var clocks = document.querySelectorAll("[data-clock-since]");
  var dues = document.querySelectorAll("[data-due]");
  if (!clocks.length && !dues.length) { return; }
  // Follow the server's clock (the page says what time the server thought it was).
  var serverNow = document.querySelector("[data-server-now]");
  var offset = serverNow ? Date.parse(serverNow.getAttribute("data-server-now")) - Date.now() : 0;
  if (isNaN(offset)) { offset = 0; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now() + offset;
    clocks.forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-clock-since"));
      var untilAttr = el.getAttribute("data-clock-until");
      var end = untilAttr ? Date.parse(untilAttr) : now;
      if (isNaN(since)) { return; }
      var s = Math.max(0, Math.floor((end - since) / 1000));
      el.textContent = Math.floor(s / 3600) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    });
    dues.forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (!isNaN(due) && now > due) { el.classList.add("overdue"); }
    });
  }
  tick();
  setInterval(tick, 1000);
})();
