// Measures: one trajectory chart per instrument (Chart.js 4, vendored), drawn from the
// JSON in #measures-series (json_script). A small plugin shades the severity bands,
// marks treatment session dates and draws the baseline (first valid total).
(function () {
  "use strict";
  var source = document.getElementById("measures-series");
  if (!source || typeof window.Chart === "undefined") { return; }
  var series = JSON.parse(source.textContent);
  var BAND_COLOURS = ["rgba(46,125,50,0.10)", "rgba(249,168,37,0.12)", "rgba(239,108,0,0.14)",
                      "rgba(211,47,47,0.14)", "rgba(136,14,79,0.16)"];

  function formatDate(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
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
        ctx.fillStyle = "#5a6570";
        ctx.font = "11px sans-serif";
        ctx.textBaseline = "top";
        if (bottom - top > 12) { ctx.fillText(band.name, area.left + 4, top + 2); }
      });
      ctx.strokeStyle = "rgba(21,101,192,0.55)";
      ctx.setLineDash([2, 3]);
      (opts.sessions || []).forEach(function (ms) {
        if (ms < x.min || ms > x.max) { return; }
        var px = x.getPixelForValue(ms);
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
      });
      if (opts.baseline !== null && opts.baseline !== undefined) {
        var py = y.getPixelForValue(opts.baseline);
        ctx.strokeStyle = "#37474f";
        ctx.setLineDash([6, 4]);
        ctx.beginPath(); ctx.moveTo(area.left, py); ctx.lineTo(area.right, py); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = "#37474f";
        ctx.textBaseline = "bottom";
        ctx.fillText("baseline " + opts.baseline, area.right - 70, py - 2);
      }
      ctx.restore();
    }
  };

  series.forEach(function (s) {
    var canvas = document.querySelector('canvas[data-series="' + s.code + '"]');
    if (!canvas) { return; }
    var xs = s.points.map(function (p) { return p.x; });
    var pad = 86400000;  // a day either side so a single point is not on the edge
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: [{ label: s.name, data: s.points, borderColor: "#1565c0", backgroundColor: "#1565c0",
                           pointRadius: 4, tension: 0 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        parsing: false,
        scales: {
          x: { type: "linear", min: Math.min.apply(null, xs) - pad, max: Math.max.apply(null, xs) + pad,
               ticks: { maxTicksLimit: 6, callback: function (v) { return formatDate(v); } } },
          y: { min: s.min, max: s.max, ticks: { precision: 0 } }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: function (items) { return formatDate(items[0].parsed.x); } } },
          remitOverlays: { bands: s.bands, sessions: s.sessions, baseline: s.baseline }
        }
      },
      plugins: [overlays]
    });
  });
})();
