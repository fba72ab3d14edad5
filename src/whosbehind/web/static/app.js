// Search suggestions: as the user types, ask /api/suggest and list links under the box.
// Without this script the box is a plain GET form to /search.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    var timer = null, active = -1;
    function clear() { list.innerHTML = ""; list.hidden = true; active = -1; }
    function show(results) {
      list.innerHTML = "";
      results.forEach(function (hit, i) {
        var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span");
        li.setAttribute("role", "option"); li.id = list.id + "-" + i;
        a.href = hit.url; a.textContent = hit.label;
        kind.className = "kind"; kind.textContent = hit.kind + (hit.detail ? " · " + hit.detail : "");
        a.appendChild(kind); li.appendChild(a); list.appendChild(li);
      });
      list.hidden = results.length === 0; active = -1;
    }
    function move(step) {
      var items = list.querySelectorAll("li");
      if (!items.length) return;
      if (active >= 0) items[active].removeAttribute("aria-selected");
      active = (active + step + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { clear(); return; }
      timer = setTimeout(function () {
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (input.value.trim() === q) show(data.results || []); })
          .catch(clear);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Escape") { clear(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault(); window.location = list.querySelectorAll("li a")[active].href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(clear, 200); });
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
