"""The report's charts as Vega-Lite specifications built with Vega-Altair: columns, horizontal bars,
a donut and play starts per minute with their baseline band. Every mark has a tooltip. Each
function returns the specification as a dict (``page`` embeds it with the vl-convert bundle), or
None for an empty series, which the page shows as "no data".
"""

from __future__ import annotations

import datetime as dt

import altair as alt

from streamwatch.analyses.play_starts.assess import TOTAL, Assessment

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#d53f8c", "#805ad5", "#319795", "#d69e2e", "#718096")
WIDTH = 820
FLAG_COLOUR = "#c53030"
_UTC_MINUTE = "utcyearmonthdatehoursminutes"  # a time unit in UTC: axis and tooltips show UTC, not the viewer's zone


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=12).to_dict()
    spec.pop("$schema", None)  # a URL the page never loads; the bundle carries the Vega-Lite it was built for
    return spec


def column_chart(labels: list[str], values: list[float], unit: str, *, axis_title: str, height: int = 260) -> dict | None:
    """Vertical bars in the given order; the x labels thin out when they would overlap."""
    if not labels:
        return None
    data = alt.Data(values=[{"label": label, "value": value} for label, value in zip(labels, values)])
    chart = alt.Chart(data).mark_bar(color=PALETTE[0]).encode(
        x=alt.X("label:N", sort=list(labels), title=axis_title,
                axis=alt.Axis(labelAngle=-40, labelOverlap=True)),
        y=alt.Y("value:Q", title=unit),
        tooltip=[alt.Tooltip("label:N", title=axis_title), alt.Tooltip("value:Q", title=unit, format=",.2~f")],
    ).properties(width=WIDTH, height=height)
    return _spec(chart)


def bar_chart(labels: list[str], values: list[float], unit: str, *, axis_title: str) -> dict | None:
    """Horizontal bars, largest first, the value written at the end of each."""
    if not labels:
        return None
    data = alt.Data(values=[{"label": label, "value": value} for label, value in zip(labels, values)])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),  # as given: largest first
        x=alt.X("value:Q", title=unit),
        tooltip=[alt.Tooltip("label:N", title=axis_title), alt.Tooltip("value:Q", title=unit, format=",.2~f")],
    )
    bars = base.mark_bar().encode(color=alt.Color("label:N", legend=None, scale=alt.Scale(range=list(PALETTE))))
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("value:Q", format=",.1f"))
    return _spec((bars + text).properties(width=WIDTH - 300, height=alt.Step(24)))


def donut_chart(labels: list[str], values: list[float], unit: str, *, axis_title: str) -> dict | None:
    """Shares of a whole as a ring, with a legend."""
    total = sum(values)
    if not labels or total <= 0:
        return None
    data = alt.Data(values=[{"label": label, "value": value, "share": value / total}
                            for label, value in zip(labels, values)])
    chart = alt.Chart(data).mark_arc(innerRadius=60, outerRadius=110).encode(
        theta=alt.Theta("value:Q", stack=True),
        color=alt.Color("label:N", title=axis_title, sort=list(labels), scale=alt.Scale(range=list(PALETTE))),
        order=alt.Order("value:Q", sort="descending"),
        tooltip=[alt.Tooltip("label:N", title=axis_title), alt.Tooltip("value:Q", title=unit, format=",.1f"),
                 alt.Tooltip("share:Q", title="share", format=".1%")],
    ).properties(width=240, height=240)
    return _spec(chart)


def play_starts_chart(assessment: Assessment) -> dict | None:
    """The total per minute, the band from the lower edge up to the baseline (the median of the
    trailing hour), its flagged minutes as red points, and every country's flag as a shaded span."""
    starts = assessment.play_starts
    if not len(starts):
        return None
    minutes = []
    for index, judged in enumerate(assessment.total):
        minutes.append({
            "minute": _iso(starts.minute(index)), "play_starts": judged.count, "baseline": judged.baseline,
            "lower": None if judged.lower is None else max(judged.lower, 0.0),
            "verdict": "flagged" if judged.flagged else ("below" if judged.below else
                                                         ("ok" if judged.baseline is not None else "no baseline yet")),
        })
    data = alt.Data(values=minutes)
    x = alt.X(f"{_UTC_MINUTE}(minute):T", title="minute (UTC)", axis=alt.Axis(format="%H:%M", labelOverlap=True))
    when = alt.Tooltip(f"{_UTC_MINUTE}(minute):T", title="minute (UTC)", format="%Y-%m-%d %H:%M")
    tooltip = [when, alt.Tooltip("play_starts:Q", title="play starts", format=","),
               alt.Tooltip("baseline:Q", title="baseline", format=",.1f"),
               alt.Tooltip("lower:Q", title="lower edge", format=",.1f"), alt.Tooltip("verdict:N")]
    base = alt.Chart(data).encode(x=x)
    band = base.mark_area(color="#9ae6b4", opacity=0.45).encode(y=alt.Y("lower:Q", title="play starts per minute"),
                                                                y2="baseline:Q", tooltip=tooltip)
    line = base.mark_line(color=PALETTE[0], strokeWidth=1.2).encode(y="play_starts:Q")
    median = base.mark_line(color="#2f855a", strokeDash=[4, 3]).encode(y="baseline:Q")
    points = base.mark_point(size=18, filled=True, opacity=0.0).encode(y="play_starts:Q", tooltip=tooltip)
    flagged = alt.Chart(data).transform_filter(alt.datum.verdict == "flagged").mark_point(
        color=FLAG_COLOUR, size=40, filled=True).encode(x=x, y="play_starts:Q", tooltip=tooltip)
    layers = [band, line, median, points, flagged]
    spans = [{"series": "total" if f.series == TOTAL else f.series, "first": _iso(f.first),
              "after": _iso(f.last + dt.timedelta(minutes=1)), "minutes": f.minutes, "count": f.count,
              "baseline": f.baseline} for f in assessment.flags]
    if spans:
        layers.insert(0, alt.Chart(alt.Data(values=spans)).mark_rect(color=FLAG_COLOUR, opacity=0.12).encode(
            x=alt.X(f"{_UTC_MINUTE}(first):T"), x2=alt.X2(f"{_UTC_MINUTE}(after):T"),
            tooltip=[alt.Tooltip("series:N", title="flagged"),
                     alt.Tooltip(f"{_UTC_MINUTE}(first):T", title="from (UTC)", format="%Y-%m-%d %H:%M"),
                     alt.Tooltip("minutes:Q", title="minutes"),
                     alt.Tooltip("count:Q", title="play starts when raised", format=","),
                     alt.Tooltip("baseline:Q", title="its baseline", format=",.0f")]))
    return _spec(alt.layer(*layers).properties(width=WIDTH, height=280))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:00Z")
