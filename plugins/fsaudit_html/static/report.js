// fsaudit HTML report: table, filters, sort, map markers and fiches, built from the JSON data.
// Every text from the data goes through text nodes (textContent); innerHTML is never used.
"use strict";
(function () {
  var D = JSON.parse(document.getElementById("donnees").textContent);
  var S = D.strings;
  var STATUS = D.statuses; // [value, label]
  var SEV = D.severities;
  var RULES = D.rules; // [id, title, reference, source, confidence, remediation]
  var LIST = D.structures;
  var RES = D.results; // [rule, status, severity, message, location (-2: the structure's), evidence, manual, waiver]
  var DEC = D.decisions; // [code, label, colour group]
  LIST.forEach(function (s) { s.g = DEC[s.c][2]; s.r = s.r.map(function (k) { return RES[k]; }); });
  var SVGNS = "http://www.w3.org/2000/svg";
  var ORDER = { fail: 0, error: 1, manual: 2, warn: 3, waived: 4, pass: 5, not_applicable: 6 };
  var AUDIT = D.audit;

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var key in attrs) {
        if (key === "text") node.textContent = attrs[key];
        else if (key === "class") node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function str(index) { return index < 0 ? "" : S[index]; }
  function frNumber(value) { return String(value).replace(".", ","); }
  function frInt(value) { return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"); }
  function frDate(iso) { return iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) : ""; }
  function score(s) { return s.s === null || s.s === undefined ? "—" : frNumber(s.s) + " %"; }
  // The score counts only the criteria judged: say how many are left to check (a « 100 % » on
  // data not read read as a pass).
  function unjudged(s) {
    if (s.s === null || s.s === undefined) return "";
    var n = s.r.filter(function (r) { var v = STATUS[r[1]][0]; return v === "manual" || v === "error"; }).length;
    return n ? " des critères jugés (" + frInt(n) + " autre(s) à vérifier ou non évalué(s), hors score)" : "";
  }
  function statusLabel(index) { return STATUS[index][1]; }
  function depLabel(s) { return s.d ? s.d + (D.departements[s.d] ? " " + D.departements[s.d] : "") : "—"; }
  function decisionLabel(s) { return DEC[s.c][1]; }
  function at(r, k, fallback) { return r.length > k ? r[k] : fallback; }
  function place(s, r) { return r[4] === -2 ? S[s.l] : S[r[4]]; }
  function isolated(text) { return el("bdi", null, text); }

  // ---- table ----
  var tbody = document.getElementById("lignes");
  var rows = [];
  var order = LIST.map(function (_, i) { return i; });
  function buildRows() {
    var fragment = document.createDocumentFragment();
    LIST.forEach(function (s, i) {
      var link = el("a", { href: "#fiche-" + i, "data-i": String(i) }, isolated(s.n));
      var decision = el("td", null, el("span", { class: "pastille groupe-" + s.g, "aria-hidden": "true" }), " " + decisionLabel(s));
      var tr = el("tr", { "data-i": String(i), hidden: "" },
        el("td", { text: depLabel(s) }),
        el("td", null, isolated(s.id)),
        el("td", null, link),
        decision,
        el("td", { class: "nombre", text: score(s) }),
        el("td", { class: "nombre", text: String(s.f) }),
        el("td", { class: "nombre", text: String(s.mn) }));
      rows.push(tr);
      fragment.appendChild(tr);
    });
    tbody.appendChild(fragment);
  }

  // ---- map ----
  var markers = [];
  var svg = document.getElementById("carte-svg");
  function buildMarkers() {
    var layer = document.getElementById("marqueurs");
    var fragment = document.createDocumentFragment();
    LIST.forEach(function (s, i) {
      if (!s.m) { markers.push(null); return; }
      var c = document.createElementNS(SVGNS, "circle");
      c.setAttribute("cx", s.m[0]);
      c.setAttribute("cy", s.m[1]);
      c.setAttribute("class", "marqueur groupe-" + s.g);
      c.setAttribute("data-i", String(i));
      var title = document.createElementNS(SVGNS, "title");
      title.textContent = s.id + " — " + s.n + " — " + decisionLabel(s);
      c.appendChild(title);
      markers.push(c);
      fragment.appendChild(c);
    });
    layer.appendChild(fragment);
    layer.addEventListener("click", function (event) {
      var i = event.target.getAttribute("data-i");
      if (i !== null) location.hash = "#fiche-" + i;
    });
  }
  function zoomTo(code) {
    var box = code && D.zoom[code] ? D.zoom[code].join(" ") : svg.getAttribute("data-vue");
    svg.setAttribute("viewBox", box);
    var width = Number(box.split(" ")[2]);
    svg.style.setProperty("--r", String(Math.max(0.8, Math.min(3.2, 3.2 * width / 1000))));
  }

  // ---- filters ----
  var form = document.getElementById("formulaire-filtres");
  var fDep = document.getElementById("filtre-departement");
  var fDec = document.getElementById("filtre-decision");
  var fRule = document.getElementById("filtre-regle");
  var fStatus = document.getElementById("filtre-statut");
  var fText = document.getElementById("filtre-texte");
  var haystacks = null;
  var visible = LIST.map(function () { return true; });
  function haystack(s) {
    var parts = [s.id, s.n, depLabel(s)];
    (s.i || []).forEach(function (k, j) { if (j % 2) parts.push(S[k]); });
    s.r.forEach(function (r) { if (r[1] !== 0 && r[1] !== 3) parts.push(S[r[3]]); });
    return parts.join(" \u0001 ").toLowerCase();
  }
  function statusIndex(value) {
    for (var k = 0; k < STATUS.length; k++) if (STATUS[k][0] === value) return k;
    return -1;
  }
  function ruleIndex(id) {
    for (var k = 0; k < RULES.length; k++) if (RULES[k][0] === id) return k;
    return -1;
  }
  function applyFilters() {
    var dep = fDep.value, dec = fDec.value, rule = ruleIndex(fRule.value), status = statusIndex(fStatus.value);
    var text = fText.value.trim().toLowerCase();
    if (text && !haystacks) haystacks = LIST.map(haystack);
    var shown = 0;
    limit = PAGE;
    LIST.forEach(function (s, i) {
      var ok = (!dep || s.d === dep) && (!dec || DEC[s.c][0] === dec);
      if (ok && (rule >= 0 || status >= 0)) {
        ok = s.r.some(function (r) {
          if (rule >= 0 && r[0] !== rule) return false;
          if (status >= 0) return r[1] === status;
          return r[1] !== 0 && r[1] !== 3; // neither pass nor not applicable
        });
      }
      if (ok && text) ok = haystacks[i].indexOf(text) >= 0;
      visible[i] = ok;
      if (markers[i]) markers[i].style.display = ok ? "" : "none";
      if (ok) shown++;
    });
    matching = shown;
    paintRows();
    var positioned = 0;
    markers.forEach(function (m, i) { if (m && visible[i]) positioned++; });
    document.getElementById("carte-compte").textContent = frInt(positioned) + " structure(s) positionnée(s) sur " + frInt(shown) + " affichée(s)";
    zoomTo(dep);
  }
  form.addEventListener("input", applyFilters);
  form.addEventListener("change", applyFilters);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(applyFilters, 0); });

  // ---- rows shown: the first PAGE matching ones, more on demand (a long table is slow to lay out) ----
  var PAGE = 200, limit = PAGE, matching = LIST.length;
  var more = document.getElementById("plus-de-lignes");
  function paintRows() {
    var painted = 0;
    order.forEach(function (i) {
      var show = visible[i] && painted < limit;
      if (show) painted++;
      if (rows[i].hidden === show) rows[i].hidden = !show;
    });
    var text = frInt(matching) + " structure(s) retenue(s) sur " + frInt(LIST.length);
    if (painted < matching) text += " ; " + painted + " premières affichées";
    document.getElementById("compte").textContent = text;
    more.hidden = painted >= matching;
    more.textContent = "Afficher " + frInt(Math.min(PAGE, matching - painted)) + " structure(s) de plus";
    document.getElementById("tout-afficher").hidden = painted >= matching;
  }
  more.addEventListener("click", function () { limit += PAGE; paintRows(); });
  document.getElementById("tout-afficher").addEventListener("click", function () { limit = LIST.length; paintRows(); });

  // ---- sort ----
  var sortKey = "id", sortUp = true;
  var RANK = {};
  ["favorable", "reserve", "incomplete", "defavorable"].forEach(function (g, k) { RANK[g] = k; });
  // Texts in French order: numbers by value (« 9 » before « 10 »), accents and case aside
  // (« Étrépagny » among the E, « île d'Oléron » among the I).
  var COLLATOR = new Intl.Collator("fr", { numeric: true, sensitivity: "base" });
  function compare(a, b) {
    var x = LIST[a], y = LIST[b], p, q;
    if (sortKey === "c") { p = RANK[x.g] * 10 + x.c; q = RANK[y.g] * 10 + y.c; }
    else if (sortKey === "s" || sortKey === "f" || sortKey === "mn") {
      p = x[sortKey] === null ? -1 : x[sortKey]; q = y[sortKey] === null ? -1 : y[sortKey];
    } else {
      var text = COLLATOR.compare(String(x[sortKey]), String(y[sortKey]));
      if (text) return sortUp ? text : -text;
      return a - b;
    }
    if (p < q) return sortUp ? -1 : 1;
    if (p > q) return sortUp ? 1 : -1;
    return a - b;
  }
  document.querySelectorAll("#tableau-structures th button").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-tri");
      sortUp = key === sortKey ? !sortUp : true;
      sortKey = key;
      order.sort(compare);
      var fragment = document.createDocumentFragment();
      order.forEach(function (i) { fragment.appendChild(rows[i]); });
      tbody.appendChild(fragment);
      paintRows();
      document.querySelectorAll("#tableau-structures th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
      button.parentNode.setAttribute("aria-sort", sortUp ? "ascending" : "descending");
    });
  });

  // ---- fiche ----
  function table(caption, headers, widths, body) {
    var head = el("tr"), cols = el("colgroup");
    headers.forEach(function (h, k) {
      head.appendChild(el("th", { scope: "col", text: h }));
      cols.appendChild(el("col", { class: "l" + widths[k] }));
    });
    return el("table", { class: "tableau compact" }, el("caption", { text: caption }), cols, el("thead", null, head), body);
  }
  function fiche(i, headingId) {
    var s = LIST[i];
    var article = el("article", { class: "fiche-structure" });
    article.appendChild(el("p", { class: "surtitre", text: "Fiche structure — " + AUDIT }));
    var title = el("h2", headingId ? { id: headingId } : null, isolated(s.n));
    article.appendChild(title);
    article.appendChild(el("p", { class: "identifiant" }, "Identifiant : ", isolated(s.id), " · Département : " + depLabel(s)));
    var decision = el("div", { class: "decision groupe-" + s.g },
      el("p", null, "Décision proposée : ", el("strong", { text: decisionLabel(s) }), " · score : " + score(s) + unjudged(s)));
    if (s.re.length) {
      var reasons = el("ul");
      s.re.forEach(function (k) { reasons.appendChild(el("li", { text: S[k] })); });
      decision.appendChild(reasons);
    }
    article.appendChild(decision);

    var identity = el("section", { class: "bloc" }, el("h3", { text: "Identité" }));
    var dl = el("dl", { class: "identite" });
    var facts = s.i || [];
    for (var k = 0; k + 1 < facts.length; k += 2) {
      dl.appendChild(el("dt", { text: S[facts[k]] }));
      dl.appendChild(el("dd", null, isolated(S[facts[k + 1]])));
    }
    dl.appendChild(el("dt", { text: "Déclaration" }));
    dl.appendChild(el("dd", null, isolated(str(s.p)), " (" + str(s.l) + ")"));
    identity.appendChild(dl);
    (s.no || []).forEach(function (note) { identity.appendChild(el("p", { class: "note", text: note })); });
    article.appendChild(identity);

    if (s.a.length) {
      var body = el("tbody");
      s.a.forEach(function (a) {
        body.appendChild(el("tr", null, el("td", { text: a[0] }), el("td", { text: a[1] }), el("td", { text: S[a[2]] }),
          el("td", { text: a[3] ? frDate(a[3]) + (a[4] ? " (délai indicatif)" : "") : "sans échéance" })));
      });
      article.appendChild(el("section", { class: "bloc" }, el("h3", { text: "Plan d’actions" }),
        table("Actions à mener et échéances", ["Règle", "Gravité", "Action", "Échéance"], [12, 10, 53, 25], body)));
    }
    if (s.u) {
      var unread = el("ul");
      s.u.forEach(function (u) { unread.appendChild(el("li", null, el("code", null, isolated(u[1])), " : ", isolated(u[2]), u[0] ? " (" + u[0] + ")" : "")); });
      article.appendChild(el("section", { class: "bloc" }, el("h3", { text: "Faits illisibles (jamais comptés comme absents)" }), unread));
    }
    var waived = s.r.filter(function (r) { return at(r, 7, -1) >= 0; });
    if (waived.length) {
      var wl = el("ul");
      waived.forEach(function (r) { wl.appendChild(el("li", null, RULES[r[0]][0] + " : ", isolated(S[r[7]]))); });
      article.appendChild(el("section", { class: "bloc" }, el("h3", { text: "Dérogations" }), wl));
    }
    var results = s.r.slice().sort(function (a, b) { return (ORDER[STATUS[a[1]][0]] - ORDER[STATUS[b[1]][0]]) || (a[0] - b[0]); });
    var rbody = el("tbody");
    results.forEach(function (r) {
      var rule = RULES[r[0]];
      var what = el("td", null, isolated(S[r[3]]));
      if (at(r, 5, -1) >= 0) what.appendChild(el("span", { class: "preuve" }, isolated(S[r[5]])));
      if (at(r, 6, 0)) what.appendChild(el("span", { class: "preuve", text: "réponse de l’auditeur" }));
      var ruleCell = el("th", { scope: "row" }, el("span", { class: "regle", text: rule[0] }), " " + rule[1]);
      var status = STATUS[r[1]][0];
      if (rule[2] && status !== "pass" && status !== "not_applicable") {
        ruleCell.appendChild(el("span", { class: "reference", text: rule[2] + (rule[4] ? " [" + rule[4] + "]" : "") }));
        if (rule[3]) ruleCell.appendChild(el("span", { class: "reference", text: "Source : " + rule[3] }));
      }
      rbody.appendChild(el("tr", { class: "statut-" + status }, ruleCell, el("td", { text: SEV[r[2]] }),
        el("td", { class: "statut", text: statusLabel(r[1]) }), what, el("td", { class: "lieu" }, isolated(place(s, r)))));
    });
    article.appendChild(el("section", { class: "bloc" }, el("h3", { text: "Constats" }),
      table(s.r.length + " constat(s), du plus grave au conforme", ["Règle et exigence", "Gravité", "Statut", "Constat et éléments", "Lieu dans la déclaration"], [26, 8, 9, 41, 16], rbody)));
    return article;
  }

  var ficheSection = document.getElementById("fiche");
  var lastFocus = null;
  function showFiche(i) {
    ficheSection.textContent = "";
    var tools = el("p", { class: "boutons outils-fiche" });
    var print = el("button", { type: "button", text: "Imprimer cette fiche" });
    print.addEventListener("click", function () { window.print(); });
    var close = el("button", { type: "button", text: "Fermer la fiche" });
    close.addEventListener("click", function () { history.replaceState(null, "", "#structures"); hideFiche(); });
    tools.appendChild(print);
    tools.appendChild(close);
    ficheSection.appendChild(tools);
    ficheSection.appendChild(fiche(i, "fiche-titre"));
    ficheSection.hidden = false;
    document.body.classList.add("fiche-ouverte");
    ficheSection.focus();
  }
  function hideFiche() {
    ficheSection.hidden = true;
    ficheSection.textContent = "";
    document.body.classList.remove("fiche-ouverte");
    if (lastFocus) lastFocus.focus();
  }
  function route() {
    var match = /^#fiche-(\d+)$/.exec(location.hash);
    if (match && LIST[Number(match[1])]) showFiche(Number(match[1]));
    else if (!ficheSection.hidden) hideFiche();
  }
  tbody.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-i]") : null;
    if (link) lastFocus = link;
  });
  window.addEventListener("hashchange", route);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !ficheSection.hidden) { history.replaceState(null, "", "#structures"); hideFiche(); }
  });

  // ---- printing the fiches of the structures shown ----
  var batch = document.getElementById("impression");
  document.getElementById("imprimer-filtrees").addEventListener("click", function () {
    var count = visible.filter(Boolean).length;
    if (count > 100 && !window.confirm("Imprimer " + count + " fiches ? Filtrez d’abord (département, décision) pour en imprimer moins.")) return;
    batch.textContent = "";
    order.forEach(function (i) { if (visible[i]) batch.appendChild(fiche(i, null)); });
    batch.hidden = false;
    document.body.classList.add("impression-lot");
    window.print();
  });
  window.addEventListener("afterprint", function () {
    if (!document.body.classList.contains("impression-lot")) return;
    document.body.classList.remove("impression-lot");
    batch.hidden = true;
    batch.textContent = "";
  });

  buildRows();
  buildMarkers();
  applyFilters();
  route();
  document.documentElement.setAttribute("data-pret", String(Math.round(performance.now())));
})();
