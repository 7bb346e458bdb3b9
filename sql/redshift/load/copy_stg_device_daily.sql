-- copy_stg_device_daily: land one dt of curated/daily_device_summary (Parquet) in stg_device_daily.
-- Grain: one row per (device_type, country). Source: :source_uri, a dt=... prefix of curated/daily_device_summary/.
-- COPY maps Parquet columns by position and skips files whose names start with '_' or '.'.
copy stg_device_daily
from :source_uri
iam_role :iam_role
format as parquet;
