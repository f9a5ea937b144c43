// Turns each figure's static SVG into an interactive Vega chart, with libraries served by the book
// itself (_vega/vega-bundle.js, loaded only on pages that have a chart). Re-renders when the width of
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
    if (width < 480) {
      s.layer.forEach(function (layer) {
        if (layer.encoding && layer.encoding.y && layer.encoding.y.axis) layer.encoding.y.axis.labelLimit = Math.round(width * 0.4);
      });
    }
    if (isDark()) {
      var c = s.config;
      ["labelColor", "titleColor"].forEach(function (k) { c.axis[k] = DARK.text; c.legend[k] = DARK.text; });
      c.axis.gridColor = DARK.grid; c.axis.domainColor = DARK.muted; c.axis.tickColor = DARK.muted;
      c.text.color = DARK.text;
      var light = JSON.stringify(spec.layer);
      var map = {};
      ["#1f5fa8", "#b34700", "#2e7d32"].forEach(function (hex, i) { map[hex] = DARK.series[i]; });
      s.layer = JSON.parse(light.replace(/#1f5fa8|#b34700|#2e7d32/g, function (m) { return map[m]; }));
    }
    return s;
  }

  // One render at a time per figure; a width or theme change during a render is picked up right after it.
  function render(figure) {
    if (figure.pzBusy) { figure.pzAgain = true; return figure.pzBusy; }
    var target = figure.querySelector(".pz-chart");
    var width = target.clientWidth;
    if (!width) return Promise.resolve(); // hidden: rendered when it becomes visible
    var key = width + (isDark() ? "d" : "l");
    if (figure.dataset.rendered === key) return Promise.resolve();
    var spec = JSON.parse(figure.querySelector("script.pz-spec").textContent);
    // logLevel 1 is vega.Error; the self-hosted bundle exports vegaEmbed but leaves window.vega null.
    figure.pzBusy = window.vegaEmbed(target, themed(spec, width), {
      actions: false, renderer: "svg", formatLocale: NL, logLevel: 1,
      tooltip: { theme: isDark() ? "dark" : "light" }
    }).then(function (result) {
      if (figure.pzView) figure.pzView.finalize();
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

  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll(".pz-figuur"));
    if (!figures.length) return;
    loadVega().then(function () {
      figures.forEach(render);
      var resize = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { render(entry.target.closest(".pz-figuur")); });
      });
      figures.forEach(function (f) { resize.observe(f.querySelector(".pz-chart")); });
      new MutationObserver(function () { figures.forEach(render); })
        .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    }).catch(function (err) { console.warn(err.message); });
  }

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
