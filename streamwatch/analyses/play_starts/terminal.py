"""Play starts per minute in the terminal: a chart (plotille), a table and a summary (rich).

``show(console, assessment, ...)`` prints the three; ``summary_line(assessment, ...)`` is the last
line alone. ``print_lake(lake, console)`` is the short form the demo prints at its end.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from streamwatch.analyses.play_starts.assess import TOTAL, Assessment, Flag

CHART_HEIGHT = 14
_NICE_STEPS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def show(console: Console, assessment: Assessment, *, start: int = 0, end: int | None = None,
         rows: int = 30, by_country: bool = False, title: str = "Play starts per minute") -> None:
    """Chart, table (the last ``rows`` minutes of the range; 0 = all) and summary of the minutes
    ``start``..``end`` (indexes into the series, ``end`` exclusive)."""
    starts = assessment.play_starts
    end = len(starts) if end is None else end
    first, last = starts.minute(start), starts.minute(end - 1)
    console.print(Text(f"{title}, {_stamp(first)} to {_stamp(last)} UTC ({end - start:,} minutes)", style="bold"),
                  soft_wrap=True)
    console.print(Text.from_ansi(chart(assessment, start, end, width=max(40, console.width - 16))))
    console.print(table(assessment, start, end, rows=rows, by_country=by_country))
    if rows and end - start > rows:
        console.print(f"(the last {rows} of {end - start:,} minutes; --rows 0 shows them all, --format csv "
                      "gives every series)")
    if by_country:
        console.print(country_table(assessment, start, end))
    console.print(Text(f"Rule: {assessment.rule.describe()}.", style="dim"), soft_wrap=True)
    stop = last + dt.timedelta(minutes=1)
    console.print(Text(summary_line(assessment, first, stop),
                       style="bold red" if assessment.flags_between(first, stop) else "bold green"), soft_wrap=True)


def chart(assessment: Assessment, start: int, end: int, *, width: int = 80, height: int = CHART_HEIGHT) -> str:
    """The total per minute, its baseline and lower edge, and its flagged minutes (red x)."""
    import plotille

    starts = assessment.play_starts
    minutes = [starts.minute(i) for i in range(start, end)]
    counts = starts.total[start:end]
    judged = assessment.total[start:end]
    figure = plotille.Figure()
    figure.width, figure.height = width, height
    figure.color_mode = "names"
    figure.x_label, figure.y_label = "UTC", "play starts"
    peak = max([*counts, *(j.baseline or 0 for j in judged)], default=0)
    figure.set_x_limits(min_=minutes[0], max_=minutes[-1] + dt.timedelta(minutes=1) if len(minutes) == 1 else minutes[-1])
    figure.set_y_limits(min_=0, max_=_nice_top(peak, height))
    figure.plot(minutes, counts, lc="cyan", label="play starts (total)")
    judged_minutes = [(m, j) for m, j in zip(minutes, judged) if j.baseline is not None]
    if judged_minutes:
        xs = [m for m, _ in judged_minutes]
        figure.plot(xs, [j.baseline for _, j in judged_minutes], lc="green", label="baseline (median, last hour)")
        figure.plot(xs, [max(j.lower, 0.0) for _, j in judged_minutes], lc="yellow", label="lower edge")
    flagged = [(m, j.count) for m, j in zip(minutes, judged) if j.flagged]
    if flagged:
        figure.scatter([m for m, _ in flagged], [c for _, c in flagged], lc="red", marker="x", label="flagged")
    return figure.show(legend=True)


def table(assessment: Assessment, start: int, end: int, *, rows: int = 30, by_country: bool = False) -> Table:
    """One row per minute (the last ``rows`` of the range; 0 = all): the total against its baseline,
    and with ``by_country`` the countries below their own baseline that minute (⚑ = flagged)."""
    starts = assessment.play_starts
    shown = range(max(start, end - rows), end) if rows else range(start, end)
    result = Table(header_style="bold")
    for name in ("minute (UTC)", "play starts", "baseline", "lower edge", "verdict"):
        result.add_column(name, justify="left" if name in ("minute (UTC)", "verdict") else "right", no_wrap=True)
    if by_country:
        result.add_column("countries below (⚑ flagged)")
    for index in shown:
        judged = assessment.total[index]
        cells = [starts.minute(index).strftime("%m-%d %H:%M"), f"{judged.count:,}", _number(judged.baseline),
                 _number(judged.lower), _verdict(judged)]
        if by_country:
            cells.append(" ".join(f"{country}{'⚑' if verdicts[index].flagged else ''}"
                                  for country, verdicts in assessment.by_country.items()
                                  if verdicts[index].below or verdicts[index].flagged))
        result.add_row(*cells, style="red" if judged.flagged else None)
    return result


def country_table(assessment: Assessment, start: int, end: int) -> Table:
    """Per country over the range, most play starts first: play starts, the last minute against its
    baseline, minutes below and flagged."""
    result = Table(header_style="bold")
    for name in ("country", "play starts", "last minute", "its baseline", "minutes below", "minutes flagged"):
        result.add_column(name, justify="left" if name == "country" else "right")
    ranked = sorted(assessment.by_country.items(), key=lambda item: (-sum(v.count for v in item[1][start:end]), item[0]))
    for country, verdicts in ranked:
        part = verdicts[start:end]
        last = part[-1]
        flagged = sum(v.flagged for v in part)
        result.add_row(country, f"{sum(v.count for v in part):,}", f"{last.count:,}", _number(last.baseline),
                       f"{sum(v.below for v in part):,}", f"{flagged:,}", style="red" if flagged else None)
    return result


def summary_line(assessment: Assessment, start: dt.datetime | None = None, end: dt.datetime | None = None) -> str:
    """``OUTAGE FLAG: ...`` naming every flag with a minute in [start, end), or ``no outage flag: ...``."""
    flags = assessment.flags_between(start, end)
    series = 1 + len(assessment.by_country)
    if not flags:
        return (f"no outage flag: play starts stayed within the baseline for the total and each of the "
                f"{series - 1} countries")
    return "OUTAGE FLAG: " + "; ".join(_describe(flag) for flag in flags)


def print_lake(lake: Path, console: Console | None = None, *, rows: int = 10) -> bool:
    """The demo's closing view of ``lake``: chart, the last ``rows`` minutes and the summary.
    Returns False (and says so) when the lake has no play_starts_1m yet."""
    from streamwatch.analyses.play_starts.assess import assess
    from streamwatch.analyses.play_starts.zone import ZONE, read_play_starts

    console = console if console is not None else Console()
    starts = read_play_starts(Path(lake))
    if starts is None:
        console.print(f"no play starts in {Path(lake) / ZONE} yet (the streaming job writes them)")
        return False
    show(console, assess(starts), rows=rows)
    return True


def _describe(flag: Flag) -> str:
    who = "total" if flag.series == TOTAL else flag.series
    return (f"{who} from {_stamp(flag.first)} to {_stamp(flag.last)} UTC ({flag.minutes} min; raised at "
            f"{flag.count:,} play starts against a baseline of {flag.baseline:,.0f})")


def _verdict(judged) -> str:
    if judged.baseline is None:
        return "no baseline yet"
    if judged.flagged:
        return "FLAGGED" + (" (below)" if judged.below else "")
    return "below" if judged.below else "ok"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _nice_top(peak: float, rows: int) -> float:
    """The smallest ``rows × step`` above ``peak`` whose step is a whole number among 1, 1.5, 2, 2.5,
    3, 4, 5, 6 or 8 × 10^k, so that every row of the chart is labelled with a round number."""
    if peak <= 0:
        return float(rows)
    raw = peak / rows
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in _NICE_STEPS if m * magnitude >= raw and float(m * magnitude).is_integer())
    return step * rows
