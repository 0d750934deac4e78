// Live total of a ballot (the server checks everything; this only helps while choosing).
// The messages come translated from the form's data-msg-* attributes.
(function () {
  "use strict";
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.ballot");
    var out = document.getElementById("ballot-total");
    if (!form || !out) { return; }
    var lang = document.documentElement.lang || "fr";
    function euros(n) { return n.toLocaleString(lang) + "\u00a0€"; }
    var type = form.dataset.ballotType;
    function update() {
      var over = false;
      if (type === "cumulative") {
        var used = 0;
        form.querySelectorAll("input[type=number]").forEach(function (i) { used += parseInt(i.value, 10) || 0; });
        var total = parseInt(form.dataset.points, 10) || 0;
        over = used > total;
        out.textContent = fill(form.dataset.msgPoints, { used: used, total: total });
      } else if (type === "approval_budget") {
        var spent = 0;
        form.querySelectorAll("input[type=checkbox]:checked").forEach(function (i) { spent += parseInt(i.dataset.cost, 10) || 0; });
        var limit = parseInt(form.dataset.limit, 10) || 0;
        over = spent > limit;
        out.textContent = fill(form.dataset.msgBudget, { spent: euros(spent), limit: euros(limit) });
      } else {
        var n = form.querySelectorAll("input[type=checkbox]:checked").length;
        var max = parseInt(form.dataset.maxProjects, 10) || 0;
        over = n > max;
        out.textContent = fill(form.dataset.msgCount, { n: n, max: max });
      }
      // Too many points or projects is not "beyond the envelope": each has its own words.
      var overMsg = type === "cumulative" ? form.dataset.msgOverPoints
        : (type === "approval_budget" ? form.dataset.msgOver : form.dataset.msgOverCount);
      if (over) { out.textContent += " " + (overMsg || form.dataset.msgOver); }
      out.classList.toggle("is-over", over);
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
  });
})();
