// Starts Pagefind's search UI on the search page; the index is in <site>/pagefind/, merged
// with the bundles listed in data-merge-bundles (<site>/pagefind-meetings/<year>/,
// <site>/pagefind-people/, <site>/pagefind-indicators/).
// Results link from the site's root, wherever the site is published (a domain or a sub-path).
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("search");
    if (!element || typeof PagefindUI === "undefined") {
      return;
    }
    var root = new URL(element.getAttribute("data-site-root") || "./", document.baseURI);
    var bundles = (element.getAttribute("data-merge-bundles") || "").split(" ");
    new PagefindUI({
      element: "#search",
      baseUrl: root.pathname,
      mergeIndex: bundles.filter(Boolean).map(function (bundle) {
        return { bundlePath: new URL(bundle, root).pathname };
      }),
      showSubResults: true,
      showImages: false,
    });
    var message = document.getElementById("search-needs-js");
    if (message) {
      message.hidden = true;
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
