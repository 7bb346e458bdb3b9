"""The few calls of Flink's REST API the local runner uses (progress, busy time, checkpoints).

The local mini-cluster serves it on 127.0.0.1 while a job runs; see
https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/ops/rest_api/ for the schema.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


class FlinkRestError(RuntimeError):
    """The REST endpoint did not answer (the mini-cluster is starting or already gone)."""


@dataclass(frozen=True)
class Vertex:
    """A job vertex (a chain of operators) with its accumulated metrics."""

    id: str
    name: str
    status: str
    parallelism: int
    metrics: dict[str, Any]

    @property
    def is_source(self) -> bool:
        return self.name.startswith("Source:")


class FlinkRest:
    def __init__(self, base_url: str, timeout_s: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def _call(self, path: str, method: str = "GET", body: dict | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return json.loads(response.read() or b"null")
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise FlinkRestError(f"{method} {path}: {error}") from None

    def vertices(self, job_id: str) -> list[Vertex]:
        job = self._call(f"/jobs/{job_id}")
        return [Vertex(id=v["id"], name=v["name"], status=v["status"], parallelism=v["parallelism"],
                       metrics=v.get("metrics", {})) for v in job.get("vertices", [])]

    def subtask_metrics(self, job_id: str, vertex_id: str, names: list[str]) -> dict[str, float]:
        """Aggregated (sum over subtasks, min and max) values of the named subtask metrics."""
        if not names:
            return {}
        query = urllib.parse.quote(",".join(names), safe=",")
        rows = self._call(f"/jobs/{job_id}/vertices/{vertex_id}/subtasks/metrics?get={query}&agg=sum,min,max")
        return {row["id"]: row for row in rows or []}

    def metric_names(self, job_id: str, vertex_id: str) -> list[str]:
        rows = self._call(f"/jobs/{job_id}/vertices/{vertex_id}/subtasks/metrics")
        return [row["id"] for row in rows or []]

    def input_watermarks(self, job_id: str, vertex_id: str) -> list[int]:
        rows = self._call(f"/jobs/{job_id}/vertices/{vertex_id}/watermarks")
        return [int(row["value"]) for row in rows or [] if row["id"].endswith("currentInputWatermark")]

    def checkpoints_in_progress(self, job_id: str) -> int:
        return int(self._call(f"/jobs/{job_id}/checkpoints").get("counts", {}).get("in_progress", 0))

    def trigger_checkpoint(self, job_id: str) -> None:
        self._call(f"/jobs/{job_id}/checkpoints", method="POST", body={})
