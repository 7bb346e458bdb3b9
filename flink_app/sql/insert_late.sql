-- late/: events at or behind the watermark when they arrived (first arrivals, and redeliveries of
-- event_ids the dedup had let go), with every contract field and their arrival, partitioned by
-- event time. Source: late_events (ViewingSessions in the jar).
insert into late_sink
select
    event_id, event_type, event_ts, user_id, device_id, device_type, country, title_id, position_ms,
    search_query, app_version, sent_at, schema_version,
    arrival as received_at,
    date_format(event_time, 'yyyy-MM-dd') as dt,
    date_format(event_time, 'HH') as hr
from late_events
