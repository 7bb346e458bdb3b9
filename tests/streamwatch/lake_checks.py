"""Helpers of the tests that run the job on a local Kinesis: committed-record counting, the
comparable form of the processed tables, and the loopback check of a running job's sockets."""

from __future__ import annotations

import time
from pathlib import Path

import psutil

from streamwatch.analyses.lake import Lake, parquet_rows

SESSION_KEYS = ["user_id", "device_id", "device_type", "country", "session_start", "session_end", "duration_ms",
                "event_count", "play_count", "titles_watched", "watch_time_ms", "dt", "hr"]
WINDOW_KEYS = ["window_start", "window_end", "title_id", "play_starts", "unique_viewers", "watch_time_ms", "dt", "hr"]


def comparable(rows, keys):
    return sorted(({k: row[k] for k in keys} for row in rows), key=lambda r: tuple(str(r[k]) for k in keys))


def committed_records(lake: Path) -> int:
    """Records committed to raw/ + dlq/: every record received lands in exactly one of them (rows of
    their committed Parquet files, from the footers)."""
    store = Lake(lake)
    return sum(parquet_rows(path) for path in store.data_files("raw") + store.data_files("dlq"))


def wait_for_committed(lake: Path, at_least: int, timeout_s: float, alive=lambda: True) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        committed = committed_records(lake)
        if committed >= at_least:
            return committed
        if not alive():
            raise AssertionError(f"the job ended with {committed} of {at_least} records committed")
        if time.monotonic() > deadline:
            raise AssertionError(f"{committed} of {at_least} records committed after {timeout_s:.0f} s")
        time.sleep(0.5)


def listening_sockets(root: psutil.Process) -> list[tuple[int, str, str, int]]:
    """(pid, process name, address, port) of every socket ``root`` and its children listen on."""
    found = []
    for process in [root, *root.children(recursive=True)]:
        try:
            for connection in process.net_connections(kind="inet"):
                if connection.status == psutil.CONN_LISTEN:
                    found.append((process.pid, process.name(), connection.laddr.ip, connection.laddr.port))
        except psutil.Error:
            continue
    return found


def is_loopback(address: str) -> bool:
    return address in ("127.0.0.1", "::1") or address.startswith("::ffff:127.")


def arrivals_of(lake: Lake, records: list[str]) -> list:
    """The arrival of each record (naive UTC), as the job stored it in raw/ or dlq/, in the order
    of ``records`` (copies of one text arrive in the order they were sent): the reference's input
    for the rules that judge a record by its arrival."""
    from collections import defaultdict

    stored: dict[str, list] = defaultdict(list)
    for row in lake.rows("raw"):
        stored[row["record"]].append(row["arrival"])
    for row in lake.rows("dlq"):
        stored[row["raw"]].append(row["received_at"])
    for times in stored.values():
        times.sort(reverse=True)
    return [stored[record].pop() for record in records]
