"""The report page: one HTML file. Styles, the Vega/Vega-Lite/Vega-Embed bundle of vl-convert and the
charts' specifications are all inline, so the page opens offline and loads nothing from elsewhere.
A small script embeds each chart as SVG (tooltips on hover) and marks the page for the
headless-browser check: ``data-charts`` (how many), ``data-charts-drawn`` (drawn with marks) and,
per chart, ``data-tooltip`` (the text its first mark's tooltip showed)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import jinja2

from streamwatch.analyses.report import charts
from streamwatch.analyses.report.data import ReportData

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
            box-shadow: 0 1px 2px #0002; overflow-x: auto; }
  section h2 { font-size: 17px; margin: 4px 0 8px; }
  .empty { color: #a0aec0; font-size: 16px; text-align: center; padding: 40px 0; }
  .note { color: #4a5568; font-size: 13px; margin: 6px 0 0; }
  .flag { color: #c53030; font-weight: 600; }
  footer { color: #718096; font-size: 12px; }
</style>
<script>
{{ bundle | safe }}
</script>
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
    {% if chart.spec is not none %}<div class="chart" id="chart-{{ chart.id }}"></div>{% else %}<p class="empty">no data</p>{% endif %}
    {% for line in chart.notes %}<p class="note{% if line.startswith('OUTAGE') %} flag{% endif %}">{{ line }}</p>{% endfor %}
  </section>
  {% endfor %}
  <footer>Lake: {{ lake }} · generated {{ generated }} · numbers from the Athena queries in sql/athena/queries,
    run locally{% if data.play_starts %}, and processed/play_starts_1m{% endif %}. Charts: Vega-Altair, Vega-Lite {{ vegalite }}.</footer>
</main>
<script>
  // Embeds every chart, then marks the page for the headless-browser check.
  (function () {
    var specs = {{ specs | tojson }};
    var ids = Object.keys(specs);
    document.body.setAttribute("data-charts", String(ids.length));
    function tooltipOf(container) {
      var mark = container.querySelector("g.role-mark path");
      if (!mark) { return ""; }
      var box = mark.getBoundingClientRect();
      ["pointermove", "mousemove"].forEach(function (type) {
        mark.dispatchEvent(new MouseEvent(type, {bubbles: true, clientX: box.x + box.width / 2,
                                                 clientY: box.y + box.height / 2}));
      });
      var tip = document.getElementById("vg-tooltip-element");
      var text = tip && tip.classList.contains("visible") ? tip.textContent : "";
      if (tip) { tip.classList.remove("visible"); }  // the probe leaves no tooltip open
      return text;
    }
    Promise.all(ids.map(function (id) {
      return vegaEmbed("#" + id, specs[id], {renderer: "svg", actions: false}).then(function () {
        var container = document.getElementById(id);
        var svg = container.querySelector("svg");
        var drawn = Boolean(svg) && svg.getBBox().width > 0 && container.querySelectorAll("g.role-mark path").length > 0;
        container.setAttribute("data-drawn", drawn ? "yes" : "no");
        container.setAttribute("data-tooltip", tooltipOf(container));
        return drawn;
      }, function (error) { console.error("chart " + id + ": " + error); return false; });
    })).then(function (drawn) {
      document.body.setAttribute("data-charts-drawn", String(drawn.filter(Boolean).length));
    });
  })();
</script>
</body>
</html>
"""


@functools.lru_cache(maxsize=1)
def vega_bundle() -> tuple[str, str]:
    """(Vega-Lite version, the JavaScript bundle of Vega-Embed, Vega-Lite and Vega from vl-convert) for
    the Vega-Lite version Altair writes its specifications for."""
    import altair as alt
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    bundle = vl_convert.javascript_bundle(vl_version=f"v{version.replace('.', '_')}")
    if "</script" in bundle.lower():  # would end the inline script early
        raise RuntimeError("the vl-convert bundle contains '</script': it cannot be inlined")
    return version, bundle


def chart_list(data: ReportData) -> list[dict]:
    """Each section of the page: id, title, Vega-Lite spec (None: no data) and notes under it."""
    sections = []
    if data.play_starts is not None:
        from streamwatch.analyses.play_starts.terminal import summary_line

        assessment = data.play_starts
        sections.append({
            "id": "play-starts", "title": "Play starts per minute (UTC), against the trailing hour",
            "spec": charts.play_starts_chart(assessment),
            "notes": [summary_line(assessment),
                      f"Band: from the lower edge up to the baseline. Rule: {assessment.rule.describe()}."],
        })
    sections += [
        {"id": "watch-time-per-hour", "title": "Watch time per hour (UTC)",
         "spec": charts.column_chart(data.hourly_watch_hours.labels, data.hourly_watch_hours.values, "hours watched",
                                     axis_title="hour (UTC)"), "notes": []},
        {"id": "top-titles", "title": "Top titles by watch time",
         "spec": charts.bar_chart(data.top_titles.labels, data.top_titles.values, "hours watched",
                                  axis_title="title"), "notes": []},
        {"id": "device-split", "title": "Watch time by device type",
         "spec": charts.donut_chart(data.device_watch_hours.labels, data.device_watch_hours.values, "hours watched",
                                    axis_title="device type"), "notes": []},
        {"id": "session-lengths", "title": "Session length distribution",
         "spec": charts.column_chart(data.session_lengths.labels, data.session_lengths.values, "sessions",
                                     axis_title="session length", height=220), "notes": []},
    ]
    return sections


def render(data: ReportData, lake: Path) -> str:
    sections = chart_list(data)
    version, bundle = vega_bundle()
    period = f"{data.days[0]} to {data.days[-1]}" if data.days else "no data yet"
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.policies["json.dumps_kwargs"] = {"sort_keys": False}  # the charts in page order
    return environment.from_string(_TEMPLATE).render(
        data=data,
        charts=sections,
        specs={f"chart-{s['id']}": s["spec"] for s in sections if s["spec"] is not None},
        bundle=bundle,
        vegalite=version,
        period=period,
        lake=str(Path(lake).resolve()),
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
