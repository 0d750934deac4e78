// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Submit on change for selects marked data-autosubmit (the form also has a submit button).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
      if (target.form.requestSubmit) { target.form.requestSubmit(); } else { target.form.submit(); }
    }
  });
  // Confirm dangerous actions marked data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
