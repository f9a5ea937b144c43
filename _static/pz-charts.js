// Turns each figure's static SVG into an interactive Vega chart, with libraries served by the book
// itself (_vega/vega-bundle.js, loaded only on pages that have a chart, once a reader reaches for one). Re-renders when the width of
// the column changes (phones, opened toggles) and when the reader switches between light and dark mode.
(function () {
  "use strict";
  var NL = { decimal: ",", thousands: ".", grouping: [3], currency: ["€\u00a0", ""] };
  // Dark-mode colours, each at least 4.5:1 on the theme's dark background.
  var DARK = {
    text: "#e6e6e6", muted: "#b0b0b0", grid: "#4a4a4a",
    series: ["#8ab8f0", "#f0a868", "#8fd694"]
  };
  var bundle = null;
  var NARROW_UPTO = 600; // px of column: the phone cut, as pz.css shows its static SVG (@container max-width)

  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve();
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.type = "module"; // the bundle declares top-level consts; a module keeps them out of the global scope
        script.src = (document.documentElement.dataset.content_root || "./") + "_vega/vega-bundle.js";
        script.onload = resolve;
        script.onerror = function () { reject(new Error("pz-charts: could not load " + script.src)); };
        document.head.appendChild(script);
      });
    }
    return bundle;
  }

  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }

  function themed(spec, width) {
    var s = JSON.parse(JSON.stringify(spec));
    s.width = Math.max(200, width);
    s.autosize = { type: "fit-x", contains: "padding" };
    if (isDark()) {
      var c = s.config = s.config || {};
      ["axis", "legend", "text", "title"].forEach(function (k) { c[k] = c[k] || {}; });
      c.title.color = DARK.text;
      ["labelColor", "titleColor"].forEach(function (k) { c.axis[k] = DARK.text; c.legend[k] = DARK.text; });
      c.axis.gridColor = DARK.grid; c.axis.domainColor = DARK.muted; c.axis.tickColor = DARK.muted;
      c.text.color = DARK.text;
      // swap the series colours in the layers' marks and legend swatches
      var map = {};
      ["#1f5fa8", "#b34700", "#2e7d32"].forEach(function (hex, i) { map[hex] = DARK.series[i]; });
      if (s.layer) s.layer = JSON.parse(JSON.stringify(s.layer).replace(/#1f5fa8|#b34700|#2e7d32/gi, function (m) { return map[m.toLowerCase()]; }));
    }
    return s;
  }

  // Autosize "fit-x" only makes room for axes and legends; the value labels right of the bars can run past
  // the plot and get cut off at the SVG edge. Widen the right padding by the overhang, so the plot shrinks.
  // A label moves left by only part of that (its value's share of the axis), hence a few rounds.
  function fitMarks(view, width, round) {
    round = round || 0;
    var pad = view.padding(); // the SVG's content starts at padding.left + origin
    var overhang = Math.ceil(pad.left + view.origin()[0] + view.scenegraph().root.bounds.x2 + 1 - width);
    if (overhang <= 0 || round >= 4) return Promise.resolve(view);
    // with autosize "fit" the width signal is the total width that the layout divides up
    return view.padding({ top: pad.top, bottom: pad.bottom, left: pad.left, right: pad.right + overhang })
      .width(width).runAsync().then(function () { return fitMarks(view, width, round + 1); });
  }

  // Vega writes ARIA roles into the live SVG even with aria: false (graphics-symbol groups without a name, English
  // role descriptions). The chart is one image with the Dutch description vega-embed puts on its container, as
  // the static SVG is (charts.py, INNER_ARIA): roles and labels inside it go.
  function dutchAria(target) {
    // the root keeps its Dutch label (the spec's description), not Vega's English role description "visualization"
    target.querySelectorAll("svg").forEach(function (e) { e.removeAttribute("aria-roledescription"); });
    target.querySelectorAll("svg *").forEach(function (e) {
      ["role", "aria-label", "aria-roledescription"].forEach(function (a) { e.removeAttribute(a); });
    });
  }

  // Vega shows tooltips on pointermove only, which a tap does not send: a tap (click) on a bar shows its
  // tooltip, a tap elsewhere in the chart or Escape hides it. A tap's pointerout comes before its click, so
  // Vega's own hiding does not undo it.
  function showTooltip(view, event, item) {
    view.tooltip().call(view, view._handler, event, item, item && item.tooltip);
  }
  function tapTooltips(view) {
    view.addEventListener("click", function (event, item) { showTooltip(view, event, item); });
  }

  // One render at a time per figure; a width or theme change during a render is picked up right after it.
  function render(figure) {
    if (figure.pzBusy) { figure.pzAgain = true; return figure.pzBusy; }
    var target = figure.querySelector(".pz-chart");
    var width = target.clientWidth;
    if (!width) return Promise.resolve(); // hidden: rendered when it becomes visible
    var key = width + (isDark() ? "d" : "l");
    if (figure.dataset.rendered === key) return Promise.resolve();
    // the same cut as the static SVG at this width (pz.css): labels wrapped alike, so nothing moves
    var spec = JSON.parse(((width <= NARROW_UPTO && figure.querySelector("script.pz-spec-smal")) ||
                           figure.querySelector("script.pz-spec")).textContent);
    // Vega measures text on a canvas: the chart font must be there first, as it is for the static SVG
    figure.pzBusy = document.fonts.load("13px Inter")
      .catch(function () {}).then(function () {
        // logLevel 1 is vega.Error; the self-hosted bundle exports vegaEmbed but leaves window.vega null.
        return window.vegaEmbed(target, themed(spec, width), {
          actions: false, renderer: "svg", formatLocale: NL, logLevel: 1,
          tooltip: { theme: isDark() ? "dark" : "light" }
        });
      }).then(function (result) {
      return fitMarks(result.view, width).then(function () { return result; });
    }).then(function (result) {
      if (figure.pzView) figure.pzView.finalize();
      dutchAria(target);
      tapTooltips(result.view);
      figure.pzView = result.view;
      figure.dataset.rendered = key;
      figure.classList.add("pz-live");
    }, function (err) {
      console.warn("pz-charts: " + (err && err.message || err)); // the static SVG is gone only if vega drew something
    }).then(function () {
      figure.pzBusy = null;
      if (figure.pzAgain) { figure.pzAgain = false; return render(figure); }
    });
    return figure.pzBusy;
  }

  // The libraries (about 300 KB compressed) load when a reader first reaches for a chart (pointer, touch or
  // keyboard focus), and that chart turns live: until then the static SVG is the chart, and a page costs a
  // phone on a slow network no script work for charts nobody touches.
  var WAKE = ["pointerenter", "touchstart", "focusin"];
  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll(".pz-figuur"));
    if (!figures.length) return;
    var resize = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { render(entry.target.closest(".pz-figuur")); });
    });
    function wake(event) {
      var figure = event.currentTarget;
      WAKE.forEach(function (type) { figure.removeEventListener(type, wake); });
      loadVega().then(function () {
        figure.pzAwake = true;
        render(figure);
        resize.observe(figure.querySelector(".pz-chart"));
      }).catch(function (err) { console.warn(err.message); });
    }
    figures.forEach(function (figure) {
      WAKE.forEach(function (type) { figure.addEventListener(type, wake, { passive: true }); });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") figures.forEach(function (f) { if (f.pzView) showTooltip(f.pzView, event, null); });
    });
    new MutationObserver(function () { figures.filter(function (f) { return f.pzAwake; }).forEach(render); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  // The same rendering for the Verkenner (_static/pz-verkenner.js), which builds its own specs.
  window.pzCharts = {
    loadVega: loadVega, themed: themed, fitMarks: fitMarks, dutchAria: dutchAria, tapTooltips: tapTooltips,
    showTooltip: showTooltip, isDark: isDark, DARK: DARK, NL: NL, NARROW_UPTO: NARROW_UPTO
  };

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
