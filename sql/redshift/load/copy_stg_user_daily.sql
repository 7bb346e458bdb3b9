-- copy_stg_user_daily: land one dt of curated/daily_user_engagement (Parquet) in stg_user_daily.
-- Grain: one row per user_id. Source: :source_uri, the dt=... prefix under curated/daily_user_engagement/.
-- COPY maps Parquet columns by position and skips files whose names start with '_' or '.'.
copy stg_user_daily
from :source_uri
iam_role :iam_role
format as parquet;
