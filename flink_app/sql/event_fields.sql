-- Every top-level field of a record as its JSON token (e.g. ["u1"], [42]; a JSON null is absent),
-- and each scalar field's value as text, from one parse of the record. Type checks downstream look
-- at the token, so 42 and "42" differ; values are read only once the token's type is right.
-- One row per source record.
create temporary view event_fields as
select
    `record`,
    received_at,
    event_time,
    tokens is not null as is_object,
    tokens['event_id'] as event_id_token,
    tokens['event_type'] as event_type_token,
    tokens['event_ts'] as event_ts_token,
    tokens['user_id'] as user_id_token,
    tokens['device_id'] as device_id_token,
    tokens['device_type'] as device_type_token,
    tokens['country'] as country_token,
    tokens['title_id'] as title_id_token,
    tokens['position_ms'] as position_ms_token,
    tokens['search_query'] as search_query_token,
    tokens['app_version'] as app_version_token,
    tokens['schema_version'] as schema_version_token,
    field_values['event_id'] as event_id_value,
    field_values['event_type'] as event_type_value,
    field_values['event_ts'] as event_ts_value,
    field_values['user_id'] as user_id_value,
    field_values['device_id'] as device_id_value,
    field_values['device_type'] as device_type_value,
    field_values['country'] as country_value,
    field_values['title_id'] as title_id_value,
    field_values['position_ms'] as position_ms_value,
    field_values['search_query'] as search_query_value,
    field_values['app_version'] as app_version_value,
    field_values['schema_version'] as schema_version_value
from (
    select *, json_field_tokens(`record`) as tokens, json_field_values(`record`) as field_values
    from events_source
)
{%- if skip_blank_records %}
-- a blank line of a JSONL file is not a record
where char_length(trim(`record`)) > 0
{%- endif %}
