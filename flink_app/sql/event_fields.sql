-- Every top-level field of a record as its JSON token (e.g. ["u1"], [42], [null]), one parse per field.
-- Type checks downstream look at the token, so 42 and "42" are told apart.
-- One row per source record.
create temporary view event_fields as
select
    `record`,
    received_at,
    event_time,
    `record` is json object as is_object,
    `record` is json as is_json,
    json_query(`record`, '$.event_id' with array wrapper) as event_id_token,
    json_query(`record`, '$.event_type' with array wrapper) as event_type_token,
    json_query(`record`, '$.event_ts' with array wrapper) as event_ts_token,
    json_query(`record`, '$.user_id' with array wrapper) as user_id_token,
    json_query(`record`, '$.device_id' with array wrapper) as device_id_token,
    json_query(`record`, '$.device_type' with array wrapper) as device_type_token,
    json_query(`record`, '$.country' with array wrapper) as country_token,
    json_query(`record`, '$.title_id' with array wrapper) as title_id_token,
    json_query(`record`, '$.position_ms' with array wrapper) as position_ms_token,
    json_query(`record`, '$.search_query' with array wrapper) as search_query_token,
    json_query(`record`, '$.app_version' with array wrapper) as app_version_token,
    json_query(`record`, '$.schema_version' with array wrapper) as schema_version_token
from events_source
{%- if skip_blank_records %}
-- a blank line of a JSONL file is not a record
where char_length(trim(`record`)) > 0
{%- endif %}
