"""What a lake holds after a run, and the accounting check of DESIGN §5.

records in = unique valid on-time events (Σ sessions.event_count) + duplicates + DLQ rows + late rows

Every figure is counted from the zones independently of the job: the raw zone keeps every valid
record as received, so duplicates = raw rows − distinct event_ids in raw.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from streamwatch.lake import Lake


@dataclass(frozen=True)
class LakeSummary:
    records_in: int
    raw_rows: int
    duplicates: int
    dlq_rows: int
    late_rows: int
    ontime_events: int
    sessions: int
    title_windows: int
    watch_time_ms: int
    top_titles: list[tuple[str, int]] = field(default_factory=list)
    dlq_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def accounted(self) -> int:
        return self.ontime_events + self.duplicates + self.dlq_rows + self.late_rows

    @property
    def adds_up(self) -> bool:
        return self.records_in == self.accounted and self.raw_rows + self.dlq_rows == self.records_in


def summarize(lake: Lake, records_in: int, top: int = 5) -> LakeSummary:
    """Count every zone of ``lake`` for a run that received ``records_in`` records."""
    event_ids = Counter(row["event_id"] for row in lake.json_lines("raw"))
    raw_rows = sum(event_ids.values())
    sessions = lake.rows("processed/sessions")
    windows = lake.rows("processed/title_watch_5m")
    by_title: Counter[str] = Counter()
    for row in windows:
        by_title[row["title_id"]] += row["watch_time_ms"]
    reasons = Counter(row["reason"].split(":")[0] for row in lake.json_lines("dlq"))
    return LakeSummary(
        records_in=records_in,
        raw_rows=raw_rows,
        duplicates=raw_rows - len(event_ids),
        dlq_rows=sum(reasons.values()),
        late_rows=lake.count_lines("late"),
        ontime_events=sum(row["event_count"] for row in sessions),
        sessions=len(sessions),
        title_windows=len(windows),
        watch_time_ms=sum(row["watch_time_ms"] for row in sessions),
        top_titles=sorted(by_title.items(), key=lambda item: (-item[1], item[0]))[:top],
        dlq_reasons=reasons.most_common(),
    )


def render(summary: LakeSummary, console) -> None:
    """Print the summary as rich tables on ``console``."""
    from rich.table import Table

    counts = Table(title="Records", show_header=True, header_style="bold")
    counts.add_column("what")
    counts.add_column("count", justify="right")
    for label, value in (
        ("records in", summary.records_in),
        ("valid (raw zone)", summary.raw_rows),
        ("  on-time unique events (Σ sessions.event_count)", summary.ontime_events),
        ("  duplicates (redeliveries)", summary.duplicates),
        ("  late (late zone)", summary.late_rows),
        ("rejected (DLQ zone)", summary.dlq_rows),
        ("sessions", summary.sessions),
        ("title 5-minute windows", summary.title_windows),
        ("watch time (hours)", f"{summary.watch_time_ms / 3_600_000:,.1f}"),
    ):
        counts.add_row(label, f"{value:,}" if isinstance(value, int) else value)
    console.print(counts)
    if summary.top_titles:
        titles = Table(title="Top titles by watch time", header_style="bold")
        titles.add_column("title_id")
        titles.add_column("watch hours", justify="right")
        for title_id, watch_ms in summary.top_titles:
            titles.add_row(title_id, f"{watch_ms / 3_600_000:,.2f}")
        console.print(titles)
    if summary.dlq_reasons:
        console.print("DLQ reasons: " + ", ".join(f"{reason} ({n})" for reason, n in summary.dlq_reasons))
    render_check(summary, console)


def render_check(summary: LakeSummary, console) -> None:
    """The accounting line of DESIGN §5."""
    verdict = "[green]adds up[/green]" if summary.adds_up else "[red]DOES NOT ADD UP[/red]"
    console.print(
        f"check: {summary.records_in:,} in = {summary.ontime_events:,} on-time + {summary.duplicates:,} duplicates"
        f" + {summary.dlq_rows:,} DLQ + {summary.late_rows:,} late = {summary.accounted:,} -> {verdict}"
    )
