// Turns each figure's static SVG into an interactive Vega chart, with libraries served by the book
// itself (_vega/vega-bundle.js, loaded only on pages that have a chart, once a reader reaches for one). Re-renders when the width of
// the column changes (phones, opened toggles) and when the reader switches between light and dark mode.
(function () {
  "use strict";
  var NL = { decimal: ",", thousands: ".", grouping: [3], currency: ["€\u00a0", ""] };
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

  // Tooltips beside the bar they describe, in whichever place keeps them inside the window (vega-tooltip tries
  // these in order), so on a phone they are not cut off at an edge.
  function tooltipOptions() {
    return { theme: isDark() ? "dark" : "light", anchor: "mark", offsetX: 6, offsetY: 6,
             position: ["top", "bottom", "top-left", "top-right", "bottom-left", "bottom-right", "left", "right"] };
  }

  function themed(spec, width) {
    // the chart's colours all come from its config: in dark mode the dark one (usermeta.donker, written by
    // pzboek/charts.py's chart_config from its one palette; the Verkenner passes the same)
    var s = JSON.parse(JSON.stringify(spec));
    if (isDark() && spec.usermeta && spec.usermeta.donker) s.config = spec.usermeta.donker;
    s.width = Math.max(200, width);
    s.autosize = { type: "fit-x", contains: "padding" };
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
    // the container keeps its Dutch label (the spec's description) as an image, as the static SVG is; Vega's role
    // "graphics-document" with the English role description "visualization" would be read out in English
    target.removeAttribute("aria-roledescription");
    if (target.getAttribute("role") === "graphics-document") target.setAttribute("role", "img");
    target.querySelectorAll("svg").forEach(function (e) { e.removeAttribute("aria-roledescription"); });
    // vega-embed adds an empty form for signal bindings, which these charts have none of: an unnamed landmark
    target.querySelectorAll("form.vega-bindings:empty").forEach(function (e) { e.remove(); });
    target.querySelectorAll("svg *").forEach(function (e) {
      ["role", "aria-label", "aria-roledescription"].forEach(function (a) { e.removeAttribute(a); });
    });
  }

  // Vega shows a tooltip on pointermove, which a tap does not send. Through Vega's own DOM events only (no private
  // API): a tap (click) on a bar is replayed to it as the pointermove it would have been, so the bar shows its
  // tooltip; a tap anywhere else, Escape and scrolling the page send a bar the mouseout that Vega's SVG
  // renderer hides a tooltip on (a move onto a mark without a tooltip leaves it), so a tooltip never stays over
  // the text. A tap's own mouseout comes before its click.
  var BAR = "svg.marks g.mark-rect path";
  function pointer(target, type, x, y) {
    var options = { bubbles: true, clientX: x, clientY: y };
    target.dispatchEvent(type === "mouseout" ? new MouseEvent(type, options) : new PointerEvent(type, options));
  }
  document.addEventListener("click", function (event) {  // a tap on a bar, or anywhere else on the page
    if (event.target.closest(".pz-live " + BAR)) pointer(event.target, "pointermove", event.clientX, event.clientY);
    else hideTooltips();
  });
  function hideTooltips() {
    document.querySelectorAll(".pz-live " + BAR + ":first-child").forEach(function (bar) { pointer(bar, "mouseout", 0, 0); });
  }
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hideTooltips(); });
  window.addEventListener("scroll", hideTooltips, { passive: true });

  // One render at a time per figure; a width or theme change during a render is picked up right after it.
  function render(figure) {
    if (figure.pzBusy) { figure.pzAgain = true; return figure.pzBusy; }
    var target = figure.querySelector(".pz-chart");
    var column = target.clientWidth;
    if (!column) return Promise.resolve(); // hidden: rendered when it becomes visible
    var key = column + (isDark() ? "d" : "l");
    if (figure.dataset.rendered === key) return Promise.resolve();
    // the same cut as the static SVG at this width (pz.css), at its width where the column has room: labels
    // wrapped alike and bars as long, so nothing moves when the chart turns live
    var spec = JSON.parse(((column <= NARROW_UPTO && figure.querySelector("script.pz-spec-smal")) ||
                           figure.querySelector("script.pz-spec")).textContent);
    var width = Math.min(column, spec.width + 2 * (spec.padding || 0));
    // Vega measures text on a canvas: the chart font must be there first, as it is for the static SVG
    figure.pzBusy = document.fonts.load("13px Inter")
      .catch(function () {}).then(function () {
        // logLevel 1 is vega.Error; the self-hosted bundle exports vegaEmbed but leaves window.vega null.
        return window.vegaEmbed(target, themed(spec, width), {
          actions: false, renderer: "svg", formatLocale: NL, logLevel: 1, tooltip: tooltipOptions()
        });
      }).then(function (result) {
      return fitMarks(result.view, width).then(function () { return result; });
    }).then(function (result) {
      if (figure.pzView) figure.pzView.finalize();
      dutchAria(target);
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

  // The libraries (about 300 KB compressed) load when a reader first reaches for a chart (pointer or touch), and
  // that chart turns live: until then the static SVG is the chart, and a page costs a
  // phone on a slow network no script work for charts nobody touches.
  var WAKE = ["pointerenter", "touchstart"];
  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll(".pz-figuur"));
    if (!figures.length) return;
    var resize = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { render(entry.target.closest(".pz-figuur")); });
    });
    function wake(event) {
      // a tap announces itself first as a pointerenter of type touch (touchstart comes after)
      var figure = event.currentTarget, touch = event.touches ? event.touches[0] : event.pointerType === "touch" && event;
      WAKE.forEach(function (type) { figure.removeEventListener(type, wake); });
      loadVega().then(function () {
        figure.pzAwake = true;
        return render(figure);
      }).then(function () {
        resize.observe(figure.querySelector(".pz-chart"));
        // the tap that woke the chart shows its tooltip, if the page has not scrolled meanwhile
        var hit = touch && document.elementFromPoint(touch.clientX, touch.clientY);
        if (hit && hit.closest(".pz-live " + BAR)) pointer(hit, "pointermove", touch.clientX, touch.clientY);
      }).catch(function (err) { console.warn(err.message); });
    }
    figures.forEach(function (figure) {
      WAKE.forEach(function (type) { figure.addEventListener(type, wake, { passive: true }); });
    });
    new MutationObserver(function () { figures.filter(function (f) { return f.pzAwake; }).forEach(render); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  // The same rendering for the Verkenner (_static/pz-verkenner.js), which fills in the chapters' chart per view.
  window.pzCharts = {
    loadVega: loadVega, themed: themed, fitMarks: fitMarks, dutchAria: dutchAria,
    tooltipOptions: tooltipOptions, isDark: isDark, NL: NL, NARROW_UPTO: NARROW_UPTO
  };

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
