-- Source of every record, exactly as received: one STRING column per Kinesis record or JSONL line.
-- event_time is parsed here (computed columns cannot reference each other, hence the one long
-- expression) because the watermark must be declared on the source table. A record whose event_ts
-- cannot be parsed gets 0001-01-01, which never advances the watermark; it is rejected downstream.
create temporary table events_source (
    `record` string,
    received_at as proctime(),
    event_time as coalesce(
        case
            -- a calendar-valid local time: it formats back to itself (2026-02-30 does not)
            when date_format(
                to_timestamp(regexp_extract(json_field_values(`record`)['event_ts'], '^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]{1,9})?(Z|z|[+-][0-9]{2}:?[0-9]{2})$', 1), 'yyyy-MM-dd''T''HH:mm:ss'),
                'yyyy-MM-dd''T''HH:mm:ss'
            ) = regexp_extract(json_field_values(`record`)['event_ts'], '^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]{1,9})?(Z|z|[+-][0-9]{2}:?[0-9]{2})$', 1)
            then timestampadd(
                minute,
                -1 * (
                    case
                        when regexp(json_field_values(`record`)['event_ts'], '(Z|z)$') then 0
                        else (
                            cast(regexp_extract(json_field_values(`record`)['event_ts'], '([+-])[0-9]{2}:?[0-9]{2}$', 1) || '1' as int)
                            * (
                                60 * cast(regexp_extract(json_field_values(`record`)['event_ts'], '[+-]([0-9]{2}):?[0-9]{2}$', 1) as int)
                                + cast(regexp_extract(json_field_values(`record`)['event_ts'], '[+-][0-9]{2}:?([0-9]{2})$', 1) as int)
                            )
                        )
                    end
                ),
                to_timestamp(
                    regexp_extract(json_field_values(`record`)['event_ts'], '^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]{1,9})?(Z|z|[+-][0-9]{2}:?[0-9]{2})$', 1)
                    || '.'
                    || rpad(
                        coalesce(
                            regexp_extract(
                                json_field_values(`record`)['event_ts'],
                                '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.([0-9]{1,3})[0-9]*(Z|z|[+-][0-9]{2}:?[0-9]{2})$',
                                1
                            ),
                            ''
                        ),
                        3,
                        '0'
                    ),
                    'yyyy-MM-dd''T''HH:mm:ss.SSS'
                )
            )
        end,
        timestamp '0001-01-01 00:00:00.000'
    ),
    watermark for event_time as event_time - interval {{ watermark_delay_seconds | literal }} second
) with (
{{ connector_options | options }}
)
