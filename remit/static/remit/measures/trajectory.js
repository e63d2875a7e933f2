// Measures: one trajectory chart per instrument (Chart.js 4, vendored), drawn from the
// JSON in #measures-series (json_script). A small plugin shades the severity bands,
// marks treatment session dates and draws the baseline (first valid total).
// The look (colors, font, line widths, legend at the bottom) is Remit's one chart style,
// remit.core.chart_style, given to every signed-in page as #remit-chart-style; the PDFs use it too.
(function () {
  "use strict";
  var source = document.getElementById("measures-series");
  if (!source || typeof window.Chart === "undefined") { return; }
  var series = JSON.parse(source.textContent);
  var styleSource = document.getElementById("remit-chart-style");
  var style = styleSource ? JSON.parse(styleSource.textContent) : {
    font: { family: "DejaVu Sans, system-ui, sans-serif", size: 12 },
    colors: { primary: "#1f5fa8", secondary: "#2e7d32", accent: "#b45309", muted: "#5b6672", grid: "#d8dde3" },
    lineWidth: 1.8, referenceWidth: 1, markerRadius: 4.5,
    dashes: { baseline: [1.5, 2.5], session: [2, 3] }, legend: "bottom", maxDateTicks: 6
  };
  var DAY = 86400000;
  var BAND_COLOURS = ["rgba(46,125,50,0.10)", "rgba(249,168,37,0.12)", "rgba(239,108,0,0.14)",
                      "rgba(211,47,47,0.14)", "rgba(136,14,79,0.16)"];
  // Chart.js dash patterns are in pixels; the style's are in points of a line's width.
  function dash(name) { return (style.dashes[name] || [4, 3]).map(function (v) { return v * 2; }); }

  function formatDate(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  // Whole days (or months, far apart) on the axis: at most maxDateTicks labels, never two alike.
  function dateTicks(minMs, maxMs) {
    var spanDays = Math.max(1, (maxMs - minMs) / DAY);
    var byMonth = spanDays > 300;
    var stepDays = Math.max(byMonth ? 32 : 1, Math.ceil(spanDays / (style.maxDateTicks - 1)));
    var format = byMonth ? { month: "short", year: "numeric", timeZone: "UTC" }
                         : { month: "short", day: "numeric", timeZone: "UTC" };
    return {
      stepSize: stepDays * DAY,
      maxTicksLimit: style.maxDateTicks + 1,
      maxRotation: 0,
      autoSkip: true,
      color: style.colors.muted,
      callback: function (v) { return new Date(v).toLocaleDateString("en-US", format); }
    };
  }

  // The scale's maximum (27 for the PHQ-9) is kept; a round tick just below it (25) would crowd it.
  function dropCrowdedTop(axis) {
    var ticks = axis.ticks;
    if (ticks.length < 3) { return; }
    var step = ticks[1].value - ticks[0].value;
    var top = ticks[ticks.length - 1].value;
    axis.ticks = ticks.filter(function (t, i) { return i === ticks.length - 1 || top - t.value >= step * 0.6; });
  }

  var overlays = {
    id: "remitOverlays",
    beforeDatasetsDraw: function (chart, _args, opts) {
      var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x, y = chart.scales.y;
      ctx.save();
      (opts.bands || []).forEach(function (band, i) {
        // A band covers its whole-number range: from low - 0.5 to high + 0.5, clipped to the axis.
        var top = y.getPixelForValue(Math.min(band.high + 0.5, y.max));
        var bottom = y.getPixelForValue(Math.max(band.low - 0.5, y.min));
        ctx.fillStyle = BAND_COLOURS[Math.min(i, BAND_COLOURS.length - 1)];
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        ctx.fillStyle = style.colors.muted;
        ctx.font = (style.font.size - 1) + "px " + style.font.family;
        ctx.textBaseline = "top";
        if (bottom - top > 12) { ctx.fillText(band.name, area.left + 4, top + 2); }
      });
      ctx.lineWidth = style.referenceWidth;
      ctx.strokeStyle = style.colors.primary;
      ctx.globalAlpha = 0.55;
      ctx.setLineDash(dash("session"));
      (opts.sessions || []).forEach(function (ms) {
        if (ms < x.min || ms > x.max) { return; }
        var px = x.getPixelForValue(ms);
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
      });
      ctx.globalAlpha = 1;
      if (opts.baseline !== null && opts.baseline !== undefined) {
        var py = y.getPixelForValue(opts.baseline);
        ctx.strokeStyle = style.colors.muted;
        ctx.setLineDash(dash("baseline"));
        ctx.beginPath(); ctx.moveTo(area.left, py); ctx.lineTo(area.right, py); ctx.stroke();
      }
      ctx.restore();
    }
  };

  window.Chart.defaults.font.family = style.font.family;
  window.Chart.defaults.font.size = style.font.size;
  window.Chart.defaults.color = "#222222";

  series.forEach(function (s) {
    var canvas = document.querySelector('canvas[data-series="' + s.code + '"]');
    if (!canvas) { return; }
    var xs = s.points.map(function (p) { return p.x; });
    // At least a day either side, on whole days, so a single point is not on the edge.
    var min = Math.floor((Math.min.apply(null, xs) - DAY) / DAY) * DAY;
    var max = Math.ceil((Math.max.apply(null, xs) + DAY) / DAY) * DAY;
    var legendItems = [
      { text: "Total score", strokeStyle: style.colors.primary, fillStyle: style.colors.primary,
        lineWidth: style.lineWidth, pointStyle: "circle" },
      { text: "Baseline (" + s.baseline + ")", strokeStyle: style.colors.muted, fillStyle: "transparent",
        lineWidth: style.referenceWidth, lineDash: dash("baseline"), pointStyle: "line" }
    ];
    if (s.sessions && s.sessions.length) {
      legendItems.push({ text: "Sessions", strokeStyle: style.colors.primary, fillStyle: "transparent",
                         lineWidth: style.referenceWidth, lineDash: dash("session"), pointStyle: "line" });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: [{ label: "Total score", data: s.points, borderColor: style.colors.primary,
                           backgroundColor: style.colors.primary, borderWidth: style.lineWidth,
                           pointRadius: style.markerRadius, tension: 0 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        parsing: false,
        scales: {
          x: { type: "linear", min: min, max: max, ticks: dateTicks(min, max), grid: { display: false } },
          y: { min: s.min, max: s.max, ticks: { precision: 0, color: style.colors.muted },
               afterBuildTicks: dropCrowdedTop,
               title: { display: true, text: "Total score" } }
        },
        plugins: {
          legend: {
            display: true, position: style.legend, align: "start",
            labels: { usePointStyle: true, boxWidth: 24, boxHeight: 6, generateLabels: function () { return legendItems; } },
            onClick: function () {}
          },
          tooltip: { callbacks: { title: function (items) { return formatDate(items[0].parsed.x); } } },
          remitOverlays: { bands: s.bands, sessions: s.sessions, baseline: s.baseline }
        }
      },
      plugins: [overlays]
    });
  });
})();
