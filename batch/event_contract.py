"""The top-level fields of an event record (DESIGN §3, docs/contract.md), schema_version 1.

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
    "schema_version",
)
