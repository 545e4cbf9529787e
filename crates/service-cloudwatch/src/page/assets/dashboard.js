// The dashboard page's charts: each widget's data was computed by the emulator and embedded as
// JSON (<script type="application/json" class="chart-data">); this script only draws it with
// Chart.js 4.6.1 (chart.umd.min.js, served beside it). Times are shown in UTC, as the page's
// range is.
(function () {
  'use strict';

  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

  function pad(n) {
    return n < 10 ? '0' + n : String(n);
  }

  // An instant as the axis shows it: HH:MM, with the date when the range spans days.
  function timeLabel(ms, spanMs) {
    var d = new Date(ms);
    var hm = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
    return spanMs > 36 * 3600 * 1000 ? pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + hm : hm;
  }

  // A tick spacing of whole minutes, hours or days giving at most about six ticks over `span`.
  function timeStep(span) {
    var steps = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
    for (var i = 0; i < steps.length; i++) {
      if (span / (steps[i] * 1000) <= 6) {
        return steps[i] * 1000;
      }
    }
    return steps[steps.length - 1] * 1000;
  }

  function color(i, alpha) {
    var hex = PALETTE[i % PALETTE.length];
    if (alpha === undefined) {
      return hex;
    }
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  function timeConfig(spec) {
    var chart = spec.chart;
    var span = spec.endMs - spec.startMs;
    var datasets = chart.data.series.map(function (s, i) {
      return {
        label: s.label,
        data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }),
        borderColor: color(i),
        backgroundColor: color(i, chart.stacked ? 0.45 : 0.15),
        fill: chart.stacked ? (i === 0 ? 'origin' : '-1') : false,
        pointRadius: s.points.length > 60 ? 0 : 2,
        borderWidth: 1.5,
        tension: 0
      };
    });
    return {
      type: 'line',
      data: { datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: true,
        scales: {
          x: {
            type: 'linear',
            min: spec.startMs,
            max: spec.endMs,
            ticks: { stepSize: timeStep(span), autoSkip: true, maxRotation: 0, callback: function (v) { return timeLabel(v, span); } }
          },
          y: { stacked: chart.stacked, beginAtZero: true }
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { title: function (items) { return items.length ? new Date(items[0].parsed.x).toISOString() : ''; } } }
        }
      }
    };
  }

  function categoryConfig(spec) {
    var chart = spec.chart;
    var pie = chart.view === 'pie';
    var datasets = chart.data.series.map(function (s, i) {
      return {
        label: s.label,
        data: s.values,
        backgroundColor: pie ? chart.data.categories.map(function (_, j) { return color(j); }) : color(i),
        borderWidth: pie ? 1 : 0
      };
    });
    var options = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: pie ? 'right' : 'bottom', display: pie || datasets.length > 1, labels: { boxWidth: 12 } } }
    };
    if (!pie) {
      options.scales = { y: { beginAtZero: true } };
    }
    return { type: pie ? 'pie' : 'bar', data: { labels: chart.data.categories, datasets: datasets }, options: options };
  }

  function draw(node) {
    var spec = JSON.parse(node.textContent);
    var canvas = document.getElementById(node.getAttribute('data-canvas'));
    if (!canvas || !spec || !spec.chart) {
      return;
    }
    var config = spec.chart.data.axis === 'time' ? timeConfig(spec) : categoryConfig(spec);
    new window.Chart(canvas, config);
    canvas.parentNode.setAttribute('data-drawn', 'true');
  }

  function drawAll() {
    if (!window.Chart) {
      return;
    }
    var nodes = document.querySelectorAll('script.chart-data');
    for (var i = 0; i < nodes.length; i++) {
      draw(nodes[i]);
    }
    document.body.setAttribute('data-charts-drawn', String(nodes.length));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
})();
