// The assessment report's charts (assessment/charts.py): the data is in
// <script type="application/json" id="report-charts">, each chart goes into
// <canvas data-chart="KEY">. Drawn with the vendored Chart.js (static/vendor/chart.js).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    window.Chart.defaults.font.family = data.fonts;
    data.charts.forEach(function (chart) {
      var canvas = document.querySelector('canvas[data-chart="' + chart.key + '"]');
      if (!canvas) return;
      var hasInterval = chart.low.length === chart.values.length && chart.low.length > 0;
      canvas.parentNode.style.height = (hasInterval ? 90 + 48 * chart.labels.length : 60 + 30 * chart.labels.length) + "px";
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: [{ label: chart.title.split("及其")[0], data: chart.values, backgroundColor: "#b0281e" }].concat(
            hasInterval
              ? [{
                  label: "95% 置信区间",
                  // floating bars from the lower to the upper bound (Wilson)
                  data: chart.low.map(function (low, i) { return [low, chart.high[i]]; }),
                  backgroundColor: "rgba(11, 92, 173, 0.35)"
                }]
              : []
          )
        },
        options: {
          indexAxis: "y",
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: { min: 0, max: chart.maximum, title: { display: !!chart.unit, text: chart.unit } },
            y: { ticks: { autoSkip: false } }
          },
          plugins: {
            legend: { display: hasInterval },
            title: { display: true, text: chart.title },
            tooltip: {
              callbacks: {
                label: function (item) {
                  if (item.datasetIndex === 1) {
                    return "95% 置信区间 " + chart.low[item.dataIndex] + "–" + chart.high[item.dataIndex] + chart.unit;
                  }
                  var text = chart.values[item.dataIndex] + chart.unit;
                  if (hasInterval) {
                    text += "（95% 置信区间 " + chart.low[item.dataIndex] + "–" + chart.high[item.dataIndex] + chart.unit + "）";
                  }
                  return text;
                }
              }
            }
          }
        }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
