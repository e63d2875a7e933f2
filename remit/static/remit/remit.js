// Idle warning: a minute before the server ends an idle session, offer to stay.
(function () {
  "use strict";
  var body = document.body;
  var timeout = parseInt(body.getAttribute("data-idle-timeout") || "0", 10);
  if (!timeout) { return; }
  var warnAt = Math.max(timeout - 60, 1) * 1000;
  var box = document.getElementById("idle-warning");
  var countdown = box && box.querySelector("[data-idle-countdown]");
  var warnTimer, tick, remaining;

  function schedule() {
    clearTimeout(warnTimer);
    clearInterval(tick);
    if (box) { box.hidden = true; }
    warnTimer = setTimeout(warn, warnAt);
  }
  function warn() {
    if (!box) { return; }
    remaining = Math.min(60, timeout);
    box.hidden = false;
    countdown.textContent = remaining;
    tick = setInterval(function () {
      remaining -= 1;
      countdown.textContent = Math.max(remaining, 0);
      if (remaining <= 0) {
        clearInterval(tick);
        signOut();
      }
    }, 1000);
  }
  // Sign out on the server as well, so the sign-in page does not send a live session back to
  // the record that was on screen.
  function signOut() {
    var form = document.createElement("form");
    form.method = "post";
    form.action = body.getAttribute("data-logout-url");
    var headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
    [["csrfmiddlewaretoken", headers["X-CSRFToken"] || ""], ["idle", "1"]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }
  function stay() {
    fetch(body.getAttribute("data-keepalive-url"), {credentials: "same-origin"}).then(function (r) {
      if (r.ok) { schedule(); } else { window.location.href = body.getAttribute("data-login-url"); }
    });
  }
  if (box) { box.querySelector("[data-idle-stay]").addEventListener("click", stay); }
  // Background polling (htmx) does not count as activity on the server either.
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.elt && e.detail.elt.hasAttribute("data-background")) {
      e.detail.headers["X-Remit-Background"] = "1";
    } else {
      schedule();
    }
  });
  schedule();
})();
