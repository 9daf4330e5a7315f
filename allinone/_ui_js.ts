// The web UI's script (served as /static/app.js): plain JavaScript, no build step, no CDN.
// Two pages share it: /search (form, duration-over-time scatter, results) and /trace/<id>
// (waterfall with service colours, collapsible subtrees, span details). The waterfall draws
// only the rows in view (fixed row height), so a trace of thousands of spans opens at once.
// (Written without template literals: it lives inside one.)

/** The script. */
export const UI_JS: string = String.raw`
(function () {
  "use strict";
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
    "#17becf", "#ff9da7", "#8c6d31", "#637939", "#7b4173"];
  var HINTS = ["partition", "partition_id", "table", "db.table", "http.status_code", "db.rows",
    "error.message", "http.target"];
  var ROW = 26;

  function $(sel, el) { return (el || document).querySelector(sel); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmtDur(us) {
    if (!(us >= 0)) return "-";
    if (us < 1000) return Math.round(us) + "μs";
    if (us < 1000000) return strip((us / 1000).toFixed(us < 10000 ? 2 : 1)) + "ms";
    if (us < 60000000) return strip((us / 1000000).toFixed(2)) + "s";
    return strip((us / 60000000).toFixed(1)) + "min";
  }
  function strip(s) { return s.indexOf(".") < 0 ? s : s.replace(/\.?0+$/, ""); }
  function fmtTime(us) {
    var d = new Date(us / 1000);
    var p = function (n, w) { return String(n).padStart(w || 2, "0"); };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " +
      p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + "." +
      p(d.getMilliseconds(), 3);
  }
  function ago(us) {
    var s = (Date.now() - us / 1000) / 1000;
    if (s < 0) return "just now";
    if (s < 60) return Math.floor(s) + "s ago";
    if (s < 3600) return Math.floor(s / 60) + "min ago";
    if (s < 86400) return Math.floor(s / 3600) + "h ago";
    return Math.floor(s / 86400) + "d ago";
  }
  function getJson(url) {
    return fetch(url).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) {
          var msg = body && body.errors && body.errors[0] ? body.errors[0].msg : r.statusText;
          throw new Error(msg);
        }
        return body;
      });
    });
  }
  function tagValue(t) { return t.type === "bool" || typeof t.value !== "string" ? String(t.value) : t.value; }
  function isError(span) {
    for (var i = 0; i < span.tags.length; i++) {
      var t = span.tags[i];
      if (t.key === "error" && String(t.value) === "true") return true;
      if (t.key === "otel.status_code" && t.value === "ERROR") return true;
    }
    return false;
  }
  function colorMap(services) {
    var m = {};
    services.slice().sort().forEach(function (s, i) { m[s] = PALETTE[i % PALETTE.length]; });
    return m;
  }

  // ---- a trace's tree (iterative: a chain of thousands of spans must not overflow the stack)
  function buildTrace(t) {
    var nodes = [], byId = new Map(), t0 = Infinity, t1 = -Infinity, services = {};
    t.spans.forEach(function (s) {
      var p = t.processes[s.processID] || { serviceName: "?", tags: [] };
      var n = { span: s, service: p.serviceName, process: p, children: [], parent: null, depth: 0,
        error: isError(s), idx: 0 };
      nodes.push(n);
      if (!byId.has(s.spanID)) byId.set(s.spanID, n);
      if (s.startTime < t0) t0 = s.startTime;
      if (s.startTime + s.duration > t1) t1 = s.startTime + s.duration;
      services[p.serviceName] = (services[p.serviceName] || 0) + 1;
    });
    var roots = [];
    nodes.forEach(function (n) {
      var parent = null;
      for (var i = 0; i < n.span.references.length; i++) {
        var r = n.span.references[i];
        if (r.refType === "CHILD_OF" && r.traceID === n.span.traceID) { parent = byId.get(r.spanID); break; }
      }
      if (parent && parent !== n) { n.parent = parent; parent.children.push(n); } else roots.push(n);
    });
    var byStart = function (a, b) { return a.span.startTime - b.span.startTime; };
    roots.sort(function (a, b) {
      var ar = a.span.references.length === 0 ? 0 : 1, br = b.span.references.length === 0 ? 0 : 1;
      return ar - br || byStart(a, b);
    });
    // Depth-first order and depth, guarding against cycles.
    var order = [], seen = new Set(), maxDepth = 0;
    var stack = roots.slice().reverse().map(function (n) { return [n, 0]; });
    while (stack.length) {
      var top = stack.pop(), n = top[0];
      if (seen.has(n)) continue;
      seen.add(n);
      n.depth = top[1];
      if (n.depth > maxDepth) maxDepth = n.depth;
      n.idx = order.length;
      order.push(n);
      n.children.sort(byStart);
      for (var i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i], n.depth + 1]);
    }
    nodes.forEach(function (n) { if (!seen.has(n)) { n.idx = order.length; order.push(n); } });
    var root = roots[0];
    return { id: t.traceID, nodes: order, roots: roots, root: root, t0: t0, t1: t1,
      total: Math.max(1, t1 - t0), services: services, depth: maxDepth + 1,
      errors: order.filter(function (n) { return n.error; }).length };
  }

  // ---- header stats
  function loadStats() {
    getJson("/api/stats").then(function (s) {
      var el = $("#stats");
      if (!el) return;
      el.innerHTML = esc(s.traces) + " traces · " + esc(s.spans) + " spans held" +
        (s.droppedTraces > 0
          ? ' · <span class="drop">' + esc(s.droppedTraces) + " traces (" + esc(s.droppedSpans) +
            " spans) dropped to stay within " + esc(s.maxSpans) + " spans / " +
            esc(Math.round(s.maxBytes / 1048576)) + " MiB</span>"
          : " · 0 dropped");
    }).catch(function () {});
  }

  // ---- search page
  function searchPage() {
    var main = $("main");
    var params = new URLSearchParams(location.search);
    main.innerHTML =
      '<aside class="form"><h2>Search</h2><form id="f">' +
      '<label>Service<select name="service" id="service"></select></label>' +
      '<label>Operation<select name="operation" id="operation"><option value="">all</option></select></label>' +
      '<label>Tags<input name="tags" id="tags" placeholder="error=true http.status_code=500">' +
      '<div class="hint">key=value pairs, space separated (or JSON)</div></label>' +
      '<div class="pair"><label>Min duration<input name="minDuration" id="minDuration" placeholder="e.g. 1.2ms"></label>' +
      '<label>Max duration<input name="maxDuration" id="maxDuration" placeholder="e.g. 2s"></label></div>' +
      '<label>Limit results<input name="limit" id="limit" type="number" min="1" max="1000" value="20"></label>' +
      '<button class="primary" type="submit" id="find">Find Traces</button></form></aside>' +
      '<section class="results" id="results"><div class="empty">Loading services…</div></section>';
    ["tags", "minDuration", "maxDuration", "limit"].forEach(function (k) {
      if (params.get(k)) $("#" + k).value = params.get(k);
    });
    var svcSel = $("#service"), opSel = $("#operation");
    function loadOps(selected) {
      var svc = svcSel.value;
      opSel.innerHTML = '<option value="">all</option>';
      if (!svc) return Promise.resolve();
      return getJson("/api/services/" + encodeURIComponent(svc) + "/operations").then(function (b) {
        opSel.innerHTML = '<option value="">all</option>' + b.data.map(function (o) {
          return '<option' + (o === selected ? " selected" : "") + ' value="' + esc(o) + '">' + esc(o) + "</option>";
        }).join("");
      });
    }
    getJson("/api/services").then(function (b) {
      var services = b.data;
      if (services.length === 0) {
        svcSel.innerHTML = '<option value="">(no services yet)</option>';
        $("#results").innerHTML = '<div class="empty">No spans received yet. Send some to the ' +
          "listeners printed at start (Jaeger UDP 6831/6832, OTLP/HTTP 4318), then reload.</div>";
        return;
      }
      var want = params.get("service");
      svcSel.innerHTML = '<option value="">(all services)</option>' + services.map(function (s) {
        return '<option value="' + esc(s) + '">' + esc(s) + "</option>";
      }).join("");
      svcSel.value = want !== null && services.indexOf(want) >= 0 ? want : want === "" ? "" : services[0];
      loadOps(params.get("operation")).then(function () { run(false); });
    }).catch(function (e) {
      $("#results").innerHTML = '<div class="error-box">' + esc(e.message) + "</div>";
    });
    svcSel.addEventListener("change", function () { loadOps(null); });
    $("#f").addEventListener("submit", function (ev) { ev.preventDefault(); run(true); });

    function run(push) {
      var q = new URLSearchParams();
      ["service", "operation", "tags", "minDuration", "maxDuration", "limit"].forEach(function (k) {
        var v = $("#" + k).value.trim();
        if (v !== "") q.set(k, v);
      });
      if (push) history.replaceState(null, "", "/search?" + q.toString());
      var out = $("#results");
      out.innerHTML = '<div class="empty">Searching…</div>';
      getJson("/api/traces?" + q.toString()).then(function (b) {
        showResults(b.data.map(summarize));
      }).catch(function (e) {
        out.innerHTML = '<div class="error-box">' + esc(e.message) + "</div>";
      });
    }
  }

  function summarize(t) {
    var tr = buildTrace(t);
    var root = tr.root;
    return { id: t.traceID, rootService: root ? root.service : "?",
      rootName: root ? root.span.operationName : "?", spans: t.spans.length,
      services: tr.services, errors: tr.errors, start: tr.t0, duration: tr.t1 - tr.t0 };
  }

  var sortKey = "recent";
  var lastResults = [];
  function showResults(list) {
    lastResults = list;
    var out = $("#results");
    if (list.length === 0) {
      out.innerHTML = '<div class="empty">No traces match. Change the search and Find again.</div>';
      return;
    }
    var all = {};
    list.forEach(function (r) { Object.keys(r.services).forEach(function (s) { all[s] = 1; }); });
    var colors = colorMap(Object.keys(all));
    var sorted = list.slice();
    if (sortKey === "recent") sorted.sort(function (a, b) { return b.start - a.start; });
    if (sortKey === "longest") sorted.sort(function (a, b) { return b.duration - a.duration; });
    if (sortKey === "shortest") sorted.sort(function (a, b) { return a.duration - b.duration; });
    if (sortKey === "spans") sorted.sort(function (a, b) { return b.spans - a.spans; });
    if (sortKey === "errors") sorted.sort(function (a, b) { return b.errors - a.errors; });
    var maxDur = Math.max.apply(null, list.map(function (r) { return r.duration; }).concat([1]));
    var html = '<div class="card scatter">' + scatter(list, colors) + "</div>" +
      '<div class="reshead"><h3>' + list.length + " Trace" + (list.length === 1 ? "" : "s") + "</h3>" +
      '<select id="sort">' + [["recent", "Most recent"], ["longest", "Longest first"],
        ["shortest", "Shortest first"], ["spans", "Most spans"], ["errors", "Most errors"]]
        .map(function (o) { return '<option value="' + o[0] + '"' + (o[0] === sortKey ? " selected" : "") + ">" + o[1] + "</option>"; }).join("") +
      "</select></div>";
    html += sorted.map(function (r) {
      var chips = Object.keys(r.services).sort().map(function (s) {
        return '<span class="chip"><span class="dot" style="background:' + colors[s] + '"></span>' +
          esc(s) + " (" + r.services[s] + ")</span>";
      }).join(" ");
      return '<a class="card result' + (r.errors ? " haserr" : "") + '" href="/trace/' + esc(r.id) + '" data-trace="' + esc(r.id) + '">' +
        '<div class="rhead"><span class="rtitle"><span class="svc">' + esc(r.rootService) + ":</span> " +
        esc(r.rootName) + '</span><span class="tid">' + esc(r.id.slice(0, 12)) + "</span>" +
        '<span class="rdur">' + fmtDur(r.duration) + "</span></div>" +
        '<div class="durbar"><div style="width:' + Math.max(0.5, 100 * r.duration / maxDur).toFixed(2) + '%"></div></div>' +
        '<div class="rbody"><span class="badge">' + r.spans + " Span" + (r.spans === 1 ? "" : "s") + "</span>" +
        (r.errors ? '<span class="badge err">' + r.errors + " Error" + (r.errors === 1 ? "" : "s") + "</span>" : "") +
        chips + '<span class="when">' + fmtTime(r.start) + " · " + ago(r.start) + "</span></div></a>";
    }).join("");
    out.innerHTML = html;
    $("#sort").addEventListener("change", function (ev) { sortKey = ev.target.value; showResults(lastResults); });
  }

  function scatter(list, colors) {
    var W = 1000, H = 170, L = 58, R = 18, T = 16, B = 24;
    var minT = Infinity, maxT = -Infinity, maxD = 1;
    list.forEach(function (r) {
      if (r.start < minT) minT = r.start;
      if (r.start > maxT) maxT = r.start;
      if (r.duration > maxD) maxD = r.duration;
    });
    var span = Math.max(1, maxT - minT);
    maxD = maxD * 1.1;
    var x = function (t) { return list.length === 1 ? (L + W - R) / 2 : L + 14 + (W - L - R - 28) * (t - minT) / span; };
    var y = function (d) { return H - B - (H - T - B) * d / maxD; };
    var s = '<svg viewBox="0 0 ' + W + " " + H + '" preserveAspectRatio="none" role="img" aria-label="Duration over time">';
    for (var i = 0; i <= 4; i++) {
      var yy = T + (H - T - B) * i / 4;
      s += '<line x1="' + L + '" x2="' + (W - R) + '" y1="' + yy + '" y2="' + yy + '" stroke="#eef0f3"/>';
      s += '<text x="' + (L - 6) + '" y="' + (yy + 3) + '" text-anchor="end">' + fmtDur(maxD * (4 - i) / 4) + "</text>";
    }
    s += '<text x="' + L + '" y="' + (H - 6) + '">' + esc(fmtTime(minT)) + "</text>";
    if (list.length > 1) s += '<text x="' + (W - R) + '" y="' + (H - 6) + '" text-anchor="end">' + esc(fmtTime(maxT)) + "</text>";
    list.forEach(function (r) {
      var c = r.errors ? "#d92d20" : colors[r.rootService] || "#4e79a7";
      var rad = Math.min(14, 4 + Math.sqrt(r.spans));
      s += '<a href="/trace/' + esc(r.id) + '"><circle cx="' + x(r.start).toFixed(1) + '" cy="' + y(r.duration).toFixed(1) +
        '" r="' + rad.toFixed(1) + '" fill="' + c + '" stroke="' + c + '"><title>' +
        esc(r.rootService + ": " + r.rootName + " · " + fmtDur(r.duration) + " · " + r.spans + " spans") +
        "</title></circle></a>";
    });
    return s + "</svg>";
  }

  // ---- trace page
  function tracePage(id) {
    var main = $("main");
    main.innerHTML = '<div class="empty">Loading trace ' + esc(id) + "…</div>";
    var t0 = performance.now();
    getJson("/api/traces/" + encodeURIComponent(id)).then(function (b) {
      var t1 = performance.now();
      renderTrace(b.data[0]);
      requestAnimationFrame(function () {
        var t2 = performance.now();
        window.__spanwire = { fetchMs: t1 - t0, renderMs: t2 - t1, spans: b.data[0].spans.length };
        document.body.setAttribute("data-rendered", String(b.data[0].spans.length));
      });
    }).catch(function (e) {
      main.innerHTML = '<div class="trace"><div class="thead"><h1>Trace ' + esc(id) + '</h1></div><div style="padding:18px"><div class="error-box">' +
        esc(e.message) + '</div><a href="/search">← Back to search</a></div></div>';
      document.body.setAttribute("data-rendered", "error");
    });
  }

  function renderTrace(data) {
    var tr = buildTrace(data);
    var colors = colorMap(Object.keys(tr.services));
    var collapsed = new Set(), selected = null, filter = "", errorsOnly = false;
    var visible = [];
    var main = $("main");
    var root = tr.root;
    document.title = (root ? root.service + ": " + root.span.operationName : data.traceID) + " · spanwire";
    var nameW = Math.round(Math.min(560, Math.max(380, 0.3 * window.innerWidth + 10 * Math.min(tr.depth, 12))));
    main.innerHTML =
      '<div class="trace" style="--namew:' + nameW + 'px"><div class="thead">' +
      '<h1><span class="dot" style="background:' + (root ? colors[root.service] : "#999") + '"></span><span id="ttitle">' +
      esc(root ? root.service + ": " + root.span.operationName : "(no root)") + '</span><span class="tid">' + esc(data.traceID) + "</span></h1>" +
      '<div class="facts"><span>Trace start <b>' + fmtTime(tr.t0) + "</b></span><span>Duration <b>" + fmtDur(tr.t1 - tr.t0) +
      "</b></span><span>Services <b>" + Object.keys(tr.services).length + "</b></span><span>Depth <b>" + tr.depth +
      "</b></span><span>Total spans <b>" + tr.nodes.length + "</b></span>" +
      (tr.errors ? '<span class="errs">Errors <b>' + tr.errors + "</b></span>" : "<span>Errors <b>0</b></span>") + "</div>" +
      '<div class="legend">' + Object.keys(tr.services).sort().map(function (s) {
        return '<span class="chip"><span class="dot" style="background:' + colors[s] + '"></span>' + esc(s) + " (" + tr.services[s] + ")</span>";
      }).join("") + "</div>" +
      '<div class="toolbar"><input id="find" placeholder="Find spans: operation, service, tag value…">' +
      (tr.errors ? '<button id="errs" type="button">Errors only (' + tr.errors + ")</button>" : "") +
      '<button id="expand" type="button">Expand all</button><button id="collapse" type="button">Collapse all</button>' +
      '<span class="count" id="count"></span><a href="/search" style="margin-left:auto">← Search</a></div></div>' +
      '<div class="tbody"><div class="wf"><div class="ruler"><div class="nm">Service &amp; Operation</div><div class="ticks">' +
      [0, 1, 2, 3, 4].map(function (i) { return '<span style="left:' + (25 * i) + '%">' + fmtDur(tr.total * i / 4) + "</span>"; }).join("") +
      '</div></div><div class="scroll" id="scroll"><div class="rows" id="rows"></div></div></div>' +
      '<div class="detail" id="detail" hidden></div></div></div>';
    var scroll = $("#scroll"), rowsEl = $("#rows"), detail = $("#detail");

    function matches(n) {
      if (filter === "") return true;
      var s = n.span;
      if (s.operationName.toLowerCase().indexOf(filter) >= 0 || n.service.toLowerCase().indexOf(filter) >= 0 || s.spanID === filter) return true;
      for (var i = 0; i < s.tags.length; i++) {
        if ((s.tags[i].key + "=" + tagValue(s.tags[i])).toLowerCase().indexOf(filter) >= 0) return true;
      }
      return false;
    }
    function compute() {
      visible = [];
      if (filter !== "" || errorsOnly) {
        var keep = new Set(), hit = new Set();
        tr.nodes.forEach(function (n) {
          if ((!errorsOnly || n.error) && matches(n)) {
            hit.add(n);
            for (var p = n; p && !keep.has(p); p = p.parent) keep.add(p);
          }
        });
        tr.nodes.forEach(function (n) { if (keep.has(n)) visible.push({ n: n, dim: !hit.has(n) }); });
        $("#count").textContent = hit.size + " of " + tr.nodes.length + " spans match";
      } else {
        var hiddenUnder = null;
        tr.nodes.forEach(function (n) {
          if (hiddenUnder !== null) {
            if (n.depth > hiddenUnder) return;
            hiddenUnder = null;
          }
          visible.push({ n: n, dim: false });
          if (collapsed.has(n)) hiddenUnder = n.depth;
        });
        $("#count").textContent = visible.length === tr.nodes.length ? tr.nodes.length + " spans" : visible.length + " of " + tr.nodes.length + " spans shown";
      }
      rowsEl.style.height = visible.length * ROW + "px";
      draw();
    }
    function hint(s) {
      for (var i = 0; i < HINTS.length; i++) {
        for (var j = 0; j < s.tags.length; j++) {
          if (s.tags[j].key === HINTS[i]) return s.tags[j].key + "=" + tagValue(s.tags[j]);
        }
      }
      return "";
    }
    function rowHtml(v, i) {
      var n = v.n, s = n.span, c = colors[n.service];
      var left = 100 * (s.startTime - tr.t0) / tr.total, width = 100 * s.duration / tr.total;
      // The duration label: after the bar, or inside it (a wide bar near the end), or before it.
      var lbl;
      if (left + width <= 80) lbl = 'class="lbl" style="left:' + (left + width + 0.4).toFixed(3) + '%"';
      else if (width >= 10) lbl = 'class="lbl in" style="right:' + (100 - left - width + 0.5).toFixed(3) + '%"';
      else lbl = 'class="lbl" style="right:' + (100 - left + 0.4).toFixed(3) + '%"';
      var h = hint(s);
      return '<div class="row' + (n.error ? " err" : "") + (n === selected ? " sel" : "") + (v.dim ? " dim" : "") +
        '" style="top:' + (i * ROW) + 'px" data-i="' + i + '" data-span="' + s.spanID + '">' +
        '<div class="nm" style="padding-left:' + (6 + 14 * Math.min(n.depth, 30)) + 'px">' +
        (n.children.length ? '<span class="tog" data-tog="1" title="' + (collapsed.has(n) ? "Expand" : "Collapse") + '">' + (collapsed.has(n) ? "▶" : "▼") + "</span>" : '<span class="tog"></span>') +
        '<span class="mark" style="background:' + c + '"></span>' +
        (n.error ? '<span class="bang" title="error">!</span>' : "") +
        '<span class="svc">' + esc(n.service) + '</span><span class="op">' + esc(s.operationName) + "</span>" +
        (h ? '<span class="hint">' + esc(h) + "</span>" : "") +
        (n.children.length && collapsed.has(n) ? '<span class="kids">+' + n.children.length + "</span>" : "") +
        '</div><div class="tl"><div class="bar" style="left:' + left.toFixed(3) + "%;width:" + width.toFixed(3) + "%;background:" + c + '"></div>' +
        "<span " + lbl + ">" + fmtDur(s.duration) + "</span></div></div>";
    }
    var pending = false;
    function draw() {
      pending = false;
      var first = Math.max(0, Math.floor(scroll.scrollTop / ROW) - 15);
      var last = Math.min(visible.length, first + Math.ceil(scroll.clientHeight / ROW) + 30);
      var html = "";
      for (var i = first; i < last; i++) html += rowHtml(visible[i], i);
      rowsEl.innerHTML = html;
    }
    scroll.addEventListener("scroll", function () {
      if (!pending) { pending = true; requestAnimationFrame(draw); }
    });
    window.addEventListener("resize", function () { draw(); });
    rowsEl.addEventListener("click", function (ev) {
      var rowEl = ev.target.closest(".row");
      if (!rowEl) return;
      var v = visible[Number(rowEl.getAttribute("data-i"))];
      if (!v) return;
      if (ev.target.closest("[data-tog]")) {
        if (collapsed.has(v.n)) collapsed.delete(v.n); else collapsed.add(v.n);
        compute();
        return;
      }
      select(v.n === selected ? null : v.n);
    });
    function select(n) {
      selected = n;
      draw();
      if (!n) { detail.hidden = true; return; }
      detail.hidden = false;
      detail.innerHTML = detailHtml(n);
      detail.scrollTop = 0;
    }
    detail.addEventListener("click", function (ev) {
      if (ev.target.closest("[data-close]")) { select(null); return; }
      var go = ev.target.closest("[data-goto]");
      if (go) {
        var id = go.getAttribute("data-goto");
        var target = tr.nodes.find(function (m) { return m.span.spanID === id; });
        if (!target) return;
        for (var p = target.parent; p; p = p.parent) collapsed.delete(p);
        compute();
        var idx = visible.findIndex(function (v) { return v.n === target; });
        if (idx >= 0) scroll.scrollTop = Math.max(0, idx * ROW - scroll.clientHeight / 3);
        select(target);
      }
    });
    function kvTable(tags, errs) {
      if (!tags.length) return '<div class="muted">none</div>';
      return "<table>" + tags.map(function (t) {
        var bad = errs && ((t.key === "error" && String(t.value) === "true") || t.key === "otel.status_description" || t.key === "error.message" || (t.key === "otel.status_code" && t.value === "ERROR"));
        return '<tr class="' + (bad ? "bad" : "") + '"><td>' + esc(t.key) + '</td><td class="v">' + esc(tagValue(t)) + "</td></tr>";
      }).join("") + "</table>";
    }
    function detailHtml(n) {
      var s = n.span;
      var parent = n.parent ? n.parent.span.spanID : "";
      var html = '<h2><span class="dot" style="background:' + colors[n.service] + '"></span>' + esc(s.operationName) +
        '<button type="button" data-close="1" title="Close">×</button></h2>' +
        '<div class="muted">' + esc(n.service) + "</div>";
      if (n.error) {
        var why = s.tags.filter(function (t) { return t.key === "otel.status_description" || t.key === "error.message"; });
        html += '<div class="errbox">Error' + (why.length ? ": " + esc(tagValue(why[0])) : "") + "</div>";
      }
      html += "<h3>Span</h3><table>" +
        "<tr><td>Span ID</td><td class=\"v\">" + esc(s.spanID) + "</td></tr>" +
        "<tr><td>Parent</td><td class=\"v\">" + (parent ? '<a href="#" data-goto="' + esc(parent) + '">' + esc(parent) + "</a>" : "(root)") + "</td></tr>" +
        "<tr><td>Start</td><td class=\"v\">" + fmtDur(s.startTime - tr.t0) + " (" + fmtTime(s.startTime) + ")</td></tr>" +
        "<tr><td>Duration</td><td class=\"v\">" + fmtDur(s.duration) + "</td></tr>" +
        "<tr><td>Children</td><td class=\"v\">" + n.children.length + "</td></tr></table>";
      html += "<h3>Tags (" + s.tags.length + ")</h3>" + kvTable(s.tags, true);
      html += "<h3>Logs (" + s.logs.length + ")</h3>";
      html += s.logs.length ? s.logs.map(function (l) {
        return '<div class="log"><div class="at">' + fmtDur(l.timestamp - tr.t0) + "</div>" + kvTable(l.fields, false) + "</div>";
      }).join("") : '<div class="muted">none</div>';
      html += "<h3>Process</h3>" + kvTable([{ key: "service.name", type: "string", value: n.process.serviceName }].concat(n.process.tags), false);
      html += "<h3>References (" + s.references.length + ")</h3>";
      html += s.references.length ? "<table>" + s.references.map(function (r) {
        var here = r.traceID === s.traceID && tr.nodes.some(function (m) { return m.span.spanID === r.spanID; });
        return "<tr><td>" + esc(r.refType) + '</td><td class="v">' + (here ? '<a href="#" data-goto="' + esc(r.spanID) + '">' + esc(r.spanID) + "</a>" : esc(r.spanID)) +
          (r.traceID !== s.traceID ? '<br><a href="/trace/' + esc(r.traceID) + '">trace ' + esc(r.traceID) + "</a>" : "") + "</td></tr>";
      }).join("") + "</table>" : '<div class="muted">none</div>';
      return html;
    }
    var findTimer = 0;
    $("#find").addEventListener("input", function (ev) {
      clearTimeout(findTimer);
      findTimer = setTimeout(function () { filter = ev.target.value.trim().toLowerCase(); compute(); }, 120);
    });
    var errBtn = $("#errs");
    if (errBtn) errBtn.addEventListener("click", function () {
      errorsOnly = !errorsOnly;
      errBtn.classList.toggle("on", errorsOnly);
      compute();
    });
    $("#expand").addEventListener("click", function () { collapsed.clear(); compute(); });
    $("#collapse").addEventListener("click", function () {
      collapsed.clear();
      tr.nodes.forEach(function (n) { if (n.depth >= 1 && n.children.length) collapsed.add(n); });
      compute();
    });
    compute();
  }

  // ---- routing
  var path = location.pathname;
  document.querySelectorAll("header.top nav a").forEach(function (a) {
    if (path.indexOf(a.getAttribute("href")) === 0) a.classList.add("on");
  });
  loadStats();
  var lookup = $("#lookup");
  if (lookup) lookup.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var v = $("#lookup input").value.trim().toLowerCase();
    if (/^[0-9a-f]{1,32}$/.test(v)) location.href = "/trace/" + v;
  });
  var m = /^\/trace\/([^\/]+)\/?$/.exec(path);
  if (m) tracePage(decodeURIComponent(m[1]));
  else searchPage();
})();
`;
