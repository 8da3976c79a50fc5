/* The ballot's running total, as a progressive enhancement of budgets/ballot_form.html.
 *
 * Without this script the page works as before: the total is the one the server computed, and the server refuses
 * a ballot over the envelope. With it, the total follows the ticked boxes, and the status line (a polite live
 * region) says when the choice costs more than the envelope, then when it fits again.
 * Amounts are counted in whole centimes from the data-cost attributes ("200000.00"): no floating point.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.ballot[data-envelope]");
  if (!form) {
    return;
  }
  var figure = form.querySelector("[data-ballot-total] bdi");
  var status = form.querySelector("[data-ballot-status]");
  var boxes = form.querySelectorAll("input[type=checkbox][data-cost]");
  if (!figure || !status) {
    return;
  }

  function centimes(text) {
    var parts = String(text).split(".");
    var fraction = ((parts[1] || "") + "00").slice(0, 2);
    return parseInt(parts[0], 10) * 100 + parseInt(fraction, 10);
  }

  // As the server writes amounts (openmun.formatting.group_digits): no-break spaces between thousands, a comma.
  function amount(value) {
    var units = String(Math.floor(value / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    var fraction = String(value % 100);
    return units + "," + (fraction.length < 2 ? "0" + fraction : fraction);
  }

  var envelope = centimes(form.getAttribute("data-envelope"));
  var wasOver = form.classList.contains("ballot--over");

  function update() {
    var total = 0;
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.checked) {
        total += centimes(box.getAttribute("data-cost"));
      }
    });
    figure.textContent = amount(total);
    var over = total > envelope;
    form.classList.toggle("ballot--over", over);
    if (over !== wasOver) {
      status.textContent = status.getAttribute(over ? "data-over" : "data-fits");
      wasOver = over;
    }
  }

  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", update);
  });
  // A browser going back to the page may restore ticks that differ from the total the server wrote.
  update();
})();
