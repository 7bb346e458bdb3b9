"""What a running job has done so far, read from its REST endpoint: records read, records/s, the
event-time watermark and, on Kinesis, how far behind the stream's head the slowest shard is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from streamwatch.local.flink_rest import FlinkRest, FlinkRestError

NO_WATERMARK = -(2**63)


@dataclass(frozen=True)
class JobProgress:
    records_read: int
    records_per_second: float
    watermark_ms: int | None  # None before the first watermark
    millis_behind_latest: int | None  # Kinesis only; None when unknown

    def watermark_text(self) -> str:
        if self.watermark_ms is None:
            return "—"
        return datetime.fromtimestamp(self.watermark_ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")

    def lag_text(self) -> str:
        if self.millis_behind_latest is None:
            return "—"
        return f"{self.millis_behind_latest / 1000:,.1f} s"


class JobMonitor:
    """Polls one job; ``poll()`` returns None while the endpoint does not answer."""

    def __init__(self, rest: FlinkRest, job_id: str) -> None:
        self.rest = rest
        self.job_id = job_id
        self.vertices: list = []  # the last seen job vertices, with their accumulated busy time
        self._source_metrics: dict[str, list[str]] = {}
        self._last: tuple[float, int] | None = None
        self._rate = 0.0

    def poll(self) -> JobProgress | None:
        try:
            vertices = self.rest.vertices(self.job_id)
            self.vertices = vertices
            sources = [v for v in vertices if v.is_source]
            records = 0
            behind: list[float] = []
            for source in sources:
                read_metric, lag_metrics = self._metrics_of(source.id)
                values = self.rest.subtask_metrics(self.job_id, source.id, ([read_metric] if read_metric else []) + lag_metrics)
                if read_metric in values:
                    records += int(values[read_metric].get("sum", 0))
                behind += [values[name]["max"] for name in lag_metrics if name in values]
            watermarks = []
            for vertex in vertices:
                if vertex.is_source:
                    continue
                known = [w for w in self.rest.input_watermarks(self.job_id, vertex.id) if w > NO_WATERMARK]
                if known:
                    watermarks.append(min(known))
        except FlinkRestError:
            return None
        now = time.monotonic()
        if self._last is not None and now > self._last[0]:
            instant = (records - self._last[1]) / (now - self._last[0])
            self._rate = instant if self._rate == 0 else 0.5 * self._rate + 0.5 * instant
        self._last = (now, records)
        # Downstream watermarks trail upstream ones: the newest is the one right after the source.
        watermark = max(watermarks) if watermarks else None
        if watermark is not None and watermark >= 2**63 - 1:
            watermark = None  # the end of event time: the input is exhausted
        return JobProgress(records_read=records, records_per_second=max(self._rate, 0.0), watermark_ms=watermark,
                           millis_behind_latest=int(max(behind)) if behind else None)

    def _metrics_of(self, vertex_id: str) -> tuple[str | None, list[str]]:
        """The source operator's numRecordsOut and the Kinesis shards' millisBehindLatest gauges."""
        names = self._source_metrics.get(vertex_id, [])
        read = next((n for n in names if n.startswith("Source__") and n.endswith(".numRecordsOut")), None)
        lag = [n for n in names if n.endswith("millisBehindLatest")]
        if read is None or not lag:  # gauges appear as the shards are registered: look again
            self._source_metrics[vertex_id] = names = self.rest.metric_names(self.job_id, vertex_id)
            read = next((n for n in names if n.startswith("Source__") and n.endswith(".numRecordsOut")), None)
            lag = [n for n in names if n.endswith("millisBehindLatest")]
        return read, lag
