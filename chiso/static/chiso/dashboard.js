// Chỉ Số dashboard charts (Apache ECharts, served from /static/vendor/).
// Data comes from <script type="application/json"> tags written by Django's
// json_script (the CSP forbids inline scripts). Every chart has a table next to
// it, so a page without JavaScript or ECharts loses nothing but the drawing.
(function () {
  "use strict";

  var COLORS = ["#0b4f8a", "#146c2e", "#b35c00", "#6a1b7a", "#4a5361"];

  // A rate as the tables print it ("85,00%"); targets keep their own digits ("90%").
  function pct(v, decimals) {
    if (v === null || v === undefined) return "—";
    var text = decimals === undefined ? String(v) : Number(v).toFixed(decimals);
    return text.replace(".", ",") + "%";
  }

  function readData(el) {
    var id = el.getAttribute("data-source");
    var node = id && document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function base() {
    return {
      color: COLORS,
      animation: false,
      textStyle: { fontFamily: "Segoe UI, Roboto, Noto Sans, Arial, sans-serif" },
      grid: { left: 48, right: 24, top: 40, bottom: 48, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: pct },
    };
  }

  var builders = {
    levels: function (data) {
      var d = data.levels, opt = base();
      opt.legend = { data: ["Tỷ lệ hoàn thành", "Mục tiêu"] };
      opt.xAxis = { type: "category", data: d.labels, axisLabel: { interval: 0 } };
      opt.yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
      opt.series = [
        { name: "Tỷ lệ hoàn thành", type: "bar", data: d.rates, label: { show: true, position: "insideTop", color: "#fff", formatter: function (p) { return pct(p.value, 2); } } },
        { name: "Mục tiêu", type: "scatter", symbol: "rect", symbolSize: [48, 4], data: d.targets, color: "#a4161a" },
      ];
      return opt;
    },
    trend: function (data) {
      var d = data.trend, opt = base();
      opt.legend = { data: d.series.map(function (s) { return s.name; }) };
      opt.xAxis = { type: "category", data: d.labels };
      opt.yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
      opt.series = d.series.map(function (s, i) {
        var serie = { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 7 };
        if (i === 0 && d.milestones.length) {
          serie.markLine = {
            symbol: "none", lineStyle: { type: "dashed", color: "#a4161a" },
            label: { position: "insideStartTop", formatter: function (p) { return p.name + ": " + pct(p.value); } },
            data: d.milestones.map(function (m) { return { name: m.label, yAxis: m.value }; }),
          };
        }
        return serie;
      });
      return opt;
    },
    histogram: function (data) {
      var d = data.histogram, opt = base();
      opt.tooltip = { trigger: "axis" };
      opt.xAxis = { type: "category", data: d.labels, name: "Số tiêu chí đạt" };
      opt.yAxis = { type: "value", minInterval: 1, name: "Số đơn vị" };
      opt.series = [{ type: "bar", data: d.counts, label: { show: true, position: "top" } }];
      return opt;
    },
    blocking: function (data, el) {
      var d = data[el.getAttribute("data-level")], opt = base();
      if (!d) return null;
      opt.tooltip = { trigger: "axis" };
      opt.legend = { data: ["Chưa đạt", "Đã báo cáo, áp dụng"] };
      opt.xAxis = { type: "category", data: d.labels, name: "Tiêu chí" };
      opt.yAxis = { type: "value", minInterval: 1, name: "Số đơn vị" };
      opt.series = [
        { name: "Chưa đạt", type: "bar", data: d.failing, color: "#a4161a", label: { show: true, position: "top" } },
        { name: "Đã báo cáo, áp dụng", type: "bar", data: d.assessed, color: "#9aa6b5" },
      ];
      return opt;
    },
    forecast: function (data, el) {
      var d = data[Number(el.getAttribute("data-index"))], opt = base();
      if (!d) return null;
      var labels = [];
      d.actual.concat(d.line).forEach(function (p) { if (labels.indexOf(p[0]) < 0) labels.push(p[0]); });
      function align(points) {
        var map = {};
        points.forEach(function (p) { map[p[0]] = p[1]; });
        return labels.map(function (l) { return l in map ? map[l] : null; });
      }
      opt.legend = { data: ["Thực tế", "Xu hướng tuyến tính"] };
      opt.xAxis = { type: "category", data: labels };
      opt.yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
      opt.series = [
        { name: "Thực tế", type: "line", data: align(d.actual), symbolSize: 8,
          markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#a4161a" },
                      label: { position: "insideStartTop", formatter: "Mục tiêu " + pct(d.target) + " (" + d.target_date + ")" },
                      data: [{ yAxis: d.target }] } },
        { name: "Xu hướng tuyến tính", type: "line", data: align(d.line), connectNulls: true,
          lineStyle: { type: "dashed" }, symbol: "emptyCircle" },
      ];
      return opt;
    },
  };

  function draw() {
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      var data = readData(el);
      var option = build && data ? build(data, el) : null;
      if (!option) { el.setAttribute("data-empty", ""); return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      el.setAttribute("data-drawn", "");
      window.addEventListener("resize", function () { chart.resize(); });
      window.addEventListener("beforeprint", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
