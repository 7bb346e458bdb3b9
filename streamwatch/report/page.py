"""The report page: one HTML file, styles and the tiny check script inline, charts as SVG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from streamwatch.report import charts
from streamwatch.report.data import ReportData

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>streamwatch report — {{ period }}</title>
<style>
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1a202c;
         background: #f7fafc; }
  header { background: #1a365d; color: #fff; padding: 20px 32px; }
  header h1 { margin: 0 0 4px; font-size: 22px; }
  main { max-width: 960px; margin: 0 auto; padding: 16px 24px 40px; }
  .tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 8px 0 20px; }
  .tile { background: #fff; border-radius: 8px; padding: 12px 16px; box-shadow: 0 1px 2px #0002; }
  .tile b { display: block; font-size: 22px; }
  section { background: #fff; border-radius: 8px; padding: 12px 20px 16px; margin-bottom: 18px;
            box-shadow: 0 1px 2px #0002; }
  section h2 { font-size: 17px; margin: 4px 0 8px; }
  svg text { font: 12px system-ui, sans-serif; fill: #2d3748; }
  svg .grid { stroke: #e2e8f0; } svg .axis { stroke: #718096; }
  svg .total { font-size: 18px; font-weight: 600; } svg .empty { fill: #a0aec0; font-size: 16px; }
  svg .mark:hover { opacity: .8; }
  footer { color: #718096; font-size: 12px; }
</style>
</head>
<body>
<header>
  <h1>streamwatch — viewing report</h1>
  <div>{{ period }} · UTC</div>
</header>
<main>
  <div class="tiles">
    <div class="tile">days<b>{{ data.days | length }}</b></div>
    <div class="tile">peak daily active users<b>{{ "{:,}".format(data.active_users) }}</b></div>
    <div class="tile">sessions<b>{{ "{:,}".format(data.sessions) }}</b></div>
    <div class="tile">hours watched<b>{{ "{:,.1f}".format(data.watch_hours) }}</b></div>
  </div>
  {% for chart in charts %}
  <section id="{{ chart.id }}">
    <h2>{{ chart.title }}</h2>
    {{ chart.svg | safe }}
  </section>
  {% endfor %}
  <footer>Lake: {{ lake }} · generated {{ generated }} · numbers from the Athena queries in sql/athena/queries,
    run locally.</footer>
</main>
<script>
  // Marks the page once its charts are in the DOM, for the headless-browser check.
  (function () {
    var charts = document.querySelectorAll("svg.chart");
    var drawn = 0;
    charts.forEach(function (chart) {
      if (chart.querySelector(".mark") && chart.getBBox().width > 0) { drawn += 1; }
    });
    document.body.setAttribute("data-charts", String(charts.length));
    document.body.setAttribute("data-charts-drawn", String(drawn));
  })();
</script>
</body>
</html>
"""


def render(data: ReportData, lake: Path) -> str:
    chart_list = [
        {"id": "watch-time-per-hour", "title": "Watch time per hour (UTC)",
         "svg": charts.column_chart("Watch hours per hour", data.hourly_watch_hours.labels,
                                    data.hourly_watch_hours.values, "hours")},
        {"id": "top-titles", "title": "Top titles by watch time",
         "svg": charts.bar_chart("Top titles", data.top_titles.labels, data.top_titles.values, "h")},
        {"id": "device-split", "title": "Watch time by device type",
         "svg": charts.donut_chart("Device split", data.device_watch_hours.labels,
                                   data.device_watch_hours.values, "h")},
        {"id": "session-lengths", "title": "Session length distribution",
         "svg": charts.column_chart("Sessions by length", data.session_lengths.labels,
                                    data.session_lengths.values, "sessions", height=260)},
    ]
    period = f"{data.days[0]} to {data.days[-1]}" if data.days else "no data yet"
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(_TEMPLATE).render(
        data=data,
        charts=chart_list,
        period=period,
        lake=str(Path(lake).resolve()),
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
