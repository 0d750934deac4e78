// Live total of a ballot (the server checks everything; this only helps while choosing).
(function () {
  "use strict";
  function euros(n) { return n.toLocaleString("fr-FR") + "\u00a0€"; }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.ballot");
    var out = document.getElementById("ballot-total");
    if (!form || !out) { return; }
    var type = form.dataset.ballotType;
    function update() {
      if (type === "cumulative") {
        var used = 0;
        form.querySelectorAll("input[type=number]").forEach(function (i) { used += parseInt(i.value, 10) || 0; });
        var total = parseInt(form.dataset.points, 10) || 0;
        out.textContent = "Points répartis : " + used + " sur " + total + ".";
        out.classList.toggle("is-over", used > total);
      } else if (type === "approval_budget") {
        var spent = 0;
        form.querySelectorAll("input[type=checkbox]:checked").forEach(function (i) { spent += parseInt(i.dataset.cost, 10) || 0; });
        var limit = parseInt(form.dataset.limit, 10) || 0;
        out.textContent = "Total de votre sélection : " + euros(spent) + " sur " + euros(limit) + (spent > limit ? " — au-delà de l'enveloppe." : ".");
        out.classList.toggle("is-over", spent > limit);
      } else {
        var n = form.querySelectorAll("input[type=checkbox]:checked").length;
        var max = parseInt(form.dataset.maxProjects, 10) || 0;
        out.textContent = n + " projet(s) choisi(s) sur " + max + " au maximum.";
        out.classList.toggle("is-over", n > max);
      }
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
  });
})();
