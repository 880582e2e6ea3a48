// scrutiny serve's live reload (served by the preview server only, never published).
// Waits for the server to say the site changed, then reloads the page; while the data has
// problems, lists them over the page (file:line: field: message, and the hint).
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : null;
  var overlay = null;
  var seen = 0;
  // This load of the page: the server makes the open pages first after an edit, and is told
  // when this one is left (or reloaded) so it stops making it.
  var view = Math.random().toString(36).slice(2);
  window.addEventListener("pagehide", function () {
    navigator.sendBeacon("/__scrutiny__/closed?view=" + view);
  });

  function show(problems) {
    if (!problems.length) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("section");
      overlay.id = "scrutiny-problems";
      overlay.setAttribute("role", "alert");
      overlay.setAttribute("aria-labelledby", "scrutiny-problems-title");
      var s = overlay.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0";
      s.maxHeight = "60vh"; s.overflow = "auto"; s.zIndex = "2147483647";
      s.background = "#fff"; s.color = "#0b0c0c"; s.borderTop = "5px solid #d4351c";
      s.padding = "1em"; s.fontFamily = "sans-serif";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.id = "scrutiny-problems-title";
    title.textContent = "The site was not rebuilt: fix these problems (the page shows the last good build)";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var where = document.createElement("strong");
      where.textContent = p.location + ": ";
      item.appendChild(where);
      item.appendChild(document.createTextNode(p.message));
      if (p.hint) {
        var hint = document.createElement("div");
        hint.textContent = p.hint;
        item.appendChild(hint);
      }
      list.appendChild(item);
    });
    overlay.appendChild(list);
  }

  function poll() {
    var query = "?since=" + encodeURIComponent(version || "") + "&seen=" + seen +
      "&page=" + encodeURIComponent(location.pathname) + "&view=" + view;
    fetch("/__scrutiny__/status" + query, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (version !== null && String(state.version) !== version) {
          location.reload();
          return;
        }
        version = String(state.version);
        seen = state.problems.length;
        show(state.problems);
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
