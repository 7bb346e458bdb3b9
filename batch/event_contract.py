"""The top-level fields of an event record (DESIGN §3, docs/contract.md), schema_version 1, in the
order of the late_events table's columns (``sent_at``: the device's clock when it sent the record,
optional).

Pure data, no imports: the workflow's data-quality Lambda bundles it to report fields that clients
send and the contract does not know (schema drift).
"""

from __future__ import annotations

EVENT_FIELDS: tuple[str, ...] = (
    "event_id",
    "event_type",
    "event_ts",
    "user_id",
    "device_id",
    "device_type",
    "country",
    "title_id",
    "position_ms",
    "search_query",
    "app_version",
    "sent_at",
    "schema_version",
)
