-- CloudWatch metric PlayStarts (the jar's cloudwatch-metrics connector): one point per minute for
-- the total (device_type NULL: no DeviceType dimension) and one per device type, each with the
-- Application dimension. Sent in the background, never holding up a checkpoint.
create temporary table play_start_metrics_sink (
    `minute` timestamp(3),
    device_type string,
    play_starts bigint
) with (
    'connector' = 'cloudwatch-metrics',
    'metric-name' = 'PlayStarts',
    'unit' = 'Count',
    'timestamp-column' = 'minute',
    'value-column' = 'play_starts',
    'dimension-columns' = 'device_type=DeviceType',
{{ connection | options }}
)
