"""What a lake holds after a run, and the accounting check (docs/data_model.md, Accounting).

    records in = unique valid on-time events (Σ sessions.event_count) + duplicates + DLQ rows
                 + late first arrivals
    raw rows + DLQ rows = records in

Every figure is counted from the zones, independently of the job. raw/ keeps every valid record
as received, with its arrival, so duplicates = raw rows − distinct event_ids in raw. The dedup
forgets an event_id once the watermark has passed its event time plus a grace period: a copy that
arrives after that is judged late and lands in late/ as well. Such a row is a duplicate already
counted once: it is a *late redelivery* when raw holds its event_id with an earlier arrival than
the late row's ``received_at`` (a tie counts as the first arrival). late/ rows less late
redeliveries are the late first arrivals, the only late rows the check adds.

The summary also says how many raw records came from devices whose clock was off by more than a
minute (the record's optional ``sent_at`` against its arrival), and how many of those events are
in late/: a device clock moves neither the watermark nor lateness, which go by event time.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from streamwatch.analyses.lake import Lake, epoch_millis

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SKEWED_CLOCK_MS = 60_000  # a device clock further than this from the arrival counts as off


class LakeSummaryError(ValueError):
    """The lake holds something the accounting cannot count; the message says what."""


@dataclass(frozen=True)
class LakeSummary:
    records_in: int
    raw_rows: int
    distinct_events: int  # distinct event_ids in raw/
    dlq_rows: int
    late_rows: int
    late_redeliveries: int  # late rows of an event_id raw/ received earlier: duplicates the dedup had let go
    ontime_events: int
    sessions: int
    title_windows: int
    watch_time_ms: int
    skewed_clock_records: int = 0  # raw rows whose sent_at is more than a minute from their arrival
    skewed_clock_late: int = 0  # of their event_ids, those in late/
    top_titles: list[tuple[str, int]] = field(default_factory=list)
    dlq_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        """Every copy of an event_id after its first, whether the dedup dropped it or late/ took it."""
        return self.raw_rows - self.distinct_events

    @property
    def late_first_arrivals(self) -> int:
        return self.late_rows - self.late_redeliveries

    @property
    def accounted(self) -> int:
        return self.ontime_events + self.duplicates + self.dlq_rows + self.late_first_arrivals

    @property
    def adds_up(self) -> bool:
        return self.records_in == self.accounted and self.raw_rows + self.dlq_rows == self.records_in


@dataclass(frozen=True)
class _RawCounts:
    rows: int
    first_arrival: dict[str, int | None]  # event_id -> earliest arrival (epoch ms)
    skewed_ids: set[str]
    skewed_records: int


def summarize(lake: Lake, records_in: int, top: int = 5) -> LakeSummary:
    """Count every zone of ``lake`` for a run that received ``records_in`` records."""
    raw = _raw_counts(lake)
    late_ids, late_redeliveries = _late_counts(lake, raw.first_arrival)
    sessions = lake.rows("processed/sessions")
    windows = lake.rows("processed/title_watch_5m")
    by_title: Counter[str] = Counter()
    for row in windows:
        by_title[row["title_id"]] += row["watch_time_ms"]
    dlq = lake.table("dlq", columns=["reason"])
    reasons = Counter() if dlq is None else Counter(
        (reason or "").split(":")[0] for reason in dlq.column("reason").to_pylist())
    return LakeSummary(
        records_in=records_in,
        raw_rows=raw.rows,
        distinct_events=len(raw.first_arrival),
        dlq_rows=sum(reasons.values()),
        late_rows=len(late_ids),
        late_redeliveries=late_redeliveries,
        ontime_events=sum(row["event_count"] for row in sessions),
        sessions=len(sessions),
        title_windows=len(windows),
        watch_time_ms=sum(row["watch_time_ms"] for row in sessions),
        skewed_clock_records=raw.skewed_records,
        skewed_clock_late=len(raw.skewed_ids & set(late_ids)),
        top_titles=sorted(by_title.items(), key=lambda item: (-item[1], item[0]))[:top],
        dlq_reasons=reasons.most_common(),
    )


def _raw_counts(lake: Lake) -> _RawCounts:
    """One pass over raw/'s record and arrival columns."""
    table = lake.table("raw", columns=["record", "arrival"])
    if table is None:
        return _RawCounts(0, {}, set(), 0)
    first_arrival: dict[str, int | None] = {}
    skewed_ids: set[str] = set()
    skewed = 0
    for record, arrival in zip(table.column("record").to_pylist(), epoch_millis(table.column("arrival"))):
        event = _event(record)
        event_id = event["event_id"]
        known = first_arrival.get(event_id)
        if event_id not in first_arrival or (arrival is not None and (known is None or arrival < known)):
            first_arrival[event_id] = arrival
        sent = _instant_millis(event.get("sent_at"))
        if sent is not None and arrival is not None and abs(sent - arrival) > SKEWED_CLOCK_MS:
            skewed += 1
            skewed_ids.add(event_id)
    return _RawCounts(table.num_rows, first_arrival, skewed_ids, skewed)


