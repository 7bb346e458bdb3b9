-- Top-level fields of a bounded sample of one day's raw records (schema drift, raw_fields.py): one row per field.
-- Parameters: the dt (YYYY-MM-DD), then 24 S3 paths of the sampled data files (one an hour at most, the
-- last repeated to fill): only their record column is read, the rest of the day is pruned by dt and "$path".
with sampled as (
    select try(cast(json_parse(record) as map(varchar, json))) as record_fields
    from raw_events
    where
        dt = ?
        and "$path" in (
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?,
            ?
        )
),

totals as (
    select count(*) as sampled_records
    from sampled
)

select
    record_keys.field_name,
    count(*) as records,
    max(totals.sampled_records) as sampled_records
from sampled
cross join unnest(map_keys(sampled.record_fields)) as record_keys (field_name)
cross join totals
group by record_keys.field_name
