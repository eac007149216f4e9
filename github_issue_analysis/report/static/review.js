(function () {
  "use strict";
  // Keyboard keys of the review queue: j / ArrowDown next, k / ArrowUp previous, a accept, r reject, e edit.
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-index]"));
  var current = -1;

  function focusRow(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(index, rows.length - 1));
    rows.forEach(function (row, i) { row.classList.toggle("current", i === current); });
    rows[current].focus();
  }
  function press(action) {
    if (current < 0) return;
    var button = rows[current].querySelector("button[name='action'][value='" + action + "']");
    if (button) button.click();
  }
  function edit() {
    if (current < 0) return;
    var details = rows[current].querySelector("details");
    if (!details) return;
    details.open = true;
    details.querySelector("input[name='labels']").focus();
  }
  rows.forEach(function (row, i) {
    row.addEventListener("focus", function () { if (current !== i) focusRow(i); });
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var keys = {
      j: function () { focusRow(current + 1); }, ArrowDown: function () { focusRow(current + 1); },
      k: function () { focusRow(current - 1); }, ArrowUp: function () { focusRow(current - 1); },
      a: function () { press("accept"); }, r: function () { press("reject"); }, e: edit
    };
    var handler = keys[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  });
  var at = document.getElementById("queue").getAttribute("data-at");
  if (at !== null && at !== "") focusRow(parseInt(at, 10) || 0);
  document.body.setAttribute("data-ready", "1");
})();
