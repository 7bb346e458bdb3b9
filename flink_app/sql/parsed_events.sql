-- Validation of DESIGN §3: each record gets its typed fields and, when it breaks the contract, the
-- first reason why (checked in order: size, JSON, object, required fields, types, enums, timestamp).
-- One row per source record; reject_reason is null for a valid event.
create temporary view parsed_events as
select
    `record`,
    received_at,
    event_time,
    event_id_value as event_id,
    event_type_value as event_type,
    event_ts_value as event_ts,
    user_id_value as user_id,
    device_id_value as device_id,
    device_type_value as device_type,
    country_value as country,
    title_id_value as title_id,
    case
        when regexp(position_ms_token, '^\[[0-9]{1,15}\]$')
            then cast(position_ms_value as bigint)
    end as position_ms,
    search_query_value as search_query,
    app_version_value as app_version,
    case
        when regexp(schema_version_token, '^\[[0-9]{1,9}\]$')
            then cast(schema_version_value as int)
    end as schema_version,
    case
        when char_length(`record`) > {{ max_record_chars }}
            then 'record longer than {{ max_record_chars }} characters'
        when not is_object then case when `record` is json then 'not a JSON object' else 'not valid JSON' end
        when event_id_token is null then 'missing required field: event_id'
        when event_type_token is null then 'missing required field: event_type'
        when event_ts_token is null then 'missing required field: event_ts'
        when user_id_token is null then 'missing required field: user_id'
        when device_id_token is null then 'missing required field: device_id'
        when device_type_token is null then 'missing required field: device_type'
        when country_token is null then 'missing required field: country'
        when schema_version_token is null then 'missing required field: schema_version'
        when not regexp(event_id_token, '^\["') then 'wrong type: event_id must be a string'
        when not regexp(event_type_token, '^\["') then 'wrong type: event_type must be a string'
        when not regexp(event_ts_token, '^\["') then 'wrong type: event_ts must be a string'
        when not regexp(user_id_token, '^\["') then 'wrong type: user_id must be a string'
        when not regexp(device_id_token, '^\["') then 'wrong type: device_id must be a string'
        when not regexp(device_type_token, '^\["') then 'wrong type: device_type must be a string'
        when not regexp(country_token, '^\["') then 'wrong type: country must be a string'
        when not regexp(schema_version_token, '^\[-?[0-9]+\]$')
            then 'wrong type: schema_version must be an integer'
        when schema_version_token <> '[1]' then 'unsupported schema_version: ' || schema_version_token
        when title_id_token is not null and not regexp(title_id_token, '^\["')
            then 'wrong type: title_id must be a string'
        when position_ms_token is not null and not regexp(position_ms_token, '^\[-?[0-9]+\]$')
            then 'wrong type: position_ms must be an integer'
        when position_ms_token is not null and not regexp(position_ms_token, '^\[[0-9]{1,15}\]$')
            then 'out of range: position_ms must be an integer between 0 and 999999999999999'
        when search_query_token is not null and not regexp(search_query_token, '^\["')
            then 'wrong type: search_query must be a string'
        when app_version_token is not null and not regexp(app_version_token, '^\["')
            then 'wrong type: app_version must be a string'
        when char_length(event_id_value) not between 1 and {{ max_id_chars }}
            then 'event_id must have 1 to {{ max_id_chars }} characters'
        when char_length(user_id_value) not between 1 and {{ max_id_chars }}
            then 'user_id must have 1 to {{ max_id_chars }} characters'
        when char_length(device_id_value) not between 1 and {{ max_id_chars }}
            then 'device_id must have 1 to {{ max_id_chars }} characters'
        when char_length(title_id_value) not between 1 and {{ max_id_chars }}
            then 'title_id must have 1 to {{ max_id_chars }} characters'
        when char_length(app_version_value) > {{ max_id_chars }}
            then 'app_version longer than {{ max_id_chars }} characters'
        when char_length(search_query_value) > {{ max_text_chars }}
            then 'search_query longer than {{ max_text_chars }} characters'
        when event_type_value
            not in ('play', 'pause', 'resume', 'seek', 'heartbeat', 'stop', 'search', 'browse')
            then 'unknown event_type: ' || substring(event_type_value from 1 for 64)
        when device_type_value not in ('tv', 'mobile', 'tablet', 'web', 'console')
            then 'unknown device_type: ' || substring(device_type_value from 1 for 64)
        when not regexp(country_value, '^[A-Z]{2}$')
            then 'country must be an ISO 3166-1 alpha-2 code'
        when event_time = timestamp '0001-01-01 00:00:00.000'
            then 'unparseable event_ts: expected ISO-8601 such as 2026-01-31T20:15:00.123Z'
        when event_type_value in ('play', 'pause', 'resume', 'seek', 'heartbeat', 'stop')
            and title_id_token is null
            then 'missing required field: title_id (playback event)'
        when event_type_value in ('play', 'pause', 'resume', 'seek', 'heartbeat', 'stop')
            and position_ms_token is null
            then 'missing required field: position_ms (playback event)'
        when event_type_value = 'search' and search_query_token is null
            then 'missing required field: search_query (search event)'
    end as reject_reason
from event_fields
