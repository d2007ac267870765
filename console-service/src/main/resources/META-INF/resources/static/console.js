// Vienna console: live updates without reloading, and deadlines counting down. Plain script, no dependencies.
(function () {
  "use strict";

  function remaining(deadline) {
    var ms = Date.parse(deadline) - Date.now();
    if (isNaN(ms)) return null;
    if (ms <= 0) return "passed";
    var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return "in " + (h > 0 ? h + "h " : "") + (h > 0 || m > 0 ? m + "m " : "") + (s % 60) + "s";
  }

  function countDown() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = remaining(el.getAttribute("data-deadline"));
      if (left === null) return;
      var label = el.querySelector(".left");
      if (!label) {
        label = document.createElement("span");
        label.className = "left";
        el.appendChild(document.createTextNode(" "));
        el.appendChild(label);
      }
      label.textContent = "(" + left + ")";
      el.classList.toggle("expired", left === "passed");
    });
  }

  // A region with data-live="URL" is replaced by what URL answers every data-every milliseconds, unless the operator
  // is inside it. A 499 means the session is gone: say so instead of showing the sign-in page inside the region.
  function keepLive(region) {
    var url = region.getAttribute("data-live");
    var every = parseInt(region.getAttribute("data-every") || "3000", 10);
    function refresh() {
      if (document.hidden || region.contains(document.activeElement)) return schedule();
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "JavaScript" } })
        .then(function (response) {
          if (response.status === 499 || response.redirected) {
            region.setAttribute("data-stale", "session");
            var note = document.getElementById("session-note");
            if (!note) {
              note = document.createElement("p");
              note.id = "session-note";
              note.className = "problem";
              note.setAttribute("role", "alert");
              note.textContent = "Your session has ended: reload the page to sign in again.";
              region.parentNode.insertBefore(note, region);
            }
            return null;
          }
          return response.text();
        })
        .then(function (html) {
          if (html !== null && html !== undefined) {
            region.innerHTML = html;
            region.setAttribute("data-refreshed", new Date().toISOString());
            countDown();
          }
          if (!region.hasAttribute("data-stale")) schedule();
        })
        .catch(function () { schedule(); });
    }
    function schedule() { setTimeout(refresh, every); }
    schedule();
  }

  document.addEventListener("DOMContentLoaded", function () {
    countDown();
    setInterval(countDown, 1000);
    document.querySelectorAll("[data-live]").forEach(keepLive);
  });
})();
