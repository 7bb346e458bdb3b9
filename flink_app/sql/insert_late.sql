-- late/: events that arrived at or behind the watermark, with every contract field and the time
-- they were received, partitioned by event time. Source: late_events.
insert into late_sink
select
    event_id, event_type, event_ts, user_id, device_id, device_type, country, title_id, position_ms,
    search_query, app_version, schema_version,
    date_format(received_at, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') as received_at,
    date_format(event_time, 'yyyy-MM-dd') as dt,
    date_format(event_time, 'HH') as hr
from late_events
