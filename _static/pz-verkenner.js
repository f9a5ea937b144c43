// De Verkenner (chapters/verkenner.md, pzboek/verkenner.py): a reader picks a question and a breakdown and
// sees the weighted percentages as a chart and a table, with 95% intervals, unweighted n and the group test.
// Every number comes from the JSON the page carries (computed at build time by the chapters' estimation
// code); this script only chooses, formats and draws. The view lives in the address (?vraag=…&naar=…), so a
// view can be shared and the back button works. The chart is the chapters' own (pzboek/charts.py's bar_chart, sent
// along in the JSON, "opmaak"): this script lays it out at the reader's width and draws it with the book's own Vega
// through pz-charts.js.
// Linked only into pages with a .pz-verkenner (pzboek/sphinxext/pages.py, PAGE_SCRIPTS); it does nothing elsewhere.
(function () {
  "use strict";
  var NONE = "geen";
  var root, data, L, form, askSelect, splitSelect, chart, lastWidth = 0, drawn = null, drawing = 0, started = false;
  var number0 = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
  var number1 = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function escape(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function question(id) { return data.vragen.filter(function (q) { return q.id === id; })[0]; }
  function breakdown(id) { return data.indelingen.filter(function (s) { return s.id === id; })[0]; }

  // The view in the address; anything unknown falls back to the first question without breakdown.
  function stateFromAddress() {
    var params = new URLSearchParams(window.location.search);
    var q = question(params.get("vraag")) || data.vragen[0];
    var s = breakdown(params.get("naar")) || breakdown(NONE);
    return { vraag: q.id, naar: s.id };
  }
  function address(state) {
    var params = new URLSearchParams(window.location.search);
    params.set("vraag", state.vraag);
    params.set("naar", state.naar);
    return window.location.pathname + "?" + params.toString() + window.location.hash;
  }

  // As pzboek.verkenner.cell_texts writes them: '63%°†', '58,3–67,0%', '1.004'. A cell is [percentage, lower and
  // upper bound in tenths, n, provenance letter, presentation: '' shown, 'i' indicative, 'o' suppressed, percentage in
  // tenths (for the CSV)].
  function cellTexts(cell) {
    if (!cell) return ["geen respondenten", "", "0"];
    if (cell[5] === "o") return [data.tekens.o, "", number0.format(cell[3])];
    var value = data.tekens[cell[4]].replace("{}", cell[0] + "%") + (cell[5] ? data.tekens.i : "");
    return [value, number1.format(cell[1] / 10) + "–" + number1.format(cell[2] / 10) + "%", number0.format(cell[3])];
  }

  // One row per answer (and group): what the table, the CSV and the chart show.
  function rows(q, s) {
    var out = [];
    q.antwoorden.forEach(function (answer, a) {
      s.groepen.forEach(function (group, g) {
        var cell = q.cijfers[s.id][a][g], texts = cellTexts(cell);
        out.push({ antwoord: answer, groep: group, cell: cell, percentage: texts[0], interval: texts[1], n: texts[2],
                   herkomst: cell ? data.legenda[cell[4]] : "", niveau: cell ? data.niveaus[cell[4]] : "" });
      });
    });
    return out;
  }

  // The same markup as pzboek.charts.html_table: caption, column headers, ranges kept on one line, each row's
  // provenance level (levels[r]) on its cells.
  function table(caption, head, body, rangeColumn, levels) {
    return '<table class="pz-tabel"><caption>' + escape(caption) + "</caption><thead><tr>" +
      head.map(function (h) { return '<th scope="col">' + escape(h) + "</th>"; }).join("") + "</tr></thead><tbody>" +
      body.map(function (row, r) {
        var origin = levels && levels[r] ? ' data-herkomst="' + levels[r] + '"' : "";
        return "<tr>" + row.map(function (v, i) {
          return "<td" + (i === rangeColumn && v ? ' class="pz-bereik"' : "") + origin + ">" + escape(v) + "</td>";
        }).join("") + "</tr>";
      }).join("") + "</tbody></table>";
  }

  function caption(q, s) {
    var by = /[?!.]$/.test(q.label) ? " Naar " : ", naar "; // as verkenner.caption
    return q.label + (s.id === NONE ? "" : by + s.label) +
      " (gewogen percentages" + (data.vervangend ? ", vervangend bestand" : "") + ")";
  }

  function nHeader() { return "Respondenten (ongewogen" + (data.vervangend ? ", vervangend bestand" : "") + ")"; }

  // `opening`: the page has just loaded; nothing is announced. The first view's question, table and static chart
  // are already in the page (written by pzboek/verkenner.py) and stay as they are until a reader reaches for them.
  function render(state, opening) {
    var q = question(state.vraag), s = breakdown(state.naar), grouped = s.id !== NONE, shown = rows(q, s);
    var written = opening && q.id === data.vragen[0].id && !grouped;
    askSelect.value = q.id;
    splitSelect.value = s.id;
    if (!written) {
      root.querySelector(".pz-verkenner-vraag").innerHTML = q.herkomst.map(function (l) { return "<p>" + escape(l) + "</p>"; }).join("");
      var head = ["Antwoord"].concat(grouped ? ["Groep"] : [], ["Percentage", "95%-interval", nHeader(), "Herkomst"]);
      root.querySelector(".pz-verkenner-tabel > table").outerHTML = table(caption(q, s), head, shown.map(function (r) {
        return [r.antwoord].concat(grouped ? [r.groep] : [], [r.percentage, r.interval, r.n, r.herkomst]);
      }), grouped ? 3 : 2, shown.map(function (r) { return r.niveau; }));
    }
    // one design-based test of the differences between the groups, or the sentence why there is none
    var test = grouped ? q.toetsen[s.id] : null;
    var testBox = root.querySelector(".pz-verkenner-toets");
    testBox.innerHTML = !grouped ? "" : test ? table(
      "Verschil tussen de groepen (" + s.label + "), getoetst met de gewichten (significant bij p < " + data.significantie + ")",
      ["Getoetst", "p", "Oordeel van deze uitgave"], [[test[2], test[0], test[1]]], 1)
      : '<p class="pz-noot">' + escape(data.niet_getoetst) + "</p>";
    // notes: provenance marks, indicative and suppressed cells, where they occur in this view
    var notes = [];
    Object.keys(data.noten).forEach(function (mark) {
      var used = shown.some(function (r) { return r.cell && (r.cell[4] === mark || r.cell[5] === mark); });
      if (used) notes.push(data.noten[mark].replace("{woorden}", q.woorden));
    });
    root.querySelector(".pz-verkenner-noten").innerHTML = notes.map(function (n) { return '<p class="pz-noot">' + escape(n) + "</p>"; }).join("");
    download(q, s, shown);
    if (!opening) announce("Getoond: ‘" + q.label + "’" +
      (grouped ? ", uitgesplitst naar " + s.label + ". " + (test ? "Verschil tussen de groepen: " + test[1] + "." : data.niet_getoetst)
        : ", alle respondenten.") + " De tabel staat onder de grafiek.");
    drawn = state;
    if (!opening) return draw();
    if (written) return reached ? draw() : wakeOnReach();
    // another view from the address: its chart is drawn at once, after the page's first paint
    window.requestAnimationFrame(function () {
      window.setTimeout(function () { (window.requestIdleCallback || window.setTimeout)(draw, { timeout: 1000 }); }, 0);
    });
  }

  // The first view's chart is the static one the page carries (as a chapter's figure, without intervals). The Vega
  // libraries (about 300 KB compressed) load, and the chart turns live with its intervals, when a reader reaches
  // for the Verkenner: pointer, touch or keyboard focus, as the chapters' charts do (pz-charts.js).
  var WAKE = ["pointerenter", "touchstart", "focusin"];
  function wakeOnReach() {
    function wake() {
      WAKE.forEach(function (type) { root.removeEventListener(type, wake); });
      if (!started) draw();
    }
    WAKE.forEach(function (type) { root.addEventListener(type, wake, { passive: true }); });
  }

  // A CSV of the current view, written in the browser: semicolons and decimal commas, as the figure downloads.
  var blobUrl = null;
  function download(q, s, shown) {
    var lines = [["vraag", "antwoord", "groep", "percentage", "ondergrens", "bovengrens", "n", "herkomst", "weergave", "vervangend_bestand"]];
    shown.forEach(function (r) {
      var c = r.cell, hidden = !c || c[5] === "o";
      lines.push([q.label, r.antwoord, s.id === NONE ? "" : r.groep, hidden ? "" : number1.format(c[6] / 10), hidden ? "" : number1.format(c[1] / 10),
        hidden ? "" : number1.format(c[2] / 10), c ? c[3] : 0, r.niveau,
        !c ? "" : { "": "getoond", i: "indicatief", o: "niet getoond" }[c[5]], data.vervangend ? "ja" : "nee"]);
    });
    var text = "\ufeff" + lines.map(function (l) {
      return l.map(function (v) { v = String(v); return /[;"\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }).join(";");
    }).join("\r\n") + "\r\n";
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    // the link the page carries (pzboek/verkenner.py), kept: it may have the keyboard's focus
    var link = root.querySelector(".pz-verkenner-download a");
    link.download = "verkenner-" + q.id + "-" + s.id + ".csv";
    link.href = blobUrl;
  }

  // ------------------------------------------------------------------------------------------------ the chart

  var canvas = null;
  function textWidth(text) {
    canvas = canvas || document.createElement("canvas").getContext("2d");
    canvas.font = L.lettergrootte + "px " + L.lettertype;
    return canvas.measureText(text).width;
  }
  // Labels wrapped to their room at word boundaries, never cut (a word wider than the room keeps a line).
  function wrap(text, room) {
    var lines = [], line = "";
    String(text).split(/\s+/).forEach(function (word) {
      var tried = line ? line + " " + word : word;
      if (line && textWidth(tried) > room) { lines.push(line); line = word; } else { line = tried; }
    });
    if (line) lines.push(line);
    return lines;
  }

  // The chapters' chart rules (charts.bar_chart): no axis, every bar carries its value, labels in full; here each
  // bar also carries its 95% interval (a line through its end). Ungrouped: answers beside the bars on wide columns,
  // above them on phones. Grouped: each answer as a heading over one bar per group, the groups in a label column.
  function spec(q, s, width) {
    var narrow = width <= window.pzCharts.NARROW_UPTO, grouped = s.id !== NONE;
    var inner = width - 2 * L.marge, names = grouped ? s.groepen : q.antwoorden;
    var widest = Math.ceil(Math.max.apply(null, names.map(textWidth))) + L.labelruimte;
    var column = narrow && !grouped ? 0 : Math.min(narrow ? Math.floor(inner * 0.4) : L.labelkolom, widest);
    var bars = [], labels = [], top = 0, lh = L.regelhoogte;
    function place(label, x, align, y, lines) { labels.push({ regels: lines.join("\n"), x: x, align: align, y: y }); }
    q.antwoorden.forEach(function (answer, a) {
      if (grouped) {
        var heading = wrap(answer, inner - L.labelruimte);
        place(answer, 0, "left", top, heading);
        top += heading.length * lh + 4;
      }
      s.groepen.forEach(function (group, g) {
        var name = grouped ? group : answer, cell = q.cijfers[s.id][a][g], texts = cellTexts(cell);
        var room = column ? column - L.labelruimte : inner - L.labelruimte;
        var lines = wrap(name, room), textHeight = lines.length * lh, bar = grouped ? L.staaf : L.enkelestaaf, barTop, height;
        if (column) {
          height = Math.max(bar, textHeight);
          place(name, column - L.labelruimte + 2, "right", top + (height - textHeight) / 2, lines);
          barTop = top + (height - bar) / 2;
        } else {
          height = textHeight + 4 + bar;
          place(name, 0, "left", top, lines);
          barTop = top + textHeight + 4;
        }
        bars.push({
          categorie: answer, groep: group, y: barTop, y2: barTop + bar, midden: barTop + bar / 2,
          kapBoven: barTop - 2, kapOnder: barTop + bar + 2, leeg: !cell || cell[5] === "o",
          percentage: cell ? cell[0] || 0 : 0, onder: cell ? cell[1] / 10 : 0, boven: cell ? cell[2] / 10 : 0,
          waardeX: cell ? Math.max(cell[0] || 0, cell[2] / 10) : 0, label: texts[0], interval: texts[1], n_tekst: texts[2],
          herkomst: cell ? data.legenda[cell[4]] : "",
          dekking: cell ? L.dekking[cell[4]] : 1, streep: cell ? L.streep[cell[4]] : [1, 0]
        });
        top += height + (grouped ? L.staafruimte + 2 : L.rijruimte);
      });
      if (grouped) top += L.rijruimte;
    });
    var height = Math.ceil(top - (grouped ? L.rijruimte + L.staafruimte + 2 : L.rijruimte));
    // The legend of how values are drawn, below the plot, as the chapters' figures have it (charts.provenance_legend):
    // one row per marked level that occurs in this view.
    var kinds = Object.keys(data.niveaus).filter(function (letter) {
      return data.noten[letter] && bars.some(function (b) { return !b.leeg && b.herkomst === data.legenda[letter]; });
    });
    var legend = kinds.map(function (letter, i) {
      return { tekst: data.legenda[letter], y: height + L.legendaruimte + i * L.legendarij + 6,
               dekking: L.dekking[letter], streep: L.streep[letter] };
    });
    // the chapters' chart (charts.bar_chart), filled in: its datasets, size and label column (params[0])
    var built = JSON.parse(JSON.stringify(L.grafiek));
    built.params[0].value = column;
    return Object.assign(built, {
      datasets: { staven: bars, labels: labels, legenda: legend },
      width: inner, height: height + (kinds.length ? L.legendaruimte + kinds.length * L.legendarij : 0), padding: L.marge,
      // every colour from the chapters' config, light or dark (pzCharts.themed)
      usermeta: { donker: L.donker }, config: L.licht,
      description: caption(q, s) + ". Staafdiagram met 95%-intervallen; de tabel eronder geeft dezelfde cijfers."
    });
  }

  // One drawing at a time; a newer request (view, width, theme) replaces an older one that is still under way.
  function draw() {
    var width = chart.clientWidth, state = drawn, ticket = ++drawing, charts = window.pzCharts;
    started = true;
    if (!width || !state || !charts) return;
    lastWidth = width;
    charts.loadVega().then(function () { return document.fonts.load(L.lettergrootte + "px " + L.lettertype); })
      .catch(function () {}).then(function () {
        if (ticket !== drawing) return null;
        var built = charts.themed(spec(question(state.vraag), breakdown(state.naar), width), width);
        var target = document.createElement("div");
        target.className = "pz-chart";
        return window.vegaEmbed(target, built, {
          actions: false, renderer: "svg", formatLocale: charts.NL, logLevel: 1,
          tooltip: charts.tooltipOptions()
        }).then(function (result) {
          // drawn off the page first, then swapped in whole: the page does not jump while Vega lays out
          chart.replaceChildren(target);
          return charts.fitMarks(result.view, width).then(function () { return result; });
        }).then(function (result) {
          if (ticket !== drawing) { result.view.finalize(); return; }
          if (chart.pzView) chart.pzView.finalize();
          charts.dutchAria(target);
          // the chart repeats the table and is hidden from screen readers: no (English) roles on it either
          ["role", "aria-roledescription", "aria-label"].forEach(function (a) { target.removeAttribute(a); });
          target.setAttribute("aria-hidden", "true");
          chart.pzView = result.view;
          root.classList.add("pz-live");
          root.dataset.getekend = state.vraag + "|" + state.naar + "|" + width + (charts.isDark() ? "d" : "l");
        });
      }).catch(function (err) { console.warn("pz-verkenner: " + (err && err.message || err)); });
  }

  // A screen reader hears a view once the reader stops on it: moving through a list with the arrow keys changes the
  // view at every step, but only the last one is announced.
  var announcing = null;
  function announce(text) {
    clearTimeout(announcing);
    announcing = setTimeout(function () { root.querySelector(".pz-verkenner-status").textContent = text; }, 600);
  }

  // Every change shows its view. The first step through a list with the arrow keys adds one history entry, the
  // next steps replace it, so Back returns to the view before the list was entered (not ten steps); a choice by
  // pointer, Enter or leaving the list ends the stepping.
  var stepping = false, STEP_KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End"];
  function choose(event) {
    if (event) event.preventDefault();
    var state = { vraag: askSelect.value, naar: splitSelect.value };
    if (drawn && state.vraag === drawn.vraag && state.naar === drawn.naar) return;
    var step = event && event.type === "change" && lastKey && STEP_KEYS.indexOf(lastKey) >= 0;
    window.history[step && stepping ? "replaceState" : "pushState"](state, "", address(state));
    stepping = step;
    render(state);
  }
  var lastKey = null;

  function start() {
    data = JSON.parse(root.querySelector("script.pz-verkenner-data").textContent);
    L = data.opmaak;
    form = root.querySelector("form");
    askSelect = form.querySelector("select[name=vraag]");
    splitSelect = form.querySelector("select[name=naar]");
    chart = root.querySelector(".pz-verkenner-grafiek");
    form.addEventListener("keydown", function (event) { lastKey = event.key; if (event.key === "Enter") stepping = false; });
    form.addEventListener("pointerdown", function () { lastKey = null; stepping = false; });
    form.addEventListener("focusout", function () { lastKey = null; stepping = false; });
    form.addEventListener("change", choose);
    form.addEventListener("submit", choose);
    window.addEventListener("popstate", function () {
      var state = stateFromAddress(); // an in-page link's entry keeps the view: nothing to redraw then
      if (!drawn || state.vraag !== drawn.vraag || state.naar !== drawn.naar) render(state);
    });
    new ResizeObserver(function () { if (started && chart.clientWidth !== lastWidth) draw(); }).observe(chart);
    new MutationObserver(function () { if (started) draw(); }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    var state = stateFromAddress();
    window.history.replaceState(state, "", window.location.href);
    render(state, true);
  }

  // The first view (question, table, static chart) is in the page as written. The data behind every other view
  // (about 100 KB of JSON) is read, and the controls wired, when a reader reaches for the Verkenner, so a phone
  // does not spend its first seconds on views nobody asked for; a view named in the address is shown at once.
  var reached = false;
  function boot() {
    root = document.querySelector(".pz-verkenner");
    if (!root) return;
    root.querySelector("form fieldset").disabled = false;
    // the first view's CSV link: its file is written once a reader reaches for the Verkenner (pointer, touch or
    // focus all come before a click); a click before that (a script's) goes nowhere
    root.querySelector(".pz-verkenner-download").hidden = false;
    root.querySelector(".pz-verkenner-download a").addEventListener("click", function (event) {
      if (!blobUrl) event.preventDefault();
    });
    // each chapter's questions under its title, as Sphinx read it (pzboek/sphinxext/pages.py)
    var titles = JSON.parse((document.getElementById("pz-hoofdstukken") || {}).textContent || "{}");
    root.querySelectorAll("optgroup[data-hoofdstuk]").forEach(function (group) {
      if (titles[group.dataset.hoofdstuk]) group.label += ". " + titles[group.dataset.hoofdstuk];
    });
    if (/[?&](vraag|naar)=/.test(window.location.search)) return start();
    function reach() {
      WAKE.forEach(function (type) { root.removeEventListener(type, reach); });
      reached = true;
      start();
    }
    WAKE.forEach(function (type) { root.addEventListener(type, reach, { passive: true }); });
  }
  if (document.readyState === "complete") boot();
  else window.addEventListener("load", boot);
})();
