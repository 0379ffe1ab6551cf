// Follows a run while it runs: its page (templates/run.html) names its
// event stream in data-events; this script shows each status line and
// event as it comes, and reloads the page once the run has ended, to show
// its outcome, its files and what can be done with it. Without this script
// the page shows the run as it stood, with a link to refresh it.
"use strict";
(function () {
  var live = document.getElementById("run-live");
  if (!live || !window.EventSource) {
    return;
  }
  var url = live.getAttribute("data-events");
  if (!url) {
    return;
  }
  var status = document.getElementById("run-status");
  var list = document.getElementById("run-events");
  var outcome = document.getElementById("run-outcome");
  var source = new EventSource(url);

  source.addEventListener("status", function (e) {
    var d = JSON.parse(e.data);
    if (d.status) {
      status.textContent = d.status;
    }
    if (d.stopping && outcome) {
      outcome.textContent = "stopping";
    }
  });

  source.addEventListener("event", function (e) {
    var ev = JSON.parse(e.data);
    var li = document.createElement("li");
    li.className = ev.kind;
    var at = document.createElement("time");
    at.setAttribute("datetime", ev.at);
    at.textContent = ev.at.substring(11, 19);
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = ev.kind;
    li.appendChild(at);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(kind);
    li.appendChild(document.createTextNode(" " + ev.text));
    list.appendChild(li);
  });

  source.addEventListener("end", function (e) {
    source.close();
    var d = JSON.parse(e.data);
    if (d.outcome !== "running") {
      window.location.reload();
    }
  });
})();
