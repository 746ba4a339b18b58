/* Small enhancements of the portal's forms; every form works without them.
   - data-confirm on a form or a submit button asks before sending;
   - data-once on a form disables its buttons once it is sent, so a double click sends it once. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.once !== undefined) {
      // Disabled only after the browser has collected the values, so the pressed button is still sent.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    }
  });
})();
