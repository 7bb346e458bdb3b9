"""Test oracles for the producer, written from DESIGN §3 without importing the producer.

``contract_violation(record)`` returns why a serialized record breaks the event contract (or None);
``instant_ms(event_ts)`` reads an ISO-8601 timestamp into epoch milliseconds; ``without_sent_at(record)``
is a record's JSON object without the ``sent_at`` a sink stamps on it. They are exposed as fixtures
so the test modules (imported with --import-mode=importlib) can share them.
"""

from __future__ import annotations

import calendar
import json
import re

import pytest

EVENT_TYPES = {"play", "pause", "resume", "seek", "heartbeat", "stop", "search", "browse"}
PLAYBACK = {"play", "pause", "resume", "seek", "heartbeat", "stop"}
DEVICE_TYPES = {"tv", "mobile", "tablet", "web", "console"}
ALWAYS_STRINGS = ("event_id", "event_type", "event_ts", "user_id", "device_id", "device_type", "country")
CONTRACT_FIELDS = set(ALWAYS_STRINGS) | {"title_id", "position_ms", "search_query", "app_version", "schema_version",
                                         "sent_at"}
# Length limits of the streaming job's validation (ids 1..256 chars, search_query at most 2048).
MAX_ID = 256
MAX_TEXT = 2048
_TS = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})(Z|([+-])(\d\d):(\d\d))$")


def instant_ms(text: str) -> int | None:
    match = _TS.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, millis = (int(match.group(i)) for i in range(1, 8))
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    if match.group(8) != "Z":
        sign = 1 if match.group(9) == "+" else -1
        seconds -= sign * (int(match.group(10)) * 3600 + int(match.group(11)) * 60)
    return seconds * 1000 + millis


def contract_violation(record: str) -> str | None:
    try:
        event = json.loads(record)
    except ValueError:
        return "not JSON"
    if not isinstance(event, dict):
        return "not an object"
    for name in (*ALWAYS_STRINGS, "schema_version"):
        if name not in event:
            return f"missing {name}"
    for name in ALWAYS_STRINGS:
        if not isinstance(event[name], str):
            return f"{name} not a string"
    if type(event["schema_version"]) is not int or event["schema_version"] != 1:
        return "schema_version not the integer 1"
    if event["event_type"] not in EVENT_TYPES:
        return "unknown event_type"
    if event["device_type"] not in DEVICE_TYPES:
        return "unknown device_type"
    if not re.fullmatch(r"[A-Z]{2}", event["country"]):
        return "country not alpha-2"
    if instant_ms(event["event_ts"]) is None:
        return "bad event_ts"
    for name in ("event_id", "user_id", "device_id"):
        if not 1 <= len(event[name]) <= MAX_ID:
            return f"{name} length"
    if "position_ms" in event:
        position = event["position_ms"]
        if type(position) is not int:
            return "position_ms not an integer"
        if position < 0:
            return "negative position_ms"
    if "title_id" in event and event["title_id"] is not None:
        if not isinstance(event["title_id"], str) or not 1 <= len(event["title_id"]) <= MAX_ID:
            return "bad title_id"
    if "search_query" in event:
        if not isinstance(event["search_query"], str):
            return "search_query not a string"
        if len(event["search_query"]) > MAX_TEXT:
            return "search_query too long"
    if "app_version" in event and not isinstance(event["app_version"], str):
        return "app_version not a string"
    if "sent_at" in event and (not isinstance(event["sent_at"], str) or instant_ms(event["sent_at"]) is None):
        return "bad sent_at"
    if event["event_type"] in PLAYBACK:
        if event.get("title_id") is None:
            return "playback without title_id"
        if "position_ms" not in event:
            return "playback without position_ms"
    if event["event_type"] == "search" and "search_query" not in event:
        return "search without search_query"
    return None


def without_sent_at(record: str) -> dict:
    """The record's JSON object as the device's event, without the ``sent_at`` stamped at sending."""
    event = json.loads(record)
    event.pop("sent_at", None)
    return event


@pytest.fixture(scope="session")
def check():
    """The oracles, as one namespace: check.violation(record), check.instant_ms(ts), sets of names."""

    class Oracles:
        violation = staticmethod(contract_violation)
        instant = staticmethod(instant_ms)
        without_sent_at = staticmethod(without_sent_at)
        playback = PLAYBACK
        contract_fields = CONTRACT_FIELDS

    return Oracles


class ListSink:
    """A producer sink that refuses nothing: ``given`` holds every record as it came, ``records`` its
    text as a real sink sends it — an event rendered with ``sent_at`` from a fake wall clock that
    starts at ``WALL_START_MS`` and moves 1 ms per record, a ``str`` as it is. The same records always
    give the same text."""

    WALL_START_MS = 1_772_323_200_000  # 2026-03-01T00:00:00.000Z

    def __init__(self):
        self.given: list = []
        self.records: list[str] = []

    def write(self, records):
        from producer.kinesis_writer import WriteReport

        for record in records:
            now_ms = self.WALL_START_MS + len(self.records)
            self.given.append(record)
            self.records.append(record if isinstance(record, str) else record.render(now_ms))
        return WriteReport.of(len(self.records), 0, 0, 1.0)


@pytest.fixture(scope="session")
def list_sink():
    """The ListSink class: each call makes a new, empty sink."""
    return ListSink
