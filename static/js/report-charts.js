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
      canvas.parentNode.style.height = (60 + 30 * chart.labels.length) + "px";
      var hasInterval = chart.low.length === chart.values.length && chart.low.length > 0;
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: [{ label: chart.title, data: chart.values, backgroundColor: "#b0281e" }]
        },
        options: {
          indexAxis: "y",
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { x: { min: 0, max: chart.maximum, title: { display: !!chart.unit, text: chart.unit } } },
          plugins: {
            legend: { display: false },
            title: { display: true, text: chart.title },
            tooltip: {
              callbacks: {
                label: function (item) {
                  var text = item.formattedValue + chart.unit;
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
