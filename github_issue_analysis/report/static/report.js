(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-rows").textContent);
  var tbody = document.getElementById("rows");
  var host = document.getElementById("issue-table").getAttribute("data-issue-host");
  var labels = data.labels, repos = data.repos;
  var COLUMNS = ["Issue", "Title", "Current labels", "Recommended", "Confidence", "Reasoning", "Decision"];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function cell(tr, index, cls) {
    var td = el("td", cls);
    td.setAttribute("data-label", COLUMNS[index]);
    tr.appendChild(td);
    return td;
  }
  function issueLink(org, name, number) {  // built like links.issue_url: https, the GitHub host, escaped parts
    return "https://" + host + "/" + encodeURIComponent(org) + "/" + encodeURIComponent(name) + "/issues/" +
      Number(number);
  }
  function fmt(c) { return c === null || c === undefined ? "–" : c.toFixed(2); }

  var items = data.rows.map(function (r, i) {
    var repo = repos[r[0]];
    var tr = el("tr");
    tr.dataset.index = i;
    var a = el("a", null, repo[1] + "#" + r[1]);
    a.href = issueLink(repo[0], repo[1], r[1]);
    a.rel = "noopener";
    cell(tr, 0).appendChild(a);
    cell(tr, 1, null).textContent = r[2];
    var current = cell(tr, 2);
    r[3].forEach(function (l) { current.appendChild(el("span", "tag cur", labels[l])); });
    var rec = cell(tr, 3);
    r[4].forEach(function (x) {
      var tag = el("span", "tag", labels[x[0]] + " " + fmt(x[1]));
      tag.title = x[2];
      rec.appendChild(tag);
    });
    cell(tr, 4).textContent = fmt(r[5]);
    cell(tr, 5, "reason").textContent = r[6];
    var decision = cell(tr, 6, "d-" + r[7]);
    decision.textContent = r[7];
    var names = {};
    r[3].concat(r[4].map(function (x) { return x[0]; })).forEach(function (l) { names[labels[l]] = true; });
    return {
      tr: tr, repo: repo[0] + "/" + repo[1], number: r[1], title: r[2].toLowerCase(), names: names,
      confidence: r[5] === null ? -1 : r[5], decision: r[7], recommended: r[4].length
    };
  });
  var fragment = document.createDocumentFragment();
  items.forEach(function (item) { fragment.appendChild(item.tr); });
  tbody.appendChild(fragment);

  function fill(select, values) {
    values.sort().forEach(function (v) { var o = el("option", null, v); o.value = v; select.appendChild(o); });
  }
  var byRepo = document.getElementById("f-repo"), byLabel = document.getElementById("f-label");
  var byConfidence = document.getElementById("f-confidence"), byText = document.getElementById("f-text");
  var byDecision = document.getElementById("f-decision"), shown = document.getElementById("shown");
  var confidenceValue = document.getElementById("f-confidence-value");
  fill(byRepo, repos.map(function (r) { return r[0] + "/" + r[1]; }));
  fill(byLabel, labels.filter(function (l) { return l; }).slice());

  function apply() {
    var repo = byRepo.value, label = byLabel.value, min = parseFloat(byConfidence.value) || 0;
    var text = byText.value.trim().toLowerCase(), decision = byDecision.value, count = 0;
    confidenceValue.textContent = min.toFixed(2);
    items.forEach(function (item) {
      var visible = (!repo || item.repo === repo) && (!label || item.names[label]) &&
        item.confidence >= min && (!text || item.title.indexOf(text) >= 0) &&
        (!decision || item.decision === decision);
      item.tr.hidden = !visible;
      if (visible) count++;
    });
    shown.textContent = count + " of " + items.length + " issues shown";
  }
  [byRepo, byLabel, byConfidence, byText, byDecision].forEach(function (input) {
    input.addEventListener("input", apply);
  });

  var KEYS = {
    issue: function (a, b) { return a.repo < b.repo ? -1 : a.repo > b.repo ? 1 : a.number - b.number; },
    title: function (a, b) { return a.title < b.title ? -1 : a.title > b.title ? 1 : 0; },
    recommended: function (a, b) { return a.recommended - b.recommended; },
    confidence: function (a, b) { return a.confidence - b.confidence; },
    decision: function (a, b) { return a.decision < b.decision ? -1 : a.decision > b.decision ? 1 : 0; }
  };
  Array.prototype.forEach.call(document.querySelectorAll("th[data-sort]"), function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(document.querySelectorAll("th[data-sort]"), function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var compare = KEYS[key];
      items.sort(function (a, b) { var c = compare(a, b); return ascending ? c : -c; });
      var again = document.createDocumentFragment();
      items.forEach(function (item) { again.appendChild(item.tr); });
      tbody.appendChild(again);
    });
  });
  apply();
  document.body.setAttribute("data-ready", "1");
})();