def _late_counts(lake: Lake, first_arrival: dict[str, int | None]) -> tuple[list[str], int]:
    """(event_id of every late row, late rows that are redeliveries of an earlier raw arrival)."""
    table = lake.table("late", columns=["event_id", "received_at"])
    if table is None:
        return [], 0
    ids = table.column("event_id").to_pylist()
    redeliveries = 0
    for event_id, received in zip(ids, epoch_millis(table.column("received_at"))):
        first = first_arrival.get(event_id)
        if first is not None and received is not None and first < received:
            redeliveries += 1
    return ids, redeliveries


def _event(record: str | None) -> dict:
    try:
        event = json.loads(record) if record is not None else None
    except ValueError:
        event = None
    if not isinstance(event, dict) or not isinstance(event.get("event_id"), str):
        raise LakeSummaryError(f"raw/ holds a record that is not a JSON object with an event_id: {str(record)[:120]!r}")
    return event


def _instant_millis(text: object) -> int | None:
    """An ISO-8601 instant with ``Z`` or an offset as epoch milliseconds; None when absent or not
    such an instant (a time without a zone says nothing about the device's clock)."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - _EPOCH) // timedelta(milliseconds=1)


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
        ("    of them after the dedup had let their event_id go (in late/)", summary.late_redeliveries),
        ("  late first arrivals (late zone)", summary.late_first_arrivals),
        ("late zone rows (late first arrivals + late redeliveries)", summary.late_rows),
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
    for line in explanations(summary):
        console.print(line)
    render_check(summary, console)


def explanations(summary: LakeSummary) -> list[str]:
    """Sentences for what the table alone does not say: late redeliveries and skewed clocks."""
    lines = []
    if summary.late_redeliveries:
        lines.append(f"{summary.late_redeliveries:,} of the {summary.duplicates:,} duplicates arrived after the dedup "
                     "had let their event_id go: they are in late/ (and counted once, as duplicates)")
    if summary.skewed_clock_records:
        where = ("none of them is in late/: they were on time, since lateness goes by event time"
                 if not summary.skewed_clock_late else f"{summary.skewed_clock_late:,} of their events are in late/")
        lines.append(f"{summary.skewed_clock_records:,} records came from devices with a clock off by more than a "
                     f"minute (sent_at against arrival); {where}")
    return lines


def render_check(summary: LakeSummary, console) -> None:
    """The accounting line of docs/data_model.md."""
    verdict = "[green]adds up[/green]" if summary.adds_up else "[red]DOES NOT ADD UP[/red]"
    console.print(
        f"check: {summary.records_in:,} in = {summary.ontime_events:,} on-time + {summary.duplicates:,} duplicates"
        f" + {summary.dlq_rows:,} DLQ + {summary.late_first_arrivals:,} late first arrivals"
        f" ({summary.late_rows:,} late rows - {summary.late_redeliveries:,} late redeliveries)"
        f" = {summary.accounted:,}; raw {summary.raw_rows:,} + DLQ {summary.dlq_rows:,}"
        f" = {summary.raw_rows + summary.dlq_rows:,} -> {verdict}"
    )
