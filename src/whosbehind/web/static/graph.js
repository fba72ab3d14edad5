// The supply-chain graph: a small force layout in SVG over /api/agency/{agency}/graph.
// Pan by dragging, zoom with the wheel or the +/- buttons, click (or Enter on) a node to open
// its page. Edges are as wide as the log of their money. The page lists the same edges in a
// table for readers without script.
(function () {
  "use strict";
  var box = document.getElementById("graph");
  if (!box) return;
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = { public_body: "#8a2be2", company: "#1f6f43", offering: "#b35900", award: "#555" };
  var svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "graph-box");
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-label", "Supply-chain graph; each node is a link");
  var view = document.createElementNS(SVG, "g");
  svg.appendChild(view);
  box.appendChild(svg);
  var scale = 1, tx = 0, ty = 0;
  function apply() { view.setAttribute("transform", "translate(" + tx + "," + ty + ") scale(" + scale + ")"); }
  function zoom(factor) { scale = Math.max(0.1, Math.min(8, scale * factor)); apply(); }
  svg.addEventListener("wheel", function (e) { e.preventDefault(); zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15); }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (e) { if (e.target === svg) { drag = [e.clientX - tx, e.clientY - ty]; } });
  window.addEventListener("pointermove", function (e) { if (drag) { tx = e.clientX - drag[0]; ty = e.clientY - drag[1]; apply(); } });
  window.addEventListener("pointerup", function () { drag = null; });
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () { zoom(parseFloat(b.dataset.zoom)); });
  });

  function layout(nodes, edges, width, height) {
    var index = {};
    nodes.forEach(function (n, i) {
      index[n.id] = n;
      var a = 2 * Math.PI * i / nodes.length;
      n.x = width / 2 + Math.cos(a) * width / 3; n.y = height / 2 + Math.sin(a) * height / 3;
    });
    var links = edges.filter(function (e) { return index[e.source] && index[e.target]; });
    var k = Math.sqrt(width * height / Math.max(nodes.length, 1)) * 0.6;
    for (var step = 0; step < 250; step++) {
      var t = 0.1 * (1 - step / 250) * width;
      nodes.forEach(function (n) { n.dx = 0; n.dy = 0; });
      for (var i = 0; i < nodes.length; i++) {
        for (var j = i + 1; j < nodes.length; j++) {
          var a = nodes[i], b = nodes[j], dx = a.x - b.x, dy = a.y - b.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01;
          var f = k * k / d; a.dx += dx / d * f; a.dy += dy / d * f; b.dx -= dx / d * f; b.dy -= dy / d * f;
        }
      }
      links.forEach(function (e) {
        var a = index[e.source], b = index[e.target], dx = a.x - b.x, dy = a.y - b.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        var f = d * d / k; a.dx -= dx / d * f; a.dy -= dy / d * f; b.dx += dx / d * f; b.dy += dy / d * f;
      });
      nodes.forEach(function (n) {
        n.dx += (width / 2 - n.x) * 0.02 * k / 10; n.dy += (height / 2 - n.y) * 0.02 * k / 10;  // gravity
        var d = Math.sqrt(n.dx * n.dx + n.dy * n.dy) || 0.01;
        n.x += n.dx / d * Math.min(d, t); n.y += n.dy / d * Math.min(d, t);
        n.x = Math.max(20, Math.min(width - 20, n.x)); n.y = Math.max(20, Math.min(height - 20, n.y));
      });
    }
    return { index: index, links: links };
  }

  function draw(data) {
    while (view.firstChild) view.removeChild(view.firstChild);
    var width = box.clientWidth || 900, height = Math.max(400, box.clientHeight || 600);
    var placed = layout(data.nodes, data.edges, width, height);
    var most = 1;
    placed.links.forEach(function (e) { if (e.amount) most = Math.max(most, Math.abs(parseFloat(e.amount))); });
    placed.links.forEach(function (e) {
      var a = placed.index[e.source], b = placed.index[e.target], line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", a.x); line.setAttribute("y1", a.y); line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
      var w = e.amount ? 1 + 7 * Math.log(1 + Math.abs(parseFloat(e.amount))) / Math.log(1 + most) : 1;
      line.setAttribute("stroke-width", w.toFixed(2));
      if (e.kind !== "money") line.setAttribute("stroke-dasharray", "4 3");
      var title = document.createElementNS(SVG, "title");
      title.textContent = e.kind + (e.amount ? ": " + Number(e.amount).toLocaleString() + " USD" : "");
      line.appendChild(title); view.appendChild(line);
    });
    data.nodes.forEach(function (n) {
      var link = document.createElementNS(SVG, "a"), g = document.createElementNS(SVG, "g");
      if (n.url) link.setAttribute("href", n.url);
      g.setAttribute("class", "node");
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", n.x); c.setAttribute("cy", n.y); c.setAttribute("r", n.kind === "public_body" ? 9 : 6);
      c.setAttribute("fill", COLORS[n.kind] || "#333");
      var label = document.createElementNS(SVG, "text");
      label.setAttribute("x", n.x + 9); label.setAttribute("y", n.y + 3); label.textContent = n.label.slice(0, 40);
      var title = document.createElementNS(SVG, "title"); title.textContent = n.kind + ": " + n.label;
      g.appendChild(title); g.appendChild(c); g.appendChild(label); link.appendChild(g); view.appendChild(link);
    });
    apply();
  }

  var status = document.getElementById("graph-status");
  fetch(box.dataset.src).then(function (r) { return r.json(); }).then(function (data) {
    draw(data);
    if (status) status.textContent = data.nodes.length + " nodes, " + data.edges.length + " edges";
  }).catch(function () { if (status) status.textContent = "the graph could not be loaded; the table below has its edges"; });
})();
