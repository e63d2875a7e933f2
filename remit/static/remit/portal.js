// The portal's one question a page: tapping or clicking an answer sends it at once, so the next
// question follows without a Next. Only a pointer's choice sends: arrow keys move between the answers
// of a radio group (each move changes the choice), so a keyboard user chooses with the arrows or
// Space and sends with Enter or the Next button. Without this script every page has its Next button.
(function () {
  "use strict";
  document.querySelectorAll("form[data-advance]").forEach(function (form) {
    var pointer = false;
    var sent = false;
    form.addEventListener("pointerdown", function () { pointer = true; });
    form.addEventListener("keydown", function () { pointer = false; });
    form.addEventListener("change", function (event) {
      if (!pointer || sent || event.target.type !== "radio") return;
      sent = true; // one send per page: a double tap does not post twice
      form.classList.add("sending");
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  });
})();
